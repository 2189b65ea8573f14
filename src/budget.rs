//! The bound on what callbacks being read at once may hold: one count of bytes shared by
//! every request on the callback path, taken as each body's data arrives and given back
//! when the body is dropped.
//!
//! Without it, each client that sends a head and then trickles its body pins up to the
//! body limit: 200 such clients, 200 MiB. With it, the 200 share the budget, and a body
//! that would pass it is refused at once (503) instead of waiting for room, so that
//! nothing queues behind a slow client; the body timeout frees a stalled client's share.

use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Buf;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

/// The bytes of callback bodies held at once, against a limit.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: usize,
    held: AtomicUsize,
}

impl Budget {
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            limit,
            held: AtomicUsize::new(0),
        })
    }

    /// Takes `bytes` if they fit under the limit.
    fn take(&self, bytes: usize) -> bool {
        self.held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                held.checked_add(bytes).filter(|&total| total <= self.limit)
            })
            .is_ok()
    }

    fn give_back(&self, bytes: usize) {
        self.held.fetch_sub(bytes, Ordering::AcqRel);
    }

    /// The bytes held now.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.held.load(Ordering::Acquire)
    }
}

/// The bodies being read hold the whole budget: this one's next data does not fit.
#[derive(Debug)]
pub(crate) struct BudgetFull;

impl fmt::Display for BudgetFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the callbacks being read hold the buffered limit already")
    }
}

impl std::error::Error for BudgetFull {}

pin_project! {
    /// A body whose data is counted against the budget as it arrives, and given back when
    /// the body, with what was collected from it, is done with.
    pub(crate) struct Metered<B> {
        #[pin]
        body: B,
        budget: Arc<Budget>,
        taken: usize,
    }

    impl<B> PinnedDrop for Metered<B> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            this.budget.give_back(*this.taken);
        }
    }
}

impl<B> Metered<B> {
    pub(crate) fn new(body: B, budget: &Arc<Budget>) -> Self {
        Self {
            body,
            budget: Arc::clone(budget),
            taken: 0,
        }
    }
}

impl<B> Body for Metered<B>
where
    B: Body,
    B::Error: Into<crate::BoxError>,
{
    type Data = B::Data;
    type Error = crate::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = match this.body.poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => frame,
            Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        };
        if let Some(data) = frame.data_ref() {
            let bytes = data.remaining();
            if !this.budget.take(bytes) {
                return Poll::Ready(Some(Err(Box::new(BudgetFull))));
            }
            *this.taken += bytes;
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        futures_util::FutureExt::now_or_never(future).expect("a full body is ready at once")
    }

    #[test]
    fn a_body_within_the_budget_is_read_and_its_share_given_back_when_dropped() {
        let budget = Budget::new(10);
        let mut body = Metered::new(Full::new(Bytes::from_static(b"12345678")), &budget);
        let frame = block_on(body.frame()).unwrap().unwrap();
        assert_eq!(frame.into_data().unwrap(), "12345678");
        assert_eq!(budget.held(), 8);
        drop(body);
        assert_eq!(budget.held(), 0);
    }

    #[test]
    fn a_body_past_what_is_left_is_refused_and_takes_nothing() {
        let budget = Budget::new(10);
        let first = Metered::new(Full::new(Bytes::from_static(b"123456")), &budget);
        let first = block_on(first.collect()).unwrap();
        let held = Metered::new(Full::new(Bytes::from_static(b"123456")), &budget);
        let mut held = Box::pin(held);
        block_on(held.frame()).unwrap().unwrap();
        let second = Metered::new(Full::new(Bytes::from_static(b"12345")), &budget);
        let error = block_on(second.collect()).unwrap_err();
        assert!(error.is::<BudgetFull>());
        assert_eq!(budget.held(), 6);
        drop(held);
        assert_eq!(budget.held(), 0);
        drop(first);
    }
}
