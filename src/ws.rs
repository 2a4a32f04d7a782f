//! The WebSocket at `/api/ws`: one socket per browser tab carries every conversation the user
//! may see. After `hello` (where the client was, per conversation) it sends exactly what was
//! missed and may be seen, then `ready`, then the live stream: each entry once, in seq order.
//! `send` and `accept` are answered with `ack` after the commit; `ping` with `pong` at once.
//! Bad input costs the client only an `error` frame (naming the conversation it was about); an
//! oversized frame closes with 1009, invalid UTF-8 with 1007. The other closes have codes of
//! their own, which clients act on (the reasons are for people reading logs): the end of the
//! session (sign-out, user disabled, password set, expiry) 4401, a change of the user's
//! permissions 4403, a client that keeps flooding while slowed down 4429, one socket too many
//! 4409, the server shutting down 1012.
//!
//! Everything sent is bounded: catch-up is read and sent a page at a time, each send has a
//! deadline, and a peer that answers nothing (not even a pong) is dropped.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::time::MissedTickBehavior;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::session::{self, Command, Conversation, Entry, Person, Post, Viewer};
use crate::domain::{ConversationId, GroupId, User};
use crate::http::auth::CurrentUser;
use crate::http::error::AppError;
use crate::hub::{ConversationView, MAX_WATCHED, Push, Registration, Status};
use crate::service::{AppState, Revocation, ServiceError};
use crate::wire::{self, ClientFrame, ServerFrame};

/// The most colleagues whose presence a `hello` tells (those the user chats with).
const MAX_PRESENCE_AT_HELLO: usize = 200;
/// The largest frame a client may send.
pub const MAX_FRAME: usize = 64 * 1024;
/// A client may send a burst of this many times its per-second allowance.
const BURST_SECONDS: f64 = 5.0;
/// History is read and sent in pages of this size.
const PAGE: i64 = 200;
/// The most conversations a `hello` may name.
const MAX_POSITIONS: usize = 1000;
/// How often an open socket checks that its session still exists, and keeps it from idling out.
const SESSION_CHECK: Duration = Duration::from_secs(60);
/// A frame that cannot be handed to the peer in this long means a stalled peer: it is dropped.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// After closing for a bad frame, how long the socket is read (and discarded) so the close
/// frame reaches the peer before the connection goes, instead of a reset.
const LINGER: Duration = Duration::from_secs(1);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upgrade))
}

/// The close codes of the protocol (see `docs/protocol.md`).
pub mod close {
    /// The session ended (sign-out, user disabled, password set, session expired): stop.
    pub const SESSION_ENDED: u16 = 4401;
    /// The user's permissions changed: reconnect and replay the log (no positions).
    pub const PERMISSIONS_CHANGED: u16 = 4403;
    /// Too many sockets of this user: reconnect after a long wait.
    pub const TOO_MANY_SOCKETS: u16 = 4409;
    /// Too many frames, for too long: reconnect after a long wait.
    pub const TOO_MANY_FRAMES: u16 = 4429;
    /// The server is restarting: reconnect, keep positions.
    pub const RESTARTING: u16 = axum::extract::ws::close_code::RESTART;
}

/// The most entries a `hello`'s `tail` may ask for per conversation.
const MAX_TAIL: i64 = 500;
/// The longest `ping` nonce, in characters.
const MAX_NONCE: usize = 64;

/// Open the real-time socket (see `docs/protocol.md`). A client signed in with a bearer token
/// offers the subprotocols `switchboard, switchboard.bearer.<token>`; the server answers
/// `switchboard`.
#[utoipa::path(get, path = "/api/ws", tag = "realtime",
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket upgrade request (`malformed`)", body = crate::wire::ErrorBody),
        (status = 401, response = crate::http::openapi::Unauthorized),
        (status = 403, response = crate::http::openapi::ForbiddenOrigin),
    ),
    security(("session" = []), ("bearer" = [])))]
async fn upgrade(
    State(state): State<AppState>,
    current: CurrentUser,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let ws = match ws {
        Ok(ws) => ws,
        Err(rejection) => {
            return AppError::Malformed(format!(
                "This is the WebSocket endpoint: {}",
                rejection.body_text()
            ))
            .into_response();
        }
    };
    ws.protocols([crate::http::auth::SOCKET_PROTOCOL])
        .max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        // Clients' frames are small (a comment is a few hundred bytes; files go over HTTP): a
        // 1 KiB read buffer, held by every open socket, grows for the rare larger frame.
        .read_buffer_size(1024)
        .write_buffer_size(4 * 1024)
        .on_upgrade(move |socket| serve(state, current, socket))
}

/// Unregisters the socket however the task ends (a panic included).
struct Registered {
    state: AppState,
    id: u64,
    user: Person,
    staff: bool,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.state.hub.unregister(self.id);
        self.state.metrics.sockets_open.dec();
        let went = self.state.clock.now();
        let gone = self.state.presence.disconnected(self.user.id, went);
        if gone && self.staff {
            // Signed out, last socket: colleagues see them Offline now (no grace for a reload).
            self.state
                .announce_presence(self.user.clone(), Status::Offline, None);
        }
        let counted = self.staff && self.state.cluster.is_some();
        let stopping = self.state.shutdown.is_cancelled();
        // Their last socket: the sessions they hold go back to the queue after the grace unless
        // they come back (a restart gives everyone the grace anew at start).
        let last = self.staff && !stopping && !self.state.presence.online_now(self.user.id);
        if counted || last {
            let (state, user) = (self.state.clone(), self.user.id);
            // In this order: the other nodes must read this node's count of their sockets as
            // it is now before an absence can fall due there, or the absence is dropped as if
            // they were still here.
            self.state.tasks.spawn(async move {
                if counted {
                    state.sockets_changed(user).await;
                }
                if last {
                    state.absent(user, went).await;
                }
            });
        }
    }
}

/// The peer is gone or stalled: the socket ends without more ado.
#[derive(Debug)]
struct Gone;

/// The sending half, with a deadline on every send.
struct Out {
    sink: SplitSink<WebSocket, Message>,
}

impl Out {
    async fn message(&mut self, message: Message) -> Result<(), Gone> {
        match tokio::time::timeout(SEND_TIMEOUT, self.sink.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Gone),
            Err(_) => {
                tracing::info!("dropping a socket whose peer stopped reading");
                Err(Gone)
            }
        }
    }

    async fn frame(&mut self, frame: ServerFrame) -> Result<(), Gone> {
        match frame.to_text() {
            Ok(text) => self.message(Message::Text(text.into())).await,
            Err(e) => {
                tracing::error!(error = %e, "encoding a frame");
                Ok(())
            }
        }
    }

    async fn frames(&mut self, frames: Vec<ServerFrame>) -> Result<(), Gone> {
        for frame in frames {
            self.frame(frame).await?;
        }
        Ok(())
    }

    async fn close(&mut self, code: u16, reason: &'static str) {
        let _ = self
            .message(Message::Close(Some(CloseFrame {
                code,
                reason: reason.into(),
            })))
            .await;
    }
}

/// What one socket knows of a conversation it watches.
#[derive(Debug, Clone, Copy, Default)]
struct Watched {
    /// The last seq delivered (or skipped as invisible).
    position: i64,
    /// The newest state shown, as (last seq, read order of the view): frames never go back to
    /// an older one.
    shown: Option<(i64, u64)>,
}

/// One socket's state.
struct Session {
    state: AppState,
    user: User,
    /// The groups whose queues the user works (by [`session::queue_groups`]), as of connecting;
    /// a change closes the socket (1012), so these are the current rights.
    groups: Vec<GroupId>,
    socket_id: u64,
    greeted: bool,
    watched: HashMap<ConversationId, Watched>,
    /// The order conversations were first watched in, to forget the oldest beyond [`MAX_WATCHED`].
    watch_order: VecDeque<ConversationId>,
    out: Out,
    tokens: f64,
    refilled: Instant,
    /// Since when the client has been sending faster than allowed, without a pause.
    throttled_since: Option<Instant>,
}

/// Why the loop ended: close with this code and reason, or just go.
enum End {
    Close(u16, &'static str),
    /// A frame the protocol cannot read: close, then read briefly so the close is seen.
    BadFrame(u16),
    Gone,
}

impl From<Gone> for End {
    fn from(_: Gone) -> Self {
        End::Gone
    }
}

#[tracing::instrument(name = "socket", skip_all, fields(user_id = current.user.id.0))]
async fn serve(state: AppState, current: CurrentUser, socket: WebSocket) {
    // A stopping server waits for its sockets to say goodbye (1012) before it closes the database.
    let _tracked = state.tasks.token();
    let (sink, mut stream) = socket.split();
    let mut out = Out { sink };
    let user = current.user.clone();
    // Awaited futures that are large or rare are boxed: the socket's task is as large as the
    // largest future it holds across an await, for all of its (mostly idle) life.
    let memberships = match Box::pin(state.memberships(&user)).await {
        Ok(groups) => groups,
        Err(e) => {
            tracing::warn!(error = %e, "socket refused: cannot read the user's groups");
            Box::pin(out.close(close_code::AGAIN, "try again")).await;
            return;
        }
    };
    let groups = session::queue_groups(&user, &memberships);
    // Read before the socket counts (nothing may await between counting it and its guard).
    let stored_away = if user.roles.is_staff() && state.presence.sockets(user.id) == 0 {
        match Box::pin(state.db.is_away(user.id)).await {
            Ok(away) => Some(away),
            Err(e) => {
                tracing::warn!(error = %e, "reading an agent's chosen presence");
                None
            }
        }
    } else {
        None
    };
    let registration = state.hub.register(
        user.id,
        user.roles.is_staff(),
        crate::domain::guard::oversees_queues(&user),
        groups.clone(),
        state.web.max_sockets_per_user,
    );
    let Registration {
        id,
        mut pushes,
        lagged,
    } = match registration {
        Ok(registration) => registration,
        Err(e) => {
            tracing::info!(error = %e, "socket refused");
            Box::pin(out.close(close::TOO_MANY_SOCKETS, "too many sockets")).await;
            return;
        }
    };
    state.metrics.sockets_open.inc();
    let _registered = Registered {
        state: state.clone(),
        id,
        user: Person::from(&user),
        staff: user.roles.is_staff(),
    };
    let now = state.clock.now();
    // No socket of theirs here: what they chose last (in any tab, on any node, before a
    // restart) stands.
    if let Some(away) = stored_away {
        state.presence.choose(
            user.id,
            if away {
                Status::Away
            } else {
                Status::Available
            },
            now,
        );
    }
    // Counted as connected before anything awaits, so the drop of `Registered` always matches.
    if state.presence.connected(user.id, now).is_some() && user.roles.is_staff() {
        let status = state.presence.status(user.id, now);
        state.announce_presence(Person::from(&user), status, Some(id));
    }
    // The rights this socket holds, by version: a change is noticed even if its signal is lost.
    if let Some(cluster) = &state.cluster {
        match Box::pin(state.db.rights_versions(&[user.id])).await {
            Ok(versions) => {
                for (who, version) in versions {
                    cluster.opened_with(who, version);
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading a rights version"),
        }
    }
    if user.roles.is_staff() {
        // Back before the grace ran out: the sessions they hold stay theirs.
        Box::pin(async {
            state.sockets_changed(user.id).await;
            state.present(user.id).await;
        })
        .await;
    }
    let mut revocations = state.revocations();
    let mut session_check = tokio::time::interval(SESSION_CHECK);
    session_check.set_missed_tick_behavior(MissedTickBehavior::Delay);
    session_check.tick().await;
    let ping_every = state.web.socket_ping;
    let mut ping = tokio::time::interval(ping_every);
    // After a long catch-up, one ping, not a burst of the ones missed.
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ping.tick().await;
    let mut last_heard = Instant::now();
    // One waiter for the whole life of the socket, not one registered per loop turn.
    let shutdown = state.shutdown.clone().cancelled_owned();
    tokio::pin!(shutdown);
    let mut session = Session {
        state: state.clone(),
        user,
        groups,
        socket_id: id,
        greeted: false,
        watched: HashMap::new(),
        watch_order: VecDeque::new(),
        out,
        tokens: f64::from(state.web.socket_frames_per_second) * BURST_SECONDS,
        refilled: Instant::now(),
        throttled_since: None,
    };
    let end = loop {
        let step: Result<(), End> = tokio::select! {
            // Rights first: no push is delivered under permissions that were already revoked;
            // then the client's frames, so pushes cannot starve them.
            biased;
            () = &mut shutdown => Err(End::Close(close::RESTARTING, "server restarting")),
            revoked = revocations.recv() => match revoked {
                Ok(Revocation::Session(hash)) if hash == current.token_hash => Err(End::Close(close::SESSION_ENDED, "signed out")),
                Ok(Revocation::User(user)) if user == current.user.id => Err(End::Close(close::SESSION_ENDED, "signed out")),
                Ok(Revocation::Refresh(user)) if user == current.user.id => Err(End::Close(close::PERMISSIONS_CHANGED, "permissions changed")),
                // Missed revocations: the permissions may have changed; reconnect to be sure.
                Err(_) => Err(End::Close(close::PERMISSIONS_CHANGED, "reconnect")),
                Ok(_) => Ok(()),
            },
            message = stream.next() => {
                last_heard = Instant::now();
                match message {
                    Some(Ok(Message::Text(text))) => match Box::pin(session.throttle()).await {
                        Ok(()) => Box::pin(session.on_text(text.as_str())).await.map_err(End::from),
                        Err(end) => Err(end),
                    },
                    Some(Ok(Message::Binary(_))) => match Box::pin(session.throttle()).await {
                        Ok(()) => Box::pin(session
                            .out
                            .frame(ServerFrame::error(None, "invalid", "Frames are JSON text.")))
                            .await
                            .map_err(End::from),
                        Err(end) => Err(end),
                    },
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(()),
                    Some(Ok(Message::Close(_))) | None => Err(End::Gone),
                    Some(Err(e)) => Err(End::BadFrame(close_code_for(e))),
                }
            }
            push = pushes.recv() => match push {
                Some(push) if lagged.swap(false, Ordering::AcqRel) => {
                    // Pushes were dropped: everything watched is re-read from the log.
                    match Box::pin(session.resync()).await {
                        Ok(()) => Box::pin(session.on_push(push)).await.map_err(End::from),
                        Err(e) => Err(e.into()),
                    }
                }
                Some(push) => Box::pin(session.on_push(push)).await.map_err(End::from),
                None => Err(End::Gone),
            },
            _ = ping.tick() => {
                if last_heard.elapsed() > ping_every * 2 {
                    tracing::info!("dropping a socket whose peer answers nothing");
                    Err(End::Gone)
                } else {
                    Box::pin(session.out.message(Message::Ping(Default::default()))).await.map_err(End::from)
                }
            }
            _ = session_check.tick() => {
                match Box::pin(state.db.session(&current.token_hash)).await {
                    Ok(Some(_)) => {
                        // An open socket is activity: the session does not idle out under it.
                        if let Err(e) = Box::pin(state.db.touch_session(&current.token_hash, state.clock.now())).await {
                            tracing::warn!(error = %e, "touching the session");
                        }
                        Ok(())
                    }
                    Ok(None) => Err(End::Close(close::SESSION_ENDED, "signed out")),
                    Err(_) => Ok(()),
                }
            }
        };
        if let Err(end) = step {
            break end;
        }
    };
    match end {
        End::Close(code, reason) => Box::pin(session.out.close(code, reason)).await,
        End::BadFrame(code) => {
            Box::pin(session.out.close(code, "bad frame")).await;
            Box::pin(linger(&mut stream)).await;
        }
        End::Gone => {}
    }
}

/// Reads and discards what the peer still sends, for at most [`LINGER`], so that closing the
/// connection with unread data does not reset it before the peer has read the close frame.
async fn linger(stream: &mut SplitStream<WebSocket>) {
    let deadline = tokio::time::Instant::now() + LINGER;
    loop {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(_))) => continue,
            // The peer closed, or the time is up.
            Ok(None) | Err(_) => return,
            // The reader cannot go on past the bad frame: wait for the peer to take the close.
            Ok(Some(Err(_))) => {
                tokio::time::sleep_until(deadline).await;
                return;
            }
        }
    }
}

/// 1009 for a frame over [`MAX_FRAME`], 1007 for text that is not UTF-8, 1002 otherwise.
fn close_code_for(error: axum::Error) -> u16 {
    match error
        .into_inner()
        .downcast::<tungstenite::Error>()
        .map(|e| *e)
    {
        Ok(tungstenite::Error::Capacity(_)) => close_code::SIZE,
        Ok(tungstenite::Error::Utf8(_)) => close_code::INVALID,
        _ => close_code::PROTOCOL,
    }
}

/// An `error` frame, with the code and message the HTTP API gives for the same error.
fn error_frame(reference: Option<String>, error: impl Into<AppError>) -> ServerFrame {
    let error = error.into();
    ServerFrame::Error {
        reference,
        conversation: None,
        error: error.body().error,
    }
}

/// An `error` frame about one conversation (named as the client named it).
fn conversation_error(
    reference: Option<String>,
    conversation: &str,
    error: impl Into<AppError>,
) -> ServerFrame {
    error_frame(reference, error).about(conversation)
}

impl Session {
    /// Token bucket. A client over its allowance is slowed down: its socket is not read until a
    /// token is back, so TCP pushes back on it. Only one that keeps sending too fast for the
    /// configured time while slowed is closed.
    async fn throttle(&mut self) -> Result<(), End> {
        let per_second = f64::from(self.state.web.socket_frames_per_second);
        self.refill(per_second);
        if self.tokens >= 1.0 {
            self.throttled_since = None;
        } else {
            let since = *self.throttled_since.get_or_insert_with(Instant::now);
            if since.elapsed() > self.state.web.socket_flood {
                return Err(End::Close(close::TOO_MANY_FRAMES, "too many frames"));
            }
            let wait = Duration::from_secs_f64((1.0 - self.tokens) / per_second);
            tokio::time::sleep(wait).await;
            self.refill(per_second);
        }
        self.tokens = (self.tokens - 1.0).max(0.0);
        Ok(())
    }

    fn refill(&mut self, per_second: f64) {
        let now = Instant::now();
        let refill = now.duration_since(self.refilled).as_secs_f64() * per_second;
        self.tokens = (self.tokens + refill).min(per_second * BURST_SECONDS);
        self.refilled = now;
    }

    /// Who this socket's user is to `conv`, with the rights the socket holds.
    fn viewer<'a>(&'a self, conv: &Conversation) -> Viewer<'a> {
        Viewer::of(&self.user, conv, &self.groups)
    }

    fn may_view(&self, conv: &Conversation) -> bool {
        session::can_view(conv, &self.viewer(conv))
    }

    /// Offers and their withdrawal go to the staff of the queue only.
    fn works_queue_of(&self, conv: &Conversation) -> bool {
        self.viewer(conv).in_group()
    }

    /// The user no longer sees `conversation`, which this socket watched: it is forgotten
    /// here and the client is told to drop it.
    async fn lost_sight_of(&mut self, conversation: ConversationId) -> Result<(), Gone> {
        self.state.hub.unwatch(self.socket_id, conversation);
        self.watched.remove(&conversation);
        self.watch_order.retain(|c| *c != conversation);
        self.out
            .frame(ServerFrame::Gone {
                conversation: conversation.to_string(),
            })
            .await
    }

    /// Starts watching `conversation` on this socket (and forgets the oldest beyond the cap).
    fn watch(&mut self, conversation: ConversationId) -> &mut Watched {
        if !self.watched.contains_key(&conversation) {
            self.state.hub.watch(self.socket_id, conversation);
            self.watch_order.push_back(conversation);
            if self.watch_order.len() > MAX_WATCHED
                && let Some(oldest) = self.watch_order.pop_front()
            {
                self.watched.remove(&oldest);
            }
        }
        self.watched.entry(conversation).or_default()
    }

    async fn on_text(&mut self, text: &str) -> Result<(), Gone> {
        let frame = match ClientFrame::parse(text) {
            Ok(frame) => frame,
            Err(message) => {
                let said = format!(
                    "Not a valid frame: {}",
                    crate::http::error::plain_json_error(&message)
                );
                return self
                    .out
                    .frame(ServerFrame::error(None, "invalid", &said))
                    .await;
            }
        };
        match frame {
            ClientFrame::Hello { positions, tail } => self.hello(positions, tail).await,
            ClientFrame::Ping { nonce } => {
                let frame = match nonce {
                    Some(n) if n.is_empty() || n.chars().count() > MAX_NONCE => ServerFrame::error(
                        None,
                        "invalid",
                        &format!("A ping's nonce is 1 to {MAX_NONCE} characters."),
                    ),
                    nonce => ServerFrame::Pong { nonce },
                };
                self.out.frame(frame).await
            }
            ClientFrame::Send {
                reference,
                conversation,
                client_id,
                kind,
                body,
                canned,
                seen,
            } => match (kind, body, canned) {
                (Some(kind), Some(body), None) => {
                    let command = Command::Post(Post {
                        seen,
                        ..Post::text(kind.into(), body, client_id)
                    });
                    self.run(reference, &conversation, Run::Command(command))
                        .await
                }
                (None, None, Some(canned)) => {
                    self.run(reference, &conversation, Run::Canned(canned, client_id))
                        .await
                }
                _ => {
                    let frame = ServerFrame::error(
                        reference,
                        "invalid",
                        "A send carries kind and body, or canned alone.",
                    )
                    .about(&conversation);
                    self.out.frame(frame).await
                }
            },
            ClientFrame::Accept {
                reference,
                conversation,
            } => {
                self.run(reference, &conversation, Run::Command(Command::Accept))
                    .await
            }
            ClientFrame::Typing {
                conversation,
                active,
                kind,
            } => {
                let audience = session::audience_of_post(kind.into());
                let result = match parse_id(&conversation) {
                    Ok(id) => self.state.typing(id, &self.user, active, audience).await,
                    Err(e) => Err(e),
                };
                self.answer_error(&conversation, result).await
            }
            ClientFrame::Presence { status } => {
                let frames = self.presence(status).await;
                self.out.frames(frames).await
            }
            ClientFrame::Read { conversation, seq } => {
                let result = match parse_id(&conversation) {
                    Ok(id) => self.state.mark_read(id, &self.user, seq).await,
                    Err(e) => Err(e),
                };
                self.answer_error(&conversation, result).await
            }
            ClientFrame::Watch { conversation } => match self.visible(&conversation).await {
                Ok(conv) => self.show(conv).await,
                Err(e) => {
                    let frame = conversation_error(None, &conversation, e);
                    self.out.frame(frame).await
                }
            },
        }
    }

    async fn answer_error(
        &mut self,
        conversation: &str,
        result: Result<(), ServiceError>,
    ) -> Result<(), Gone> {
        match result {
            Ok(()) => Ok(()),
            Err(e) => {
                let frame = conversation_error(None, conversation, e);
                self.out.frame(frame).await
            }
        }
    }

    async fn visible(&self, conversation: &str) -> Result<Conversation, ServiceError> {
        self.state
            .visible_conversation(parse_id(conversation)?, &self.user)
            .await
    }

    /// Sends what was missed since `positions`, the current state of every conversation, the
    /// offers waiting in the agent's queues, then `ready`. Said once per socket. Sent as it is
    /// read, a page at a time: however much was missed, it is never held in memory at once.
    /// With `tail`, a conversation not named in `positions` starts at `last_seq - tail`.
    async fn hello(
        &mut self,
        positions: BTreeMap<String, i64>,
        tail: Option<i64>,
    ) -> Result<(), Gone> {
        if self.greeted {
            return self
                .out
                .frame(ServerFrame::error(
                    None,
                    "invalid",
                    "hello was already said on this socket; reconnect to start over.",
                ))
                .await;
        }
        if positions.len() > MAX_POSITIONS {
            return self
                .out
                .frame(ServerFrame::error(
                    None,
                    "invalid",
                    &format!("hello names at most {MAX_POSITIONS} conversations."),
                ))
                .await;
        }
        if tail.is_some_and(|n| !(1..=MAX_TAIL).contains(&n)) {
            return self
                .out
                .frame(ServerFrame::error(
                    None,
                    "invalid",
                    &format!("tail is 1 to {MAX_TAIL}."),
                ))
                .await;
        }
        let mut convs = match self.state.conversations_for(&self.user).await {
            Ok(convs) => convs,
            Err(e) => return self.out.frame(error_frame(None, e)).await,
        };
        for (id, seq) in &positions {
            match self.visible(id).await {
                Ok(conv) => {
                    // A position beyond the log (a reset database, a bad client) would silence the
                    // conversation: it is clamped to what exists.
                    self.watch(conv.id).position = (*seq).clamp(0, conv.last_seq);
                    if !convs.iter().any(|c| c.id == conv.id) {
                        convs.push(conv);
                    }
                }
                Err(e) => {
                    let e = AppError::from(e);
                    let frame =
                        ServerFrame::error(None, e.code(), &format!("Conversation {id:?}: {e}"))
                            .about(id);
                    self.out.frame(frame).await?;
                }
            }
        }
        self.greeted = true;
        if self.user.roles.is_staff() {
            // The agent's own presence, so a reloaded page shows what they chose.
            let status = self
                .state
                .presence
                .status(self.user.id, self.state.clock.now());
            self.out
                .frame(ServerFrame::Presence {
                    user: wire::user_ref(&Person::from(&self.user)),
                    status: status.into(),
                })
                .await?;
            // The presence of the colleagues they chat with, as it is now (the queue's staff
            // come with `GET /api/queues/{queue}/members`; later changes come as they happen).
            let mut colleagues: Vec<Person> = Vec::new();
            for member in convs.iter().flat_map(|c| &c.members) {
                if member.id != self.user.id
                    && colleagues.len() < MAX_PRESENCE_AT_HELLO
                    && !colleagues.iter().any(|p| p.id == member.id)
                {
                    colleagues.push(member.clone());
                }
            }
            for colleague in colleagues {
                let status = self.state.status_anywhere(colleague.id).await;
                self.out
                    .frame(ServerFrame::Presence {
                        user: wire::user_ref(&colleague),
                        status: status.into(),
                    })
                    .await?;
            }
        }
        self.offer_frames().await?;
        for conv in convs {
            let id = conv.id;
            let named = self.watched.contains_key(&id);
            let start = match tail {
                Some(tail) if !named => Some(self.tail_start(&conv, tail).await),
                _ => None,
            };
            let watched = self.watch(id);
            if let Some(start) = start {
                watched.position = start;
            }
            self.show(conv).await?;
        }
        self.out.frame(ServerFrame::Ready).await
    }

    /// Watches a conversation read (and judged visible) before, and sends its state and its
    /// entries after the socket's position up to that state, no further: a change committed
    /// after the read may have ended the user's sight of it. When the log went on, the change
    /// may have come before the socket watched, so it was not pushed here (every change of
    /// state stores an entry): the state is read again, now while watching.
    async fn show(&mut self, conv: Conversation) -> Result<(), Gone> {
        let (id, read_at) = (conv.id, conv.last_seq);
        self.watch(id);
        self.conversation_frame(conv).await?;
        if self.catch_up(id, read_at).await? {
            self.state_now(id).await?;
        }
        Ok(())
    }

    /// The conversation's state as it is now and its entries up to it (what follows is pushed:
    /// the socket watches it), or that the user no longer sees it.
    async fn state_now(&mut self, id: ConversationId) -> Result<(), Gone> {
        match self.state.db.conversation(id).await {
            Ok(Some(conv)) if self.may_view(&conv) => {
                let upto = conv.last_seq;
                self.conversation_frame(conv).await?;
                self.catch_up(id, upto).await.map(drop)
            }
            Ok(_) => self.lost_sight_of(id).await,
            Err(e) => {
                let frame = conversation_error(None, &id.to_string(), e);
                self.out.frame(frame).await
            }
        }
    }

    /// Where a `hello` with `tail` starts a conversation it does not name: `tail` entries before
    /// the last one this user may see, or earlier where they have not read (every unread entry
    /// is sent, so none is marked read unseen), but never more than `MAX_TAIL` before it.
    async fn tail_start(&self, conv: &Conversation, tail: i64) -> i64 {
        let visible = session::visible_last_seq(conv, &self.user);
        let read = match self.state.read_mark(&self.user, conv.id).await {
            Ok(seq) => seq,
            Err(e) => {
                tracing::warn!(conversation = %conv.id, error = %e, "read mark unknown; the tail alone is sent");
                visible
            }
        };
        (visible - tail).min(read).max(visible - MAX_TAIL).max(0)
    }

    /// The conversation's state with this user's preview and unread count.
    async fn conversation_frame(&mut self, conv: Conversation) -> Result<(), Gone> {
        let (id, last_seq) = (conv.id, conv.last_seq);
        match self.state.listed(conv, &self.user).await {
            Ok(listed) => {
                let version = (last_seq, listed.0.read_order);
                let conv = wire::Conversation::listed(&listed, &self.user);
                let shown = &mut self.watch(id).shown;
                *shown = Some(version.max(shown.unwrap_or_default()));
                self.out.frame(ServerFrame::Conversation(conv)).await
            }
            Err(e) => {
                self.out
                    .frame(error_frame(None, e).about(&id.to_string()))
                    .await
            }
        }
    }

    /// The entries after this socket's position in `conversation` up to `upto`, from the log,
    /// sent a page at a time. `upto` is the last seq of a state of the conversation the user was
    /// judged to see: an entry after it may follow a change that ended their sight of it (an
    /// invitation that ended, a chat left), so it is not sent from here; it is pushed, with its
    /// state, to a socket that watched the conversation before it was committed. True when the
    /// log goes on past `upto`.
    async fn catch_up(&mut self, conversation: ConversationId, upto: i64) -> Result<bool, Gone> {
        loop {
            let after = self.watch(conversation).position;
            match self.state.db.entries_after(conversation, after, PAGE).await {
                Ok(entries) => {
                    let full = entries.len() as i64 == PAGE;
                    let beyond = entries.iter().position(|e| e.seq > upto);
                    let frames =
                        self.deliver(conversation, &entries[..beyond.unwrap_or(entries.len())]);
                    self.out.frames(frames).await?;
                    if beyond.is_some() {
                        return Ok(true);
                    }
                    if !full {
                        return Ok(false);
                    }
                }
                Err(e) => {
                    let frame = conversation_error(None, &conversation.to_string(), e);
                    return self.out.frame(frame).await.map(|()| false);
                }
            }
        }
    }

    /// The frames for entries in seq order, each once, only those the user may see.
    fn deliver(&mut self, conversation: ConversationId, entries: &[Entry]) -> Vec<ServerFrame> {
        self.watch(conversation);
        let Session { user, watched, .. } = self;
        let Some(Watched { position, .. }) = watched.get_mut(&conversation) else {
            return Vec::new();
        };
        let mut frames = Vec::new();
        for entry in entries {
            if entry.seq != position.saturating_add(1) {
                continue;
            }
            *position = entry.seq;
            if session::can_see(entry.audience(), user) {
                frames.push(ServerFrame::Entry(wire::Entry::from(entry)));
            }
        }
        frames
    }

    /// An `offer` frame for each session waiting in the queues the user works.
    async fn offer_frames(&mut self) -> Result<(), Gone> {
        let offers = match self.state.offers_for(&self.user).await {
            Ok(offers) => offers,
            Err(e) => return self.out.frame(error_frame(None, e)).await,
        };
        // Those whose offer guard fired are offered urgently again.
        let mut alerted = Vec::new();
        let mut queues: Vec<_> = offers.iter().filter_map(|c| c.queue).collect();
        queues.sort_unstable_by_key(|q| q.0);
        queues.dedup();
        for queue in queues {
            match self.state.db.alerted_offers(queue).await {
                Ok(ids) => alerted.extend(ids),
                Err(e) => tracing::warn!(error = %e, "reading alerted offers"),
            }
        }
        for conv in offers {
            let urgent = alerted.contains(&conv.id);
            let frame = match self.state.view(conv).await {
                Ok(view) => ServerFrame::Offer {
                    conversation: wire::Conversation::seen_by(&view, &self.user),
                    urgent,
                },
                Err(e) => error_frame(None, e),
            };
            self.out.frame(frame).await?;
        }
        Ok(())
    }

    /// After dropped pushes: the offers waiting now, then every watched conversation's state
    /// and the entries after this socket's position, from the log — or `gone` for one the user
    /// no longer sees (the push that said so may be among those dropped).
    async fn resync(&mut self) -> Result<(), Gone> {
        self.offer_frames().await?;
        let watched: Vec<ConversationId> = self.watch_order.iter().copied().collect();
        for id in watched {
            self.state_now(id).await?;
        }
        Ok(())
    }

    /// A live push, delivered only if the user may see it with the rights the socket holds now.
    async fn on_push(&mut self, push: Push) -> Result<(), Gone> {
        if !self.greeted {
            // `hello` reads everything from the log; nothing is pushed before it.
            return Ok(());
        }
        match push {
            Push::Entries(conv, entries) => {
                if !self.may_view(&conv) {
                    return Ok(());
                }
                let position = self.watch(conv.id).position;
                let first = entries.first().map_or(position, |e| e.seq);
                if first > position.saturating_add(1) {
                    // A gap (a newly watched conversation, or a dropped push): read the log, up
                    // to the state pushed, which the user may see.
                    self.catch_up(conv.id, conv.last_seq).await?;
                }
                let frames = self.deliver(conv.id, &entries);
                self.out.frames(frames).await
            }
            Push::Conversation(view) => {
                if !self.may_view(&view.conversation) {
                    // Pushed because this socket watched it: its user saw it until this
                    // change (left a chat, an invitation ended).
                    return self.lost_sight_of(view.conversation.id).await;
                }
                if !self.is_newer(&view) {
                    return Ok(());
                }
                let frame =
                    ServerFrame::Conversation(wire::Conversation::seen_by(&view, &self.user));
                self.out.frame(frame).await
            }
            Push::Offer(view, urgent) => {
                // An urgent offer is read when its guard fired: a view newer than it (accepted
                // meanwhile) already shown wins.
                if !self.works_queue_of(&view.conversation) || (urgent && !self.is_newer(&view)) {
                    return Ok(());
                }
                let frame = ServerFrame::Offer {
                    conversation: wire::Conversation::seen_by(&view, &self.user),
                    urgent,
                };
                self.out.frame(frame).await
            }
            Push::Alert {
                kind,
                view,
                seconds,
            } => {
                if !crate::domain::guard::hears_alert(kind, &view.conversation, &self.user)
                    || !self.may_view(&view.conversation)
                {
                    return Ok(());
                }
                let frame = ServerFrame::Alert {
                    kind: kind.into(),
                    conversation: wire::Conversation::seen_by(&view, &self.user),
                    seconds,
                };
                self.out.frame(frame).await
            }
            Push::QueueActivity(queue) => {
                if !crate::domain::guard::oversees_queues(&self.user) {
                    return Ok(());
                }
                let frame = ServerFrame::QueueActivity {
                    queue: queue.to_string(),
                };
                self.out.frame(frame).await
            }
            Push::Returned(view) => {
                // Managers and admins oversee every queue: they hear of every session that
                // came back from its agent.
                if !self.user.roles.can_manage_queues() || !self.may_view(&view.conversation) {
                    return Ok(());
                }
                let frame = ServerFrame::Returned {
                    conversation: wire::Conversation::seen_by(&view, &self.user),
                };
                self.out.frame(frame).await
            }
            Push::Withdraw { conversation, by } => {
                if !self.works_queue_of(&conversation) {
                    return Ok(());
                }
                let frame = ServerFrame::Withdraw {
                    conversation: conversation.id.to_string(),
                    by: by.as_ref().map(wire::user_ref),
                };
                self.out.frame(frame).await
            }
            Push::Typing {
                conversation,
                user,
                active,
                audience,
            } => {
                if !self.may_view(&conversation) || !session::can_see(audience, &self.user) {
                    return Ok(());
                }
                let frame = ServerFrame::Typing {
                    conversation: conversation.id.to_string(),
                    user: wire::user_ref(&user),
                    active,
                };
                self.out.frame(frame).await
            }
            Push::Read { conversation, seq } => {
                // The user's own mark, checked like every push: only for a conversation they
                // may still see.
                if !self.may_view(&conversation) {
                    return Ok(());
                }
                let frame = ServerFrame::Read {
                    conversation: conversation.id.to_string(),
                    seq,
                };
                self.out.frame(frame).await
            }
            Push::Presence { user, status } => {
                if !self.user.roles.is_staff() {
                    return Ok(());
                }
                let frame = ServerFrame::Presence {
                    user: wire::user_ref(&user),
                    status: status.into(),
                };
                self.out.frame(frame).await
            }
        }
    }

    /// Whether `view` is newer than what this socket last showed of its conversation (pushes of
    /// two commands may arrive in either order). Every change of state stores an entry, so the
    /// last seq orders them; for the same last seq, the view read later (a place in the queue
    /// goes down as others are accepted, and up when a session comes back ahead).
    fn is_newer(&mut self, view: &ConversationView) -> bool {
        let version = (view.conversation.last_seq, view.read_order);
        let shown = &mut self.watch(view.conversation.id).shown;
        if shown.is_some_and(|old| old > version) {
            return false;
        }
        *shown = Some(version);
        true
    }

    async fn run(
        &mut self,
        reference: Option<String>,
        conversation: &str,
        run: Run,
    ) -> Result<(), Gone> {
        let id = match parse_id(conversation) {
            Ok(id) => id,
            Err(e) => {
                let frame = conversation_error(reference, conversation, e);
                return self.out.frame(frame).await;
            }
        };
        let result = match run {
            Run::Command(command) => self.state.command(id, &self.user, command).await,
            Run::Canned(canned, client_id) => match canned.parse() {
                // The one path of the HTTP canned endpoint.
                Ok(canned) => {
                    self.state
                        .post_canned(id, &self.user, canned, client_id)
                        .await
                }
                Err(_) => Err(ServiceError::NotFound("canned message")),
            },
        };
        match result {
            Ok(applied) => {
                if !applied.created && self.watched.contains_key(&id) {
                    // A repeated send: the original may not have reached this socket yet.
                    self.catch_up(id, applied.conversation.last_seq).await?;
                }
                // Nothing stored (a repeated Accept by its winner): where the conversation is.
                let seq = applied.entries.first().map_or_else(
                    || session::visible_last_seq(&applied.conversation, &self.user),
                    |e| e.seq,
                );
                self.out
                    .frame(ServerFrame::Ack {
                        reference,
                        conversation: id.to_string(),
                        seq,
                    })
                    .await
            }
            Err(e) => {
                let frame = conversation_error(reference, conversation, e);
                self.out.frame(frame).await
            }
        }
    }

    async fn presence(&mut self, status: wire::ChosenStatus) -> Vec<ServerFrame> {
        if !self.user.roles.is_staff() {
            return vec![error_frame(
                None,
                AppError::Forbidden("Only service desk staff have a presence."),
            )];
        }
        match self
            .state
            .choose_presence(Person::from(&self.user), Status::from(status))
            .await
        {
            Ok(()) => Vec::new(),
            Err(e) => vec![error_frame(None, AppError::from(e))],
        }
    }
}

/// What a `send` or `accept` runs.
enum Run {
    Command(Command),
    /// A canned message's id (as sent) and the client id.
    Canned(String, String),
}

fn parse_id(conversation: &str) -> Result<ConversationId, ServiceError> {
    conversation
        .parse()
        .map_err(|_| ServiceError::NotFound("conversation"))
}
