//! The second stage: the body, read whole, never past the body limit (413), within the
//! buffered limit shared by the bodies being read (503) and within the body timeout (408).

use bytes::Bytes;
use futures_util::future::poll_immediate;
use http_body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::answer::Refusal;
use crate::budget::{BudgetFull, Metered};
use crate::config::Config;
use crate::state::Shared;
use crate::BoxError;

/// The whole body, or why it could not be had.
pub(crate) async fn read<B>(config: &Config, shared: &Shared, body: B) -> Result<Bytes, Refusal>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let metered = Metered::new(body, &shared.budget);
    let mut collect = std::pin::pin!(Limited::new(metered, config.body_limit).collect());
    // Most bodies arrive with their head: a timer only for those still on their way.
    let collected = match poll_immediate(collect.as_mut()).await {
        Some(collected) => collected,
        None => tokio::time::timeout(config.body_timeout, collect)
            .await
            .map_err(|_elapsed| Refusal::BodyTimeout(config.body_timeout))?,
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(Refusal::TooLarge {
            limit: config.body_limit,
        }),
        Err(error) if error.is::<BudgetFull>() => Err(Refusal::Busy),
        Err(_) => Err(Refusal::BodyCut),
    }
}
