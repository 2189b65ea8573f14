//! Work the layer runs after it has answered: handlers detached at the deadline, and the
//! queue of the answer-first mode. Both are counted, so that a graceful shutdown can wait
//! for them with [`Drain`].

use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Poll, Waker};

use futures_util::FutureExt;

use crate::runtime::{BoxFuture, Runtime};

/// Why the queue did not take a callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    Full,
    Closed,
}

pub(crate) struct Background {
    runtime: Arc<dyn Runtime>,
    /// Workers of the answer-first queue at most (0 without the queue).
    concurrency: usize,
    /// Callbacks waiting for a worker at most.
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    queued: VecDeque<BoxFuture>,
    workers: usize,
    detached: usize,
    closed: bool,
    idle_waiters: Vec<Waker>,
}

impl State {
    fn idle(&self) -> bool {
        self.workers == 0 && self.detached == 0 && self.queued.is_empty()
    }

    fn wake_if_idle(&mut self) {
        if self.idle() {
            for waker in self.idle_waiters.drain(..) {
                waker.wake();
            }
        }
    }
}

impl fmt::Debug for Background {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Background")
            .field("concurrency", &self.concurrency)
            .field("capacity", &self.capacity)
            .field("queued", &state.queued.len())
            .field("workers", &state.workers)
            .field("detached", &state.detached)
            .field("closed", &state.closed)
            .finish()
    }
}

impl Background {
    pub(crate) fn new(runtime: Arc<dyn Runtime>, concurrency: usize, capacity: usize) -> Self {
        Self {
            runtime,
            concurrency,
            capacity,
            state: Mutex::default(),
        }
    }

    pub(crate) fn runtime(&self) -> &Arc<dyn Runtime> {
        &self.runtime
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is a few counters and a queue, consistent between statements: a
        // panic elsewhere while holding the lock leaves nothing half-done.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` in the background, counted until it ends.
    pub(crate) fn detach(self: &Arc<Self>, work: BoxFuture) {
        self.lock().detached += 1;
        let this = Arc::clone(self);
        self.runtime.spawn(Box::pin(async move {
            // The work catches its handler's panics; this is for the rest.
            let _ = AssertUnwindSafe(work).catch_unwind().await;
            let mut state = this.lock();
            state.detached -= 1;
            state.wake_if_idle();
        }));
    }

    /// Queues `job` for a worker, starting one if fewer than `concurrency` run.
    pub(crate) fn submit(self: &Arc<Self>, job: BoxFuture) -> Result<(), Refused> {
        let mut state = self.lock();
        if state.closed {
            return Err(Refused::Closed);
        }
        if state.workers < self.concurrency {
            state.workers += 1;
            drop(state);
            self.runtime.spawn(Box::pin(Arc::clone(self).work(job)));
            return Ok(());
        }
        if state.queued.len() >= self.capacity {
            return Err(Refused::Full);
        }
        state.queued.push_back(job);
        crate::metrics::queued(state.queued.len());
        Ok(())
    }

    /// A worker: runs jobs until the queue is empty, then ends.
    async fn work(self: Arc<Self>, first: BoxFuture) {
        let mut job = first;
        loop {
            let _ = AssertUnwindSafe(job).catch_unwind().await;
            let mut state = self.lock();
            let next = state.queued.pop_front();
            crate::metrics::queued(state.queued.len());
            match next {
                Some(next) => job = next,
                None => {
                    state.workers -= 1;
                    state.wake_if_idle();
                    return;
                }
            }
        }
    }

    fn close(&self) {
        self.lock().closed = true;
    }

    fn idle(&self) -> impl Future<Output = ()> + '_ {
        poll_fn(move |cx| {
            let mut state = self.lock();
            if state.idle() {
                return Poll::Ready(());
            }
            if !state.idle_waiters.iter().any(|w| w.will_wake(cx.waker())) {
                state.idle_waiters.push(cx.waker().clone());
            }
            Poll::Pending
        })
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
#[derive(Clone)]
pub struct Drain(pub(crate) Option<Arc<Background>>);

impl fmt::Debug for Drain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Drain").field(&self.0).finish()
    }
}

impl Drain {
    /// Refuses further answer-first callbacks, without waiting.
    pub fn close(&self) {
        if let Some(background) = &self.0 {
            background.close();
        }
    }

    /// Refuses further answer-first callbacks and waits for the background work to end.
    pub async fn drain(&self) {
        if let Some(background) = &self.0 {
            background.close();
            background.idle().await;
        }
    }

    /// Callbacks accepted and not yet handled: queued, running, or detached.
    pub fn pending(&self) -> usize {
        self.0.as_ref().map_or(0, |background| {
            let state = background.lock();
            state.queued.len() + state.workers + state.detached
        })
    }
}
