//! The callback's time: each stage that waits (the body, the claim, the record, the
//! handler) is bounded by the end of the time to answer within.

use std::future::Future;

use futures_util::future::poll_immediate;
use tokio::time::error::Elapsed;
use tokio::time::Instant;

/// `future`, bounded by `deadline`. Most futures are ready at their first poll (a body that
/// came with its head, an in-memory store): the timer is made only for the others.
pub(crate) async fn within<F: Future>(deadline: Instant, future: F) -> Result<F::Output, Elapsed> {
    let mut future = std::pin::pin!(future);
    // Not a `match`: its scrutinee would live across the second `await`, and make this
    // future only as `Send` as the output.
    if let Some(output) = poll_immediate(future.as_mut()).await {
        return Ok(output);
    }
    tokio::time::timeout_at(deadline, future).await
}
