//! The second stage: the body, read whole, never past the body limit (413), within the
//! buffered limit shared by the bodies being read (503) and within the body timeout (408).

use bytes::Bytes;
use http_body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tokio::time::Instant;

use crate::answer::Refusal;
use crate::budget::{BudgetFull, Metered};
use crate::config::Config;
use crate::deadline::within;
use crate::state::Shared;
use crate::BoxError;

/// The whole body, or why it could not be had; by `deadline` at the latest, the end of
/// the callback's time.
pub(crate) async fn read<B>(
    config: &Config,
    shared: &Shared,
    body: B,
    deadline: Instant,
) -> Result<Bytes, Refusal>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let metered = Metered::new(body, &shared.budget);
    let collect = Limited::new(metered, config.body_limit).collect();
    let timeout = config
        .body_timeout
        .min(deadline.saturating_duration_since(Instant::now()));
    let collected = within(Instant::now() + timeout, collect)
        .await
        .map_err(|_elapsed| Refusal::BodyTimeout(timeout))?;
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(Refusal::TooLarge {
            limit: config.body_limit,
        }),
        Err(error) if error.is::<BudgetFull>() => Err(Refusal::Busy),
        Err(_) => Err(Refusal::BodyCut),
    }
}
