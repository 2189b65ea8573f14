//! Protocol drift: the first time a command or a field this crate does not know arrives,
//! a warning says so, so that users learn of Tencent's changes from their logs.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::event::{Event, Extra};

/// Distinct warnings at most, so that a sender inventing names cannot flood the logs or
/// grow the set without bound.
const MAX_WARNINGS: usize = 256;

/// Names longer than this are cut in the warning.
const MAX_NAME: usize = 64;

#[derive(Debug, Default)]
pub(crate) struct DriftLog {
    seen: Mutex<Seen>,
}

/// The names warned about, by owner (a command, `RoomInfo`, `SeatList`, `CallbackCommand`
/// for the commands themselves, or `CallbackCommand=` and a query's command for the body
/// commands it came with): looked up with the borrowed names, so
/// that a callback carrying a member already warned about allocates nothing.
#[derive(Debug, Default)]
struct Seen {
    names: HashMap<String, HashSet<String>>,
    count: usize,
}

impl DriftLog {
    /// Warns about what `event` carries that this crate does not know, once per name.
    pub(crate) fn note(&self, event: &Event) {
        if let Event::Unknown(unknown) = event {
            if self.first("CallbackCommand", &unknown.command) {
                tracing::warn!(
                    command = ?shorten(&unknown.command),
                    "unknown callback command: delivered as Event::Unknown with its raw JSON \
                     (a newer version of this crate may know it)"
                );
            }
        }
        event.visit_extras(&mut |owner, extra| self.fields(extra, owner));
    }

    /// Warns, once per pair, that the query's command differs from the body's, which
    /// decided the event.
    pub(crate) fn note_commands(&self, query: &str, body: &str) {
        if query == body || Event::known_command(query).is_some_and(|known| known == body) {
            return;
        }
        // One name for the pair: the query's command as the owner, the body's as the name.
        if self.first(&format!("CallbackCommand={query}"), body) {
            tracing::warn!(
                query = ?shorten(query),
                body = ?shorten(body),
                "the query's CallbackCommand differs from the body's: the body's decided the \
                 event, the context keeps the query's"
            );
        }
    }

    fn fields(&self, extra: &Extra, owner: &str) {
        for name in extra.keys() {
            if self.first(owner, name) {
                tracing::warn!(
                    field = ?shorten(name),
                    of = owner,
                    "unknown callback field: kept in the event's `extra`"
                );
            }
        }
    }

    fn first(&self, owner: &str, name: &str) -> bool {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let known = seen
            .names
            .get(owner)
            .is_some_and(|names| names.contains(name));
        if known || seen.count >= MAX_WARNINGS {
            return false;
        }
        seen.count += 1;
        seen.names
            .entry(owner.to_owned())
            .or_default()
            .insert(name.to_owned())
    }
}

fn shorten(name: &str) -> &str {
    match name.char_indices().nth(MAX_NAME) {
        Some((end, _)) => &name[..end],
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_new_once_per_owner() {
        let log = DriftLog::default();
        assert!(log.first("RoomInfo", "Shard"));
        assert!(!log.first("RoomInfo", "Shard"));
        assert!(log.first("SeatList", "Shard"));
    }

    #[test]
    fn no_more_than_the_bound_is_remembered() {
        let log = DriftLog::default();
        let new = (0..MAX_WARNINGS + 10)
            .filter(|i| log.first("CallbackCommand", &format!("Room.Invented{i}")))
            .count();
        assert_eq!(new, MAX_WARNINGS);
    }

    #[test]
    fn a_pair_of_commands_is_new_once() {
        let log = DriftLog::default();
        let pair = "CallbackCommand=Live.CallbackMemberStateChanged";
        assert!(log.first(pair, "Live.CallbackAfterMemberStateChanged"));
        assert!(!log.first(pair, "Live.CallbackAfterMemberStateChanged"));
    }
}
