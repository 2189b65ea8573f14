//! [`JsonLines`]: one JSON line per event, written and flushed by a thread of its own.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

use super::{Record, RecordError, Sink, DEFAULT_WAIT};
use crate::event::Event;

/// Lines waiting for the writer by default, beyond which callbacks wait for room.
pub const DEFAULT_QUEUE: usize = 1024;

/// Most lines written in one system call: a batch is flushed, then confirmed, at once.
const BATCH: usize = 256;

/// Writes each event as one line of JSON to a writer, and answers OK only once its line
/// is written and flushed.
///
/// # Lines
///
/// `{"delivery":"1400000000:Room.CallbackAfterMemberLeave:9f86…","command":"Room.CallbackAfterMemberLeave","event":{"CallbackCommand":…}}`:
///
/// | member | value |
/// | --- | --- |
/// | `delivery` | the delivery's key ([`DeliveryKey`](crate::dedup::DeliveryKey) as text: app, command, SHA-256 of the body), the same for each of Tencent's retries; absent when recorded without one |
/// | `command` | the event's command |
/// | `event` | the event as Tencent sent it (Tencent's field names, `CallbackCommand` included, but for the three commands whose bodies have none, `Push.*` and `ContentCallback.ResultNotify`): `Event::decode(command, event)` reads it back |
///
/// A callback can be on two lines: its first delivery was written but answered 503 (the
/// flush confirmed after the wait), and Tencent retried it. Both lines carry the same
/// `delivery`, so a consumer that keeps the keys it processed (for longer than Tencent
/// retries, a few minutes) processes each callback once.
///
/// The writing is done by a thread of its own, behind a queue of
/// [`DEFAULT_QUEUE`] lines ([`with_queue`](Self::with_queue) to change it): callbacks
/// never block the runtime's worker threads. The lines waiting when the writer is free
/// go out in one write and one flush, and each is confirmed by that flush: a line is
/// answered OK only when the flush of its own batch succeeded. When the output fails
/// (closed pipe, full disk), the callbacks of that batch are answered 503 FAIL
/// [`ErrorCode::NOT_RECORDED`](crate::ErrorCode::NOT_RECORDED); when it stalls (a reader
/// that stopped reading), callbacks wait up to [`DEFAULT_WAIT`]
/// ([`with_wait`](Self::with_wait) to change it), then are answered 503 FAIL
/// [`ErrorCode::RECORD_TIMEOUT`](crate::ErrorCode::RECORD_TIMEOUT), and a line whose
/// callback was answered so before the writer reached it is not written.
///
/// What an OK survives depends on the output:
///
/// | output | what an OK'd line survives |
/// | --- | --- |
/// | a file opened with [`append`](Self::append) | a crash of the process or of the machine, a power loss: each batch is written, flushed and synced to disk (`fdatasync`) before any of its lines is confirmed, as a **group commit** (the lines waiting when the writer is free share one sync) |
/// | [`with_sync`](Self::with_sync) | whatever its `sync` makes durable |
/// | a `File` given to [`new`](Self::new) or [`with_queue`](Self::with_queue) | a crash of the process; not of the machine: it is flushed, never synced |
/// | [`new`](Self::new), [`stdout`](Self::stdout): a pipe, a terminal | a crash of this process, once the reader took the line: a pipe has no disk, so what the reader does with it (and whether it survives a crash of the machine) is the reader's |
///
/// A line that failed halfway is ended with a newline before the next batch, so that a
/// reader never sees two events on one line.
///
/// Needs a tokio runtime for the wait; the thread itself needs none.
///
/// ```
/// use tencent_room_webhook::sink::JsonLines;
/// use tencent_room_webhook::testing::{self, CallbackRequest};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // Prints {"delivery":"1400000000:Room.CallbackAfterMemberLeave:…","event":{…}}, then OK.
/// let service = testing::recording(JsonLines::stdout());
/// testing::send(service, CallbackRequest::member_left()).await.assert_ok();
/// # }
/// ```
#[derive(Clone)]
pub struct JsonLines {
    queue: mpsc::Sender<Line>,
    wait: Duration,
}

/// One event's line, and where to say how its writing went.
struct Line {
    bytes: Vec<u8>,
    written: oneshot::Sender<Result<(), Arc<io::Error>>>,
}

impl fmt::Debug for JsonLines {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines")
            .field("wait", &self.wait)
            .field(
                "queued",
                &(self.queue.max_capacity() - self.queue.capacity()),
            )
            .finish_non_exhaustive()
    }
}

impl JsonLines {
    /// Lines on standard output.
    pub fn stdout() -> Self {
        Self::new(io::stdout())
    }

    /// Lines on `writer`, behind a queue of [`DEFAULT_QUEUE`] lines. The writer is taken
    /// to end with a whole line (a pipe, a new file); for a file that a crash may have
    /// left with half a line, use [`append`](Self::append).
    pub fn new<W: Write + Send + 'static>(writer: W) -> Self {
        Self::with_queue(writer, DEFAULT_QUEUE)
    }

    /// Lines on `writer`, behind a queue of `lines` lines (at least 1).
    ///
    /// # Panics
    ///
    /// When the operating system cannot start the writer thread.
    pub fn with_queue<W: Write + Send + 'static>(writer: W, lines: usize) -> Self {
        Self::start(writer, lines, false, |_: &mut W| Ok(()))
    }

    /// Lines on `writer`, each batch made durable by `sync` after its flush and before
    /// any of its lines is confirmed (a failed sync answers the batch 503, like a failed
    /// write): for an output of your own that is not a file, or a sync you want to see.
    ///
    /// ```
    /// use tencent_room_webhook::sink::JsonLines;
    ///
    /// # fn main() -> std::io::Result<()> {
    /// let file = std::fs::File::create(std::env::temp_dir().join("callbacks.jsonl"))?;
    /// let lines = JsonLines::with_sync(file, |file| file.sync_all());
    /// # Ok(()) }
    /// ```
    ///
    /// # Panics
    ///
    /// When the operating system cannot start the writer thread.
    pub fn with_sync<W, S>(writer: W, sync: S) -> Self
    where
        W: Write + Send + 'static,
        S: FnMut(&mut W) -> io::Result<()> + Send + 'static,
    {
        Self::start(writer, DEFAULT_QUEUE, false, sync)
    }

    /// Lines appended to the file at `path`, created if missing, each confirmed once it
    /// is on disk: every batch is synced (`fdatasync`) before its lines are answered OK,
    /// and the file's directory is synced when it is opened, so that a file created here
    /// survives a power loss too. A file whose last line a crash left without its newline
    /// gets one first, so that its first event never joins that line.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or read.
    ///
    /// # Panics
    ///
    /// When the operating system cannot start the writer thread.
    pub fn append(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref();
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)?;
        // Whether or not this call created it: once, and cheap.
        sync_directory(path)?;
        let torn = match file.seek(SeekFrom::End(-1)) {
            Ok(_) => {
                let mut last = [0];
                file.read_exact(&mut last)?;
                last[0] != b'\n'
            }
            // An empty file: nothing to end.
            Err(_) => false,
        };
        Ok(Self::start(file, DEFAULT_QUEUE, torn, |file: &mut File| {
            file.sync_data()
        }))
    }

    /// The writer thread, told whether the output ends with a line left unfinished, and
    /// how to make a flushed batch durable.
    fn start<W, S>(writer: W, lines: usize, torn: bool, sync: S) -> Self
    where
        W: Write + Send + 'static,
        S: FnMut(&mut W) -> io::Result<()> + Send + 'static,
    {
        let (queue, waiting) = mpsc::channel(lines.max(1));
        std::thread::Builder::new()
            .name("room-webhook-lines".into())
            .spawn(move || write_lines(writer, waiting, torn, sync))
            .expect("could not start the JsonLines writer thread");
        Self {
            queue,
            wait: DEFAULT_WAIT,
        }
    }

    /// Waits up to `wait` for a line to be written (and for room in the queue), instead
    /// of [`DEFAULT_WAIT`]. Keep it under Tencent's two seconds.
    pub fn with_wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }
}

impl Sink for JsonLines {
    /// Queues the event's line and waits until the writer flushed it, at most the wait.
    async fn record(&self, record: Record<'_>) -> Result<(), RecordError> {
        let failed = |error: io::Error| RecordError::Failed(Box::new(error));
        let line = LineOf {
            delivery: record.delivery.map(ToString::to_string),
            command: record.event.command(),
            event: record.event,
        };
        let mut bytes = serde_json::to_vec(&line).map_err(|e| failed(e.into()))?;
        bytes.push(b'\n');
        let (written, confirmed) = oneshot::channel();
        let line = Line { bytes, written };
        let outcome = tokio::time::timeout(self.wait, async {
            self.queue.send(line).await.map_err(|_| stopped())?;
            confirmed
                .await
                .map_err(|_| stopped())?
                .map_err(|error| io::Error::new(error.kind(), error.to_string()))
        });
        match outcome.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(failed(error)),
            Err(_elapsed) => Err(RecordError::TimedOut(self.wait)),
        }
    }
}

/// What one line holds.
#[derive(Serialize)]
struct LineOf<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery: Option<String>,
    command: &'a str,
    event: &'a Event,
}

fn stopped() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the JsonLines writer thread has stopped",
    )
}

/// Syncs the directory holding `path`, so that a file just created there survives a
/// power loss (its data is synced by each batch).
fn sync_directory(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        File::open(directory)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The writer thread: takes what is queued, writes it in one go, flushes, syncs, and tells
/// each line's caller. Ends when every `JsonLines` is dropped.
fn write_lines<W: Write>(
    mut writer: W,
    mut waiting: mpsc::Receiver<Line>,
    torn: bool,
    mut sync: impl FnMut(&mut W) -> io::Result<()>,
) {
    let mut batch: Vec<Line> = Vec::with_capacity(BATCH);
    let mut bytes = Vec::new();
    let mut torn = torn;
    while let Some(first) = waiting.blocking_recv() {
        batch.push(first);
        while batch.len() < BATCH {
            match waiting.try_recv() {
                Ok(line) => batch.push(line),
                Err(_) => break,
            }
        }
        // A caller that stopped waiting was answered FAIL: its line is not written.
        batch.retain(|line| !line.written.is_closed());
        if batch.is_empty() {
            continue;
        }
        bytes.clear();
        if torn {
            bytes.push(b'\n');
        }
        for line in &batch {
            bytes.extend_from_slice(&line.bytes);
        }
        let written = writer.write_all(&bytes).and_then(|()| writer.flush());
        // Only a write that failed can leave half a line; a failed sync leaves whole ones.
        torn = written.is_err();
        let outcome = written.and_then(|()| sync(&mut writer));
        let outcome = outcome.map_err(Arc::new);
        for line in batch.drain(..) {
            // The caller may have given up meanwhile; its answer is FAIL already.
            let _ = line.written.send(outcome.clone());
        }
    }
}
