//! Chat moderation: one-to-one and group messages filtered, friend requests and
//! invitations refused user by user, with a `ChatHandler` and a `LiveHandler`.
//!
//! - `C2C.CallbackBeforeSendMsg` and `Group.CallbackBeforeSendMsg`: a message with a banned
//!   word (`ROOM_WEBHOOK_BANNED`, comma-separated, default `spam,scam`) is forbidden, and
//!   the sender's client gets a code and a message: 120001 for a one-to-one message (the
//!   page's range is [120001, 130000]), 10101 for a group's ([10100, 10200]). A message
//!   with a mildly bad word (`ROOM_WEBHOOK_MASKED`, default `darn,heck`) is sent with that
//!   word replaced by `***` in its text elements. Any other is sent as it is.
//! - `Sns.CallbackPrevFriendAdd`: each user has a blocklist (`ROOM_WEBHOOK_BLOCKLIST`,
//!   comma-separated `user:blocked` pairs, default `id2:id,jared:leckie`). A request to a
//!   user who blocked the requester is refused for that user alone, with code 38001 (in
//!   [38000, 39000]); the others in the same request go ahead.
//! - `Group.CallbackBeforeInviteJoinGroup`: the users invited who blocked the inviter are
//!   not added (`RefusedMembers_Account`); the others are.
//!
//! Group messages are the Live handler's (`on_message_sending`), whichever group they are
//! sent in, a live room or any other: Tencent sends the one command,
//! `Group.CallbackBeforeSendMsg`, for both, so the crate has one type for it and one
//! handler decides it. Every other Chat command is the Chat handler's.
//!
//! Every callback is recorded first, as the reference server records it (one JSON line on
//! standard output, or a Redis stream), and is decided or answered OK once recorded. Each
//! decision is logged at `info`.
//!
//! Configuration, as in `examples/server.rs` (`ROOM_WEBHOOK_ADDR`, default
//! `127.0.0.1:8084`, `ROOM_WEBHOOK_SDKAPPID`, `ROOM_WEBHOOK_TOKEN`, ...), plus the three
//! above. Try it:
//!
//! ```text
//! cargo run --example moderation
//! cargo run --example send -- --url http://127.0.0.1:8084/callback --command Sns.CallbackPrevFriendAdd
//! cargo run --example send -- --url http://127.0.0.1:8084/callback --all
//! ```

mod support;

use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use tencent_room_webhook::decision::{
    C2cForbidCode, C2cMessageDecision, FriendDecision, FriendRefusalCode, InviteDecision,
    MessageDecision, MessageForbidCode, Rewrite, SendDecision,
};
use tencent_room_webhook::event::chat::c2c::C2cMessageSending;
use tencent_room_webhook::event::chat::group::MembersInviting;
use tencent_room_webhook::event::chat::sns::FriendRequest;
use tencent_room_webhook::event::live::{MessageSending, MsgElement};
use tencent_room_webhook::event::UserId;
use tencent_room_webhook::handler::{ChatHandler, HandlerError, LiveHandler};
use tencent_room_webhook::CallbackContext;
use tower::Layer;

const DEFAULT_ADDR: &str = "127.0.0.1:8084";
const C2C_BANNED: Option<C2cForbidCode> = C2cForbidCode::new(120001);
const GROUP_BANNED: Option<MessageForbidCode> = MessageForbidCode::new(10101);
const BLOCKED: Option<FriendRefusalCode> = FriendRefusalCode::new(38001);
const BANNED_MESSAGE: &str = "this message has a word not allowed here";

#[tokio::main]
async fn main() -> ExitCode {
    let moderator = match Moderator::from_env() {
        Ok(moderator) => Arc::new(moderator),
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let started = support::start(DEFAULT_ADDR, |layer, recorder| {
        // One moderator for both families: group messages come to the Live handler.
        layer
            .handler(recorder)
            .live_handler(Arc::clone(&moderator))
            .chat_handler(moderator)
            .build()
    });
    match started.await {
        Ok((listener, webhook, shutdown)) => {
            let routes = Router::new().route("/healthz", get(|| async { "ok" }));
            support::serve(listener, webhook.layer(routes), shutdown).await
        }
        Err(exit) => exit,
    }
}

/// The words and blocklists the decisions read.
struct Moderator {
    /// Lower-case: a message with one of them is forbidden.
    banned: Vec<String>,
    /// Lower-case: each is replaced by `***`.
    masked: Vec<String>,
    /// By user: the users they refuse friend requests and invitations from.
    blocked: HashMap<UserId, HashSet<UserId>>,
}

/// What becomes of a message's text, whichever kind of message.
enum Verdict {
    Banned(String),
    Masked(Vec<MsgElement>),
    Clean,
}

impl Moderator {
    fn from_env() -> Result<Self, String> {
        let words = |name: &str, default: &str| {
            let text = std::env::var(name).unwrap_or_else(|_| default.to_owned());
            // ASCII lower case keeps each byte where it was: a match masks the same bytes.
            text.split(',')
                .map(|word| word.trim().to_ascii_lowercase())
                .filter(|word| !word.is_empty())
                .collect::<Vec<_>>()
        };
        let mut blocked: HashMap<UserId, HashSet<UserId>> = HashMap::new();
        let pairs = std::env::var("ROOM_WEBHOOK_BLOCKLIST")
            .unwrap_or_else(|_| "id2:id,jared:leckie".to_owned());
        for pair in pairs.split(',').filter(|pair| !pair.trim().is_empty()) {
            let (user, other) = pair
                .split_once(':')
                .map(|(user, other)| (user.trim(), other.trim()))
                .filter(|(user, other)| !user.is_empty() && !other.is_empty())
                .ok_or_else(|| {
                    format!("ROOM_WEBHOOK_BLOCKLIST: {pair:?} is not a user:blocked pair")
                })?;
            blocked.entry(user.into()).or_default().insert(other.into());
        }
        Ok(Self {
            banned: words("ROOM_WEBHOOK_BANNED", "spam,scam"),
            masked: words("ROOM_WEBHOOK_MASKED", "darn,heck"),
            blocked,
        })
    }

    /// Whether `user` blocked `other`.
    fn blocks(&self, user: &UserId, other: Option<&UserId>) -> bool {
        other.is_some_and(|other| {
            self.blocked
                .get(user)
                .is_some_and(|set| set.contains(other))
        })
    }

    /// Reads the text elements of a message: a banned word, or the body masked, or clean.
    fn read(&self, body: &[MsgElement]) -> Verdict {
        let mut masked = body.to_vec();
        let mut changed = false;
        for element in &mut masked {
            let MsgElement::Text {
                text: Some(text), ..
            } = element
            else {
                continue;
            };
            let lower = text.to_ascii_lowercase();
            if let Some(word) = self
                .banned
                .iter()
                .find(|word| lower.contains(word.as_str()))
            {
                return Verdict::Banned(word.clone());
            }
            for word in &self.masked {
                let (masked_text, found) = mask(text, word);
                *text = masked_text;
                changed |= found;
            }
        }
        if changed {
            Verdict::Masked(masked)
        } else {
            Verdict::Clean
        }
    }

    /// The decision on a message, of either kind: `forbid` is its banned-word answer.
    fn decide<C>(&self, body: &[MsgElement], forbid: SendDecision<C>) -> SendDecision<C> {
        match self.read(body) {
            Verdict::Banned(word) => {
                tracing::info!(word, "message forbidden");
                forbid
            }
            Verdict::Masked(body) => {
                tracing::info!("message rewritten: words masked");
                Rewrite::new(body).map_or(SendDecision::Allow, SendDecision::Rewrite)
            }
            Verdict::Clean => SendDecision::Allow,
        }
    }
}

/// A user for the logs.
fn name(user: Option<&UserId>) -> &str {
    user.map_or("-", UserId::as_str)
}

/// `text` with each ASCII-case-insensitive `word` (lower-case) replaced by `***`, and
/// whether there was one.
fn mask(text: &str, word: &str) -> (String, bool) {
    let lower = text.to_ascii_lowercase();
    let (mut out, mut from, mut found) = (String::with_capacity(text.len()), 0, false);
    while let Some(at) = lower[from..].find(word) {
        out.push_str(&text[from..from + at]);
        out.push_str("***");
        from += at + word.len();
        found = true;
    }
    out.push_str(&text[from..]);
    (out, found)
}

impl ChatHandler for Moderator {
    async fn on_c2c_message_sending(
        &self,
        message: C2cMessageSending,
        _: &CallbackContext,
    ) -> Result<C2cMessageDecision, HandlerError> {
        let code = C2C_BANNED.expect("120001 is within [120001, 130000]");
        let forbid = C2cMessageDecision::forbid_with(code, BANNED_MESSAGE);
        Ok(self.decide(&message.msg_body, forbid))
    }

    async fn on_friend_request(
        &self,
        request: FriendRequest,
        _: &CallbackContext,
    ) -> Result<FriendDecision, HandlerError> {
        let code = BLOCKED.expect("38001 is within [38000, 39000]");
        let from = request.from_account.as_ref();
        let mut decision = FriendDecision::default();
        // Users not refused here are allowed: the layer answers one item each.
        for user in request
            .friend_item
            .iter()
            .filter_map(|item| item.to_account.as_ref())
        {
            if self.blocks(user, from) {
                tracing::info!(from = name(from), to = %user, "friend request refused");
                decision = decision.refuse(user.clone(), code, "not accepting requests");
            }
        }
        Ok(decision)
    }

    async fn on_members_inviting(
        &self,
        invitation: MembersInviting,
        _: &CallbackContext,
    ) -> Result<InviteDecision, HandlerError> {
        let inviter = invitation.operator_account.as_ref();
        let refused: Vec<UserId> = invitation
            .destination_members
            .iter()
            .filter_map(|member| member.member_account.clone())
            .filter(|member| self.blocks(member, inviter))
            .collect();
        if !refused.is_empty() {
            let refused: Vec<&str> = refused.iter().map(UserId::as_str).collect();
            tracing::info!(inviter = name(inviter), refused = %refused.join(","), "invitation refused for some");
        }
        // `None` when nobody is refused: then everyone is added.
        Ok(InviteDecision::refuse_some(refused).unwrap_or_default())
    }
}

impl LiveHandler for Moderator {
    async fn on_message_sending(
        &self,
        message: MessageSending,
        _: &CallbackContext,
    ) -> Result<MessageDecision, HandlerError> {
        let code = GROUP_BANNED.expect("10101 is within [10100, 10200]");
        let forbid = MessageDecision::forbid_with(code, BANNED_MESSAGE);
        Ok(self.decide(&message.msg_body, forbid))
    }
}
