//! Agent presence on this node: Available or Away as set by the agent, Offline once they have
//! had no socket for [`OFFLINE_AFTER`], or at once when they signed out and their last socket
//! closed. Time comes from the injected clock.

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
    /// Signed out: no grace once the last socket is gone.
    left: bool,
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
                left: false,
            });
            let was_offline = seen.sockets == 0
                && (seen.left || seen.last_socket_closed.until(now) >= OFFLINE_AFTER);
            seen.sockets += 1;
            seen.left = false;
            (was_offline || seen.sockets == 1).then_some(seen.chosen)
        })
    }

    /// A socket of `user` closed; true when that made them Offline at once (they had signed
    /// out and this was their last socket), to be announced now rather than after the grace.
    pub fn disconnected(&self, user: UserId, now: Timestamp) -> bool {
        self.with(|users| {
            let Some(seen) = users.get_mut(&user) else {
                return false;
            };
            seen.sockets = seen.sockets.saturating_sub(1);
            if seen.sockets == 0 {
                seen.last_socket_closed = now;
            }
            seen.sockets == 0 && seen.left
        })
    }

    /// `user` signed out: once their last socket is gone they are Offline at once, without the
    /// grace a reload gets; true when they have no socket now (Offline already).
    pub fn signed_out(&self, user: UserId) -> bool {
        self.with(|users| match users.get_mut(&user) {
            Some(seen) => {
                seen.left = true;
                seen.sockets == 0
            }
            None => true,
        })
    }

    /// Every user with a socket open on this node, with how many.
    pub fn connected_users(&self) -> Vec<(UserId, usize)> {
        self.with(|users| {
            users
                .iter()
                .filter(|(_, seen)| seen.sockets > 0)
                .map(|(id, seen)| (*id, seen.sockets))
                .collect()
        })
    }

    /// How many sockets `user` has open on this node.
    pub fn sockets(&self, user: UserId) -> usize {
        self.with(|users| users.get(&user).map_or(0, |seen| seen.sockets))
    }

    /// Whether `user` has a socket at this moment (what a Transfer needs: someone there now).
    pub fn online_now(&self, user: UserId) -> bool {
        self.with(|users| users.get(&user).is_some_and(|seen| seen.sockets > 0))
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
                    left: false,
                })
                .chosen = status;
        });
    }

    pub fn status(&self, user: UserId, now: Timestamp) -> Status {
        self.with(|users| match users.get(&user) {
            Some(seen)
                if seen.sockets > 0
                    || (!seen.left && seen.last_socket_closed.until(now) < OFFLINE_AFTER) =>
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
                    // Those who signed out were announced when their last socket closed.
                    let went = s.last_socket_closed.plus(OFFLINE_AFTER);
                    s.sockets == 0 && !s.left && went > since && went <= now
                })
                .map(|(id, _)| *id)
                .collect()
        })
    }
}
