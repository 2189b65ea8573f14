//! How a callback ended, said once: on its span, in the metrics, in the logs, and as the
//! response Tencent reads.

use std::borrow::Cow;

use bytes::Bytes;
use http::{Response, StatusCode};
use http_body_util::Full;
use tracing::Span;

use crate::answer::{Answer, Refusal};
use crate::metrics;
use crate::query::CallbackContext;
use crate::warnings::Warnings;

/// What follows a callback that passed the checks to its answer: its span, where the room
/// and the outcome are recorded as they become known (never the body, a token or `Sign`),
/// and its command as a metrics label.
#[derive(Debug, Clone)]
pub(crate) struct Trace {
    pub(crate) span: Span,
    /// One of the commands the crate knows, or `other`: a sender cannot make labels
    /// without bound. `None` before the checks.
    command: Option<&'static str>,
}

impl Trace {
    pub(crate) fn new(context: &CallbackContext) -> Self {
        let span = tracing::debug_span!(
            "room_callback",
            sdk_app_id = %context.sdk_app_id,
            command = %context.command,
            room_id = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let command = match context.command {
            Cow::Borrowed(known) => known,
            Cow::Owned(_) => "other",
        };
        Self {
            span,
            command: Some(command),
        }
    }

    /// The trace of a request refused by the checks, before any span exists.
    pub(crate) fn none() -> Self {
        Self {
            span: Span::none(),
            command: None,
        }
    }

    /// The command's metrics label.
    pub(crate) fn command(&self) -> &'static str {
        self.command.unwrap_or("other")
    }

    /// Records how the callback ended on its span and in the metrics.
    pub(crate) fn record(&self, outcome: &'static str) {
        // A disabled span still reaches for the `log` crate when tracing's `log` feature is
        // on somewhere in the build.
        if !self.span.is_disabled() {
            self.span.record("outcome", outcome);
        }
        if let Some(command) = self.command {
            metrics::callback(command, outcome);
        }
    }

    /// The layer's OK, recorded as `outcome`.
    pub(crate) fn ok(&self, outcome: &'static str) -> Response<Full<Bytes>> {
        self.record(outcome);
        Answer::ok().into_response_with_status(StatusCode::OK)
    }

    /// A refusal's answer. Misconfiguration and attacks are warned about, rate-limited; the
    /// other refusals are the sender's mistakes, logged at `debug`.
    pub(crate) fn refused(&self, warnings: &Warnings, refusal: Refusal) -> Response<Full<Bytes>> {
        self.record("refused");
        let code = refusal.code();
        metrics::refused(code);
        let (status, code_value) = (refusal.status().as_u16(), code.get());
        match warnings.refusal(code) {
            Some(suppressed) => tracing::warn!(
                status,
                code = code_value,
                reason = %refusal,
                suppressed,
                "room callback refused"
            ),
            None => {
                tracing::debug!(status, code = code_value, reason = %refusal, "room callback refused")
            }
        }
        refusal.into_response()
    }

    /// The answer to a handler (or, in extension mode, the application) that panicked.
    pub(crate) fn panicked(&self) -> Response<Full<Bytes>> {
        self.record("panicked");
        // The panic hook has already printed the message; the payload may hold anything,
        // so it is not logged again here.
        tracing::error!("room callback handler panicked; answered 500");
        Refusal::Panicked.into_response()
    }
}
