//! The callback's time: each stage that waits (the body, the claim, the record, the
//! handler) is bounded by the end of the time to answer within.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};

/// The deadline passed before the future was ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Elapsed;

pin_project! {
    /// `future`, bounded by `deadline`. Most futures are ready at their first poll (a body
    /// that came with its head, an in-memory store): the timer is made only for the others.
    /// A struct rather than an `async fn`, which would keep the future twice in its state.
    pub(crate) struct Within<F> {
        #[pin]
        future: F,
        #[pin]
        timer: Option<Sleep>,
        deadline: Instant,
    }
}

/// `future`, bounded by `deadline`.
pub(crate) fn within<F: Future>(deadline: Instant, future: F) -> Within<F> {
    Within {
        future,
        timer: None,
        deadline,
    }
}

impl<F: Future> Future for Within<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        if this.timer.is_none() {
            this.timer
                .set(Some(tokio::time::sleep_until(*this.deadline)));
        }
        let timer = this.timer.as_pin_mut().expect("set above");
        ready!(timer.poll(cx));
        Poll::Ready(Err(Elapsed))
    }
}
