//! Agent presence on this node: Available or Away as set by the agent, Offline once they have
//! had no socket for [`OFFLINE_AFTER`]. Time comes from the injected clock.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::domain::{Timestamp, UserId};
use crate::hub::Status;

/// How long a user without a socket still counts as present (a reload, a flaky network).
pub const OFFLINE_AFTER: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy)]
struct Seen {
    sockets: usize,
    chosen: Status,
    last_socket_closed: Timestamp,
}

/// Who is present, by user.
#[derive(Default)]
pub struct Presence {
    users: Mutex<HashMap<UserId, Seen>>,
}

impl Presence {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<UserId, Seen>) -> R) -> R {
        f(&mut self.users.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// A socket of `user` opened; returns their status if it changed from offline.
    pub fn connected(&self, user: UserId, now: Timestamp) -> Option<Status> {
        self.with(|users| {
            let seen = users.entry(user).or_insert(Seen {
                sockets: 0,
                chosen: Status::Available,
                last_socket_closed: now,
            });
            let was_offline =
                seen.sockets == 0 && seen.last_socket_closed.until(now) >= OFFLINE_AFTER;
            seen.sockets += 1;
            (was_offline || seen.sockets == 1).then_some(seen.chosen)
        })
    }

    pub fn disconnected(&self, user: UserId, now: Timestamp) {
        self.with(|users| {
            if let Some(seen) = users.get_mut(&user) {
                seen.sockets = seen.sockets.saturating_sub(1);
                if seen.sockets == 0 {
                    seen.last_socket_closed = now;
                }
            }
        });
    }

    /// The agent chose Available or Away.
    pub fn choose(&self, user: UserId, status: Status, now: Timestamp) {
        self.with(|users| {
            users
                .entry(user)
                .or_insert(Seen {
                    sockets: 0,
                    chosen: status,
                    last_socket_closed: now,
                })
                .chosen = status;
        });
    }

    pub fn status(&self, user: UserId, now: Timestamp) -> Status {
        self.with(|users| match users.get(&user) {
            Some(seen)
                if seen.sockets > 0 || seen.last_socket_closed.until(now) < OFFLINE_AFTER =>
            {
                seen.chosen
            }
            _ => Status::Offline,
        })
    }

    /// Users whose grace period ended since `since` (to announce them offline).
    pub fn gone_offline(&self, since: Timestamp, now: Timestamp) -> Vec<UserId> {
        self.with(|users| {
            users
                .iter()
                .filter(|(_, s)| {
                    let went = s.last_socket_closed.plus(OFFLINE_AFTER);
                    s.sockets == 0 && went > since && went <= now
                })
                .map(|(id, _)| *id)
                .collect()
        })
    }
}
