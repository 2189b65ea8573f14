//! The behaviour tests, one module a capability, in one test binary: the crate's
//! dependencies (tokio, hyper, axum) are linked once, not once per file.
//!
//! Run one module with `cargo test --test all MODULE::` (for example `load::`).

mod common;

mod apps;
mod auth;
mod background;
mod builder;
mod chat;
mod chat_decisions;
mod chat_families;
mod chat_handler;
mod chat_messages;
mod compose;
mod contract;
mod decisions;
mod events;
mod examples;
mod extract;
mod failover;
mod handler_error;
mod hostile;
mod limits;
mod live;
mod load;
mod logging;
mod moderation;
mod properties;
mod recording;
mod redis_store;
mod send;
mod sink;
mod stream;
mod testing_kit;
