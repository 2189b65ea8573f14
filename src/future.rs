//! [`ResponseFuture`], the future of [`RoomWebhook`](crate::RoomWebhook).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::Response;
use http_body_util::Full;
use pin_project_lite::pin_project;

use crate::body::WebhookBody;
use crate::deliver::CallbackFuture;

pin_project! {
    /// Response future of [`RoomWebhook`](crate::RoomWebhook).
    pub struct ResponseFuture<F, B, E> {
        #[pin]
        kind: Kind<F, B, E>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F, B, E> {
        // Off the callback path: the inner service's own future.
        PassThrough { #[pin] future: F },
        // Refused before the body was read.
        // Boxed: the pass-through future should not grow by the size of a response.
        Refused { response: Option<Box<Response<Full<Bytes>>>> },
        Callback { future: CallbackFuture<B, E> },
    }
}

impl<F, B, E> ResponseFuture<F, B, E> {
    pub(crate) fn pass_through(future: F) -> Self {
        Self {
            kind: Kind::PassThrough { future },
        }
    }

    pub(crate) fn refused(response: Response<Full<Bytes>>) -> Self {
        Self {
            kind: Kind::Refused {
                response: Some(Box::new(response)),
            },
        }
    }

    pub(crate) fn callback(future: CallbackFuture<B, E>) -> Self {
        Self {
            kind: Kind::Callback { future },
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F, B, E>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<WebhookBody<B>>, E>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::PassThrough { future } => future
                .poll(cx)
                .map(|result| result.map(|response| response.map(WebhookBody::wrap))),
            KindProj::Refused { response } => Poll::Ready(Ok((*response
                .take()
                .expect("ResponseFuture polled after completion"))
            .map(WebhookBody::full))),
            KindProj::Callback { future } => future.as_mut().poll(cx),
        }
    }
}

impl<F, B, E> std::fmt::Debug for ResponseFuture<F, B, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.kind {
            Kind::PassThrough { .. } => "PassThrough",
            Kind::Refused { .. } => "Refused",
            Kind::Callback { .. } => "Callback",
        };
        f.debug_struct("ResponseFuture")
            .field("kind", &kind)
            .finish()
    }
}
