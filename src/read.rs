//! The second stage: the body, read whole, never past the body limit (413), within the
//! buffered limit shared by the bodies being read (503) and within the body timeout (408).

use std::future::Future;

use bytes::Bytes;
use futures_util::FutureExt;
use http_body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tokio::time::Instant;

use crate::answer::Refusal;
use crate::budget::{BudgetFull, Metered};
use crate::config::Config;
use crate::deadline::{within, Elapsed};
use crate::state::Shared;
use crate::BoxError;

/// The whole body, or why it could not be had: within the body timeout of the head,
/// `started`, and by `deadline` at the latest, the end of the callback's time. Not an
/// `async fn`, which would keep the body twice in its state.
pub(crate) fn read<B>(
    config: &Config,
    shared: &Shared,
    body: B,
    (started, deadline): (Instant, Instant),
) -> impl Future<Output = Result<Bytes, Refusal>>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let limit = config.body_limit;
    let collect = Limited::new(Metered::new(body, &shared.budget), limit).collect();
    let end = (started + config.body_timeout).min(deadline);
    let timeout = end.saturating_duration_since(started);
    within(end, collect).map(move |collected| match collected {
        Err(Elapsed) => Err(Refusal::BodyTimeout(timeout)),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<LengthLimitError>() => Err(Refusal::TooLarge { limit }),
        Ok(Err(error)) if error.is::<BudgetFull>() => Err(Refusal::Busy),
        Ok(Err(_)) => Err(Refusal::BodyCut),
    })
}
