//! [`MessageDecision`]: what becomes of a message about to be sent; [`Rewrite`]: a message
//! rewritten.

use std::borrow::Cow;

use super::MessageForbidCode;
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
