//! [`SendDecision`]: what becomes of a message about to be sent, for the group, one-to-one
//! and official-account message before-callbacks; [`Rewrite`]: a message rewritten.

use std::borrow::Cow;

use super::{C2cForbidCode, MessageForbidCode, PassedCode};
use crate::event::live::MsgElement;

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

/// What becomes of a message about to be sent. The three message before-callbacks answer
/// alike but for the range of the code passed through, `C`: name the command's alias,
/// [`MessageDecision`] (a group's), [`C2cMessageDecision`] (one-to-one) or
/// [`OfficialAccountMessageDecision`]. Only those become an [`Answer`](crate::Answer). The
/// default is [`Allow`](Self::Allow).
///
/// A code of another command's range does not fit:
///
/// ```compile_fail,E0308
/// use tencent_room_webhook::decision::{C2cMessageDecision, MessageForbidCode};
///
/// // A group's code: the one-to-one page passes through [120001, 130000] only.
/// let code = MessageForbidCode::new(10100).unwrap();
/// let _ = C2cMessageDecision::forbid_with(code, "no");
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum SendDecision<C> {
    /// The message is sent as it is (`ErrorCode` 0).
    #[default]
    Allow,
    /// The message is not sent, and the sender gets an error (`ErrorCode` 1): 10016 for a
    /// group's or an official account's, 20006 for a one-to-one message.
    Forbid,
    /// The message is not sent, and the sender is told it was (`ErrorCode` 2).
    Discard,
    /// The message is not sent, and `code` and `message` reach the sender.
    ForbidWith {
        /// The code, within the command's range: [10100, 10200] for a group's message,
        /// [120001, 130000] for a one-to-one or an official account's.
        code: C,
        /// The message for the client (`ErrorInfo`): never a secret.
        message: Cow<'static, str>,
    },
    /// The rewritten message is sent instead (`ErrorCode` 0 with `MsgBody`).
    Rewrite(Rewrite),
}

impl<C> SendDecision<C> {
    /// Forbids the message, passing `code` and `message` to the sender.
    pub fn forbid_with(code: C, message: impl Into<Cow<'static, str>>) -> Self {
        Self::ForbidWith {
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
            Self::Allow | Self::Rewrite(_) => (0, ""),
            Self::Forbid => (1, ""),
            Self::Discard => (2, ""),
            Self::ForbidWith { code, message } => (code.error_code(), message),
        }
    }
}

/// The answer to `Group.CallbackBeforeSendMsg` (a room's or any group's message): codes
/// passed through within [10100, 10200].
///
/// Page: trtc.io/document/34374.
pub type MessageDecision = SendDecision<MessageForbidCode>;

/// The answer to `C2C.CallbackBeforeSendMsg`: codes passed through within
/// [120001, 130000].
///
/// Page: trtc.io/document/34364.
pub type C2cMessageDecision = SendDecision<C2cForbidCode>;

/// The answer to `OfficialAccount.CallbackBeforeSendMsg`: the same type as
/// [`C2cMessageDecision`], the page giving the same range, [120001, 130000].
///
/// Page: trtc.io/document/60803.
pub type OfficialAccountMessageDecision = SendDecision<C2cForbidCode>;
