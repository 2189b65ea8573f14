//! [`WebhookBody`]: a body that is either the inner service's own or bytes the layer holds.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::Full;
use pin_project_lite::pin_project;

pin_project! {
    /// The body of responses from [`RoomWebhook`](crate::RoomWebhook), and of the
    /// requests it passes to the inner service in extension mode.
    ///
    /// It is either the wrapped body, streamed untouched, or bytes the layer holds: an
    /// answer it wrote, or a callback body it has read and checked (which the inner
    /// service can read again).
    #[derive(Debug)]
    pub struct WebhookBody<B> {
        #[pin]
        kind: Kind<B>,
    }
}

pin_project! {
    #[project = KindProj]
    #[derive(Debug)]
    enum Kind<B> {
        Bytes { #[pin] body: Full<Bytes> },
        Wrapped { #[pin] body: B },
    }
}

impl<B> WebhookBody<B> {
    pub(crate) fn wrap(body: B) -> Self {
        Self {
            kind: Kind::Wrapped { body },
        }
    }

    pub(crate) fn full(body: Full<Bytes>) -> Self {
        Self {
            kind: Kind::Bytes { body },
        }
    }
}

/// An empty body, for layers that build responses of their own (for example
/// `tower_http::timeout::TimeoutLayer`).
impl<B> Default for WebhookBody<B> {
    fn default() -> Self {
        Self::full(Full::default())
    }
}

impl<B> Body for WebhookBody<B>
where
    B: Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        match self.project().kind.project() {
            KindProj::Bytes { body } => body
                .poll_frame(cx)
                .map(|frame| frame.map(|frame| frame.map_err(|never| match never {}))),
            KindProj::Wrapped { body } => body.poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Bytes { body } => body.is_end_stream(),
            Kind::Wrapped { body } => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Bytes { body } => body.size_hint(),
            Kind::Wrapped { body } => body.size_hint(),
        }
    }
}
