//! The callback simulator: posts Tencent Cloud Chat callbacks (Room, Live and Chat's own
//! families) to a receiver as Tencent would, and says what it answered.
//!
//! Each request is built by the crate's test kit (`testing::CallbackRequest`): `POST` to
//! the URL's path, the URL's own query kept and Tencent's parameters appended
//! (`SdkAppid`, `CallbackCommand`, `contenttype=json`, `ClientIP`, `OptPlatform`, and
//! `Sign` / `RequestTime` when a token is given), `Content-Type: application/json`, the
//! sample body of Tencent's documentation or one of your own. Connections are kept alive,
//! as Tencent keeps them. Any HTTP/1 receiver will do, not only this crate's.
//!
//! ```text
//! cargo run --example server                      # in one terminal: the reference server
//! cargo run --example send                        # one Room.CallbackAfterDestroyRoom
//! cargo run --example send -- --all               # each command once: Room's 6, Live's 17, Chat's 60
//! cargo run --example send -- --command leave --token "$TOKEN"
//! cargo run --example send -- --file tests/fixtures/drift/seat_numeric_member.json
//! cargo run --example send -- --url 'http://127.0.0.1:3000/hooks/room?tenant=a' --sdkappid 1400123456
//! cargo run --release --example send -- --count 10000 --concurrency 64
//! ```
//!
//! One request (the default, or `--all` for every command of every family) prints one
//! line per request: the command, the HTTP status, the answer (compact JSON; anything that
//! is not a Tencent answer is shown truncated), the latency, and for a before-callback (and
//! the chatbot's signal) the decision it got:
//!
//! ```text
//! Room.CallbackAfterDestroyRoom  200  {"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}  0.9 ms
//! Live.CallbackBeforeSendGift    200  {"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1}  0.7 ms  -> gift rejected
//! Sns.CallbackPrevFriendAdd      200  {"ActionStatus":"OK",…,"ResultItem":[…]}  0.8 ms  -> friends: id1 allowed, id2 refused (38001)
//! ```
//!
//! `--count N` sends the command N times, `--concurrency C` at once over keep-alive
//! connections, each request with its own room ID (the body's `RoomId`, or
//! `RoomInfo.RoomId`, becomes `<original>-<i>` for i = 1..=N), and prints a summary, one
//! `name value` pair a line so that `awk '$1 == "OK" { print $2 }'` reads it: requests
//! sent, answered OK, FAIL, other answers, transport errors, statuses, duration,
//! requests per second, and latency percentiles (client side, answered requests only).
//! On a terminal a progress bar runs on standard error meanwhile; Ctrl-C stops sending and
//! prints the summary of what was sent.
//!
//! The exit status makes it scriptable: 0 when every answer was `200` with
//! `{"ActionStatus":"OK",...}`, 1 when any was not (a FAIL, another status, a body that
//! is not an answer, no answer within the timeout), 2 on bad options, 130 when
//! interrupted. `--help` lists the options.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::pin::pin;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use http::{Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use tencent_room_webhook::decision::{
    C2cForbidCode, FriendRefusalCode, GiftRejectionCode, MessageForbidCode,
};
use tencent_room_webhook::event::chat::bot::SignalMessage;
use tencent_room_webhook::event::chat::c2c::C2cMessageSending;
use tencent_room_webhook::event::chat::group::{
    GroupCreating, JoinApplying, MembersInviting, TopicCreating,
};
use tencent_room_webhook::event::chat::official_account::{
    OfficialAccountCreating, OfficialAccountMessageSending, SubscribersAdding,
};
use tencent_room_webhook::event::chat::sns::{FriendRequest, FriendRequestAnswered};
use tencent_room_webhook::event::live::{
    AdminsModified, BattleCreated, BattleEnded, BattleStarted, FollowAdded, FollowDeleted,
    GiftSending, LiveRoomCreated, LiveRoomDestroyed, LiveRoomInfoUpdated, MemberStateChanged,
    MessageSending, MessageSent, MetadataDeleted, MetadataSet, OwnerChanged,
    RoomCountThresholdReached,
};
use tencent_room_webhook::event::{
    MemberEntered, MemberLeft, RoomCreated, RoomDestroyed, RoomInfoUpdated, SeatListChanged,
};
use tencent_room_webhook::testing::{CallbackRequest, DEMO_SDK_APP_ID};
use tencent_room_webhook::{Answer, SdkAppId};

const DEFAULT_URL: &str = "http://127.0.0.1:8080/callback";
const TOKEN_VARIABLE: &str = "ROOM_WEBHOOK_TOKEN";
/// Answers are a few dozen bytes; a receiver answering more than this is cut off.
const ANSWER_LIMIT: usize = 64 * 1024;
/// How much of a body that is not an answer is shown.
const SHOWN_CHARS: usize = 200;
/// How many requests that were not answered OK a summary details.
const SHOWN_FAILURES: usize = 3;

/// The short names `--command` takes, with the commands they stand for.
const ALIASES: [(&str, &str); 6] = [
    ("create", RoomCreated::COMMAND),
    ("destroy", RoomDestroyed::COMMAND),
    ("update", RoomInfoUpdated::COMMAND),
    ("enter", MemberEntered::COMMAND),
    ("leave", MemberLeft::COMMAND),
    ("seat", SeatListChanged::COMMAND),
];

/// The commands of the Live family that `--all` sends after the Room family's six
/// (`Mic.CallbackAfterSeatInfoChanged`, which both families share, is among the six).
const LIVE: [&str; 17] = [
    LiveRoomCreated::COMMAND,
    LiveRoomDestroyed::COMMAND,
    LiveRoomInfoUpdated::COMMAND,
    MetadataSet::COMMAND,
    MetadataDeleted::COMMAND,
    RoomCountThresholdReached::COMMAND,
    MemberStateChanged::COMMAND,
    OwnerChanged::COMMAND,
    AdminsModified::COMMAND,
    BattleCreated::COMMAND,
    BattleStarted::COMMAND,
    BattleEnded::COMMAND,
    GiftSending::COMMAND,
    MessageSent::COMMAND,
    MessageSending::COMMAND,
    FollowAdded::COMMAND,
    FollowDeleted::COMMAND,
];

#[tokio::main]
async fn main() -> ExitCode {
    let options = match Options::from_args() {
        Ok(options) => options,
        Err(error) => return bad_options(error),
    };
    let sender = Arc::new(Sender::new(&options));
    // A URL that parsed may still not take the parameters (it never should): say so
    // now rather than once per request.
    if let Err(message) = sender.request(options.messages[0].request.clone()) {
        return bad_options(Args::command().error(ErrorKind::ValueValidation, message));
    }
    if options.count > 1 {
        repeat(sender, &options).await
    } else {
        send_each(&sender, &options.messages).await
    }
}

/// `--help` on standard output with status 0; an error on standard error, after the
/// program's name, with status 2.
fn bad_options(error: clap::Error) -> ExitCode {
    if !error.use_stderr() {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    eprint!("send: {}", error.render());
    ExitCode::from(2)
}

// ---------------------------------------------------------------------------------------
// Options

/// Post Tencent Cloud Chat Room callbacks to a receiver, as Tencent would.
// (The doc comment above is the help's first line.) Not `Debug`: it holds the token.
#[derive(Parser)]
#[command(
    name = "send",
    override_usage = "cargo run --example send -- [OPTIONS]",
    after_help = AFTER_HELP
)]
struct Args {
    /// The callback URL: its path is the callback path; a query of its own is kept and
    /// Tencent's parameters are appended
    #[arg(long, value_name = "URL", default_value = DEFAULT_URL, value_parser = Target::parse)]
    url: Target,

    /// The command: create, destroy, update, enter, leave, seat, or a full name like
    /// Room.CallbackAfterMemberLeave or C2C.CallbackBeforeSendMsg (a known command is sent
    /// with its sample body, another with a body holding only its CallbackCommand)
    /// [default: destroy]
    #[arg(long, value_name = "NAME", value_parser = resolve_command)]
    command: Option<String>,

    /// Send this JSON body (- reads standard input); its CallbackCommand is the command
    /// unless --command is given
    #[arg(long, value_name = "PATH")]
    file: Option<String>,

    /// Send each command of every family once (Room's 6, Live's 17, Chat's 60), with
    /// Tencent's sample bodies
    #[arg(long, conflicts_with_all = ["command", "file"])]
    all: bool,

    /// The SdkAppid sent
    #[arg(
        long = "sdkappid",
        value_name = "N",
        default_value_t = SdkAppId::new(DEMO_SDK_APP_ID),
        // So that `-1` is refused as an SDKAppID, not taken for an option.
        allow_negative_numbers = true
    )]
    sdk_app_id: SdkAppId,

    /// Sign with this token at the current time [default: $ROOM_WEBHOOK_TOKEN when set]
    #[arg(long, value_name = "T")]
    token: Option<String>,

    /// Do not sign, even when ROOM_WEBHOOK_TOKEN is set
    #[arg(long, conflicts_with = "token")]
    no_token: bool,

    /// Send N requests, each with its own room ID, and print a summary instead of one
    /// line per request (when N is above 1)
    #[arg(long, value_name = "N", default_value = "1", value_parser = above_zero::<u64>)]
    count: u64,

    /// Requests in flight at once, at most N
    #[arg(long, value_name = "C", default_value = "1", value_parser = above_zero::<usize>)]
    concurrency: usize,

    /// How long to wait for an answer, in seconds (Tencent waits 2 s)
    #[arg(long, value_name = "SECS", default_value = "2", value_parser = seconds_above_zero)]
    timeout: Duration,
}

const AFTER_HELP: &str = "\
Exit status: 0 when every answer was 200 with ActionStatus OK; 1 when any was not (FAIL,
another status, not an answer, no answer); 2 on bad options; 130 when interrupted.

Examples:
  cargo run --example send -- --all
  cargo run --example send -- --command leave --token \"$ROOM_WEBHOOK_TOKEN\"
  cargo run --release --example send -- --count 10000 --concurrency 64";

/// The options, checked against each other, and the messages they make.
struct Options {
    target: Target,
    /// One message, or every command's with `--all`.
    messages: Vec<Message>,
    sdk_app_id: SdkAppId,
    /// Not printed anywhere.
    token: Option<String>,
    count: u64,
    concurrency: usize,
    timeout: Duration,
}

/// Where requests go: `http://authority`, the path, and the URL's own query.
#[derive(Clone)]
struct Target {
    base: String,
    path: String,
    query: Option<String>,
    /// The URL as given, for messages.
    shown: String,
}

/// What is sent: a command and its body, as a request of the test kit.
#[derive(Clone)]
struct Message {
    command: String,
    request: CallbackRequest,
    /// The body as JSON, when it is: where `--count` numbers the room ID.
    json: Option<Value>,
}

impl Options {
    fn from_args() -> Result<Self, clap::Error> {
        let args = Args::try_parse()?;
        let invalid = |message: String| Args::command().error(ErrorKind::ValueValidation, message);
        if args.all && args.count > 1 {
            return Err(Args::command().error(
                ErrorKind::ArgumentConflict,
                "--all sends each command once: --count repeats a single command",
            ));
        }
        let token = args.token().map_err(invalid)?;
        let messages = if args.all {
            // Chat's own 60: the four it shares with Live (group messages, follows) are
            // Live's.
            let chat = CallbackRequest::chat_samples();
            ALIASES
                .iter()
                .map(|(_, command)| *command)
                .chain(LIVE)
                .chain(chat.iter().map(CallbackRequest::command))
                .map(Message::sample)
                .collect()
        } else {
            let message = match &args.file {
                Some(path) => Message::from_file(path, args.command).map_err(invalid)?,
                None => Message::sample(args.command.as_deref().unwrap_or(RoomDestroyed::COMMAND)),
            };
            vec![message]
        };
        // More workers than requests would have nothing to do.
        let concurrency = args
            .concurrency
            .min(usize::try_from(args.count).unwrap_or(usize::MAX));
        Ok(Self {
            target: args.url,
            messages,
            sdk_app_id: args.sdk_app_id,
            token,
            count: args.count,
            concurrency,
            timeout: args.timeout,
        })
    }
}

impl Args {
    /// `--token`, else the environment's, unless `--no-token`.
    fn token(&self) -> Result<Option<String>, String> {
        if self.no_token {
            return Ok(None);
        }
        let token = match &self.token {
            Some(token) => Some(token.clone()),
            None => match std::env::var(TOKEN_VARIABLE) {
                Ok(token) => Some(token),
                Err(std::env::VarError::NotPresent) => None,
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(format!("{TOKEN_VARIABLE} is not valid UTF-8"))
                }
            },
        };
        if token.as_deref() == Some("") {
            return Err(format!(
                "the token is empty (--token or {TOKEN_VARIABLE}): give the console's token, \
                 or --no-token to send unsigned"
            ));
        }
        Ok(token)
    }
}

/// A whole number above 0, for `--count` and `--concurrency`.
fn above_zero<T: FromStr + Default + PartialOrd>(text: &str) -> Result<T, String> {
    match text.parse::<T>() {
        Ok(n) if n > T::default() => Ok(n),
        _ => Err("expected a whole number above 0".to_owned()),
    }
}

/// Seconds above 0, whole or not, for `--timeout`.
fn seconds_above_zero(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|secs| *secs > 0.0)
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| "expected seconds above 0, like 2 or 0.5".to_owned())
}

/// A full command name, from an alias or as given when it looks like one.
fn resolve_command(name: &str) -> Result<String, String> {
    if let Some((_, command)) = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
    {
        return Ok((*command).to_owned());
    }
    // Any full name is accepted, so that unknown or future commands can be sent too.
    if name.contains('.') && !name.starts_with('.') && !name.ends_with('.') {
        return Ok(name.to_owned());
    }
    let aliases: Vec<&str> = ALIASES.iter().map(|(alias, _)| *alias).collect();
    Err(format!(
        "expected one of {} or a full name like {}",
        aliases.join(", "),
        MemberLeft::COMMAND
    ))
}

impl Target {
    fn parse(text: &str) -> Result<Self, String> {
        let expected = "expected http://HOST:PORT/PATH, like http://127.0.0.1:8080/callback";
        let uri: Uri = text
            .parse()
            .map_err(|error| format!("{error}: {expected}"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(
                    "https is not supported (this example has no TLS client): send \
                            to the receiver's plain HTTP address"
                        .to_owned(),
                )
            }
            _ => return Err(expected.to_owned()),
        }
        let authority = uri
            .authority()
            .ok_or_else(|| format!("no host: {expected}"))?;
        let path = match uri.path() {
            "" => "/",
            path => path,
        };
        Ok(Self {
            base: format!("http://{authority}"),
            path: path.to_owned(),
            query: uri
                .query()
                .filter(|query| !query.is_empty())
                .map(str::to_owned),
            shown: text.to_owned(),
        })
    }
}

impl Message {
    /// A command with the sample body of Tencent's documentation, or with a body holding
    /// only its `CallbackCommand` when the crate has no sample of it.
    fn sample(command: &str) -> Self {
        let request = CallbackRequest::sample(command);
        let json = serde_json::from_slice(request.body_bytes()).ok();
        Self {
            command: command.to_owned(),
            request,
            json,
        }
    }

    /// A body read from a file; the command is `command` or else the body's.
    fn from_file(path: &str, command: Option<String>) -> Result<Self, String> {
        let body = if path == "-" {
            let mut body = Vec::new();
            std::io::stdin()
                .read_to_end(&mut body)
                .map_err(|error| format!("--file -: cannot read standard input: {error}"))?;
            body
        } else {
            std::fs::read(path).map_err(|error| format!("--file {path}: {error}"))?
        };
        let json = serde_json::from_slice::<Value>(&body);
        let in_body = json
            .as_ref()
            .ok()
            .and_then(|json| json.get("CallbackCommand"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let command = match (command, in_body) {
            (Some(command), in_body) => {
                if let Some(in_body) = in_body.filter(|in_body| *in_body != command) {
                    eprintln!(
                        "send: note: the body's CallbackCommand is {in_body}, the query's \
                         {command}: a receiver should refuse the request (400)"
                    );
                }
                command
            }
            (None, Some(in_body)) => in_body,
            (None, None) => {
                return Err(match &json {
                    Err(error) => format!(
                        "--file {path}: not JSON ({error}): give --command to send it anyway"
                    ),
                    Ok(_) => format!(
                        "--file {path}: no CallbackCommand string in the body: give --command"
                    ),
                })
            }
        };
        Ok(Self {
            request: CallbackRequest::new(command.as_str(), body),
            command,
            json: json.ok(),
        })
    }

    /// The request numbered `n` of a `--count` run: the room ID made distinct.
    fn numbered(&self, n: u64) -> CallbackRequest {
        let mut json = match &self.json {
            Some(json) => json.clone(),
            None => return self.request.clone(),
        };
        if set_room_id(&mut json, n) {
            let body = serde_json::to_vec(&json).expect("a JSON value always encodes");
            self.request.clone().body(body)
        } else {
            self.request.clone()
        }
    }

    /// Whether [`Message::numbered`] can make room IDs distinct.
    fn has_room_id(&self) -> bool {
        self.json
            .clone()
            .is_some_and(|mut json| set_room_id(&mut json, 1))
    }
}

/// Sets the body's `RoomId`, else its `RoomInfo.RoomId`, to `<original>-<n>`; false when
/// it has neither (as a string or a number).
fn set_room_id(body: &mut Value, n: u64) -> bool {
    let slot = if body.get("RoomId").is_some() {
        body.get_mut("RoomId")
    } else {
        body.get_mut("RoomInfo")
            .and_then(|info| info.get_mut("RoomId"))
    };
    let Some(slot) = slot else {
        return false;
    };
    let original = match &*slot {
        Value::String(room_id) => room_id.clone(),
        Value::Number(room_id) => room_id.to_string(),
        _ => return false,
    };
    *slot = Value::String(format!("{original}-{n}"));
    true
}

// ---------------------------------------------------------------------------------------
// Sending

/// Sends requests over a pool of keep-alive connections.
struct Sender {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    path: String,
    query: Option<String>,
    sdk_app_id: SdkAppId,
    token: Option<String>,
    timeout: Duration,
}

/// What became of one request.
enum Outcome {
    Answered {
        status: StatusCode,
        body: Bytes,
        verdict: Verdict,
        latency: Duration,
    },
    /// No answer: connection refused or reset, timeout, a body too large.
    Failed { error: String, latency: Duration },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// 200 and `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`.
    Ok,
    /// A well-formed FAIL answer, whatever the status.
    Fail,
    /// Not a Tencent answer, or an OK answer with a status other than 200.
    Other,
}

impl Sender {
    fn new(options: &Options) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(options.timeout));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Self {
            client,
            base: options.target.base.clone(),
            path: options.target.path.clone(),
            query: options.target.query.clone(),
            sdk_app_id: options.sdk_app_id,
            token: options.token.clone(),
            timeout: options.timeout,
        }
    }

    /// The request as Tencent sends it to this target, signed now when there is a token.
    fn request(&self, request: CallbackRequest) -> Result<Request<Full<Bytes>>, String> {
        let mut request = request.sdk_app_id(self.sdk_app_id).path(self.path.as_str());
        if let Some(token) = &self.token {
            request = request.signed_now(token.as_str());
        }
        // The kit writes `path?<Tencent's parameters>`; the URL's own query goes first,
        // as Tencent appends its parameters to the configured URL.
        let path_and_query = request.path_and_query();
        let tencent = path_and_query
            .split_once('?')
            .map_or("", |(_, query)| query);
        let uri = match &self.query {
            Some(query) => format!("{}{}?{query}&{tencent}", self.base, self.path),
            None => format!("{}{}?{tencent}", self.base, self.path),
        };
        let uri: Uri = uri
            .parse()
            .map_err(|error| format!("cannot form the request URI {uri:?}: {error}"))?;
        let (mut parts, body) = request.build().into_parts();
        parts.uri = uri;
        Ok(Request::from_parts(parts, body))
    }

    /// Sends one request and reads the whole answer, within the timeout.
    async fn send(&self, request: Request<Full<Bytes>>) -> Outcome {
        let started = Instant::now();
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|error| chain(&error))?;
            let status = response.status();
            let body = Limited::new(response.into_body(), ANSWER_LIMIT)
                .collect()
                .await
                .map_err(|error| format!("reading the answer: {}", chain(&*error)))?
                .to_bytes();
            Ok::<_, String>((status, body))
        };
        let result = tokio::time::timeout(self.timeout, exchange).await;
        let latency = started.elapsed();
        match result {
            Ok(Ok((status, body))) => Outcome::Answered {
                verdict: verdict(status, &body),
                status,
                body,
                latency,
            },
            Ok(Err(error)) => Outcome::Failed { error, latency },
            Err(_) => Outcome::Failed {
                error: format!("no answer within {}", seconds(self.timeout)),
                latency,
            },
        }
    }
}

fn verdict(status: StatusCode, body: &[u8]) -> Verdict {
    match serde_json::from_slice::<Answer>(body) {
        Ok(answer) if answer.is_ok() && status == StatusCode::OK => Verdict::Ok,
        Ok(answer) if !answer.is_ok() => Verdict::Fail,
        _ => Verdict::Other,
    }
}

/// An error with its causes: `client error (Connect): tcp connect error: Connection refused`.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some errors repeat their cause in their own message.
        if !text.ends_with(&cause_text) {
            let _ = write!(text, ": {cause_text}");
        }
        source = cause.source();
    }
    text
}

impl Outcome {
    fn is_ok(&self) -> bool {
        matches!(
            self,
            Self::Answered {
                verdict: Verdict::Ok,
                ..
            }
        )
    }

    /// The status and the answer, or the error: what a line shows after the command.
    fn describe(&self) -> String {
        match self {
            Self::Answered { status, body, .. } => {
                format!("{}  {}", status.as_u16(), show_body(body))
            }
            Self::Failed { error, .. } => format!("error: {error}"),
        }
    }

    fn latency(&self) -> Duration {
        match self {
            Self::Answered { latency, .. } | Self::Failed { latency, .. } => *latency,
        }
    }
}

/// An answer as compact JSON in its own field order; anything else quoted and truncated,
/// with why it is not an answer.
fn show_body(body: &[u8]) -> String {
    if body.is_empty() {
        return "not an answer: empty body".to_owned();
    }
    let why = match serde_json::from_slice::<Answer>(body) {
        Ok(_) => None,
        Err(error) => Some(error.to_string()),
    };
    let shown = match std::str::from_utf8(body) {
        Ok(text) if serde_json::from_slice::<Value>(body).is_ok() => truncate(&compact(text)),
        _ => format!("{:?}", truncate(&String::from_utf8_lossy(body))),
    };
    match why {
        None => shown,
        Some(why) => format!("not an answer ({why}): {shown}"),
    }
}

/// What a before-callback's answer decided (or the chatbot's reply), in Tencent's terms;
/// `None` for the others.
fn decision(command: &str, body: &[u8]) -> Option<String> {
    let answer: Answer = serde_json::from_slice(body).ok()?;
    let code = answer.error_code().get();
    let decided = match command {
        GiftSending::COMMAND => match code {
            _ if !answer.is_ok() => "FAIL: the gift is blocked".to_owned(),
            0 => "gift allowed".to_owned(),
            1 => "gift rejected".to_owned(),
            _ if GiftRejectionCode::new(code).is_some() => {
                format!("gift rejected, {code} passed to the client")
            }
            _ => format!("gift rejected with the undocumented code {code}"),
        },
        MessageSending::COMMAND => {
            let passed = MessageForbidCode::new(code).is_some();
            message("message", "client", 10016, passed, &answer)
        }
        C2cMessageSending::COMMAND => {
            let passed = C2cForbidCode::new(code).is_some();
            message("c2c message", "sender", 20006, passed, &answer)
        }
        OfficialAccountMessageSending::COMMAND => {
            let passed = C2cForbidCode::new(code).is_some();
            message("official account message", "sender", 10016, passed, &answer)
        }
        GroupCreating::COMMAND => request("group creation", &answer, 10016),
        JoinApplying::COMMAND => request("application to join", &answer, 10016),
        TopicCreating::COMMAND => request("topic creation", &answer, 10016),
        OfficialAccountCreating::COMMAND => request("official account creation", &answer, 20006),
        MembersInviting::COMMAND => some_refused("invitation", "RefusedMembers_Account", &answer),
        SubscribersAdding::COMMAND => {
            some_refused("subscribers", "RefusedSubscribers_Account", &answer)
        }
        FriendRequest::COMMAND | FriendRequestAnswered::COMMAND => friends(&answer),
        SignalMessage::COMMAND => match (code, answer.decided("RspData")) {
            _ if !answer.is_ok() => "FAIL: the chatbot gets no reply".to_owned(),
            (0, Some(Value::String(data))) => format!("chatbot reply: {}", truncate(data)),
            (1, _) => "chatbot reply ignored".to_owned(),
            _ => format!("chatbot reply with the undocumented code {code}"),
        },
        _ => return None,
    };
    Some(decided)
}

/// A message decision (a group's, one-to-one, an official account's): `refused` is the
/// error the sender gets for a plain forbid, `passed` whether the code is of the command's
/// range.
fn message(what: &str, sender: &str, refused: i32, passed: bool, answer: &Answer) -> String {
    let code = answer.error_code().get();
    match code {
        _ if !answer.is_ok() => format!("FAIL: Chat delivers the {what} by default"),
        0 if answer.decided("MsgBody").is_some() => format!("{what} rewritten"),
        0 => format!("{what} allowed"),
        1 => format!("{what} forbidden (the {sender} gets {refused})"),
        2 => format!("{what} discarded silently"),
        _ if passed => format!("{what} forbidden, {code} passed to the {sender}"),
        _ => format!("{what} refused with the undocumented code {code}"),
    }
}

/// A request allowed or refused (a group's or a topic's creation, an application to join,
/// an official account's creation).
fn request(what: &str, answer: &Answer, refused: i32) -> String {
    match answer.error_code().get() {
        _ if !answer.is_ok() => format!("FAIL: the console's policy decides the {what}"),
        0 => format!("{what} allowed"),
        1 => format!("{what} refused (the caller gets {refused})"),
        code => format!("{what} refused, {code} passed to the caller"),
    }
}

/// A request for several users, some of them refused (`member`, a list of users).
fn some_refused(what: &str, member: &str, answer: &Answer) -> String {
    let refused = answer
        .decided(member)
        .and_then(Value::as_array)
        .map(|users| users.iter().filter_map(Value::as_str).collect::<Vec<_>>())
        .unwrap_or_default();
    match answer.error_code().get() {
        _ if !answer.is_ok() => format!("FAIL: the console's policy decides the {what}"),
        0 if refused.is_empty() => format!("{what} allowed"),
        0 => format!("{what} allowed but for {}", refused.join(", ")),
        1 => format!("{what} refused"),
        code => format!("{what} refused, {code} passed to the caller"),
    }
}

/// Friend requests or answers to them, user by user (`ResultItem`).
fn friends(answer: &Answer) -> String {
    let code = answer.error_code().get();
    if !answer.is_ok() {
        return "FAIL: the console's policy decides the friendships".to_owned();
    }
    if code != 0 {
        // The page: a backend that failed lets the friendships through by default.
        return format!("the backend failed ({code}): Chat lets the friendships through");
    }
    let items = answer
        .decided("ResultItem")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if items.is_empty() {
        return "friends: no ResultItem, one a user is required".to_owned();
    }
    let documented = |code: i64| {
        let code = i32::try_from(code).ok();
        code.and_then(FriendRefusalCode::new).is_some()
    };
    let users: Vec<String> = items
        .iter()
        .map(|item| {
            let user = item["To_Account"].as_str().unwrap_or("?");
            match item["ResultCode"].as_i64() {
                Some(0) => format!("{user} allowed"),
                Some(code) if documented(code) => format!("{user} refused ({code})"),
                Some(code) => format!("{user} refused with the undocumented code {code}"),
                None => format!("{user}: no ResultCode"),
            }
        })
        .collect();
    format!("friends: {}", users.join(", "))
}

/// Valid JSON text without the whitespace between its tokens.
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn millis(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

// ---------------------------------------------------------------------------------------
// One request per message

/// Sends each message once, in order, printing one line per request.
async fn send_each(sender: &Sender, messages: &[Message]) -> ExitCode {
    let width = messages
        .iter()
        .map(|message| message.command.len())
        .max()
        .unwrap_or(0);
    let mut all_ok = true;
    for message in messages {
        let outcome = match sender.request(message.request.clone()) {
            Ok(request) => sender.send(request).await,
            Err(error) => Outcome::Failed {
                error,
                latency: Duration::ZERO,
            },
        };
        let decided = match &outcome {
            Outcome::Answered { body, .. } => decision(&message.command, body),
            Outcome::Failed { .. } => None,
        };
        println!(
            "{:<width$}  {}  {} ms{}",
            message.command,
            outcome.describe(),
            millis(outcome.latency()),
            decided.map_or(String::new(), |decided| format!("  -> {decided}"))
        );
        all_ok &= outcome.is_ok();
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// ---------------------------------------------------------------------------------------
// Many requests

/// What the workers share.
struct Run {
    sender: Arc<Sender>,
    message: Message,
    count: u64,
    /// The index of the next request to send.
    next: AtomicU64,
    /// Requests completed, and of those not answered OK: for the progress bar.
    done: AtomicU64,
    not_ok: AtomicU64,
    /// Set on Ctrl-C: send nothing more.
    stop: AtomicBool,
}

/// The counts of one worker, then of all.
#[derive(Default)]
struct Tally {
    sent: u64,
    ok: u64,
    fail: u64,
    other: u64,
    errors: u64,
    statuses: BTreeMap<u16, u64>,
    /// Answered requests only: a refused connection says nothing of the receiver's speed.
    latencies: Vec<Duration>,
    /// The first few requests not answered OK: (number, description).
    failures: Vec<(u64, String)>,
}

impl Tally {
    fn add(&mut self, n: u64, outcome: &Outcome) {
        self.sent += 1;
        match outcome {
            Outcome::Answered {
                status,
                verdict,
                latency,
                ..
            } => {
                *self.statuses.entry(status.as_u16()).or_default() += 1;
                self.latencies.push(*latency);
                match verdict {
                    Verdict::Ok => self.ok += 1,
                    Verdict::Fail => self.fail += 1,
                    Verdict::Other => self.other += 1,
                }
            }
            Outcome::Failed { .. } => self.errors += 1,
        }
        if !outcome.is_ok() && self.failures.len() < SHOWN_FAILURES {
            self.failures.push((n, outcome.describe()));
        }
    }

    fn merge(&mut self, other: Tally) {
        self.sent += other.sent;
        self.ok += other.ok;
        self.fail += other.fail;
        self.other += other.other;
        self.errors += other.errors;
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_default() += count;
        }
        self.latencies.extend(other.latencies);
        self.failures.extend(other.failures);
        self.failures.sort_by_key(|(n, _)| *n);
        self.failures.truncate(SHOWN_FAILURES);
    }
}

/// Sends `--count` requests from `--concurrency` workers and prints a summary.
async fn repeat(sender: Arc<Sender>, options: &Options) -> ExitCode {
    let message = &options.messages[0];
    if !message.has_room_id() {
        eprintln!(
            "send: note: the body has no RoomId or RoomInfo.RoomId: every request carries \
             the same body"
        );
    }
    eprintln!(
        "send: {} × {} to {}, {} at a time",
        options.count, message.command, options.target.shown, options.concurrency
    );
    let run = Arc::new(Run {
        sender,
        message: message.clone(),
        count: options.count,
        next: AtomicU64::new(0),
        done: AtomicU64::new(0),
        not_ok: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    });

    let started = Instant::now();
    let workers: Vec<_> = (0..options.concurrency)
        .map(|_| tokio::spawn(work(Arc::clone(&run))))
        .collect();
    let progress = std::io::stderr()
        .is_terminal()
        .then(|| tokio::spawn(show_progress(Arc::clone(&run), started)));

    let mut finished = pin!(async move {
        let mut tally = Tally::default();
        for worker in workers {
            tally.merge(worker.await.expect("a worker does not panic"));
        }
        tally
    });
    let mut interrupted = false;
    let tally = tokio::select! {
        tally = &mut finished => tally,
        _ = tokio::signal::ctrl_c() => {
            // Requests in flight end within the timeout; no new ones start.
            interrupted = true;
            run.stop.store(true, Ordering::Relaxed);
            finished.await
        }
    };
    let elapsed = started.elapsed();
    if let Some(progress) = progress {
        progress.abort();
        let _ = progress.await;
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K");
        let _ = stderr.flush();
    }

    print_summary(&tally, elapsed, options.timeout);
    if interrupted {
        eprintln!(
            "send: interrupted after {} of {} requests",
            tally.sent, options.count
        );
        ExitCode::from(130)
    } else if tally.ok == tally.sent {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A worker: takes the next request number until there is none left.
async fn work(run: Arc<Run>) -> Tally {
    let mut tally = Tally::default();
    while !run.stop.load(Ordering::Relaxed) {
        let index = run.next.fetch_add(1, Ordering::Relaxed);
        if index >= run.count {
            break;
        }
        let n = index + 1;
        let outcome = match run.sender.request(run.message.numbered(n)) {
            Ok(request) => run.sender.send(request).await,
            Err(error) => Outcome::Failed {
                error,
                latency: Duration::ZERO,
            },
        };
        if !outcome.is_ok() {
            run.not_ok.fetch_add(1, Ordering::Relaxed);
        }
        run.done.fetch_add(1, Ordering::Relaxed);
        tally.add(n, &outcome);
    }
    tally
}

/// Redraws a progress bar on standard error ten times a second until aborted.
async fn show_progress(run: Arc<Run>, started: Instant) {
    const WIDTH: u64 = 30;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        let done = run.done.load(Ordering::Relaxed);
        let not_ok = run.not_ok.load(Ordering::Relaxed);
        let filled = done * WIDTH / run.count;
        let bar: String = (0..WIDTH)
            .map(|i| if i < filled { '#' } else { '-' })
            .collect();
        let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
        let mut stderr = std::io::stderr().lock();
        // `\x1b[K` clears what a longer previous line left behind.
        let _ = write!(
            stderr,
            "\r[{bar}] {done}/{} {:>3}%  {rate:.0} requests/s  {not_ok} not OK\x1b[K",
            run.count,
            done * 100 / run.count
        );
        let _ = stderr.flush();
    }
}

/// The summary on standard output, one `name value` pair a line.
fn print_summary(tally: &Tally, elapsed: Duration, timeout: Duration) {
    let statuses = if tally.statuses.is_empty() {
        "-".to_owned()
    } else {
        let pairs: Vec<String> = tally
            .statuses
            .iter()
            .map(|(status, count)| format!("{status}:{count}"))
            .collect();
        pairs.join(" ")
    };
    let rate = tally.sent as f64 / elapsed.as_secs_f64().max(1e-9);
    let mut latencies = tally.latencies.clone();
    latencies.sort_unstable();
    let latency = if latencies.is_empty() {
        "- (nothing answered)".to_owned()
    } else {
        let at = |percent: usize| {
            // Nearest rank: the smallest sample with at least `percent`% at or below it.
            let rank = (percent * latencies.len()).div_ceil(100).max(1);
            millis(latencies[rank - 1])
        };
        format!(
            "p50 {}  p90 {}  p99 {}  max {}  (ms)",
            at(50),
            at(90),
            at(99),
            millis(latencies[latencies.len() - 1])
        )
    };
    println!("sent         {}", tally.sent);
    println!("OK           {}", tally.ok);
    println!("FAIL         {}", tally.fail);
    println!(
        "other        {}  (not a Tencent answer, or OK with a status other than 200)",
        tally.other
    );
    println!(
        "errors       {}  (no answer: connection failed, or nothing within {})",
        tally.errors,
        seconds(timeout)
    );
    println!("statuses     {statuses}  (status:count)");
    println!("duration     {:.3} s", elapsed.as_secs_f64());
    println!("requests/s   {rate:.1}");
    println!("latency      {latency}");
    for (n, description) in &tally.failures {
        println!("not OK       #{n}  {description}");
    }
}
