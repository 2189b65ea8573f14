//! The answers of the before-callbacks, which decide: whether a gift goes through
//! (`Live.CallbackBeforeSendGift`), and what becomes of a room message
//! (`Group.CallbackBeforeSendMsg`).
//!
//! Each decision is a type whose values are exactly the answers Tencent documents, so an
//! undocumented answer cannot be built: a gift is allowed, rejected, or rejected with a
//! code from [102100, 102200] and a message passed to the client; a message is allowed,
//! forbidden, discarded silently, forbidden with a code from [10100, 10200] and a message,
//! or allowed rewritten. A [`LiveHandler`](crate::handler::LiveHandler) returns them, and
//! in extension mode the application's route answers with `Answer::from(decision)`.
//!
//! ```
//! use tencent_room_webhook::decision::{GiftDecision, GiftRejectionCode, MessageDecision, Rewrite};
//! use tencent_room_webhook::event::live::MsgElement;
//! use tencent_room_webhook::Answer;
//!
//! let broke = GiftRejectionCode::new(102101).expect("within [102100, 102200]");
//! let answer = Answer::from(GiftDecision::reject_with(broke, "not enough coins"));
//! assert_eq!(
//!     answer.to_json(),
//!     r#"{"ActionStatus":"OK","ErrorInfo":"not enough coins","ErrorCode":102101}"#
//! );
//! assert!(GiftRejectionCode::new(4).is_none());
//!
//! let kinder = Rewrite::new(vec![MsgElement::text("***")]).expect("one element at least");
//! let answer = Answer::from(MessageDecision::Rewrite(kinder));
//! assert_eq!(
//!     answer.to_json(),
//!     r#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"***"}}]}"#
//! );
//! ```
//!
//! # What Tencent does with each answer
//!
//! | callback | answer | Tencent |
//! | --- | --- | --- |
//! | gift | [`GiftDecision::Allow`] (`ErrorCode` 0) | the gift is sent |
//! | gift | [`GiftDecision::Reject`] (1) | the gift is not sent |
//! | gift | [`GiftDecision::RejectWith`] (102100–102200) | not sent; the code and message are passed through to the client |
//! | gift | a FAIL (the handler's error, a panic, the layer's own refusal), or no answer within 2 s | the gift is **blocked** (Tencent's default; its non-blocking mode, `Live.CallbackBeforeCallBackNotBlock`, lets it through instead) |
//! | message | [`MessageDecision::Allow`] (0) | sent as it is |
//! | message | [`MessageDecision::Forbid`] (1) | not sent; the client gets error 10016 |
//! | message | [`MessageDecision::Discard`] (2) | not sent; the client is told it was |
//! | message | [`MessageDecision::ForbidWith`] (10100–10200) | not sent; the code and message are passed through to the client |
//! | message | [`MessageDecision::Rewrite`] (0, `MsgBody`, `CloudCustomData`) | the rewritten message is sent instead |
//! | message | a FAIL, or no answer within 2 s | Chat's default for a before-callback that fails or times out is to **deliver** the message (configurable in the console); the Live pages do not say |
//!
//! Note the opposite defaults: a backend that fails or is slow blocks gifts but lets
//! messages through. The layer never answers a before-callback without a decision: it
//! does not queue it in the answer-first mode, treats a deadline's
//! [`Detach`](crate::OnDeadline::Detach) as [`Cancel`](crate::OnDeadline::Cancel) for it
//! (a 504 FAIL: a gift blocked), and does not de-duplicate it (a duplicate answered OK
//! would let a gift through that nobody charged).

mod live;
mod message;

pub use self::live::GiftDecision;
pub use self::message::{MessageDecision, Rewrite};

/// A code type holding only the codes in `MIN..=MAX`: what Tencent passes through.
macro_rules! passed_code {
    ($(#[$meta:meta])* $name:ident, $min:literal, $max:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(i32);

        impl $name {
            /// The least code Tencent passes through.
            pub const MIN: i32 = $min;
            /// The greatest code Tencent passes through.
            pub const MAX: i32 = $max;

            /// `code`, if it is within [`MIN`](Self::MIN)..=[`MAX`](Self::MAX).
            pub const fn new(code: i32) -> Option<Self> {
                if code >= Self::MIN && code <= Self::MAX {
                    Some(Self(code))
                } else {
                    None
                }
            }

            /// The code.
            pub const fn get(self) -> i32 {
                self.0
            }
        }
    };
}

passed_code! {
    /// A code passed through to the client that sent a gift: one of [102100, 102200].
    GiftRejectionCode, 102_100, 102_200
}

passed_code! {
    /// A code passed through to the client whose message is forbidden: one of [10100, 10200].
    MessageForbidCode, 10_100, 10_200
}
