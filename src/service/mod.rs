//! The service layer: the application state every edge (HTTP, socket, timers) holds, and the
//! operations on support sessions. It knows the domain and storage, never HTTP or serde; its
//! errors are [`ServiceError`], which each edge maps to its own wire error.

pub mod attachments;
mod canned;
mod chats;
mod error;
pub mod incidents;
pub mod kb;
pub mod sessions;
mod signin;
pub mod survey;
pub mod transcripts;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::Clock;
use crate::credentials::Hashers;
use crate::domain::UserId;
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::presence::Presence;
use crate::storage::Db;

pub use error::ServiceError;
pub use sessions::Summary;
pub use signin::SignedIn;

/// What every edge can reach: the database, the clock, the hub, presence, settings.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub web: Arc<WebSettings>,
    pub metrics: Arc<Metrics>,
    pub hub: Arc<Hub>,
    pub presence: Arc<Presence>,
    /// The threads that hash and check passwords (bounded: see [`Hashers`]).
    pub hashers: Hashers,
    /// Cancelled when the server stops: open sockets close with 1012.
    pub shutdown: CancellationToken,
    /// Work that must finish before the database closes (commands in flight, open sockets).
    pub tasks: TaskTracker,
    /// Set when a task the server needs has stopped: `/readyz` answers 503 from then on.
    broken: Arc<std::sync::OnceLock<&'static str>>,
    revocations: broadcast::Sender<Revocation>,
    /// This node's part in a cluster (PostgreSQL only).
    pub cluster: Option<Arc<crate::cluster::Cluster>>,
}

/// Sessions ended while the server runs; open sockets of those sessions close at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// One browser signed out (the session token's hash).
    Session(Vec<u8>),
    /// Every session of a user (disabled, or password changed).
    User(UserId),
    /// A user's permissions changed (roles, ITIL, groups): their sockets reconnect.
    Refresh(UserId),
}

/// Browser-facing settings derived from the configuration.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Exact origins (`scheme://host[:port]`) allowed to make browser requests.
    pub allowed_origins: Vec<String>,
    /// Origins whose pages may frame the support and sign-in pages (the widget): the allowed
    /// origins and the portals (`--portal-origins`).
    pub frame_origins: Vec<String>,
    pub secure_cookies: bool,
    pub session_idle: Duration,
    /// Socket frames a client may send per second, after a burst of five times as many.
    pub socket_frames_per_second: u32,
    /// How long a client may keep sending too fast while slowed down before it is closed.
    pub socket_flood: Duration,
    /// How often sockets are pinged; silence for two of these drops the socket.
    pub socket_ping: Duration,
    pub max_sockets_per_user: usize,
    /// Pushes that may wait for one socket before it is marked lagged and re-reads the log.
    pub socket_buffer: usize,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<crate::domain::address::Cidr>,
    /// The largest attachment, in bytes.
    pub attachment_max_bytes: u64,
}

impl WebSettings {
    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.allowed_origins
            .iter()
            .any(|o| o.eq_ignore_ascii_case(origin))
    }
}

impl AppState {
    pub fn new(db: Db, clock: Arc<dyn Clock>, web: WebSettings, hashers: Hashers) -> AppState {
        let (revocations, _) = broadcast::channel(256);
        let hub = Arc::new(Hub::new(web.socket_buffer));
        AppState {
            db,
            clock,
            web: Arc::new(web),
            metrics: Arc::new(Metrics::default()),
            hub,
            presence: Arc::default(),
            hashers,
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
            broken: Arc::default(),
            revocations,
            cluster: None,
        }
    }

    /// Who makes a change through the console or the admin API, and when (its audit entry is
    /// written in the change's transaction).
    pub fn audit(&self, actor: &crate::domain::User) -> crate::storage::audit::Audit {
        crate::storage::audit::Audit {
            actor: actor.id,
            at: self.clock.now(),
        }
    }

    /// Records that `task` stopped: the server is no longer ready.
    pub fn mark_broken(&self, task: &'static str) {
        let _ = self.broken.set(task);
    }

    /// The task that stopped, if one did.
    pub fn broken(&self) -> Option<&'static str> {
        self.broken.get().copied()
    }

    /// Tells open sockets that sessions have ended, on every node.
    pub fn revoke(&self, revocation: Revocation) {
        if let Some(cluster) = &self.cluster {
            let (session, user, refresh) = match &revocation {
                Revocation::Session(hash) => (Some(crate::cluster::encode_hex(hash)), None, false),
                Revocation::User(user) => (None, Some(user.0), false),
                Revocation::Refresh(user) => (None, Some(user.0), true),
            };
            cluster.send(crate::cluster::Signal::Revoke {
                session,
                user,
                refresh,
            });
        }
        self.revoke_here(revocation);
    }

    /// Tells every staff socket, on every node, `user`'s presence (but the socket `except`).
    pub fn announce_presence(
        &self,
        user: crate::domain::session::Person,
        status: crate::hub::Status,
        except: Option<u64>,
    ) {
        self.signal_presence(&user, status, false);
        self.queues_of_changed(user.id);
        self.hub.presence_except(except, user, status);
    }

    /// `queue`'s live view changed (not by a session change: those are announced on every
    /// node already): its managers hear of it here and on the other nodes.
    pub fn queue_changed(&self, queue: crate::domain::QueueId) {
        self.hub.queue_activity(queue);
        if let Some(cluster) = &self.cluster {
            cluster.send(crate::cluster::Signal::QueueActivity { queue: queue.0 });
        }
    }

    /// Something about `user` that the live view of their queues shows changed (their presence,
    /// their membership): managers hear of each of those queues.
    pub fn queues_of_changed(&self, user: crate::domain::UserId) {
        // Presence changes with every socket: no lookup when nobody here would be told.
        if !self.hub.has_overseers() {
            return;
        }
        let state = self.clone();
        self.tasks.spawn(async move {
            match state.db.queues_worked_by(user).await {
                Ok(queues) => {
                    for queue in queues {
                        state.hub.queue_activity(queue.id);
                    }
                }
                Err(e) => tracing::debug!(error = %e, "the queues of an agent"),
            }
        });
    }

    /// The agent `user` chose Available or Away (in any of their tabs): it is their status on
    /// every node, told to every staff socket (their own other tabs included), and stored, so a
    /// node that starts (or restarts) knows it when their next socket opens.
    pub async fn choose_presence(
        &self,
        user: crate::domain::session::Person,
        status: crate::hub::Status,
    ) -> Result<(), ServiceError> {
        self.db
            .set_away(user.id, status == crate::hub::Status::Away)
            .await?;
        let now = self.clock.now();
        self.presence.choose(user.id, status, now);
        let status = self.presence.status(user.id, now);
        self.signal_presence(&user, status, true);
        self.queues_of_changed(user.id);
        self.hub.presence_except(None, user, status);
        Ok(())
    }

    fn signal_presence(
        &self,
        user: &crate::domain::session::Person,
        status: crate::hub::Status,
        chosen: bool,
    ) {
        if let Some(cluster) = &self.cluster {
            cluster.send(crate::cluster::Signal::Presence {
                user: user.id.0,
                name: user.display_name.clone(),
                status: crate::cluster::status_name(status).to_owned(),
                chosen,
            });
        }
    }

    /// Another node's word on `user`'s presence. Shown here unless this node holds a socket of
    /// theirs (then it knows better whether they are connected); but a choice they made in a
    /// tab on that node is theirs here too.
    pub fn presence_here(
        &self,
        user: crate::domain::session::Person,
        status: crate::hub::Status,
        chosen: bool,
    ) {
        self.queues_of_changed(user.id);
        if self.presence.sockets(user.id) == 0 {
            self.hub.presence(user, status);
        } else if chosen && status != crate::hub::Status::Offline {
            let now = self.clock.now();
            self.presence.choose(user.id, status, now);
            self.hub.presence(user, status);
        }
    }

    /// `user`'s presence as the cluster knows it: this node's when it holds a socket of theirs
    /// (or a reload's grace); else, if a live node holds one (the database says), what another
    /// node said last (Available when none has said: a node restarted since).
    pub async fn status_anywhere(&self, user: UserId) -> crate::hub::Status {
        use crate::hub::Status;
        let here = self.presence.status(user, self.clock.now());
        let Some(cluster) = self.cluster.as_ref().filter(|_| here == Status::Offline) else {
            return here;
        };
        match self.db.online_elsewhere(cluster.node(), user).await {
            Ok(true) => match cluster.remote_status(user) {
                Some(Status::Offline) | None => Status::Available,
                Some(said) => said,
            },
            Ok(false) => Status::Offline,
            Err(e) => {
                tracing::warn!(error = %e, "is an agent online elsewhere?");
                Status::Offline
            }
        }
    }

    /// Tells this node's open sockets that sessions have ended.
    pub fn revoke_here(&self, revocation: Revocation) {
        if let (Some(cluster), Revocation::User(user) | Revocation::Refresh(user)) =
            (&self.cluster, &revocation)
        {
            cluster.forget_rights(*user);
        }
        // No receiver just means no socket is open.
        let _ = self.revocations.send(revocation);
    }

    /// A stream of revocations, for a socket to watch.
    pub fn revocations(&self) -> broadcast::Receiver<Revocation> {
        self.revocations.subscribe()
    }
}
