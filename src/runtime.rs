//! What the layer needs from an async runtime, for the features that work in the
//! background: the handler deadline and the answer-first mode.
//!
//! The layer itself does not depend on any runtime. Give it a [`Runtime`]: with the
//! `tokio` feature, [`TokioRuntime`]; otherwise a few lines over your runtime's `spawn`
//! and `sleep`.
//!
//! ```
//! use std::future::Future;
//! use std::pin::Pin;
//! use std::time::Duration;
//! use tencent_room_webhook::runtime::{BoxFuture, Runtime};
//!
//! /// Over tokio by hand; the `tokio` feature has this as `TokioRuntime`.
//! struct MyRuntime;
//!
//! impl Runtime for MyRuntime {
//!     fn spawn(&self, work: BoxFuture) {
//!         tokio::spawn(work);
//!     }
//!
//!     fn sleep(&self, duration: Duration) -> BoxFuture {
//!         Box::pin(tokio::time::sleep(duration))
//!     }
//! }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future of background work or of a timer.
pub type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Spawns background work and makes timers.
pub trait Runtime: Send + Sync + 'static {
    /// Runs `work` to completion in the background.
    fn spawn(&self, work: BoxFuture);

    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture;
}

/// The tokio runtime the layer is called from (feature `tokio`).
///
/// It uses `tokio::spawn` and `tokio::time::sleep`, so the layer must be called from
/// within a tokio runtime with the timer enabled, as every tokio server is.
#[cfg(feature = "tokio")]
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioRuntime;

#[cfg(feature = "tokio")]
impl Runtime for TokioRuntime {
    fn spawn(&self, work: BoxFuture) {
        tokio::spawn(work);
    }

    fn sleep(&self, duration: Duration) -> BoxFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}
