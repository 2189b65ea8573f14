//! Operations and accounts: `Alert.RequestOverLimit` (a REST API near its rate limit),
//! `State.StateChange` (online state) and `Profile.CallbackPortraitSet` (profiles).

use serde::{Deserialize, Serialize};

use crate::event::{body_members, Extra};
use crate::lenient;

/// `Alert.RequestOverLimit`: a REST API's request rate passed 80 % of its limit (page
/// trtc.io/document/60256). About the app, not a room; on as soon as a URL is configured.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RequestOverLimit {
    /// `ServiceName`: the REST API's service (`openim`).
    pub service_name: Option<String>,
    /// `Command`: the REST API's command word (`batchsendmsg`); with `ServiceName` it
    /// names the API.
    pub command: Option<String>,
    /// `Request`: the current request rate, per second.
    #[serde(deserialize_with = "lenient::number")]
    pub request: Option<u64>,
    /// `Limit`: the API's limit, requests per second.
    #[serde(deserialize_with = "lenient::number")]
    pub limit: Option<u64>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}
