//! Protocol drift: the first time a command or a field this crate does not know arrives,
//! a warning says so, so that users learn of Tencent's changes from their logs.

use std::collections::HashSet;
use std::sync::Mutex;

use crate::event::{Event, Extra};

/// Distinct warnings at most, so that a sender inventing names cannot flood the logs or
/// grow the set without bound.
const MAX_WARNINGS: usize = 256;

/// Names longer than this are cut in the warning.
const MAX_NAME: usize = 64;

#[derive(Debug, Default)]
pub(crate) struct DriftLog {
    seen: Mutex<HashSet<String>>,
}

impl DriftLog {
    /// Warns about what `event` carries that this crate does not know, once per name.
    pub(crate) fn note(&self, event: &Event) {
        let command = event.command();
        match event {
            Event::Unknown(unknown) => {
                if self.first(&unknown.command) {
                    tracing::warn!(
                        command = ?shorten(&unknown.command),
                        "unknown callback command: delivered as Event::Unknown with its raw JSON \
                         (a newer version of this crate may know it)"
                    );
                }
            }
            Event::RoomCreated(event) => {
                self.fields(event.room_info.as_ref().map(|info| &info.extra), "RoomInfo");
                self.fields(Some(&event.extra), command);
            }
            Event::RoomInfoUpdated(event) => {
                self.fields(event.room_info.as_ref().map(|info| &info.extra), "RoomInfo");
                self.fields(Some(&event.extra), command);
            }
            Event::RoomDestroyed(event) => self.fields(Some(&event.extra), command),
            Event::MemberEntered(event) => self.fields(Some(&event.extra), command),
            Event::MemberLeft(event) => self.fields(Some(&event.extra), command),
            Event::SeatListChanged(event) => {
                for seat in &event.seat_list {
                    self.fields(Some(&seat.extra), "SeatList[]");
                }
                self.fields(Some(&event.extra), command);
            }
            Event::Undecodable(_) => {}
        }
    }

    fn fields(&self, extra: Option<&Extra>, owner: &str) {
        for name in extra.into_iter().flat_map(|extra| extra.keys()) {
            if self.first(&format!("{owner}.{name}")) {
                tracing::warn!(
                    field = ?shorten(name),
                    of = owner,
                    "unknown callback field: kept in the event's `extra`"
                );
            }
        }
    }

    /// Whether `key` is new (and there is room to remember it).
    fn first(&self, key: &str) -> bool {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.len() >= MAX_WARNINGS || seen.contains(key) {
            return false;
        }
        seen.insert(key.to_owned())
    }
}

fn shorten(name: &str) -> &str {
    match name.char_indices().nth(MAX_NAME) {
        Some((end, _)) => &name[..end],
        None => name,
    }
}
