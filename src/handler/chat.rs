//! [`ChatHandler`]: the callbacks of Chat's other families (online state, friends, one-to-one
//! and group messages, groups, official accounts, chatbots, push, moderation, calls),
//! apart from the Room and Live handlers, so that a Room-only backend never sees them.
//!
//! Give it to the layer with
//! [`RoomWebhookBuilder::chat_handler`](crate::RoomWebhookBuilder::chat_handler), beside
//! (or without) the others: one layer, one path, every family. Every method has a default:
//! OK for a notification, allow for a before-callback.

use std::future::Future;
use std::sync::Arc;

use super::{Defaults, HandlerError};
use crate::event::ChatEvent;
use crate::query::CallbackContext;

/// What a [`ChatHandler`] answers: a notification handled, or a before-callback's
/// decision.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum ChatReply {
    /// Handled: OK. For a before-callback, the default decision: allow.
    #[default]
    Done,
}

/// Receives the callbacks of Chat's other families.
pub trait ChatHandler: Send + Sync + 'static {
    /// Every Chat callback enters here. The default calls the method for the event's
    /// command.
    fn handle(
        &self,
        event: ChatEvent,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<ChatReply, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(ChatReply::Done) }
    }
}

/// The handler in an `Arc`, so that one value can be the handler of several families.
impl<C: ChatHandler> ChatHandler for Arc<C> {
    forward! {
        fn handle(ChatEvent) -> Result<ChatReply, HandlerError>;
    }
}

impl ChatHandler for Defaults {
    fn handle(
        &self,
        event: ChatEvent,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<ChatReply, HandlerError>> + Send {
        let _ = (event, context);
        std::future::ready(Ok(ChatReply::Done))
    }
}
