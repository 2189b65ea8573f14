//! The decisions of the Chat before-callbacks but the messages' ([`super::message`]): group
//! and official-account requests, invitations, subscriptions, friend requests, and the
//! chatbot's reply.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::{C2cForbidCode, FriendRefusalCode, MessageForbidCode, PassedCode};
use crate::event::UserId;

/// Whether a request goes ahead: allowed, refused, or refused with a code of the range `C`
/// and a message passed through to the caller. Name the command's alias,
/// [`GroupRequestDecision`] or [`OfficialAccountCreationDecision`]: only those become an
/// [`Answer`](crate::Answer). The default is [`Allow`](Self::Allow).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RequestDecision<C> {
    /// The request goes ahead (`ErrorCode` 0).
    #[default]
    Allow,
    /// The request is refused (`ErrorCode` 1): the caller gets error 10016 for a group's,
    /// 20006 for an official account's.
    Refuse,
    /// The request is refused, and `code` and `message` reach the caller.
    RefuseWith {
        /// The code, within the command's range: [10100, 10200] for a group's,
        /// [120001, 130000] for an official account's.
        code: C,
        /// The message for the caller (`ErrorInfo`): never a secret.
        message: Cow<'static, str>,
    },
}

impl<C> RequestDecision<C> {
    /// Refuses the request, passing `code` and `message` to the caller.
    pub fn refuse_with(code: C, message: impl Into<Cow<'static, str>>) -> Self {
        Self::RefuseWith {
            code,
            message: message.into(),
        }
    }

    /// The `ErrorCode` and `ErrorInfo` answered.
    // The bound on the function, not the impl: the trait is the crate's own.
    pub(crate) fn code_and_info(&self) -> (i32, &str)
    where
        C: PassedCode,
    {
        match self {
            Self::Allow => (0, ""),
            Self::Refuse => (1, ""),
            Self::RefuseWith { code, message } => (code.error_code(), message),
        }
    }
}

/// The answer to `Group.CallbackBeforeCreateGroup`, `Group.CallbackBeforeApplyJoinGroup`
/// and `Group.CallbackBeforeCreateTopic`: whether the group or topic is created, whether
/// the application to join goes on (to an administrator's approval, where the group wants
/// one). Codes passed through within [10100, 10200].
///
/// Pages: trtc.io/document/34368, 34370, 49463.
pub type GroupRequestDecision = RequestDecision<MessageForbidCode>;

/// The answer to `OfficialAccount.CallbackBeforeCreateOfficialAccount`: whether the official
/// account is created. Codes passed through within [120001, 130000].
///
/// Page: trtc.io/document/60795.
pub type OfficialAccountCreationDecision = RequestDecision<C2cForbidCode>;

/// Users refused while the others go ahead: one at least (an empty list is the whole
/// request allowed, which is [`Allow`](InviteDecision::Allow)'s to say).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefusedUsers {
    users: Vec<UserId>,
}

impl RefusedUsers {
    /// `users`, refused; `None` when there is none.
    pub fn new<U: Into<UserId>>(users: impl IntoIterator<Item = U>) -> Option<Self> {
        let users: Vec<UserId> = users.into_iter().map(Into::into).collect();
        (!users.is_empty()).then_some(Self { users })
    }

    /// The users refused, as given.
    pub fn users(&self) -> &[UserId] {
        &self.users
    }
}

/// The answer to `Group.CallbackBeforeInviteJoinGroup`: whether the users invited are added.
/// The default is [`Allow`](Self::Allow).
///
/// Page: trtc.io/document/34371.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum InviteDecision {
    /// The users are added (`ErrorCode` 0).
    #[default]
    Allow,
    /// The whole request is refused (`ErrorCode` 1).
    Refuse,
    /// The whole request is refused, and `code` and `message` reach the caller.
    RefuseWith {
        /// The code, within [10100, 10200].
        code: MessageForbidCode,
        /// The message for the caller (`ErrorInfo`): never a secret.
        message: Cow<'static, str>,
    },
    /// The users listed are not added, the others are (`ErrorCode` 0 with
    /// `RefusedMembers_Account`).
    RefuseSome(RefusedUsers),
}

impl InviteDecision {
    /// Refuses the whole request, passing `code` and `message` to the caller.
    pub fn refuse_with(code: MessageForbidCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::RefuseWith {
            code,
            message: message.into(),
        }
    }

    /// Refuses `users` and adds the others; `None` when `users` is empty.
    pub fn refuse_some<U: Into<UserId>>(users: impl IntoIterator<Item = U>) -> Option<Self> {
        RefusedUsers::new(users).map(Self::RefuseSome)
    }

    /// The `ErrorCode` and `ErrorInfo` answered.
    pub(crate) fn code_and_info(&self) -> (i32, &str) {
        match self {
            Self::Allow | Self::RefuseSome(_) => (0, ""),
            Self::Refuse => (1, ""),
            Self::RefuseWith { code, message } => (code.get(), message),
        }
    }
}

/// The answer to `OfficialAccount.CallbackBeforeAddSubscriber`: whether the users subscribe.
/// The page documents no code of the backend's own for it. The default is
/// [`Allow`](Self::Allow).
///
/// Page: trtc.io/document/60799.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SubscriberDecision {
    /// The users subscribe (`ErrorCode` 0).
    #[default]
    Allow,
    /// The whole request is refused (`ErrorCode` 1).
    Refuse,
    /// The users listed do not subscribe, the others do (`ErrorCode` 0 with
    /// `RefusedSubscribers_Account`).
    RefuseSome(RefusedUsers),
}

impl SubscriberDecision {
    /// Refuses `users` and lets the others subscribe; `None` when `users` is empty.
    pub fn refuse_some<U: Into<UserId>>(users: impl IntoIterator<Item = U>) -> Option<Self> {
        RefusedUsers::new(users).map(Self::RefuseSome)
    }

    /// The `ErrorCode` answered.
    pub(crate) fn code(&self) -> i32 {
        match self {
            Self::Allow | Self::RefuseSome(_) => 0,
            Self::Refuse => 1,
        }
    }
}

/// The answer to `Sns.CallbackPrevFriendAdd` and `Sns.CallbackPrevFriendResponse`: which of
/// the users requested are refused. The default allows everyone.
///
/// Tencent wants one `ResultItem` a user requested, so the answer is made with the users of
/// the request, by [`answer`](Self::answer): one item each, in the request's order, allowed
/// (`ResultCode` 0) unless refused here. A refusal of a user the request does not name is
/// left out of the answer. The layer answers so in handler mode; in extension mode, call
/// [`answer`](Self::answer) with the request's users.
///
/// Pages: trtc.io/document/43468, 43467.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FriendDecision {
    /// The users refused: a later refusal of a user replaces the earlier one.
    refused: BTreeMap<UserId, (FriendRefusalCode, Cow<'static, str>)>,
}

impl FriendDecision {
    /// Refuses the friendship with `user`, answering `code` and `info` in its item
    /// (`ResultCode`, `ResultInfo`). Refusing a user again replaces the refusal.
    pub fn refuse(
        mut self,
        user: impl Into<UserId>,
        code: FriendRefusalCode,
        info: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.refused.insert(user.into(), (code, info.into()));
        self
    }

    /// The refusal of `user`, if refused: its code and `ResultInfo`.
    pub fn refusal(&self, user: &str) -> Option<(FriendRefusalCode, &str)> {
        let (code, info) = self.refused.get(user)?;
        Some((*code, info))
    }

    /// The `ResultCode` and `ResultInfo` of `user`'s item: 0 and nothing unless refused.
    pub(crate) fn result_of(&self, user: &str) -> (i32, &str) {
        self.refusal(user)
            .map_or((0, ""), |(code, info)| (code.get(), info))
    }
}

/// The answer to `Chatbot.OnC2CSignalMessage`: the custom content replied to the chatbot
/// (`RspData`), or nothing. The default is [`Ignore`](Self::Ignore): a handler with nothing
/// to say sends the chatbot nothing, rather than an empty string it would have to read.
///
/// `RspData` is marked required, so it is always answered: empty when ignored.
///
/// Page: tencentcloud.com/document/product/1047/59057.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ChatbotReply {
    /// `RspData` is passed to the chatbot (`ErrorCode` 0): custom pass-through content,
    /// JSON text in the page's sample.
    Reply(String),
    /// `RspData` is ignored (`ErrorCode` 1, `RspData` empty).
    #[default]
    Ignore,
}

impl ChatbotReply {
    /// Replies `data` to the chatbot.
    pub fn reply(data: impl Into<String>) -> Self {
        Self::Reply(data.into())
    }

    /// Replies `value` as JSON text, the page sample's form.
    pub fn reply_json<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::to_string(value).map(Self::Reply)
    }

    /// The `ErrorCode` and `RspData` answered.
    pub(crate) fn code_and_data(&self) -> (i32, &str) {
        match self {
            Self::Reply(data) => (0, data),
            Self::Ignore => (1, ""),
        }
    }
}
