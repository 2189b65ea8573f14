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

use std::borrow::Cow;

use crate::event::live::MsgElement;

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

/// The answer to `Live.CallbackBeforeSendGift`: whether the gift is sent. The default is
/// [`Allow`](Self::Allow).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum GiftDecision {
    /// The gift is sent (`ErrorCode` 0).
    #[default]
    Allow,
    /// The gift is not sent (`ErrorCode` 1).
    Reject,
    /// The gift is not sent, and `code` and `message` reach the client.
    RejectWith {
        /// The code, within [102100, 102200].
        code: GiftRejectionCode,
        /// The message for the client (`ErrorInfo`): never a secret.
        message: Cow<'static, str>,
    },
}

impl GiftDecision {
    /// Rejects the gift, passing `code` and `message` to the client.
    pub fn reject_with(code: GiftRejectionCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::RejectWith {
            code,
            message: message.into(),
        }
    }

    /// The `ErrorCode` and `ErrorInfo` answered.
    pub(crate) fn code_and_info(&self) -> (i32, &str) {
        match self {
            Self::Allow => (0, ""),
            Self::Reject => (1, ""),
            Self::RejectWith { code, message } => (code.get(), message),
        }
    }
}

/// A message rewritten by the backend: the elements sent instead of the user's (at least
/// one), and optionally new `CloudCustomData`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewrite {
    msg_body: Vec<MsgElement>,
    cloud_custom_data: Option<String>,
}

impl Rewrite {
    /// The message `msg_body` instead of the user's; `None` when it is empty, which
    /// Tencent does not document.
    pub fn new(msg_body: Vec<MsgElement>) -> Option<Self> {
        (!msg_body.is_empty()).then_some(Self {
            msg_body,
            cloud_custom_data: None,
        })
    }

    /// With `CloudCustomData` replaced too.
    pub fn with_cloud_custom_data(mut self, data: impl Into<String>) -> Self {
        self.cloud_custom_data = Some(data.into());
        self
    }

    /// The elements sent instead.
    pub fn msg_body(&self) -> &[MsgElement] {
        &self.msg_body
    }

    /// The `CloudCustomData` sent instead, if any.
    pub fn cloud_custom_data(&self) -> Option<&str> {
        self.cloud_custom_data.as_deref()
    }
}

/// The answer to `Group.CallbackBeforeSendMsg`: what becomes of the message. The default is
/// [`Allow`](Self::Allow).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum MessageDecision {
    /// The message is sent as it is (`ErrorCode` 0).
    #[default]
    Allow,
    /// The message is not sent; the client gets error 10016 (`ErrorCode` 1).
    Forbid,
    /// The message is not sent, and the client is told it was (`ErrorCode` 2).
    Discard,
    /// The message is not sent, and `code` and `message` reach the client.
    ForbidWith {
        /// The code, within [10100, 10200].
        code: MessageForbidCode,
        /// The message for the client (`ErrorInfo`): never a secret.
        message: Cow<'static, str>,
    },
    /// The rewritten message is sent instead (`ErrorCode` 0 with `MsgBody`).
    Rewrite(Rewrite),
}

impl MessageDecision {
    /// Forbids the message, passing `code` and `message` to the client.
    pub fn forbid_with(code: MessageForbidCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::ForbidWith {
            code,
            message: message.into(),
        }
    }

    /// The `ErrorCode` and `ErrorInfo` answered.
    pub(crate) fn code_and_info(&self) -> (i32, &str) {
        match self {
            Self::Allow | Self::Rewrite(_) => (0, ""),
            Self::Forbid => (1, ""),
            Self::Discard => (2, ""),
            Self::ForbidWith { code, message } => (code.get(), message),
        }
    }
}
