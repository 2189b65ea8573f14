//! The delivery stage: how a callback that passed the checks reaches its receiver, in one
//! of two modes.
//!
//! - [`ToHandler`] (handler mode): the layer calls a [`RoomHandler`](crate::RoomHandler)
//!   or a [`LiveHandler`](crate::handler::LiveHandler) and answers from its result, at
//!   once, by a deadline, or after queueing it (answer-first).
//! - [`ToExtensions`] (extension mode): the layer puts the [`Event`] and the
//!   [`CallbackContext`] into the request extensions and calls the application, whose
//!   route on the callback path answers with an [`Answer`](crate::Answer).
//!
//! Both read and decode the body and claim the delivery the same way
//! (`Callback::accept`); only what follows differs, behind one trait, [`Deliver`].

// `Deliver::deliver` takes the crate's own `Callback`: that is what seals the trait.
#![allow(private_interfaces)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::time::Instant;

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use http_body_util::Full;

use crate::answer::Refusal;
use crate::body::WebhookBody;
use crate::config::Config;
use crate::deadline::within;
use crate::dedup::{Admission, Claim, DeliveryKey};
#[cfg(feature = "chat")]
use crate::event::ChatEvent;
use crate::event::{Event, UserId};
use crate::metrics::InFlight;
use crate::query::CallbackContext;
use crate::read::read;
use crate::sink::{DynSink, Record, RecordError};
use crate::state::Shared;
use crate::trace::Trace;
use crate::BoxError;

mod extensions;
mod handler;

pub use self::extensions::ToExtensions;
pub use self::handler::ToHandler;

/// The work on the callback path: read, decode, deliver. Boxed, since it holds the
/// handler's future or the inner service's; the pass-through path is not boxed.
pub(crate) type CallbackFuture<B, E> =
    Pin<Box<dyn Future<Output = Result<Response<WebhookBody<B>>, E>> + Send + 'static>>;

/// What a delivery mode does: how the inner service `S` is called off the callback path,
/// and what becomes of a callback with a request body `B`. Implemented by [`ToHandler`]
/// and [`ToExtensions`], and sealed: its methods are the layer's to call. The inner
/// service's types are the mode's, since each mode asks something else of it.
pub trait Deliver<S, B> {
    /// The inner service's response body.
    type ResBody: 'static;
    /// The inner service's error.
    type Error: 'static;
    /// The inner service's future.
    type Future: Future<Output = Result<Response<Self::ResBody>, Self::Error>>;

    /// The inner service's readiness.
    #[doc(hidden)]
    fn poll_ready(inner: &mut S, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>>;

    /// A request off the callback path, passed to the inner service.
    #[doc(hidden)]
    fn pass_through(inner: &mut S, request: Request<B>) -> Self::Future;

    /// The answer to a callback that passed the checks; `inner` is the service driven to
    /// readiness.
    #[doc(hidden)]
    fn deliver(
        &self,
        inner: &mut S,
        request: Request<B>,
        callback: Callback,
    ) -> CallbackFuture<Self::ResBody, Self::Error>;
}

/// A callback that passed the checks, with what its stages share.
pub(crate) struct Callback {
    /// When its head was read: its time to answer within counts from here.
    started: Instant,
    pub(crate) config: Arc<Config>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) context: CallbackContext,
    pub(crate) trace: Trace,
    _in_flight: InFlight,
}

/// A callback read, decoded and claimed: what the mode delivers.
pub(crate) struct Accepted {
    /// Boxed: it goes through the futures of three stages, and each would keep a copy of
    /// its few hundred bytes in its state.
    pub(crate) event: Box<Event>,
    pub(crate) body: Bytes,
    /// Held until the outcome is known, when de-duplication is on.
    pub(crate) claim: Option<Claim>,
}

impl Callback {
    pub(crate) fn new(
        config: &Arc<Config>,
        shared: &Arc<Shared>,
        context: CallbackContext,
    ) -> Self {
        Self {
            started: Instant::now(),
            config: Arc::clone(config),
            shared: Arc::clone(shared),
            trace: Trace::new(&context),
            context,
            _in_flight: InFlight::start(),
        }
    }

    /// Reads and decodes the body (its own command decides), claims the delivery and
    /// records the event: the event to deliver, or the answer already due (a refusal, or
    /// OK to a duplicate).
    pub(crate) async fn accept<B>(&self, body: B) -> Result<Accepted, Response<Full<Bytes>>>
    where
        B: Body,
        B::Error: Into<BoxError>,
    {
        let deadline = self.deadline();
        let body = read(&self.config, &self.shared, body, (self.started, deadline)).await;
        let body = body.map_err(|refusal| self.refused(refusal))?;
        let event = Event::decode(&self.context.command, &body)
            .map_err(|error| self.refused(Refusal::NotACallback(error)))?;
        let event = Box::new(event);
        self.note(&event);
        let config = &self.config;
        let key = (config.dedup.is_some() || config.record.is_some())
            .then(|| DeliveryKey::new(self.context.sdk_app_id, &self.context.command, &body));
        let claim = match (&config.dedup, &key) {
            (Some(dedup), Some(key)) if !Asks::of(&event).decides() => {
                match within(deadline, dedup.claim(key.clone())).await {
                    Err(_elapsed) => return Err(self.refused(Refusal::OutOfTime)),
                    Ok(Admission::Deliver(claim)) => claim,
                    Ok(Admission::Pending) => return Err(self.refused(Refusal::DeliveryPending)),
                    Ok(Admission::Duplicate) => {
                        tracing::debug!(
                            "a delivery already handled: answered OK, not handled again"
                        );
                        return Err(self.trace.ok("duplicate"));
                    }
                }
            }
            _ => None,
        };
        if let (Some(sink), Some(key)) = (&config.record, &key) {
            if let Some(refused) = self.record(sink.sink.as_ref(), &event, key).await {
                return Err(refused);
            }
        }
        Ok(Accepted { event, body, claim })
    }

    /// Records the event in the sink, within the callback's time: `None` when recorded
    /// (or when the event goes on unrecorded), else the refusal to answer.
    async fn record(
        &self,
        sink: &dyn DynSink,
        event: &Event,
        key: &DeliveryKey,
    ) -> Option<Response<Full<Bytes>>> {
        let record = Record::new(event, &self.context).delivery(key);
        let left = self.deadline().saturating_duration_since(Instant::now());
        let recorded = within(self.deadline(), sink.record_dyn(record)).await;
        let error = recorded.unwrap_or(Err(RecordError::TimedOut(left))).err()?;
        self.not_recorded(event, error)
    }

    /// A record the sink did not confirm: the callback is refused (its claim released
    /// with it), but for a before-callback whose FAIL would let the request through
    /// undecided (every one but the gift's, which a FAIL blocks): that one goes on to its
    /// handler.
    fn not_recorded(&self, event: &Event, error: RecordError) -> Option<Response<Full<Bytes>>> {
        if Asks::of(event).proceeds_on_fail() {
            tracing::warn!(%error, "a before-callback was not recorded; deciding it all the same, since a FAIL would let it through");
            return None;
        }
        tracing::warn!(%error, "room callback not recorded; answered 503");
        Some(self.refused(match error {
            RecordError::TimedOut(wait) => Refusal::RecordTimedOut(wait),
            _ => Refusal::NotRecorded,
        }))
    }

    /// When the callback must be answered by.
    pub(crate) fn deadline(&self) -> Instant {
        self.started + self.config.answer_within
    }

    /// The answer to `refusal`, logged.
    pub(crate) fn refused(&self, refusal: Refusal) -> Response<Full<Bytes>> {
        self.trace.refused(&self.shared.warnings, refusal)
    }

    /// The room on the span; protocol drift in the logs.
    fn note(&self, event: &Event) {
        if let Some(room) = event.room_id().filter(|_| !self.trace.span.is_disabled()) {
            self.trace.span.record("room_id", room.as_str());
        }
        // The body's command decided the event; the context keeps the query's (an alias
        // read as its command): a difference is drift.
        let drift = &self.shared.drift;
        drift.note_commands(&self.context.command, event.command());
        drift.note(event);
    }
}

/// What a callback's answer decides: nothing (an after-callback, answered OK), or a
/// before-callback's decision of its kind (and `Chatbot.OnC2CSignalMessage`'s reply,
/// whose answer carries data).
#[derive(Debug, Clone)]
pub(crate) enum Asks {
    Nothing,
    Gift,
    /// A group's message (`Group.CallbackBeforeSendMsg`).
    GroupMessage,
    /// A one-to-one or official-account message.
    DirectMessage,
    GroupRequest,
    Invite,
    OfficialAccountCreation,
    Subscribers,
    /// Friend requests, or the answers to them: the users requested, one result each
    /// (read by the Chat handler's answer alone).
    Friends(#[cfg_attr(not(feature = "chat"), allow(dead_code))] Vec<UserId>),
    Chatbot,
    /// A command whose answer decides, in a body this crate could not type (undecodable,
    /// or a Chat command without the `chat` feature): still never queued, detached or
    /// de-duplicated; its handler's OK allows it.
    Undecided,
}

impl Asks {
    pub(crate) fn of(event: &Event) -> Self {
        let Some(asks) = Self::of_command(event.command()) else {
            return Self::Nothing;
        };
        match event {
            Event::Undecodable(_) | Event::Unknown(_) => Self::Undecided,
            #[cfg(feature = "chat")]
            Event::Chat(ChatEvent::FriendRequest(request)) => Self::requested(
                request
                    .friend_item
                    .iter()
                    .map(|item| item.to_account.as_ref()),
            ),
            #[cfg(feature = "chat")]
            Event::Chat(ChatEvent::FriendRequestAnswered(answered)) => Self::requested(
                answered
                    .response_friend_item
                    .iter()
                    .map(|item| item.to_account.as_ref()),
            ),
            _ => asks,
        }
    }

    /// What the answer to `command` decides, by name, if anything: what a body of its
    /// asks for even when it could not be typed.
    fn of_command(command: &str) -> Option<Self> {
        Some(match command {
            "Live.CallbackBeforeSendGift" => Self::Gift,
            "Group.CallbackBeforeSendMsg" => Self::GroupMessage,
            "C2C.CallbackBeforeSendMsg" | "OfficialAccount.CallbackBeforeSendMsg" => {
                Self::DirectMessage
            }
            "Group.CallbackBeforeCreateGroup"
            | "Group.CallbackBeforeApplyJoinGroup"
            | "Group.CallbackBeforeCreateTopic" => Self::GroupRequest,
            "Group.CallbackBeforeInviteJoinGroup" => Self::Invite,
            "OfficialAccount.CallbackBeforeCreateOfficialAccount" => Self::OfficialAccountCreation,
            "OfficialAccount.CallbackBeforeAddSubscriber" => Self::Subscribers,
            "Sns.CallbackPrevFriendAdd" | "Sns.CallbackPrevFriendResponse" => {
                Self::Friends(Vec::new())
            }
            "Chatbot.OnC2CSignalMessage" => Self::Chatbot,
            _ => return None,
        })
    }

    /// The users a friend request is about, one result each.
    #[cfg(feature = "chat")]
    fn requested<'a>(users: impl Iterator<Item = Option<&'a UserId>>) -> Self {
        Self::Friends(users.flatten().cloned().collect())
    }

    /// Whether the answer is a decision (or data): such a callback is never answered
    /// before its handler decided, never queued, detached or de-duplicated.
    pub(crate) fn decides(&self) -> bool {
        !matches!(self, Self::Nothing)
    }

    /// Whether a FAIL would let the request through undecided (Tencent's default for a
    /// before-callback that fails), so that deciding it unrecorded is the lesser harm:
    /// every before-callback but the gift's, which a FAIL blocks.
    fn proceeds_on_fail(&self) -> bool {
        !matches!(
            self,
            Self::Nothing | Self::Gift | Self::Chatbot | Self::Undecided
        )
    }
}
