//! What the layer's services share while they run, apart from the frozen [`Config`]: the
//! buffered-limit budget, the once-only warnings, and the background work, which
//! [`Drain`] waits for at shutdown.
//!
//! [`Config`]: crate::config::Config

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;

use futures_util::FutureExt;
use tokio::sync::{Semaphore, TryAcquireError};
use tokio_util::task::TaskTracker;

use crate::answer::Refusal;
use crate::budget::Budget;
use crate::drift::DriftLog;
use crate::warnings::Warnings;

/// The run-time state of one layer and every service made from it.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) budget: Arc<Budget>,
    pub(crate) drift: DriftLog,
    pub(crate) warnings: Warnings,
    pub(crate) background: Background,
}

impl Shared {
    pub(crate) fn new(buffered_limit: usize, answer_first: Option<(usize, usize)>) -> Self {
        Self {
            budget: Budget::new(buffered_limit),
            drift: DriftLog::default(),
            warnings: Warnings::default(),
            background: Background::new(answer_first.unwrap_or((0, 0))),
        }
    }
}

/// Work the layer runs after it has answered: the answer-first queue and the handlers
/// detached at their deadline, on tokio, tracked so that a shutdown can wait for them.
#[derive(Debug)]
pub(crate) struct Background {
    /// Handlers running plus waiting, at most: a callback finding none left is refused.
    slots: Arc<Semaphore>,
    /// Handlers running at once, at most.
    workers: Arc<Semaphore>,
    /// Callbacks taken and waiting for a worker: the `callbacks_queued` gauge.
    waiting: Arc<AtomicUsize>,
    tracker: TaskTracker,
}

impl Background {
    /// What tracks the background work, for other work a drain waits for.
    pub(crate) fn tracker(&self) -> TaskTracker {
        self.tracker.clone()
    }

    fn new((concurrency, queue): (usize, usize)) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(concurrency + queue)),
            workers: Arc::new(Semaphore::new(concurrency)),
            waiting: Arc::default(),
            tracker: TaskTracker::new(),
        }
    }

    /// Queues `job` for a worker, or says why it cannot be taken.
    pub(crate) fn submit<F>(&self, job: F) -> Result<(), Refusal>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let slot = match Arc::clone(&self.slots).try_acquire_owned() {
            Ok(slot) => slot,
            Err(TryAcquireError::NoPermits) => return Err(Refusal::QueueFull),
            Err(TryAcquireError::Closed) => return Err(Refusal::ShuttingDown),
        };
        let (workers, waiting) = (Arc::clone(&self.workers), Arc::clone(&self.waiting));
        crate::metrics::queued(waiting.fetch_add(1, Relaxed) + 1);
        self.tracker.spawn(async move {
            let _slot = slot;
            let _worker = workers.acquire_owned().await;
            crate::metrics::queued(waiting.fetch_sub(1, Relaxed) - 1);
            // The job catches its handler's panics; this is for the rest.
            let _ = std::panic::AssertUnwindSafe(job).catch_unwind().await;
        });
        Ok(())
    }

    /// Runs `work` in the background, counted until it ends.
    pub(crate) fn detach<F>(&self, work: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tracker
            .spawn(std::panic::AssertUnwindSafe(work).catch_unwind());
    }
}

/// Waits for the layer's background work, for a graceful shutdown: get it from
/// [`RoomWebhookLayer::drain`](crate::RoomWebhookLayer::drain).
///
/// [`drain`](Self::drain) closes the answer-first queue (later callbacks are answered
/// 503, FAIL [`ErrorCode::SHUTTING_DOWN`](crate::ErrorCode::SHUTTING_DOWN), so that
/// Tencent may retry them elsewhere) and waits until every queued callback has been
/// handled and every handler detached at its deadline has finished. Call it after the
/// server has stopped accepting connections, before the process exits.
#[derive(Debug, Clone)]
pub struct Drain(pub(crate) Arc<Shared>);

impl Drain {
    /// Refuses further answer-first callbacks, without waiting.
    pub fn close(&self) {
        self.0.background.slots.close();
    }

    /// Refuses further answer-first callbacks and waits for the background work to end.
    pub async fn drain(&self) {
        self.close();
        let tracker = &self.0.background.tracker;
        tracker.close();
        tracker.wait().await;
    }

    /// Callbacks accepted and not yet handled: queued, running, or detached.
    pub fn pending(&self) -> usize {
        self.0.background.tracker.len()
    }
}
