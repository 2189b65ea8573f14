//! [`RoomWebhookLayer`] and its builder.
//!
//! ```
//! use std::time::Duration;
//! use tencent_room_webhook::{ContentTypePolicy, RoomWebhookLayer};
//!
//! let layer = RoomWebhookLayer::builder()
//!     .path("/tencent/room")
//!     .sdk_app_id(1400000000)
//!     .token("the token from the console")
//!     .time_window(Duration::from_secs(30))
//!     .body_limit(256 * 1024)
//!     .content_type_policy(ContentTypePolicy::Strict)
//!     .build()?;
//! // Cheap to clone: the configuration is shared.
//! let _also = layer.clone();
//! # Ok::<(), tencent_room_webhook::ConfigError>(())
//! ```
//!
//! Mistakes are caught by [`build`](RoomWebhookBuilder::build), not at the first
//! callback:
//!
//! ```
//! use tencent_room_webhook::RoomWebhookLayer;
//!
//! let error = RoomWebhookLayer::builder().token("").build().unwrap_err();
//! assert!(error.to_string().contains("no SDKAppID"));
//! let error = RoomWebhookLayer::builder().sdk_app_id(1400000000).token("").build().unwrap_err();
//! assert!(error.to_string().contains("empty"));
//! ```
//!
//! # Several replicas
//!
//! Without de-duplication and the answer-first mode, the layer keeps no state between
//! callbacks (but for the once-only drift warnings), so any number of replicas can serve
//! the callback URL behind a load balancer. (The answer-first queue lives in one process;
//! [`MemoryStore`](crate::dedup::MemoryStore) too.) Two things need care: the clocks (keep them in sync with NTP, or `RequestTime` falls out
//! of the window), and duplicates: Tencent retries an after-callback that timed out (when
//! the app enabled retries) with no delivery ID, possibly to another replica. Make the
//! handler's effects idempotent, or let the layer de-duplicate with a store all replicas
//! share: [`dedup`](crate::dedup), with `RedisStore` (feature `redis`).
//!
//! To hand events to workers, record them in a Redis stream with `sink::RedisStream`
//! (feature `redis`): each replica appends, once per event with its de-duplication on, and
//! answers OK only once Redis acknowledged; workers read the stream through a consumer
//! group (`examples/consume.rs`).
//!
//!
//! # Slow handlers, and shutting down
//!
//! Tencent waits two seconds. [`RoomWebhookBuilder::deadline`] answers by a deadline,
//! cancelling the handler or letting it finish in the background
//! ([`OnDeadline`]); [`RoomWebhookBuilder::answer_first`] answers at once and handles
//! callbacks in the background, with bounded concurrency and a bounded queue, on tokio. At shutdown, stop accepting connections, then await
//! [`RoomWebhookLayer::drain`] so that no accepted callback is lost.
//!

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tower_layer::Layer;

use crate::config::{
    App, AppConfig, Config, ContentTypePolicy, OnDeadline, DEFAULT_ANSWER_WITHIN,
    DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT, DEFAULT_BUFFERED_LIMIT, DEFAULT_PATH,
};
use crate::dedup::{Dedup, DeliveryStore};
use crate::deliver::{ToExtensions, ToHandler};
use crate::error::{ConfigError, ConfigErrorKind};
#[cfg(feature = "chat")]
use crate::handler::ChatHandler;
use crate::handler::{Defaults, LiveHandler, RoomHandler};
use crate::query::SdkAppId;
use crate::service::RoomWebhook;
use crate::sink::{Recorder, Sink};
use crate::state::{Drain, Shared};
use crate::verify::{Clock, SignatureVerifier, DEFAULT_TIME_WINDOW};

/// A tower [`Layer`] that receives Tencent Cloud Chat Room callbacks on one path.
///
/// Build it with [`RoomWebhookLayer::builder`]. Cloning it is cheap: the configuration
/// and the state its services share are behind [`Arc`]s.
#[derive(Debug, Clone)]
pub struct RoomWebhookLayer<M = ToExtensions> {
    config: Arc<Config>,
    shared: Arc<Shared>,
    mode: M,
}

impl RoomWebhookLayer {
    /// A builder with the defaults: path [`DEFAULT_PATH`], no SDKAppID (one is required),
    /// no authentication, window [`DEFAULT_TIME_WINDOW`], body limit
    /// [`DEFAULT_BODY_LIMIT`], buffered limit [`DEFAULT_BUFFERED_LIMIT`], body timeout
    /// [`DEFAULT_BODY_TIMEOUT`], [`ContentTypePolicy::Lenient`],
    /// extension mode.
    pub fn builder() -> RoomWebhookBuilder {
        RoomWebhookBuilder {
            settings: Settings {
                path: DEFAULT_PATH.to_owned(),
                apps: Vec::new(),
                tokens: Vec::new(),
                time_window: DEFAULT_TIME_WINDOW,
                body_limit: DEFAULT_BODY_LIMIT,
                buffered_limit: DEFAULT_BUFFERED_LIMIT,
                body_timeout: DEFAULT_BODY_TIMEOUT,
                answer_within: DEFAULT_ANSWER_WITHIN,
                content_type: ContentTypePolicy::default(),
                clock: None,
                deadline: None,
                answer_first: None,
                unrecorded_ok: false,
                dedup: None,
                record: None,
            },
            mode: ToExtensions,
        }
    }
}

impl<M> RoomWebhookLayer<M> {
    /// The callback path.
    pub fn path(&self) -> &str {
        &self.config.path
    }

    /// A handle that waits for the layer's background work (the answer-first queue and
    /// handlers detached at their deadline) at shutdown. Without background work, its
    /// [`drain`](Drain::drain) returns at once.
    pub fn drain(&self) -> Drain {
        Drain(Arc::clone(&self.shared))
    }
}

impl<S, M: Clone> Layer<S> for RoomWebhookLayer<M> {
    type Service = RoomWebhook<S, M>;

    fn layer(&self, inner: S) -> Self::Service {
        let (config, shared) = (Arc::clone(&self.config), Arc::clone(&self.shared));
        RoomWebhook::new(inner, config, shared, self.mode.clone())
    }
}

/// Builds a [`RoomWebhookLayer`]; see [`RoomWebhookLayer::builder`] for the defaults.
#[derive(Debug)]
pub struct RoomWebhookBuilder<M = ToExtensions> {
    settings: Settings,
    mode: M,
}

/// What the builder has been told, whatever the mode.
struct Settings {
    path: String,
    apps: Vec<AppConfig>,
    tokens: Vec<String>,
    time_window: Duration,
    body_limit: usize,
    buffered_limit: usize,
    body_timeout: Duration,
    answer_within: Duration,
    content_type: ContentTypePolicy,
    clock: Option<Arc<dyn Clock>>,
    deadline: Option<(Duration, OnDeadline)>,
    answer_first: Option<(usize, usize)>,
    /// The user accepted an OK before the handler ran with nothing recorded.
    unrecorded_ok: bool,
    dedup: Option<Dedup>,
    record: Option<Recorder>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("path", &self.path)
            .field("apps", &self.apps)
            .field("tokens", &format_args!("[{} redacted]", self.tokens.len()))
            .field("time_window", &self.time_window)
            .field("body_limit", &self.body_limit)
            .field("buffered_limit", &self.buffered_limit)
            .field("body_timeout", &self.body_timeout)
            .field("answer_within", &self.answer_within)
            .field("content_type", &self.content_type)
            .field("deadline", &self.deadline)
            .field("answer_first", &self.answer_first)
            .field("unrecorded_ok", &self.unrecorded_ok)
            .field("dedup", &self.dedup)
            .field("record", &self.record)
            .finish_non_exhaustive()
    }
}

impl<M> RoomWebhookBuilder<M> {
    /// The path callbacks arrive on (default [`DEFAULT_PATH`]), compared exactly with the
    /// request's path, without its query.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.settings.path = path.into();
        self
    }

    /// Accept callbacks of this SDKAppID. Call it again, or use
    /// [`sdk_app_ids`](Self::sdk_app_ids), to accept several apps.
    pub fn sdk_app_id(mut self, sdk_app_id: impl Into<SdkAppId>) -> Self {
        self.settings.apps.push(AppConfig::new(sdk_app_id));
        self
    }

    /// Accept callbacks of this app, with its own tokens if it has some.
    pub fn app(mut self, app: AppConfig) -> Self {
        self.settings.apps.push(app);
        self
    }

    /// Accept callbacks of each of these SDKAppIDs.
    pub fn sdk_app_ids<I>(mut self, sdk_app_ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<SdkAppId>,
    {
        self.settings
            .apps
            .extend(sdk_app_ids.into_iter().map(AppConfig::new));
        self
    }

    /// Turn authentication on with this token, or add it to the accepted tokens (for a
    /// rotation, keep the old and the new one for a while). The builder's tokens apply
    /// to every app without tokens of its own ([`AppConfig::token`]).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.settings.tokens.push(token.into());
        self
    }

    /// Add each of these tokens; see [`token`](Self::token).
    pub fn tokens<I>(mut self, tokens: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.settings
            .tokens
            .extend(tokens.into_iter().map(Into::into));
        self
    }

    /// How far `RequestTime` may be from now, either way (default 60 s). Only used with
    /// a token.
    pub fn time_window(mut self, window: Duration) -> Self {
        self.settings.time_window = window;
        self
    }

    /// The largest body accepted, in bytes (default 1 MiB). Larger bodies are refused
    /// with 413, by `Content-Length` before reading when it is declared, and otherwise as
    /// soon as the bytes read pass the limit.
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.settings.body_limit = limit;
        self
    }

    /// The most bytes all the callback bodies being read at once may hold (default
    /// [`DEFAULT_BUFFERED_LIMIT`], at least the body limit). A body whose data would pass
    /// it is refused at once with 503, FAIL [`ErrorCode::BUSY`](crate::ErrorCode::BUSY),
    /// rather than waiting for room: clients that stall their bodies cannot make the
    /// server hold more, and free their share at the [body timeout](Self::body_timeout).
    /// Counted as the bytes arrive, so Tencent's callbacks of a few kilobytes still fit
    /// beside bodies being trickled.
    pub fn buffered_limit(mut self, limit: usize) -> Self {
        self.settings.buffered_limit = limit;
        self
    }

    /// How long a callback's body gets to arrive whole once its head is read (default
    /// [`DEFAULT_BODY_TIMEOUT`], Tencent's own wait). A body still incomplete then is
    /// answered 408, FAIL [`ErrorCode::BODY_TIMEOUT`](crate::ErrorCode::BODY_TIMEOUT), and
    /// its share of the [buffered limit](Self::buffered_limit) is freed. The timer is
    /// tokio's, as tower-http's timeouts are: the layer runs inside a tokio runtime.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.settings.body_timeout = timeout;
        self
    }

    /// Answer every callback within `time` of its head (default
    /// [`DEFAULT_ANSWER_WITHIN`], 1.8 s): the body timeout, the de-duplication claim, the
    /// record and the handler (or, in extension mode, the application) all draw on it, so
    /// that the answer is the layer's 408, 503 or 504, never Tencent's timeout, which
    /// Tencent may retry while the first delivery still succeeds. A handler still running
    /// then is cancelled (504) unless its [`deadline`](RoomWebhookBuilder::deadline) says
    /// to detach it.
    pub fn answer_within(mut self, time: Duration) -> Self {
        self.settings.answer_within = time;
        self
    }

    /// Which `Content-Type` headers are accepted (default [`ContentTypePolicy::Lenient`]).
    pub fn content_type_policy(mut self, policy: ContentTypePolicy) -> Self {
        self.settings.content_type = policy;
        self
    }

    /// Read the current time from `clock` when checking `RequestTime` (default: the
    /// system clock). For tests.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.settings.clock = Some(Arc::new(clock));
        self
    }

    /// De-duplicate deliveries: claim each callback's [`DeliveryKey`](crate::dedup::DeliveryKey)
    /// in `store` for `ttl`, and answer a callback already claimed OK without delivering
    /// it again. See the [`dedup`](crate::dedup) module.
    pub fn dedup(mut self, store: impl DeliveryStore, ttl: Duration) -> Self {
        self.settings.dedup = Some(Dedup::new(store, ttl));
        self
    }

    /// Record every event the layer accepts in `sink` before a handler or the
    /// application sees it, and answer 503 when the sink does not confirm it: OK then
    /// means recorded, whatever the mode. See the [`sink`](crate::sink) module.
    pub fn record(mut self, sink: impl Sink) -> Self {
        self.settings.record = Some(Recorder::new(sink));
        self
    }

    /// Checks the configuration and builds the layer.
    ///
    /// Fails, with a [`ConfigErrorKind`] and a message saying what to change, without an
    /// SDKAppID, with SDKAppID 0 or one given twice, with an empty token or one that
    /// starts or ends with whitespace, with a path that does not start with `/` or holds a
    /// query, a fragment or route parameters (`{id}`, `:id`, `*rest`), a body limit of 0,
    /// a buffered limit below the body limit, a time window under a second, or a body
    /// timeout of 0.
    pub fn build(self) -> Result<RoomWebhookLayer<M>, ConfigError> {
        let settings = self.settings;
        settings.check()?;
        let shared = Shared::new(settings.buffered_limit, settings.answer_first);
        let apps = settings.apps()?;
        let dedup = settings
            .dedup
            .map(|dedup| dedup.released_by(shared.background.tracker()));
        let config = Config {
            apps,
            path: settings.path.into(),
            body_limit: settings.body_limit,
            body_timeout: settings.body_timeout,
            answer_within: settings.answer_within,
            content_type: settings.content_type,
            deadline: settings.deadline,
            answer_first: settings.answer_first.is_some(),
            dedup,
            record: settings.record,
        };
        Ok(RoomWebhookLayer {
            config: Arc::new(config),
            shared: Arc::new(shared),
            mode: self.mode,
        })
    }

    /// The same settings, delivering in `mode`.
    fn with_mode<N>(self, mode: N) -> RoomWebhookBuilder<N> {
        RoomWebhookBuilder {
            settings: self.settings,
            mode,
        }
    }
}

impl Settings {
    /// The settings that can never work, each with what to change.
    fn check(&self) -> Result<(), ConfigError> {
        let problem = |kind, message: String| Err(ConfigError::new(kind, message));
        if self.apps.is_empty() {
            return problem(
                ConfigErrorKind::NoSdkAppId,
                "no SDKAppID configured: call sdk_app_id() with the SDKAppID shown in the \
                 Tencent Cloud Chat console"
                    .into(),
            );
        }
        if self.apps.iter().any(|app| app.id.get() == 0) {
            return problem(
                ConfigErrorKind::ZeroSdkAppId,
                "SDKAppID 0 is no app's: give the SDKAppID shown in the Tencent Cloud Chat \
                 console (a number like 1400000000)"
                    .into(),
            );
        }
        check_path(&self.path)?;
        if self.body_limit == 0 {
            return problem(
                ConfigErrorKind::ZeroBodyLimit,
                "a body limit of 0 bytes would refuse every callback: set at least a few \
                 kilobytes (the default is 1 MiB)"
                    .into(),
            );
        }
        if self.time_window.as_secs() == 0 {
            return problem(
                ConfigErrorKind::ZeroTimeWindow,
                format!(
                    "a time window of {:?} would refuse almost every signed callback \
                     (RequestTime is in whole seconds and a little late): set at least a few \
                     seconds (the default is 60 s)",
                    self.time_window
                ),
            );
        }
        if self.buffered_limit < self.body_limit {
            return problem(
                ConfigErrorKind::BufferedLimitBelowBodyLimit,
                format!(
                    "a buffered limit of {} bytes is below the body limit of {} bytes, so a \
                     body at the limit could never be read: raise the buffered limit or lower \
                     the body limit",
                    self.buffered_limit, self.body_limit
                ),
            );
        }
        if self.answer_within.is_zero() {
            return problem(
                ConfigErrorKind::ZeroAnswerWithin,
                "answering within 0 would refuse every callback: give the time a callback may \
                 take, under Tencent's two seconds (the default is 1.8 s)"
                    .into(),
            );
        }
        if self.body_timeout.is_zero() {
            return problem(
                ConfigErrorKind::ZeroBodyTimeout,
                "a body timeout of 0 would refuse every body that is not in the first \
                 packet: set a timeout under Tencent's two seconds (the default is 2 s)"
                    .into(),
            );
        }
        let detaches = matches!(self.deadline, Some((_, OnDeadline::Detach)));
        if (self.answer_first.is_some() || detaches) && self.record.is_none() && !self.unrecorded_ok
        {
            let what = if detaches {
                "deadline(.., OnDeadline::Detach) answers OK at the deadline"
            } else {
                "answer_first(..) answers OK"
            };
            return problem(
                ConfigErrorKind::OkBeforeRecorded,
                format!(
                    "{what} before the handler has done its work, and nothing records the \
                     event first: Tencent does not resend what it was answered OK, so an event \
                     the handler then loses is lost. Add a record stage (record(sink)) so that \
                     the event is recorded before the OK, or call allow_unrecorded_ok() to \
                     accept the loss"
                ),
            );
        }
        Ok(())
    }

    /// Each app once, with the verifier of its own tokens or of the builder's.
    fn apps(&self) -> Result<Box<[App]>, ConfigError> {
        let mut apps: Vec<App> = Vec::with_capacity(self.apps.len());
        for app in &self.apps {
            if apps.iter().any(|known| known.id == app.id) {
                return Err(ConfigError::new(
                    ConfigErrorKind::DuplicateSdkAppId,
                    format!(
                        "SDKAppID {} is configured twice: give each app once, with all its tokens",
                        app.id
                    ),
                ));
            }
            let tokens = app.tokens.as_ref().unwrap_or(&self.tokens);
            let verifier = match tokens.is_empty() {
                true => None,
                false => Some(
                    self.verifier(tokens)
                        .map_err(|error| error.for_app(app.id))?,
                ),
            };
            apps.push(App {
                id: app.id,
                verifier,
            });
        }
        Ok(apps.into())
    }

    fn verifier(&self, tokens: &[String]) -> Result<SignatureVerifier, ConfigError> {
        let mut verifier = SignatureVerifier::new(tokens)?.with_window(self.time_window);
        if let Some(clock) = &self.clock {
            verifier.set_clock(Arc::clone(clock));
        }
        Ok(verifier)
    }
}

impl RoomWebhookBuilder<ToExtensions> {
    /// Deliver the Room family's callbacks to `handler` and answer from its result,
    /// instead of passing them to the inner service; the Live family's go to
    /// [`live_handler`](RoomWebhookBuilder::live_handler) if given one, else they are
    /// answered OK (allow).
    ///
    /// In handler mode the layer answers the callback path itself: a route of the
    /// application on that path never runs (without a handler, in extension mode, it
    /// receives the callbacks). On axum, add the layer with `Router::layer`, not
    /// `route_layer`: `route_layer` runs only for paths that have a route, and the
    /// callback path has none, so callbacks would get axum's empty 404.
    pub fn handler<H: RoomHandler>(self, handler: H) -> RoomWebhookBuilder<ToHandler<H>> {
        self.with_mode(ToHandler {
            room: Arc::new(handler),
            live: Arc::new(Defaults),
            chat: Arc::new(Defaults),
        })
    }

    /// Deliver the Live family's callbacks (`Live.*`, `Group.*SendMsg`, `Follow.*`) to
    /// `handler`, in handler mode; the Room family's go to
    /// [`handler`](RoomWebhookBuilder::handler) if given one, else they are answered OK.
    /// See [`LiveHandler`] for the decisions of the before-callbacks.
    pub fn live_handler<L: LiveHandler>(
        self,
        handler: L,
    ) -> RoomWebhookBuilder<ToHandler<Defaults, L>> {
        self.with_mode(ToHandler {
            room: Arc::new(Defaults),
            live: Arc::new(handler),
            chat: Arc::new(Defaults),
        })
    }

    /// Deliver the callbacks of Chat's other families (online state, friends, one-to-one
    /// and group messages, groups, official accounts, chatbots, push, moderation, calls)
    /// to `handler`, in handler mode; the Room and Live families' go to their handlers if
    /// given ones, else they are answered OK. See [`ChatHandler`] for the decisions.
    #[cfg(feature = "chat")]
    #[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
    pub fn chat_handler<C: ChatHandler>(
        self,
        handler: C,
    ) -> RoomWebhookBuilder<ToHandler<Defaults, Defaults, C>> {
        self.with_mode(ToHandler {
            room: Arc::new(Defaults),
            live: Arc::new(Defaults),
            chat: Arc::new(handler),
        })
    }
}

impl<H, L, C> RoomWebhookBuilder<ToHandler<H, L, C>> {
    /// Deliver the Room family's callbacks to `handler` instead; see
    /// [`RoomWebhookBuilder::<ToExtensions>::handler`](RoomWebhookBuilder#method.handler).
    pub fn handler<R: RoomHandler>(self, handler: R) -> RoomWebhookBuilder<ToHandler<R, L, C>> {
        let ToHandler { live, chat, .. } = self.mode.clone();
        self.with_mode(ToHandler {
            room: Arc::new(handler),
            live,
            chat,
        })
    }

    /// Deliver the Live family's callbacks to `handler` (beside the other families'
    /// handlers, on the same path); see [`LiveHandler`] for the decisions of the
    /// before-callbacks.
    pub fn live_handler<V: LiveHandler>(
        self,
        handler: V,
    ) -> RoomWebhookBuilder<ToHandler<H, V, C>> {
        let ToHandler { room, chat, .. } = self.mode.clone();
        self.with_mode(ToHandler {
            room,
            live: Arc::new(handler),
            chat,
        })
    }

    /// Deliver the callbacks of Chat's other families to `handler` (beside the other
    /// families' handlers, on the same path); see [`ChatHandler`] for the decisions.
    #[cfg(feature = "chat")]
    #[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
    pub fn chat_handler<V: ChatHandler>(
        self,
        handler: V,
    ) -> RoomWebhookBuilder<ToHandler<H, L, V>> {
        let ToHandler { room, live, .. } = self.mode.clone();
        self.with_mode(ToHandler {
            room,
            live,
            chat: Arc::new(handler),
        })
    }

    /// Answer by `deadline` at the latest (Tencent gives up after two seconds; 1.5 s
    /// leaves room for the network), doing `on_deadline` with a handler still running.
    pub fn deadline(mut self, deadline: Duration, on_deadline: OnDeadline) -> Self {
        self.settings.deadline = Some((deadline, on_deadline));
        self
    }

    /// Answer-first mode: answer OK as soon as a callback is checked and decoded, and
    /// handle it in the background, with at most `concurrency` handlers running and at
    /// most `queue` callbacks waiting. With the queue full, a callback is answered 503,
    /// FAIL [`ErrorCode::QUEUE_FULL`](crate::ErrorCode::QUEUE_FULL), rather than held
    /// in memory without bound. A handler's failure can no longer reach Tencent: it is
    /// logged. [`RoomWebhookLayer::drain`] waits for the queue at shutdown.
    pub fn answer_first(mut self, concurrency: usize, queue: usize) -> Self {
        self.settings.answer_first = Some((concurrency.max(1), queue));
        self
    }

    /// Accept that [`answer_first`](Self::answer_first) and a deadline's
    /// [`OnDeadline::Detach`] answer OK before the handler has done its work with no
    /// record stage ([`record`](RoomWebhookBuilder::record)) recording the event first:
    /// an event the handler then fails on, or that a crash loses, is lost, since Tencent
    /// does not resend what it was answered OK. Without it, `build()` refuses that
    /// configuration ([`ConfigErrorKind::OkBeforeRecorded`]).
    pub fn allow_unrecorded_ok(mut self) -> Self {
        self.settings.unrecorded_ok = true;
        self
    }
}

/// The path is compared with the request's path literally: refuse what would never be
/// equal to it, or would be read as a pattern by a router in front.
fn check_path(path: &str) -> Result<(), ConfigError> {
    let problem = if !path.starts_with('/') {
        "must start with '/', like the path of the callback URL set in the console"
    } else if path.contains('?') {
        "holds a query ('?'): the layer compares the path alone; give the path without the \
         query (Tencent adds its own parameters to it)"
    } else if path.contains('#') {
        "holds a fragment ('#'), which no client sends: give the path without it"
    } else if path.contains(['{', '}'])
        || path
            .split('/')
            .any(|segment| segment.starts_with([':', '*']))
    {
        "holds a route parameter ('{name}', ':name' or '*rest'): the layer compares the path \
         literally, so give the exact path of the callback URL set in the console"
    } else {
        return Ok(());
    };
    Err(ConfigError::new(
        ConfigErrorKind::InvalidPath,
        format!("the callback path {path:?} {problem}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_builder_and_a_layer_shows_no_token() {
        let builder = RoomWebhookLayer::builder()
            .sdk_app_id(1)
            .token("super-secret-token");
        assert!(!format!("{builder:?}").contains("super-secret-token"));
        let layer = builder.build().unwrap();
        assert!(!format!("{layer:?}").contains("super-secret-token"));
    }
}
