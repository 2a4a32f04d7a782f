//! Per-conversation fan-out on this node. Sockets register here; a committed change is pushed
//! only to the sockets that watch its conversation (or, for queue offers, to the sockets of the
//! queue's group). The pushes are signals with a copy of what was committed: a socket that
//! falls behind (its channel full) is marked lagged and re-reads the log, which is the truth.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::domain::session::{Audience, Conversation, Entry, Person};
use crate::domain::{ConversationId, GroupId, Timestamp, UserId};

/// A typing indicator is passed on at most this often per user and conversation.
pub const TYPING_EVERY: Duration = Duration::from_secs(2);

/// Beyond this many remembered typing starts, those older than the throttle window are dropped.
const TYPING_REMEMBERED: usize = 4096;

/// How many pushes may wait for one socket before it is marked lagged, by default.
pub const SOCKET_BUFFER: usize = 1024;

/// The most conversations one socket watches; beyond, the oldest watched is forgotten (a
/// client reading it again asks with `watch`). Keeps an agent's socket from growing all day
/// with every session its queues ever saw.
pub const MAX_WATCHED: usize = 2000;

/// A conversation as sockets show it: with its queue position while queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationView {
    pub conversation: Conversation,
    pub position: Option<i64>,
    /// Seconds until the session closes by itself, while an inactivity warning is pending.
    pub closes_in: Option<u64>,
    /// The order views were read in on this node: of two views of the same last seq, the one
    /// read later is the newer (a queue position may go up when a session comes back).
    pub read_order: u64,
}

/// The read order of a view about to be read: taken before the reads, so a view read later
/// never carries a lower one.
pub fn next_read_order() -> u64 {
    static READS: AtomicU64 = AtomicU64::new(0);
    READS.fetch_add(1, Ordering::Relaxed)
}

/// Agent presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Available,
    Away,
    Offline,
}

/// Something a socket should tell its client. Each push carries the conversation it is about
/// (as committed), so the socket checks the viewer's current rights at delivery, in memory:
/// being watched is not an authorization.
#[derive(Debug, Clone)]
pub enum Push {
    Entries(Arc<Conversation>, Arc<[Entry]>),
    Conversation(Arc<ConversationView>),
    /// A session on offer; `true`: urgently (nobody accepted it within the queue's
    /// `offer_alert_seconds`).
    Offer(Arc<ConversationView>, bool),
    /// A routing guard fired (for managers, or for the session's agent: see [`Hub::alert`]).
    Alert {
        kind: crate::domain::guard::AlertKind,
        view: Arc<ConversationView>,
        seconds: u32,
    },
    /// A queue's live view changed (for managers and admins).
    QueueActivity(crate::domain::QueueId),
    /// A session went back to the queue from its agent (for managers).
    Returned(Arc<ConversationView>),
    Withdraw {
        conversation: Arc<Conversation>,
        by: Option<Person>,
    },
    Typing {
        conversation: Arc<Conversation>,
        user: Person,
        active: bool,
        audience: Audience,
    },
    Presence {
        user: Person,
        status: Status,
    },
    /// The user of the socket read `conversation` up to `seq` (maybe in another tab).
    Read {
        conversation: Arc<Conversation>,
        seq: i64,
    },
}

/// Why a socket could not register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this user already has {0} sockets open")]
pub struct TooManySockets(pub usize);

/// A registered socket's end: its pushes, and whether it missed some.
pub struct Registration {
    pub id: u64,
    pub pushes: mpsc::Receiver<Push>,
    pub lagged: Arc<AtomicBool>,
}

struct Subscriber {
    user: UserId,
    staff: bool,
    /// A manager's or admin's socket: the live view's news and the managers' alerts are for it
    /// (a change of rights closes the socket, so this never goes stale).
    oversees: bool,
    groups: Vec<GroupId>,
    watching: HashSet<ConversationId>,
    /// The order conversations were watched in, to forget the oldest beyond [`MAX_WATCHED`].
    watch_order: VecDeque<ConversationId>,
    tx: mpsc::Sender<Push>,
    lagged: Arc<AtomicBool>,
}

#[derive(Default)]
struct Inner {
    sockets: HashMap<u64, Subscriber>,
    by_conversation: HashMap<ConversationId, HashSet<u64>>,
    by_user: HashMap<UserId, HashSet<u64>>,
    by_group: HashMap<GroupId, HashSet<u64>>,
    /// When each user last started typing in each conversation, for the throttle.
    typing_sent: HashMap<(UserId, ConversationId), Timestamp>,
}

impl Inner {
    fn unwatch(&mut self, id: u64, conversation: ConversationId) {
        if let Some(sub) = self.sockets.get_mut(&id)
            && sub.watching.remove(&conversation)
        {
            sub.watch_order.retain(|c| *c != conversation);
            remove_from(&mut self.by_conversation, &conversation, id);
        }
    }

    fn watch(&mut self, id: u64, conversation: ConversationId) {
        let Some(sub) = self.sockets.get_mut(&id) else {
            return;
        };
        if !sub.watching.insert(conversation) {
            return;
        }
        sub.watch_order.push_back(conversation);
        let forgotten = if sub.watching.len() > MAX_WATCHED {
            sub.watch_order.pop_front()
        } else {
            None
        };
        if let Some(old) = forgotten {
            sub.watching.remove(&old);
            remove_from(&mut self.by_conversation, &old, id);
        }
        self.by_conversation
            .entry(conversation)
            .or_default()
            .insert(id);
    }

    fn watch_all(&mut self, ids: &[u64], conversation: ConversationId) {
        for id in ids {
            self.watch(*id, conversation);
        }
    }
}

/// The fan-out of one node.
pub struct Hub {
    inner: Mutex<Inner>,
    next_id: AtomicU64,
    /// Pushes that may wait for one socket before it is marked lagged.
    buffer: usize,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new(SOCKET_BUFFER)
    }
}

impl Hub {
    /// A hub whose sockets each hold up to `buffer` pushes before they are marked lagged.
    pub fn new(buffer: usize) -> Hub {
        Hub {
            inner: Mutex::default(),
            next_id: AtomicU64::default(),
            buffer: buffer.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain maps behind; they are still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a socket of `user` (staff or not) in the groups whose queues they work, unless
    /// the user already has `max_per_user` sockets on this node.
    pub fn register(
        &self,
        user: UserId,
        staff: bool,
        oversees: bool,
        groups: Vec<GroupId>,
        max_per_user: usize,
    ) -> Result<Registration, TooManySockets> {
        let mut inner = self.lock();
        if inner
            .by_user
            .get(&user)
            .is_some_and(|s| s.len() >= max_per_user)
        {
            return Err(TooManySockets(max_per_user));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, pushes) = mpsc::channel(self.buffer);
        let lagged = Arc::new(AtomicBool::new(false));
        inner.by_user.entry(user).or_default().insert(id);
        for g in &groups {
            inner.by_group.entry(*g).or_default().insert(id);
        }
        let subscriber = Subscriber {
            user,
            staff,
            oversees,
            groups,
            watching: HashSet::new(),
            watch_order: VecDeque::new(),
            tx,
            lagged: lagged.clone(),
        };
        inner.sockets.insert(id, subscriber);
        Ok(Registration { id, pushes, lagged })
    }

    /// How many sockets are open on this node.
    pub fn sockets(&self) -> usize {
        self.lock().sockets.len()
    }

    pub fn unregister(&self, id: u64) {
        let mut inner = self.lock();
        let Some(sub) = inner.sockets.remove(&id) else {
            return;
        };
        remove_from(&mut inner.by_user, &sub.user, id);
        if !inner.by_user.contains_key(&sub.user) {
            // The user's last socket: nothing of theirs is typing any more.
            inner.typing_sent.retain(|(user, _), _| *user != sub.user);
        }
        for g in &sub.groups {
            remove_from(&mut inner.by_group, g, id);
        }
        for c in &sub.watching {
            remove_from(&mut inner.by_conversation, c, id);
        }
    }

    /// The socket `id` now receives the pushes of `conversation`.
    pub fn watch(&self, id: u64, conversation: ConversationId) {
        self.lock().watch(id, conversation);
    }

    /// Every socket of `user` now receives the pushes of `conversation`.
    pub fn watch_for_user(&self, user: UserId, conversation: ConversationId) {
        let mut inner = self.lock();
        let ids: Vec<u64> = inner
            .by_user
            .get(&user)
            .into_iter()
            .flatten()
            .copied()
            .collect();
        inner.watch_all(&ids, conversation);
    }

    /// Every socket of `user` stops watching `conversation` (they unfollowed it).
    pub fn unwatch_for_user(&self, user: UserId, conversation: ConversationId) {
        let mut inner = self.lock();
        let ids: Vec<u64> = inner
            .by_user
            .get(&user)
            .into_iter()
            .flatten()
            .copied()
            .collect();
        for id in ids {
            inner.unwatch(id, conversation);
        }
    }

    /// Socket `id` stops watching `conversation` (its user no longer sees it).
    pub fn unwatch(&self, id: u64, conversation: ConversationId) {
        self.lock().unwatch(id, conversation);
    }

    /// Every socket of `user` learns that they read `conversation` up to `seq`.
    pub fn read(&self, user: UserId, conversation: Arc<Conversation>, seq: i64) {
        let inner = self.lock();
        let push = Push::Read { conversation, seq };
        for id in inner.by_user.get(&user).into_iter().flatten() {
            if let Some(sub) = inner.sockets.get(id) {
                send(sub, push.clone());
            }
        }
    }

    /// The users with a socket open on this node.
    pub fn users(&self) -> Vec<UserId> {
        self.lock().by_user.keys().copied().collect()
    }

    /// The conversations some socket of this node watches.
    pub fn watched(&self) -> Vec<ConversationId> {
        self.lock().by_conversation.keys().copied().collect()
    }

    /// Whether `user` has a socket open on this node.
    pub fn is_connected(&self, user: UserId) -> bool {
        self.lock()
            .by_user
            .get(&user)
            .is_some_and(|s| !s.is_empty())
    }

    pub fn publish_entries(&self, conversation: Arc<Conversation>, entries: Vec<Entry>) {
        if entries.is_empty() {
            return;
        }
        let id = conversation.id;
        self.to_watchers(id, &Push::Entries(conversation, entries.into()));
    }

    pub fn publish_conversation(&self, view: ConversationView) {
        let conversation = view.conversation.id;
        self.to_watchers(conversation, &Push::Conversation(Arc::new(view)));
    }

    /// Offers a queued session to the sockets of the queue's group.
    pub fn offer(&self, group: GroupId, view: ConversationView) {
        self.to_group(group, &Push::Offer(Arc::new(view), false));
    }

    /// Offers a waiting session to the queue's group again, urgently.
    pub fn urgent_offer(&self, group: GroupId, view: ConversationView) {
        self.to_group(group, &Push::Offer(Arc::new(view), true));
    }

    /// A routing guard fired: `no_reply` goes to the sockets of the session's agent, the other
    /// kinds to the sockets of managers and admins (each checks the rights again at delivery).
    pub fn alert(
        &self,
        kind: crate::domain::guard::AlertKind,
        view: ConversationView,
        seconds: u32,
    ) {
        let to = match kind {
            crate::domain::guard::AlertKind::NoReply => {
                view.conversation.assignee.as_ref().map(|a| a.id)
            }
            _ => None,
        };
        let push = Push::Alert {
            kind,
            view: Arc::new(view),
            seconds,
        };
        let inner = self.lock();
        for sub in inner.sockets.values() {
            let hears = match to {
                Some(user) => sub.staff && user == sub.user,
                None => sub.oversees,
            };
            if hears {
                send(sub, push.clone());
            }
        }
    }

    /// Whether a manager's or admin's socket is open on this node (someone to tell of a queue's
    /// news).
    pub fn has_overseers(&self) -> bool {
        self.lock().sockets.values().any(|sub| sub.oversees)
    }

    /// Something in `queue`'s live view changed: the sockets of managers and admins hear of it
    /// (each checks the rights again at delivery).
    pub fn queue_activity(&self, queue: crate::domain::QueueId) {
        let inner = self.lock();
        for sub in inner.sockets.values() {
            if sub.oversees {
                send(sub, Push::QueueActivity(queue));
            }
        }
    }

    /// A session came back to the queue from its agent: every manager and admin hears of it
    /// (the group's agents get its offer).
    pub fn returned(&self, view: ConversationView) {
        let inner = self.lock();
        let push = Push::Returned(Arc::new(view));
        for sub in inner.sockets.values() {
            if sub.staff {
                send(sub, push.clone());
            }
        }
    }

    /// The session is no longer on offer (accepted by `by`, or gone).
    pub fn withdraw(&self, group: GroupId, conversation: Arc<Conversation>, by: Option<Person>) {
        self.to_group(group, &Push::Withdraw { conversation, by });
    }

    /// Tells the other watchers of `conversation` (not `from`'s own sockets) that `user` is
    /// typing or stopped. A start is passed on at most every [`TYPING_EVERY`] per user and
    /// conversation (by the injected clock's `now`); each socket shows it only if its user may
    /// see the `audience`. Returns false for a start held back by the throttle.
    pub fn typing(
        &self,
        from: UserId,
        conversation: Arc<Conversation>,
        user: Person,
        active: bool,
        audience: Audience,
        now: Timestamp,
    ) -> bool {
        let mut inner = self.lock();
        let id = conversation.id;
        let key = (from, id);
        if active {
            if inner
                .typing_sent
                .get(&key)
                .is_some_and(|at| at.until(now) < TYPING_EVERY)
            {
                return false;
            }
            if inner.typing_sent.len() >= TYPING_REMEMBERED {
                // Only starts within the throttle window matter; the rest can go.
                inner
                    .typing_sent
                    .retain(|_, at| at.until(now) < TYPING_EVERY);
            }
            inner.typing_sent.insert(key, now);
        } else {
            inner.typing_sent.remove(&key);
        }
        let Some(ids) = inner.by_conversation.get(&id) else {
            return true;
        };
        let push = Push::Typing {
            conversation,
            user,
            active,
            audience,
        };
        for id in ids {
            if let Some(sub) = inner.sockets.get(id).filter(|s| s.user != from) {
                send(sub, push.clone());
            }
        }
        true
    }

    /// Every socket of the members of `group` now receives the pushes of `conversation`.
    pub fn watch_for_group(&self, group: GroupId, conversation: ConversationId) {
        let mut inner = self.lock();
        let ids: Vec<u64> = inner
            .by_group
            .get(&group)
            .into_iter()
            .flatten()
            .copied()
            .collect();
        inner.watch_all(&ids, conversation);
    }

    /// Tells every staff socket that `user`'s presence changed.
    pub fn presence(&self, user: Person, status: Status) {
        self.presence_except(None, user, status);
    }

    /// [`Hub::presence`] to every staff socket but `except` (a socket that learns its own
    /// presence in its answer to `hello`).
    pub fn presence_except(&self, except: Option<u64>, user: Person, status: Status) {
        let inner = self.lock();
        let push = Push::Presence { user, status };
        for (id, sub) in &inner.sockets {
            if sub.staff && Some(*id) != except {
                send(sub, push.clone());
            }
        }
    }

    fn to_watchers(&self, conversation: ConversationId, push: &Push) {
        let inner = self.lock();
        for id in inner
            .by_conversation
            .get(&conversation)
            .into_iter()
            .flatten()
        {
            if let Some(sub) = inner.sockets.get(id) {
                send(sub, push.clone());
            }
        }
    }

    fn to_group(&self, group: GroupId, push: &Push) {
        let inner = self.lock();
        for id in inner.by_group.get(&group).into_iter().flatten() {
            if let Some(sub) = inner.sockets.get(id) {
                send(sub, push.clone());
            }
        }
    }
}

fn send(sub: &Subscriber, push: Push) {
    if sub.tx.try_send(push).is_err() {
        // Full (or closing): the socket re-reads what it missed from the log.
        sub.lagged.store(true, Ordering::Release);
    }
}

fn remove_from<K: std::hash::Hash + Eq>(map: &mut HashMap<K, HashSet<u64>>, key: &K, id: u64) {
    if let Some(set) = map.get_mut(key) {
        set.remove(&id);
        if set.is_empty() {
            map.remove(key);
        }
    }
}
