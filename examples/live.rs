//! Live decisions: gifts charged against a balance, room messages moderated.
//!
//! A live-streaming backend (TUILiveKit) decides two things before they happen:
//!
//! - `Live.CallbackBeforeSendGift`: the gift goes through only if its sender can pay. Each
//!   sender starts with `ROOM_WEBHOOK_START_COINS` coins (default 1000, kept in memory);
//!   a gift costs its `Coins` times its `Count` for each recipient. Paid, it is allowed
//!   and the balance goes down; otherwise it is rejected with code 102101 and "not enough
//!   coins", which Tencent passes to the sender's client.
//! - `Group.CallbackBeforeSendMsg`: a message with a banned word (`ROOM_WEBHOOK_BANNED`,
//!   comma-separated, default `spam,scam`) is forbidden with code 10101 and a message for
//!   the client; any other message is rewritten: its elements are kept and a
//!   `TIMCustomElem` with the sender's level (`CustomElement.MemberLevel`, from the coins
//!   they spent) is added, as Tencent's page shows.
//!
//! Every other callback of both families is recorded as the reference server records it
//! (one JSON line on standard output, or a Redis stream), answered OK once recorded.
//! Each decision is logged at `info`.
//!
//! Configuration, as in `examples/server.rs` (`ROOM_WEBHOOK_ADDR`, default
//! `127.0.0.1:8083`, `ROOM_WEBHOOK_SDKAPPID`, `ROOM_WEBHOOK_TOKEN`, ...), plus the two
//! above. Try it:
//!
//! ```text
//! cargo run --example live
//! cargo run --example send -- --url http://127.0.0.1:8083/callback --command Live.CallbackBeforeSendGift
//! cargo run --example send -- --url http://127.0.0.1:8083/callback --all
//! ```
//!
//! Tencent blocks a gift whose callback fails or gets no answer within two seconds, so
//! the balance is checked in memory, at once; a real backend keeps it in its database,
//! and makes the charge idempotent (Tencent documents no delivery ID for gifts).

mod support;

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Mutex;

use axum::routing::get;
use axum::Router;
use tencent_room_webhook::decision::{
    GiftDecision, GiftRejectionCode, MessageDecision, MessageForbidCode, Rewrite,
};
use tencent_room_webhook::event::live::{GiftSending, MessageSending, MsgElement};
use tencent_room_webhook::event::{LiveEvent, UserId};
use tencent_room_webhook::handler::{LiveHandler, LiveReply};
use tencent_room_webhook::{CallbackContext, Event, HandlerError};
use tower::Layer;

const DEFAULT_ADDR: &str = "127.0.0.1:8083";
const NOT_ENOUGH_COINS: Option<GiftRejectionCode> = GiftRejectionCode::new(102101);
const BANNED_WORD: Option<MessageForbidCode> = MessageForbidCode::new(10101);

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Shop::settings() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let started = support::start(DEFAULT_ADDR, |layer, recorder| {
        let shop = Shop::new(settings);
        layer.handler(recorder).live_handler(shop).build()
    });
    match started.await {
        Ok((listener, webhook, shutdown)) => {
            let routes = Router::new().route("/healthz", get(|| async { "ok" }));
            support::serve(listener, webhook.layer(routes), shutdown).await
        }
        Err(exit) => exit,
    }
}

/// The Live handler: decides gifts and messages (the layer's record stage has recorded
/// each event before).
struct Shop {
    start_coins: u64,
    banned: Vec<String>,
    /// Coins left, and coins spent, by sender.
    wallets: Mutex<HashMap<UserId, Wallet>>,
}

#[derive(Debug, Clone, Copy)]
struct Wallet {
    left: u64,
    spent: u64,
}

impl Shop {
    /// `ROOM_WEBHOOK_START_COINS` and `ROOM_WEBHOOK_BANNED`.
    fn settings() -> Result<(u64, Vec<String>), String> {
        let coins = match std::env::var("ROOM_WEBHOOK_START_COINS") {
            Ok(text) => text.parse().map_err(|_| {
                format!("ROOM_WEBHOOK_START_COINS={text:?} is not a whole number of coins")
            })?,
            Err(_) => 1000,
        };
        let banned = std::env::var("ROOM_WEBHOOK_BANNED").unwrap_or_else(|_| "spam,scam".into());
        let banned = banned
            .split(',')
            .map(|word| word.trim().to_lowercase())
            .filter(|word| !word.is_empty())
            .collect();
        Ok((coins, banned))
    }

    fn new((start_coins, banned): (u64, Vec<String>)) -> Self {
        Self {
            start_coins,
            banned,
            wallets: Mutex::default(),
        }
    }

    /// Charges `cost` to `sender` if they can pay: the wallet after, or `None`.
    fn charge(&self, sender: &UserId, cost: u64) -> Option<Wallet> {
        let mut wallets = self.wallets.lock().unwrap_or_else(|e| e.into_inner());
        let wallet = wallets.entry(sender.clone()).or_insert(Wallet {
            left: self.start_coins,
            spent: 0,
        });
        wallet.left = wallet.left.checked_sub(cost)?;
        wallet.spent += cost;
        Some(*wallet)
    }

    fn level(&self, sender: &UserId) -> u64 {
        let wallets = self.wallets.lock().unwrap_or_else(|e| e.into_inner());
        // A level for every 100 coins spent, from LV1.
        wallets.get(sender).map_or(0, |wallet| wallet.spent / 100) + 1
    }

    fn gift(&self, gift: &GiftSending) -> GiftDecision {
        let Some(water) = &gift.gift_water else {
            return GiftDecision::Reject;
        };
        let Some(sender) = water
            .from_account
            .as_ref()
            .or(gift.operator_account.as_ref())
        else {
            return GiftDecision::Reject;
        };
        let recipients = water.to_account.len().max(1) as u64;
        let cost = water
            .coins
            .unwrap_or(0)
            .saturating_mul(water.count.unwrap_or(1))
            .saturating_mul(recipients);
        match self.charge(sender, cost) {
            Some(wallet) => {
                tracing::info!(%sender, cost, left = wallet.left, "gift allowed, charged");
                GiftDecision::Allow
            }
            None => {
                tracing::info!(%sender, cost, "gift rejected: not enough coins");
                let code = NOT_ENOUGH_COINS.expect("102101 is within [102100, 102200]");
                GiftDecision::reject_with(code, "not enough coins")
            }
        }
    }

    fn message(&self, message: &MessageSending) -> MessageDecision {
        let text = message
            .msg_body
            .iter()
            .filter_map(|element| match element {
                MsgElement::Text { text, .. } => text.as_deref(),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if let Some(word) = self.banned.iter().find(|word| text.contains(word.as_str())) {
            tracing::info!(from = ?message.from_account, word, "message forbidden");
            let code = BANNED_WORD.expect("10101 is within [10100, 10200]");
            return MessageDecision::forbid_with(code, "this message has a word not allowed here");
        }
        let level = message
            .from_account
            .as_ref()
            .map_or(1, |sender| self.level(sender));
        let mut body = message.msg_body.clone();
        body.push(MsgElement::custom(
            format!("LV{level}"),
            "CustomElement.MemberLevel",
        ));
        tracing::info!(from = ?message.from_account, level, "message rewritten with the level");
        match Rewrite::new(body) {
            Some(rewrite) => MessageDecision::Rewrite(rewrite),
            None => MessageDecision::Allow,
        }
    }
}

impl LiveHandler for Shop {
    // One entry for every Live event, recorded already by the layer: the before-callbacks
    // are decided. (A gift whose record failed never gets here: it is answered 503, which
    // blocks it.)
    async fn handle(
        &self,
        event: LiveEvent,
        context: &CallbackContext,
    ) -> Result<LiveReply, HandlerError> {
        let event = Event::Live(event);
        support::describe(&event, context);
        Ok(match &event {
            Event::Live(LiveEvent::GiftSending(gift)) => LiveReply::Gift(self.gift(gift)),
            Event::Live(LiveEvent::MessageSending(message)) => {
                LiveReply::Message(self.message(message))
            }
            _ => LiveReply::Done,
        })
    }
}
