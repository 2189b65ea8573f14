//! The group commit of [`RedisStream`](super::RedisStream): the appends waiting when the
//! connection is free go out as one pipeline, followed, when replicas are waited for, by
//! one `WAIT` that covers them all.
//!
//! `WAIT` covers every write sent before it on its connection. A pipeline is written on
//! one connection in one piece, so the `WAIT` at its end covers the appends in it
//! whatever reconnects happen between two pipelines; concurrent callbacks share its round
//! trip and its wait for the replicas rather than paying each their own.

use std::future::poll_fn;
use std::task::Poll;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};

use redis::aio::ConnectionLike;
use redis::{Cmd, ErrorKind, RedisError, Value};
use tokio::sync::{mpsc, oneshot};

use crate::link::RedisConnection;

/// Appends in one pipeline at most.
const MAX_BATCH: usize = 512;
/// Pipelines sent and not yet answered at most: while they are out, appends gather for
/// the next. One when replicas are waited for: Redis runs nothing else of a connection
/// blocked in `WAIT`, so a second pipeline would only wait behind the first's.
const IN_FLIGHT: usize = 2;
/// Appends waiting for a pipeline at most; past it, callers wait for room (within their
/// own wait).
const QUEUE: usize = 4096;

/// One append waiting for its pipeline.
pub(super) struct Pending {
    /// The append: `XADD`, or `EVALSHA` of one of the sink's scripts.
    pub(super) command: Cmd,
    /// The script `command` runs by its SHA-1, to send whole when Redis does not know it.
    pub(super) script: Option<&'static str>,
    /// When its caller stops waiting: the pipeline's answer and its `WAIT` end before.
    pub(super) deadline: Instant,
    pub(super) reply: oneshot::Sender<Result<Value, Unconfirmed>>,
}

/// Why an append was not confirmed.
#[derive(Debug)]
pub(super) enum Unconfirmed {
    /// Redis failed it, or the connection failed.
    Failed(RedisError),
    /// Appended, but fewer replicas than waited for acknowledged it within the wait.
    NotReplicated { acknowledged: u64 },
    /// Redis did not answer the pipeline by the deadline (the connection is replaced).
    TimedOut,
}

/// Where appends are sent to be committed; the task committing them ends when every
/// sender is dropped.
#[derive(Debug, Clone)]
pub(super) struct Committer {
    queue: mpsc::Sender<Pending>,
}

impl Committer {
    /// Starts committing on `connection`, waiting for `replicas` replicas (none: no
    /// `WAIT`).
    pub(super) fn start(connection: RedisConnection, replicas: u32) -> Self {
        let (queue, waiting) = mpsc::channel(QUEUE);
        tokio::spawn(gather(connection, replicas, waiting));
        Self { queue }
    }

    /// Commits `command` and answers its reply once committed, by `deadline`.
    pub(super) async fn commit(
        &self,
        command: Cmd,
        script: Option<&'static str>,
        deadline: Instant,
    ) -> Result<Value, Unconfirmed> {
        let (reply, replied) = oneshot::channel();
        let pending = Pending {
            command,
            script,
            deadline,
            reply,
        };
        let stopped = || {
            Unconfirmed::Failed(RedisError::from((
                ErrorKind::IoError,
                "the stream's commit task has stopped",
            )))
        };
        self.queue.send(pending).await.map_err(|_| stopped())?;
        replied.await.map_err(|_| stopped())?
    }
}

/// Takes what is queued when a pipeline may go out, and sends it; the pipelines in flight
/// are polled here, in this one task.
async fn gather(connection: RedisConnection, replicas: u32, mut waiting: mpsc::Receiver<Pending>) {
    let most = if replicas > 0 { 1 } else { IN_FLIGHT };
    let mut in_flight = FuturesUnordered::new();
    loop {
        let first = poll_fn(|cx| {
            while let Poll::Ready(Some(())) = in_flight.poll_next_unpin(cx) {}
            if in_flight.len() >= most {
                return Poll::Pending;
            }
            waiting.poll_recv(cx)
        })
        .await;
        let Some(first) = first else { break };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match waiting.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        // A caller that stopped waiting was answered 503: its event is not appended.
        batch.retain(|pending| !pending.reply.is_closed());
        if !batch.is_empty() {
            in_flight.push(commit(connection.clone(), batch, replicas));
        }
    }
    while in_flight.next().await.is_some() {}
}

/// Sends `batch` as one pipeline (and `WAIT`), and answers each append, by the earliest
/// of their deadlines. An append Redis did not know the script of is sent again with the
/// script whole.
async fn commit(mut connection: RedisConnection, mut batch: Vec<Pending>, replicas: u32) {
    for whole in [false, true] {
        let Some(deadline) = batch.iter().map(|pending| pending.deadline).min() else {
            return;
        };
        let mut pipe = redis::pipe();
        for pending in &batch {
            match (pending.script, whole) {
                (Some(script), true) => pipe.add_command(eval(&pending.command, script)),
                _ => pipe.add_command(pending.command.clone()),
            };
        }
        if replicas > 0 {
            // What is left before the earliest deadline but a margin (a fifth, at least
            // 50 ms), so that its caller hears how many replicas acknowledged rather than
            // only that time ran out; Redis waits for ever on 0, so at least a millisecond.
            let left = deadline.saturating_duration_since(Instant::now());
            let left = left.saturating_sub((left / 5).max(Duration::from_millis(50)));
            let millis = u64::try_from(left.as_millis()).unwrap_or(u64::MAX).max(1);
            pipe.cmd("WAIT").arg(replicas).arg(millis);
        }
        // Bounded: a Redis (or a proxy) that stops answering must not hold this pipeline,
        // and the appends gathering behind it, for ever.
        let sent = connection.req_packed_commands(&pipe, 0, pipe.len());
        let Ok(answered) = tokio::time::timeout_at(deadline.into(), sent).await else {
            connection.stalled();
            for pending in batch {
                let _ = pending.reply.send(Err(Unconfirmed::TimedOut));
            }
            return;
        };
        let mut replies = match answered {
            Ok(replies) if replies.len() == pipe.len() => replies,
            Ok(_) => {
                let error = RedisError::from((
                    ErrorKind::ResponseError,
                    "a pipeline's replies were missing",
                ));
                return fail(batch, &error);
            }
            // A Cluster fails the whole pipeline on one error. When every append is a
            // script (each safe to run again: appended once by its key), Redis lacking
            // one is cause to send them all again whole.
            Err(error)
                if error.kind() == ErrorKind::NoScriptError
                    && !whole
                    && batch.iter().all(|pending| pending.script.is_some()) =>
            {
                continue;
            }
            Err(error) => return fail(batch, &error),
        };
        let acknowledged = match replicas {
            0 => None,
            _ => replies.pop().map(|wait| match wait {
                Value::Int(n) => u64::try_from(n).unwrap_or(0),
                _ => 0,
            }),
        };
        // No replica at all: through Sentinel, this primary may be cut off from the others.
        if acknowledged == Some(0) {
            connection.unreplicated();
        }
        let mut unknown = Vec::new();
        for (pending, reply) in batch.into_iter().zip(replies) {
            let answer = match reply {
                Value::ServerError(error) => {
                    let error = RedisError::from(error);
                    if error.kind() == ErrorKind::NoScriptError && !whole {
                        unknown.push(pending);
                        continue;
                    }
                    connection.failed(&error);
                    Err(Unconfirmed::Failed(error))
                }
                reply => match acknowledged {
                    Some(n) if n < u64::from(replicas) => {
                        Err(Unconfirmed::NotReplicated { acknowledged: n })
                    }
                    _ => Ok(reply),
                },
            };
            // The caller may have given up meanwhile; its answer is 503 already.
            let _ = pending.reply.send(answer);
        }
        if unknown.is_empty() {
            return;
        }
        batch = unknown;
    }
}

/// `EVALSHA sha numkeys ...` as `EVAL script numkeys ...`.
fn eval(command: &Cmd, script: &str) -> Cmd {
    let mut eval = redis::cmd("EVAL");
    eval.arg(script);
    for arg in command.args_iter().skip(2) {
        if let redis::Arg::Simple(bytes) = arg {
            eval.arg(bytes);
        }
    }
    eval
}

fn fail(batch: Vec<Pending>, error: &RedisError) {
    for pending in batch {
        let copy = RedisError::from((error.kind(), "the pipeline failed", error.to_string()));
        let _ = pending.reply.send(Err(Unconfirmed::Failed(copy)));
    }
}
