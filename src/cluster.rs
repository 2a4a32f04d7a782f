//! Several nodes on one PostgreSQL database. A node announces what it committed to its own
//! sockets (the hub) and then, after the commit, signals the other nodes through
//! `LISTEN/NOTIFY`: a small signal (which conversation, from which seq), batched per node (one
//! `NOTIFY` carries many), never inside the transaction that stored the entry (a `NOTIFY` takes
//! a global lock at commit). The log is the truth: a node that gets a signal reads the
//! conversation and its entries from the database and fans them out as it does its own. A
//! signal can be lost (a node dies between commit and signal; the listening connection drops),
//! so every node also catches up from the log every [`CATCH_UP_EVERY`]: the conversations its
//! sockets watch that moved past what it has announced, and the queued sessions it has not
//! offered. Typing, read marks and revocations (a disabled user's sockets close everywhere)
//! travel as signals too.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::domain::session::{Audience, SessionState};
use crate::domain::{ConversationId, UserId};
use crate::hub::Status;
use crate::service::{AppState, Revocation};

/// The channel every node listens on.
pub const CHANNEL: &str = "switchboard";
/// How often a node catches up from the log (a lost signal is late by at most this).
pub const CATCH_UP_EVERY: Duration = Duration::from_millis(500);
/// A `NOTIFY` payload stays below PostgreSQL's 8000 bytes.
const PAYLOAD_MAX: usize = 7000;
/// The most entries one replay reads (the newest of them when there are more).
const REPLAY_MAX: i64 = 500;
/// How often a node beats (others count it alive for 10 s).
const BEAT_EVERY: Duration = Duration::from_secs(1);
/// How far back a conversation first caught up on this node is replayed.
const RECENT: i64 = 50;

/// What one node tells the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Signal {
    /// A command or a start committed entries (from seq `from`) and maybe a new state.
    Committed {
        conversation: i64,
        from: i64,
        /// The state before (none: the session started).
        previous: Option<String>,
        actor: Option<i64>,
    },
    Typing {
        conversation: i64,
        user: i64,
        name: String,
        active: bool,
        work_note: bool,
    },
    Read {
        user: i64,
        conversation: i64,
        seq: i64,
    },
    /// An agent's presence as the sending node sees it.
    Presence {
        user: i64,
        name: String,
        status: String,
        /// The agent chose it (Available or Away) in a tab on the sending node.
        #[serde(default)]
        chosen: bool,
    },
    /// A user's sockets stop watching a conversation (they unfollowed an incident).
    Unwatch { user: i64, conversation: i64 },
    /// A queue's live view changed (its managers read it again).
    QueueActivity { queue: i64 },
    /// A routing guard fired on the sending node: `unaccepted`, `no_reply` or
    /// `returned_unanswered`.
    Alert {
        conversation: i64,
        kind: String,
        seconds: u32,
        /// The agent the guard waited on (who must still hold it, or have held it).
        agent: Option<i64>,
    },
    /// A web session ended (its token's hash, hex), every session of a user ended, or a
    /// user's rights changed.
    Revoke {
        session: Option<String>,
        user: Option<i64>,
        refresh: bool,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct Batch {
    node: u64,
    signals: Vec<Signal>,
}

/// This node's part in the cluster.
#[derive(Debug)]
pub struct Cluster {
    node: u64,
    outbound: mpsc::UnboundedSender<Signal>,
    /// Per conversation: the last seq and the state this node has announced.
    seen: Mutex<HashMap<ConversationId, (i64, SessionState)>>,
    /// The rights version of each user with a socket here, as last read.
    rights: Mutex<HashMap<UserId, i64>>,
    /// Agents' presence as other nodes last said it, and which node said it (absent: offline).
    remote: Mutex<HashMap<UserId, (Status, i64)>>,
    listening: AtomicBool,
}

pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::Available => "available",
        Status::Away => "away",
        Status::Offline => "offline",
    }
}

fn status_of(s: &str) -> Option<Status> {
    match s {
        "available" => Some(Status::Available),
        "away" => Some(Status::Away),
        "offline" => Some(Status::Offline),
        _ => None,
    }
}

pub fn state_name(s: SessionState) -> &'static str {
    match s {
        SessionState::Queued => "queued",
        SessionState::Active => "active",
        SessionState::Closed => "closed",
    }
}

fn state_of(s: &str) -> Option<SessionState> {
    match s {
        "queued" => Some(SessionState::Queued),
        "active" => Some(SessionState::Active),
        "closed" => Some(SessionState::Closed),
        _ => None,
    }
}

impl Cluster {
    /// A cluster part whose signals go out through `outbound` (sent by [`run`]).
    pub fn new() -> (Arc<Cluster>, mpsc::UnboundedReceiver<Signal>) {
        let (outbound, signals) = mpsc::unbounded_channel();
        let node = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u32(std::process::id());
            h.finish()
        };
        let cluster = Cluster {
            node,
            outbound,
            seen: Mutex::default(),
            remote: Mutex::default(),
            rights: Mutex::default(),
            listening: AtomicBool::new(false),
        };
        (Arc::new(cluster), signals)
    }

    /// Tells the other nodes (after the commit; batched).
    pub fn send(&self, signal: Signal) {
        // The receiver ends only when the node stops.
        let _ = self.outbound.send(signal);
    }

    /// This node announced `conversation` up to `seq` in `state`. A closed one is forgotten
    /// (nothing more happens to it), so the memory stays bounded by what is open.
    pub fn note(&self, conversation: ConversationId, seq: i64, state: SessionState) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if state == SessionState::Closed {
            seen.remove(&conversation);
            return;
        }
        let entry = seen.entry(conversation).or_insert((0, state));
        if seq >= entry.0 {
            *entry = (seq, state);
        }
    }

    fn seen(&self, conversation: ConversationId) -> Option<(i64, SessionState)> {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.get(&conversation).copied()
    }

    /// `user`'s presence as another node said it last.
    pub fn remote_status(&self, user: UserId) -> Option<Status> {
        let remote = self.remote.lock().unwrap_or_else(|p| p.into_inner());
        remote.get(&user).map(|(status, _)| *status)
    }

    fn note_remote(&self, user: UserId, status: Status, node: i64) {
        let mut remote = self.remote.lock().unwrap_or_else(|p| p.into_inner());
        if status == Status::Offline {
            remote.remove(&user);
        } else {
            remote.insert(user, (status, node));
        }
    }

    /// A socket of `user` opened with their rights as of `version` (kept if one is known).
    pub fn opened_with(&self, user: UserId, version: i64) {
        let mut known = self.rights.lock().unwrap_or_else(|p| p.into_inner());
        known.entry(user).or_insert(version);
    }

    /// `user`'s sockets here were told of a change already: the next check only records their
    /// new version (no second replay).
    pub fn forget_rights(&self, user: UserId) {
        let mut known = self.rights.lock().unwrap_or_else(|p| p.into_inner());
        known.remove(&user);
    }

    /// This node's id (its rows in `nodes` and `node_sockets`).
    pub fn node(&self) -> i64 {
        i64::from_ne_bytes(self.node.to_ne_bytes())
    }

    /// Whether the listening connection is up (for `/readyz`).
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }
}

/// Runs the node's part until `stop`: sends batched signals, listens for the others', and
/// catches up from the log.
pub async fn run(
    state: AppState,
    cluster: Arc<Cluster>,
    url: String,
    listening: Option<PgListener>,
    mut outbound: mpsc::UnboundedReceiver<Signal>,
    stop: CancellationToken,
) {
    let sender = {
        let (state, cluster, stop) = (state.clone(), cluster.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                let first = tokio::select! {
                    biased;
                    next = outbound.recv() => match next {
                        Some(signal) => signal,
                        None => return,
                    },
                    () = stop.cancelled() => {
                        // What the last commits queued still goes out.
                        let mut last = Vec::new();
                        while let Ok(signal) = outbound.try_recv() {
                            last.push(signal);
                        }
                        if !last.is_empty() {
                            notify(&state, cluster.node, last).await;
                        }
                        return;
                    }
                };
                let mut signals = vec![first];
                while let Ok(more) = outbound.try_recv() {
                    signals.push(more);
                }
                notify(&state, cluster.node, signals).await;
            }
        })
    };
    cluster
        .listening
        .store(listening.is_some(), Ordering::Release);
    let mut listener = listening;
    // The beat has a task of its own: a slow batch of signals must not make this node look dead.
    let beater = {
        let (state, cluster, stop) = (state.clone(), cluster.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                beat(&state, &cluster).await;
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(BEAT_EVERY) => {}
                }
            }
        })
    };
    let mut catch_up = tokio::time::interval(CATCH_UP_EVERY);
    catch_up.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if listener.is_none() {
            listener = listen(&url).await;
            cluster
                .listening
                .store(listener.is_some(), Ordering::Release);
            // Whatever was signalled while not listening is read from the log now.
            catch_up_now(&state, &cluster).await;
        }
        let Some(l) = listener.as_mut() else {
            tokio::select! {
                () = stop.cancelled() => break,
                _ = catch_up.tick() => {
                    catch_up_now(&state, &cluster).await;
                    continue;
                }
            }
        };
        tokio::select! {
            () = stop.cancelled() => break,
            _ = catch_up.tick() => catch_up_now(&state, &cluster).await,
            received = l.try_recv() => match received {
                Ok(Some(notification)) => {
                    match serde_json::from_str::<Batch>(notification.payload()) {
                        Ok(batch) if batch.node != cluster.node => {
                            for signal in merged(batch.signals) {
                                receive(&state, &cluster, batch.node, signal).await;
                            }
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "a signal that is not one"),
                    }
                }
                Ok(None) | Err(_) => {
                    tracing::warn!("the listening connection dropped; catching up from the log");
                    cluster.listening.store(false, Ordering::Release);
                    listener = None;
                }
            },
        }
    }
    let _ = sender.await;
    let _ = beater.await;
    // Gone on purpose: the others need not wait for the beat to go stale.
    if let Err(e) = state.db.node_gone(cluster.node()).await {
        tracing::warn!(error = %e, "leaving the cluster");
    }
}

/// This node is alive: the others count its sockets.
async fn beat(state: &AppState, cluster: &Cluster) {
    let sockets = state.presence.connected_users();
    if let Err(e) = state.db.node_beat(cluster.node(), &sockets).await {
        tracing::warn!(error = %e, "the node's beat");
    }
}

/// A connection listening on [`CHANNEL`], or none (logged) when it cannot be had now.
pub async fn listen(url: &str) -> Option<PgListener> {
    match PgListener::connect(url).await {
        Ok(mut l) => match l.listen(CHANNEL).await {
            Ok(()) => Some(l),
            Err(e) => {
                tracing::warn!(error = %e, "LISTEN");
                None
            }
        },
        Err(e) => {
            tracing::warn!(error = %e, "connecting the listener");
            None
        }
    }
}

/// Sends `signals` as few `NOTIFY`s as fit.
async fn notify(state: &AppState, node: u64, signals: Vec<Signal>) {
    let mut batch = Batch {
        node,
        signals: Vec::new(),
    };
    let mut size = 0;
    let mut payloads = Vec::new();
    for signal in signals {
        let len = serde_json::to_string(&signal).map_or(0, |s| s.len());
        if size + len > PAYLOAD_MAX && !batch.signals.is_empty() {
            payloads.push(std::mem::take(&mut batch.signals));
            size = 0;
        }
        size += len + 1;
        batch.signals.push(signal);
    }
    payloads.push(batch.signals);
    for signals in payloads {
        let payload = match serde_json::to_string(&Batch { node, signals }) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "encoding signals");
                continue;
            }
        };
        if let Err(e) = state.db.notify(CHANNEL, &payload).await {
            // The others catch up from the log.
            tracing::warn!(error = %e, "NOTIFY");
        }
    }
}

/// A signal as a node applies it: the commits of one conversation in a batch are one.
#[derive(Debug, PartialEq, Eq)]
enum Incoming {
    Committed {
        conversation: i64,
        /// The first seq of the first commit.
        from: i64,
        /// The state before the first commit.
        previous: Option<String>,
        /// Every actor of the commits, in order.
        actors: Vec<i64>,
    },
    Other(Signal),
}

/// The signals of one batch, with the commits of each conversation merged into its first (from
/// the lowest seq, the state before the earliest of them, every actor): every commit of the batch was made
/// before it was sent, so one read of the log when the first is applied has them all; a busy
/// conversation costs a node one read per batch instead of one per command. The rest keep
/// their order.
fn merged(signals: Vec<Signal>) -> Vec<Incoming> {
    let mut out: Vec<Incoming> = Vec::with_capacity(signals.len());
    let mut first: HashMap<i64, usize> = HashMap::new();
    for signal in signals {
        match signal {
            Signal::Committed {
                conversation,
                from,
                previous,
                actor,
            } => match first.get(&conversation) {
                Some(&at) => {
                    if let Some(Incoming::Committed {
                        from: low,
                        previous: before,
                        actors,
                        ..
                    }) = out.get_mut(at)
                    {
                        // Signals of one conversation may go out of seq order (each is sent
                        // after its own commit): the state before is the earliest commit's.
                        if from < *low {
                            *low = from;
                            *before = previous;
                        }
                        actors.extend(actor.filter(|a| !actors.contains(a)));
                    }
                }
                None => {
                    first.insert(conversation, out.len());
                    out.push(Incoming::Committed {
                        conversation,
                        from,
                        previous,
                        actors: actor.into_iter().collect(),
                    });
                }
            },
            other => out.push(Incoming::Other(other)),
        }
    }
    out
}

async fn receive(state: &AppState, cluster: &Cluster, from: u64, incoming: Incoming) {
    let signal = match incoming {
        Incoming::Committed {
            conversation,
            from,
            previous,
            actors,
        } => {
            let id = ConversationId(conversation);
            let previous = match previous.as_deref() {
                Some(p) => state_of(p).map(Some),
                None => Some(None),
            };
            let actors: Vec<UserId> = actors.into_iter().map(UserId).collect();
            if let Some(previous) = previous
                && let Err(e) = replay(state, cluster, id, from, previous, &actors).await
            {
                tracing::warn!(error = %e, "applying a signal");
            }
            return;
        }
        Incoming::Other(signal) => signal,
    };
    let outcome = match signal {
        Signal::Committed { .. } => Ok(()),
        Signal::Typing {
            conversation,
            user,
            name,
            active,
            work_note,
        } => {
            state
                .typing_here(
                    ConversationId(conversation),
                    UserId(user),
                    name,
                    active,
                    if work_note {
                        Audience::Itil
                    } else {
                        Audience::Everyone
                    },
                )
                .await
        }
        Signal::Read {
            user,
            conversation,
            seq,
        } => {
            state
                .read_here(UserId(user), ConversationId(conversation), seq)
                .await
        }
        Signal::Presence {
            user,
            name,
            status,
            chosen,
        } => {
            if let Some(status) = status_of(&status) {
                let user = UserId(user);
                cluster.note_remote(user, status, i64::from_ne_bytes(from.to_ne_bytes()));
                state.presence_here(
                    crate::domain::session::Person {
                        id: user,
                        display_name: name,
                    },
                    status,
                    chosen,
                );
            }
            Ok(())
        }
        Signal::Unwatch { user, conversation } => {
            state
                .hub
                .unwatch_for_user(UserId(user), ConversationId(conversation));
            Ok(())
        }
        Signal::QueueActivity { queue } => {
            state.hub.queue_activity(crate::domain::QueueId(queue));
            Ok(())
        }
        Signal::Alert {
            conversation,
            kind,
            seconds,
            agent,
        } => match crate::domain::guard::AlertKind::parse(&kind) {
            Some(kind) => {
                state
                    .alert_here(
                        ConversationId(conversation),
                        kind,
                        seconds,
                        agent.map(UserId),
                    )
                    .await
            }
            None => Ok(()),
        },
        Signal::Revoke {
            session,
            user,
            refresh,
        } => {
            let revocation = match (session, user) {
                (Some(hash), _) => decode_hex(&hash).map(Revocation::Session),
                (None, Some(user)) if refresh => Some(Revocation::Refresh(UserId(user))),
                (None, Some(user)) => Some(Revocation::User(UserId(user))),
                (None, None) => None,
            };
            if let Some(r) = revocation {
                state.revoke_here(r);
            }
            Ok(())
        }
    };
    if let Err(e) = outcome {
        tracing::warn!(error = %e, "applying a signal");
    }
}

/// Announces here what another node committed on `id` from seq `from`, read from the log
/// (unless this node has announced it already).
async fn replay(
    state: &AppState,
    cluster: &Cluster,
    id: ConversationId,
    from: i64,
    previous: Option<SessionState>,
    actors: &[UserId],
) -> Result<(), crate::service::ServiceError> {
    let Some(conv) = state.db.conversation(id).await? else {
        return Ok(());
    };
    // Each author's sockets here watch the conversation before its entries go out.
    for actor in actors.iter().skip(1) {
        state.hub.watch_for_user(*actor, id);
    }
    let seen = cluster.seen(id);
    if seen.is_some_and(|(seq, st)| seq >= conv.last_seq && st == conv.state) {
        return Ok(());
    }
    let after = seen.map_or(from - 1, |(seq, _)| seq.max(from - 1)).max(0);
    // The newest entries: a socket that finds a gap before them reads it from the log itself.
    let entries = if conv.last_seq - after > REPLAY_MAX {
        state
            .db
            .entries_before(id, conv.last_seq + 1, REPLAY_MAX)
            .await?
    } else {
        let mut entries = state.db.entries_after(id, after, REPLAY_MAX).await?;
        // Those committed after the conversation was read go out with their own signal and the
        // state they made: sockets judge who sees an entry by the state it is pushed with.
        entries.retain(|e| e.seq <= conv.last_seq);
        entries
    };
    // What this node showed last is the state before, when it knows better than the signal.
    let previous = match (seen, previous) {
        (Some((_, st)), Some(_)) => Some(st),
        (_, previous) => previous,
    };
    state
        .announce_here(&conv, entries, previous, actors.first().copied())
        .await
}

/// A change of rights whose revocation signal was lost still reaches this node's sockets: the
/// rights versions of the users connected here are compared, and a user whose version moved has
/// their sockets replay with their rights as they are now (4403).
async fn check_rights(state: &AppState, cluster: &Cluster) {
    let users = state.hub.users();
    let versions = match state.db.rights_versions(&users).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %e, "reading rights versions");
            return;
        }
    };
    let changed: Vec<UserId> = {
        let mut known = cluster.rights.lock().unwrap_or_else(|p| p.into_inner());
        let changed = versions
            .iter()
            .filter(|(user, version)| known.get(user).is_some_and(|v| v != version))
            .map(|(user, _)| *user)
            .collect();
        *known = versions.into_iter().collect();
        changed
    };
    for user in changed {
        state.revoke_here(Revocation::Refresh(user));
    }
}

/// Agents another node said were present, whose node has since gone quiet (killed, cut off)
/// without saying Offline: they are Offline here too, for everyone watching. (A node that lives
/// says Offline itself, after its reload grace.)
async fn check_remote_presence(state: &AppState, cluster: &Cluster) {
    let said: Vec<(UserId, i64)> = {
        let remote = cluster.remote.lock().unwrap_or_else(|p| p.into_inner());
        remote
            .iter()
            .map(|(user, (_, node))| (*user, *node))
            .collect()
    };
    if said.is_empty() {
        return;
    }
    let mut nodes: Vec<i64> = said.iter().map(|(_, node)| *node).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let live = match state.db.live_nodes(&nodes).await {
        Ok(live) => live,
        Err(e) => {
            tracing::warn!(error = %e, "checking other nodes");
            return;
        }
    };
    for (user, _) in said.into_iter().filter(|(_, node)| !live.contains(node)) {
        cluster.note_remote(user, Status::Offline, 0);
        if let Ok(Some(found)) = state.db.user(user).await {
            state.presence_here((&found).into(), Status::Offline, false);
        }
    }
}

/// Reads from the log what signals may have missed: watched conversations that moved on, and
/// queued sessions this node has not offered; and changes of rights and presence.
async fn catch_up_now(state: &AppState, cluster: &Cluster) {
    check_rights(state, cluster).await;
    check_remote_presence(state, cluster).await;
    let watched = state.hub.watched();
    let heads = match state.db.conversation_heads(&watched).await {
        Ok(heads) => heads,
        Err(e) => {
            tracing::warn!(error = %e, "catching up");
            return;
        }
    };
    for (id, last_seq, current) in heads {
        match cluster.seen(id) {
            Some((seq, st)) if seq >= last_seq && st == current => {}
            Some((seq, st)) => {
                if let Err(e) = replay(state, cluster, id, seq + 1, Some(st), &[]).await {
                    tracing::warn!(error = %e, "catching up a conversation");
                }
            }
            // Closed, and forgotten once announced: nothing more happens to it.
            None if current == SessionState::Closed => {}
            // Watched here (a socket's hello read it) but not announced by this node since it
            // started: the newest entries go out (sockets skip what they have, and read a gap
            // before them from the log), so a signal lost meanwhile loses nothing.
            None => {
                let from = (last_seq - RECENT + 1).max(1);
                if let Err(e) = replay(state, cluster, id, from, Some(current), &[]).await {
                    tracing::warn!(error = %e, "catching up a conversation");
                }
            }
        }
    }
    let queues = match state.db.queues().await {
        Ok(q) => q,
        Err(e) => {
            tracing::warn!(error = %e, "catching up the queues");
            return;
        }
    };
    for queue in queues {
        let Ok(waiting) = state.db.queued_sessions(queue.id).await else {
            continue;
        };
        for conv in waiting {
            let unseen = cluster
                .seen(conv.id)
                .is_none_or(|(_, st)| st != SessionState::Queued);
            if unseen && let Err(e) = replay(state, cluster, conv.id, 1, None, &[]).await {
                tracing::warn!(error = %e, "catching up an offer");
            }
        }
    }
}

pub fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_round_trip_and_hashes_survive_hex() {
        let hash = vec![0u8, 1, 0xab, 0xff];
        assert_eq!(decode_hex(&encode_hex(&hash)), Some(hash));
        assert_eq!(decode_hex("abc"), None);
        assert_eq!(decode_hex("zz"), None);
        let batch = Batch {
            node: 7,
            signals: vec![Signal::Committed {
                conversation: 3,
                from: 4,
                previous: Some("queued".into()),
                actor: Some(2),
            }],
        };
        let text = serde_json::to_string(&batch).unwrap();
        let back: Batch = serde_json::from_str(&text).unwrap();
        assert_eq!(back.signals, batch.signals);
    }

    fn commit(conversation: i64, from: i64, previous: &str, actor: Option<i64>) -> Signal {
        Signal::Committed {
            conversation,
            from,
            previous: Some(previous.into()),
            actor,
        }
    }

    #[test]
    fn the_commits_of_a_conversation_in_a_batch_are_applied_as_one() {
        let read = Signal::Read {
            user: 5,
            conversation: 1,
            seq: 4,
        };
        let batch = vec![
            commit(1, 4, "queued", Some(2)),
            commit(2, 7, "active", Some(3)),
            read.clone(),
            commit(1, 5, "active", Some(9)),
            commit(1, 6, "active", Some(2)),
            commit(1, 3, "closed", None),
        ];
        assert_eq!(
            merged(batch),
            vec![
                Incoming::Committed {
                    conversation: 1,
                    from: 3,
                    previous: Some("closed".into()),
                    actors: vec![2, 9],
                },
                Incoming::Committed {
                    conversation: 2,
                    from: 7,
                    previous: Some("active".into()),
                    actors: vec![3],
                },
                Incoming::Other(read),
            ]
        );
    }
}
