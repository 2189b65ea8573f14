//! The answers of the before-callbacks, which decide whether what a user asked for happens,
//! and of `Chatbot.OnC2CSignalMessage`, whose answer carries data back to a chatbot.
//!
//! Each decision is a type whose values are exactly the answers Tencent documents, so an
//! undocumented answer cannot be built: a code passed through to the client only through a
//! type that holds the command's documented range ([`GiftRejectionCode`],
//! [`MessageForbidCode`], [`C2cForbidCode`], [`FriendRefusalCode`]), a rewritten message of
//! one element at least, a refusal of some users that names one user at least. A handler
//! returns them, and in extension mode the application's route answers with
//! `Answer::from(decision)` (a friend request's with [`FriendDecision::answer`], which needs
//! the users requested). Each type's default is Tencent's "allow" (the chatbot's reply's,
//! "ignore").
//!
//! | command | decision |
//! | --- | --- |
//! | `Live.CallbackBeforeSendGift` | [`GiftDecision`] |
//! | `Group.CallbackBeforeSendMsg` | [`MessageDecision`] |
//! | `C2C.CallbackBeforeSendMsg` | [`C2cMessageDecision`] |
//! | `OfficialAccount.CallbackBeforeSendMsg` | [`OfficialAccountMessageDecision`] |
//! | `Group.CallbackBeforeCreateGroup`, `Group.CallbackBeforeApplyJoinGroup`, `Group.CallbackBeforeCreateTopic` | [`GroupRequestDecision`] |
//! | `Group.CallbackBeforeInviteJoinGroup` | [`InviteDecision`] |
//! | `OfficialAccount.CallbackBeforeCreateOfficialAccount` | [`OfficialAccountCreationDecision`] |
//! | `OfficialAccount.CallbackBeforeAddSubscriber` | [`SubscriberDecision`] |
//! | `Sns.CallbackPrevFriendAdd`, `Sns.CallbackPrevFriendResponse` | [`FriendDecision`] |
//! | `Chatbot.OnC2CSignalMessage` | [`ChatbotReply`] |
//!
//! The three message decisions are one enum, [`SendDecision`], and the two "allow or refuse"
//! ones one enum, [`RequestDecision`], each over the type of the code it passes through: the
//! commands differ in that range alone. The aliases fix it, so that `MessageDecision::Allow`
//! needs no annotation, and only the documented pairs become an [`Answer`](crate::Answer).
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
//! The Chat ones alike; a friend request is answered one item per user requested:
//!
//! ```
//! use tencent_room_webhook::decision::{C2cForbidCode, C2cMessageDecision, FriendDecision, FriendRefusalCode};
//! use tencent_room_webhook::event::UserId;
//! use tencent_room_webhook::Answer;
//!
//! let spam = C2cForbidCode::new(120001).expect("within [120001, 130000]");
//! let answer = Answer::from(C2cMessageDecision::forbid_with(spam, "slow down"));
//! assert_eq!(
//!     answer.to_json(),
//!     r#"{"ActionStatus":"OK","ErrorInfo":"slow down","ErrorCode":120001}"#
//! );
//!
//! let blocked = FriendRefusalCode::new(38001).expect("within [38000, 39000]");
//! let decision = FriendDecision::default().refuse("mallory", blocked, "blocked");
//! let requested = [UserId::from("alice"), UserId::from("mallory")];
//! assert_eq!(
//!     decision.answer(&requested).to_json(),
//!     concat!(
//!         r#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"ResultItem":["#,
//!         r#"{"To_Account":"alice","ResultCode":0,"ResultInfo":""},"#,
//!         r#"{"To_Account":"mallory","ResultCode":38001,"ResultInfo":"blocked"}]}"#,
//!     )
//! );
//! ```
//!
//! # What Tencent does with each answer
//!
//! Every decision is answered `ActionStatus` `OK`; the `ErrorCode` (and the members after it)
//! decide. "Passed through" means the client that asked gets the code and `ErrorInfo`:
//! never put a secret in the message.
//!
//! **`Live.CallbackBeforeSendGift`**: [`GiftDecision`]
//!
//! | answer | `ErrorCode` | Tencent |
//! | --- | --- | --- |
//! | [`GiftDecision::Allow`] | 0 | the gift is sent |
//! | [`GiftDecision::Reject`] | 1 | the gift is not sent |
//! | [`GiftDecision::RejectWith`] | 102100–102200 | not sent; the code and message are passed through |
//!
//! **`Group.CallbackBeforeSendMsg`**: [`MessageDecision`]
//!
//! | answer | `ErrorCode` | Tencent |
//! | --- | --- | --- |
//! | [`MessageDecision::Allow`] | 0 | sent as it is |
//! | [`MessageDecision::Forbid`] | 1 | not sent; the sender gets error 10016 |
//! | [`MessageDecision::Discard`] | 2 | not sent; the sender is told it was |
//! | [`MessageDecision::ForbidWith`] | 10100–10200 | not sent; the code and message are passed through |
//! | [`MessageDecision::Rewrite`] | 0, `MsgBody`, `CloudCustomData` | the rewritten message is sent instead |
//!
//! **`C2C.CallbackBeforeSendMsg`**: [`C2cMessageDecision`]
//!
//! | answer | `ErrorCode` | Tencent |
//! | --- | --- | --- |
//! | [`C2cMessageDecision::Allow`] | 0 | delivered as it is |
//! | [`C2cMessageDecision::Forbid`] | 1 | not delivered; the sender gets error 20006 |
//! | [`C2cMessageDecision::Discard`] | 2 | not delivered; the sender is told it was |
//! | [`C2cMessageDecision::ForbidWith`] | 120001–130000 | not delivered; the code and message are passed through |
//! | [`C2cMessageDecision::Rewrite`] | 0, `MsgBody`, `CloudCustomData` | the rewritten message is delivered instead (and is what the after-send callback reports) |
//!
//! **`OfficialAccount.CallbackBeforeSendMsg`**: [`OfficialAccountMessageDecision`]
//!
//! | answer | `ErrorCode` | Tencent |
//! | --- | --- | --- |
//! | [`OfficialAccountMessageDecision::Allow`] | 0 | the broadcast is delivered as it is |
//! | [`OfficialAccountMessageDecision::Forbid`] | 1 | not delivered; the requester gets error 10016 |
//! | [`OfficialAccountMessageDecision::Discard`] | 2 | not delivered, silently |
//! | [`OfficialAccountMessageDecision::ForbidWith`] | 120001–130000 (the one-to-one range) | not delivered; the code and message are passed through |
//! | [`OfficialAccountMessageDecision::Rewrite`] | 0, `MsgBody`, `CloudCustomData` | the rewritten broadcast is delivered instead |
//!
//! **`Group.CallbackBeforeCreateGroup`, `Group.CallbackBeforeApplyJoinGroup`,
//! `Group.CallbackBeforeCreateTopic`**: [`GroupRequestDecision`]
//!
//! | answer | `ErrorCode` | Tencent |
//! | --- | --- | --- |
//! | [`GroupRequestDecision::Allow`] | 0 | the group or topic is created; the application to join goes on (an administrator's approval, where the group wants one, still applies) |
//! | [`GroupRequestDecision::Refuse`] | 1 | refused; the caller gets error 10016 |
//! | [`GroupRequestDecision::RefuseWith`] | 10100–10200 | refused; the code and message are passed through |
//!
//! **`Group.CallbackBeforeInviteJoinGroup`**: [`InviteDecision`]
//!
//! | answer | `ErrorCode` | Tencent |
//! | --- | --- | --- |
//! | [`InviteDecision::Allow`] | 0 | the users are added |
//! | [`InviteDecision::Refuse`] | 1 | the whole request is refused (the page does not say which error the caller gets) |
//! | [`InviteDecision::RefuseWith`] | 10100–10200 | refused; the code and message are passed through |
//! | [`InviteDecision::RefuseSome`] | 0, `RefusedMembers_Account` | the users listed are not added, the others are (what the caller sees for them is not documented) |
//!
//! **`OfficialAccount.CallbackBeforeCreateOfficialAccount`**: [`OfficialAccountCreationDecision`]
//!
//! | answer | `ErrorCode` | Tencent |
//! | --- | --- | --- |
//! | [`OfficialAccountCreationDecision::Allow`] | 0 | the official account is created |
//! | [`OfficialAccountCreationDecision::Refuse`] | 1 | not created; the REST caller gets error 20006 |
//! | [`OfficialAccountCreationDecision::RefuseWith`] | 120001–130000 | not created; the code and message are passed through |
//!
//! **`OfficialAccount.CallbackBeforeAddSubscriber`**: [`SubscriberDecision`]
//!
//! | answer | `ErrorCode` | Tencent |
//! | --- | --- | --- |
//! | [`SubscriberDecision::Allow`] | 0 | the users subscribe |
//! | [`SubscriberDecision::Refuse`] | 1 | the whole request is refused |
//! | [`SubscriberDecision::RefuseSome`] | 0, `RefusedSubscribers_Account` | the users listed do not subscribe, the others do (the page's prose says `RefusedMembers_Account`; its table and sample, followed here, `RefusedSubscribers_Account`) |
//!
//! No code of the backend's own is documented for it, so none is offered.
//!
//! **`Sns.CallbackPrevFriendAdd`, `Sns.CallbackPrevFriendResponse`**: [`FriendDecision`],
//! answered `ErrorCode` 0 and one `ResultItem` a user requested
//!
//! | answer | the user's `ResultItem` | Tencent |
//! | --- | --- | --- |
//! | the user not refused (everyone, by default) | `ResultCode` 0 | the friendship with that user goes ahead |
//! | [`FriendDecision::refuse`] | `ResultCode` 38000–39000, `ResultInfo` | refused for that user (whether `ResultInfo` reaches the client is not documented) |
//!
//! **`Chatbot.OnC2CSignalMessage`** (not a before-callback: its answer carries data):
//! [`ChatbotReply`]
//!
//! | answer | `ErrorCode` | Tencent |
//! | --- | --- | --- |
//! | [`ChatbotReply::Reply`] | 0, `RspData` | `RspData` is passed to the chatbot |
//! | [`ChatbotReply::Ignore`] (the default) | 1, `RspData` `""` | `RspData` is ignored: nothing reaches the chatbot |
//!
//! # A handler's error, a panic or a deadline
//!
//! The layer answers a FAIL, with the HTTP status of any FAIL: 200 for a handler's error
//! (or the status it set with [`HandlerError::with_status`](crate::HandlerError::with_status)),
//! 500 for a panic, 504 at a deadline. Tencent counts a status other than 200, like no answer
//! within 2 s, as a failed callback, and handles a before-callback that failed by the
//! console's **policy for before-event callback failure** (by default the event proceeds):
//!
//! | command | Tencent, on a FAIL or no answer within 2 s |
//! | --- | --- |
//! | `Live.CallbackBeforeSendGift` | the gift is **blocked**, whatever the console's policy (Live's own default; its non-blocking mode, `Live.CallbackBeforeCallBackNotBlock`, lets it through instead) |
//! | `Group.CallbackBeforeSendMsg`, `C2C.CallbackBeforeSendMsg` | the console's policy: by default the message is **delivered**; set not to proceed, it is not, and the sender gets error 80003 |
//! | `OfficialAccount.CallbackBeforeSendMsg` | the console's policy, by default delivered (that the policy covers official accounts is not stated) |
//! | `Group.CallbackBeforeCreateGroup`, `…BeforeApplyJoinGroup`, `…BeforeInviteJoinGroup`, `…BeforeCreateTopic` | the console's policy, by default the request proceeds (the page's example of the policy is the group message's; that it covers these is not stated) |
//! | `OfficialAccount.CallbackBeforeCreateOfficialAccount`, `…BeforeAddSubscriber` | the same: the console's policy, by default the request proceeds (coverage not stated) |
//! | `Sns.CallbackPrevFriendAdd`, `Sns.CallbackPrevFriendResponse` | a non-zero top-level `ErrorCode` means the backend failed, and the request is **let through** (默认放过); a failed callback goes by the console's policy, by default proceeding |
//! | `Chatbot.OnC2CSignalMessage` | a failure, the page's `ErrorCode` 1: `RspData` is ignored, nothing reaches the chatbot (a FAIL's code is the handler's, not 1, and it carries no `RspData`, which the page marks required: what Tencent makes of that is not documented) |
//!
//! This is deliberate: the layer never invents a decision the handler did not make. A
//! failure leaves the event to the policy the operator chose in the console (a backend that
//! must see every message before it is delivered sets it not to proceed); a handler that
//! wants its own answer when it fails returns that decision instead of an error. What Tencent
//! makes of a FAIL with status 200 is not documented (it may read the non-zero code as the
//! message callbacks' "forbid"): a handler that wants the console's policy for certain sets a
//! status other than 200 with [`HandlerError::with_status`](crate::HandlerError::with_status).
//!
//! Note the opposite defaults: a backend that fails or is slow blocks gifts but lets
//! messages through. The layer never answers a before-callback without a decision: it
//! does not queue it in the answer-first mode, treats a deadline's
//! [`Detach`](crate::OnDeadline::Detach) as [`Cancel`](crate::OnDeadline::Cancel) for it
//! (a 504 FAIL: a gift blocked), and does not de-duplicate it (a duplicate answered OK
//! would let a gift through that nobody charged).
//!
//! # Sources
//!
//! Tencent's pages: the callback overview (failures, the console's policy, the 2 s deadline),
//! trtc.io/document/34354; the Chat error codes (10016, 20006, 80003, the [120001, 130000]
//! range), tencentcloud.com/document/product/1047/34348; and each command's page:
//! trtc.io/document/72210 (gift), 34374 (group message), 34364 (one-to-one message), 34368
//! (create group), 34370 (apply to join), 34371 (invite), 49463 (create topic), 60795
//! (create official account), 60799 (add subscriber), 60803 (official-account message),
//! 43468 and 43467 (friend add and response), and
//! tencentcloud.com/document/product/1047/59057 (chatbot signal message).

mod chat;
mod live;
mod message;

pub use self::chat::{
    ChatbotReply, FriendDecision, GroupRequestDecision, InviteDecision,
    OfficialAccountCreationDecision, RefusedUsers, RequestDecision, SubscriberDecision,
};
pub use self::live::GiftDecision;
pub use self::message::{
    C2cMessageDecision, MessageDecision, OfficialAccountMessageDecision, Rewrite, SendDecision,
};

/// A code of a documented range, read as the `ErrorCode` it is answered as: what lets one
/// generic decision answer the code of whichever range it holds.
pub(crate) trait PassedCode: Copy {
    /// The code.
    fn error_code(self) -> i32;
}

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

        impl PassedCode for $name {
            fn error_code(self) -> i32 {
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
    /// A code passed through to the client by a group's before-callback: one of
    /// [10100, 10200]. A message forbidden (`Group.CallbackBeforeSendMsg`), and a group
    /// created, joined, invited to or given a topic refused.
    MessageForbidCode, 10_100, 10_200
}

passed_code! {
    /// A code passed through to the client by a one-to-one or official-account
    /// before-callback: one of [120001, 130000], which Tencent's error-code page files as the
    /// one-to-one callback's own. A one-to-one message or an official account's broadcast
    /// forbidden, an official account's creation refused.
    C2cForbidCode, 120_001, 130_000
}

passed_code! {
    /// A friend request refused for one user (`ResultItem[].ResultCode` of
    /// `Sns.CallbackPrevFriendAdd` and `Sns.CallbackPrevFriendResponse`): one of
    /// [38000, 39000], the range the pages give for a refusal.
    FriendRefusalCode, 38_000, 39_000
}
