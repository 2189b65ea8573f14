//! [`GiftDecision`]: the answer to `Live.CallbackBeforeSendGift`.

use std::borrow::Cow;

use super::GiftRejectionCode;

/// The answer to `Live.CallbackBeforeSendGift`: whether the gift is sent. The default is
/// [`Allow`](Self::Allow).
///
/// Page: trtc.io/document/72210.
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
