//! The WebSocket at `/api/ws`: one socket per browser tab carries every conversation the user
//! may see. After `hello` (where the client was, per conversation) it sends exactly what was
//! missed and may be seen, then `ready`, then the live stream: each entry once, in seq order.
//! `send` and `accept` are answered with `ack` after the commit. Bad input costs the client
//! only an `error` frame; an oversized frame closes with 1009, invalid UTF-8 with 1007, a
//! sustained flood with 1008, and so does the end of the session (sign-out, user disabled);
//! a change of the user's permissions closes with 1012 so the client reconnects.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::session::{self, Command, Entry, Person};
use crate::domain::{ConversationId, User};
use crate::http::auth::CurrentUser;
use crate::http::error::AppError;
use crate::http::{AppState, Revocation};
use crate::hub::{Push, Registration, Status};
use crate::wire::{self, ClientFrame, ServerFrame};

/// The largest frame a client may send.
pub const MAX_FRAME: usize = 64 * 1024;
/// A client may send a burst of this many times its per-second allowance.
const BURST_SECONDS: f64 = 5.0;
/// History is read in pages of this size.
const PAGE: i64 = 500;
/// The most conversations a `hello` may name.
const MAX_POSITIONS: usize = 1000;
/// How often an open socket checks that its session still exists, and keeps it from idling out.
const SESSION_CHECK: Duration = Duration::from_secs(60);
/// How often the server pings: keeps idle connections open through proxies and finds dead ones.
const PING_EVERY: Duration = Duration::from_secs(30);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upgrade))
}

/// Open the real-time socket (see `docs/protocol.md`).
#[utoipa::path(get, path = "/api/ws", tag = "realtime",
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 401, description = "Not signed in", body = crate::wire::ErrorBody),
        (status = 403, description = "Origin not allowed", body = crate::wire::ErrorBody),
    ))]
async fn upgrade(
    State(state): State<AppState>,
    current: CurrentUser,
    ws: WebSocketUpgrade,
) -> Response {
    ws.max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .on_upgrade(move |socket| serve(state, current, socket))
}

/// Unregisters the socket however the task ends (a panic included).
struct Registered {
    state: AppState,
    id: u64,
    user: crate::domain::UserId,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.state.hub.unregister(self.id);
        self.state
            .presence
            .disconnected(self.user, self.state.clock.now());
    }
}

/// One socket's state.
struct Session {
    state: AppState,
    user: User,
    socket_id: u64,
    greeted: bool,
    /// The last seq delivered (or skipped as invisible), per watched conversation.
    positions: HashMap<ConversationId, i64>,
    tokens: f64,
    refilled: Instant,
}

#[tracing::instrument(name = "socket", skip_all, fields(user_id = current.user.id.0))]
async fn serve(state: AppState, current: CurrentUser, mut socket: WebSocket) {
    let user = current.user.clone();
    let groups = match state.db.groups_of(user.id).await {
        Ok(groups) => groups,
        Err(e) => {
            tracing::warn!(error = %e, "socket refused: cannot read the user's groups");
            close(&mut socket, close_code::AGAIN, "try again").await;
            return;
        }
    };
    // Announced to the others before this socket is registered: it learns its own presence in
    // the answer to `hello`, so the announcement cannot race with that answer.
    let now = state.clock.now();
    if state.presence.connected(user.id, now).is_some() && user.roles.is_staff() {
        state
            .hub
            .presence(Person::from(&user), state.presence.status(user.id, now));
    }
    let Registration {
        id,
        mut pushes,
        lagged,
    } = state.hub.register(user.id, user.roles.is_staff(), groups);
    let _registered = Registered {
        state: state.clone(),
        id,
        user: user.id,
    };
    let mut revocations = state.revocations();
    let mut session_check = tokio::time::interval(SESSION_CHECK);
    session_check.tick().await;
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut session = Session {
        state: state.clone(),
        user,
        socket_id: id,
        greeted: false,
        positions: HashMap::new(),
        tokens: f64::from(state.web.socket_frames_per_second) * BURST_SECONDS,
        refilled: Instant::now(),
    };
    let (code, reason) = loop {
        let frames = tokio::select! {
            revoked = revocations.recv() => match revoked {
                Ok(Revocation::Session(hash)) if hash == current.token_hash => break (close_code::POLICY, "signed out"),
                Ok(Revocation::User(user)) if user == current.user.id => break (close_code::POLICY, "signed out"),
                Ok(Revocation::Refresh(user)) if user == current.user.id => break (close_code::RESTART, "permissions changed"),
                // Missed revocations: the permissions may have changed; reconnect to be sure.
                Err(_) => break (close_code::RESTART, "reconnect"),
                Ok(_) => continue,
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
                continue;
            }
            _ = session_check.tick() => {
                match state.db.session(&current.token_hash).await {
                    Ok(Some(_)) => {
                        // An open socket is activity: the session does not idle out under it.
                        if let Err(e) = state.db.touch_session(&current.token_hash, state.clock.now()).await {
                            tracing::warn!(error = %e, "touching the session");
                        }
                        continue;
                    }
                    Ok(None) => break (close_code::POLICY, "signed out"),
                    Err(_) => continue,
                }
            }
            push = pushes.recv() => match push {
                Some(push) if lagged.swap(false, Ordering::AcqRel) => {
                    // Pushes were dropped: everything watched is re-read from the log.
                    let mut frames = session.resync().await;
                    frames.extend(session.on_push(push).await);
                    frames
                }
                Some(push) => session.on_push(push).await,
                None => return,
            },
            message = socket.recv() => match message {
                Some(Ok(Message::Text(text))) => {
                    if !session.take_token() { break (close_code::POLICY, "too many frames") }
                    session.on_text(text.as_str()).await
                }
                Some(Ok(Message::Binary(_))) => {
                    if !session.take_token() { break (close_code::POLICY, "too many frames") }
                    vec![ServerFrame::error(None, "invalid", "Frames are JSON text.")]
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => Vec::new(),
                Some(Ok(Message::Close(_))) | None => return,
                Some(Err(e)) => break (close_code_for(e), "bad frame"),
            },
        };
        if send_all(&mut socket, frames).await.is_err() {
            return;
        }
    };
    close(&mut socket, code, reason).await;
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

async fn send_all(socket: &mut WebSocket, frames: Vec<ServerFrame>) -> Result<(), axum::Error> {
    for frame in frames {
        match frame.to_text() {
            Ok(text) => socket.send(Message::Text(text.into())).await?,
            Err(e) => tracing::error!(error = %e, "encoding a frame"),
        }
    }
    Ok(())
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

fn error_frame(reference: Option<String>, error: &AppError) -> ServerFrame {
    ServerFrame::error(reference, error.code(), &error.to_string())
}

impl Session {
    /// Token bucket: false once the client sends faster than allowed for long enough.
    fn take_token(&mut self) -> bool {
        let now = Instant::now();
        let per_second = f64::from(self.state.web.socket_frames_per_second);
        let refill = now.duration_since(self.refilled).as_secs_f64() * per_second;
        self.tokens = (self.tokens + refill).min(per_second * BURST_SECONDS);
        self.refilled = now;
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }

    async fn on_text(&mut self, text: &str) -> Vec<ServerFrame> {
        let frame = match ClientFrame::parse(text) {
            Ok(frame) => frame,
            Err(message) => return vec![ServerFrame::error(None, "invalid", &message)],
        };
        match frame {
            ClientFrame::Hello { positions } => self.hello(positions).await,
            ClientFrame::Send {
                reference,
                conversation,
                client_id,
                kind,
                body,
            } => {
                let command = Command::Post {
                    kind: kind.into(),
                    body,
                    client_id,
                };
                self.run(reference, &conversation, command).await
            }
            ClientFrame::Accept {
                reference,
                conversation,
            } => self.run(reference, &conversation, Command::Accept).await,
            ClientFrame::Typing {
                conversation,
                active,
                kind,
            } => {
                let audience =
                    session::audience_of_post(kind.into());
                let result = match parse_id(&conversation) {
                    Ok(id) => self.state.typing(id, &self.user, active, audience).await,
                    Err(e) => Err(e),
                };
                result
                    .err()
                    .map(|e| vec![error_frame(None, &e)])
                    .unwrap_or_default()
            }
            ClientFrame::Presence { status } => self.presence(status),
            ClientFrame::Read { conversation, seq } => {
                let result = match parse_id(&conversation) {
                    Ok(id) => self.state.mark_read(id, &self.user, seq).await,
                    Err(e) => Err(e),
                };
                result
                    .err()
                    .map(|e| vec![error_frame(None, &e)])
                    .unwrap_or_default()
            }
            ClientFrame::Watch { conversation } => match self.visible(&conversation).await {
                Ok(conv) => {
                    self.state.hub.watch(self.socket_id, conv.id);
                    let mut frames = self.conversation_frame(conv.clone()).await;
                    frames.extend(self.catch_up(conv.id).await);
                    frames
                }
                Err(e) => vec![error_frame(None, &e)],
            },
        }
    }

    async fn visible(&self, conversation: &str) -> Result<session::Conversation, AppError> {
        self.state
            .visible_conversation(parse_id(conversation)?, &self.user)
            .await
    }

    /// Sends what was missed since `positions`, the current state of every conversation, the
    /// offers waiting in the agent's queues, then `ready`. Said once per socket.
    async fn hello(&mut self, positions: BTreeMap<String, i64>) -> Vec<ServerFrame> {
        if self.greeted {
            return vec![ServerFrame::error(
                None,
                "invalid",
                "hello was already said on this socket; reconnect to start over.",
            )];
        }
        if positions.len() > MAX_POSITIONS {
            return vec![ServerFrame::error(
                None,
                "invalid",
                &format!("hello names at most {MAX_POSITIONS} conversations."),
            )];
        }
        let mut frames = Vec::new();
        let mut convs = match self.state.conversations_for(&self.user).await {
            Ok(convs) => convs,
            Err(e) => return vec![error_frame(None, &e)],
        };
        for (id, seq) in &positions {
            match self.visible(id).await {
                Ok(conv) => {
                    // A position beyond the log (a reset database, a bad client) would silence the
                    // conversation: it is clamped to what exists.
                    self.positions
                        .insert(conv.id, (*seq).clamp(0, conv.last_seq));
                    if !convs.iter().any(|c| c.id == conv.id) {
                        convs.push(conv);
                    }
                }
                Err(e) => frames.push(ServerFrame::error(
                    None,
                    e.code(),
                    &format!("Conversation {id:?}: {e}"),
                )),
            }
        }
        self.greeted = true;
        if self.user.roles.is_staff() {
            // The agent's own presence, so a reloaded page shows what they chose.
            let status = self
                .state
                .presence
                .status(self.user.id, self.state.clock.now());
            frames.push(ServerFrame::Presence {
                user: wire::user_ref(&Person::from(&self.user)),
                status: status.into(),
            });
        }
        frames.extend(self.offer_frames().await);
        for conv in convs {
            let id = conv.id;
            self.state.hub.watch(self.socket_id, id);
            frames.extend(self.conversation_frame(conv).await);
            frames.extend(self.catch_up(id).await);
        }
        frames.push(ServerFrame::Ready);
        frames
    }

    /// The conversation's state with this user's preview and unread count.
    async fn conversation_frame(&self, conv: session::Conversation) -> Vec<ServerFrame> {
        match crate::http::conversations::summarised(&self.state, conv, &self.user).await {
            Ok(conv) => vec![ServerFrame::Conversation(conv)],
            Err(e) => vec![error_frame(None, &e)],
        }
    }

    /// Everything after this socket's position in `conversation`, from the log.
    async fn catch_up(&mut self, conversation: ConversationId) -> Vec<ServerFrame> {
        let mut frames = Vec::new();
        loop {
            let after = *self.positions.entry(conversation).or_insert(0);
            match self.state.db.entries_after(conversation, after, PAGE).await {
                Ok(entries) => {
                    let full = entries.len() as i64 == PAGE;
                    frames.extend(self.deliver(conversation, &entries));
                    if !full {
                        return frames;
                    }
                }
                Err(e) => {
                    frames.push(error_frame(None, &e.into()));
                    return frames;
                }
            }
        }
    }

    /// The frames for entries in seq order, each once, only those the user may see.
    fn deliver(&mut self, conversation: ConversationId, entries: &[Entry]) -> Vec<ServerFrame> {
        let position = self.positions.entry(conversation).or_insert(0);
        let mut frames = Vec::new();
        for entry in entries {
            if entry.seq != position.saturating_add(1) {
                continue;
            }
            *position = entry.seq;
            if session::can_see(entry.audience(), &self.user) {
                frames.push(ServerFrame::Entry(wire::Entry::from(entry)));
            }
        }
        frames
    }

    /// An `offer` frame for each session waiting in the queues of the user's groups.
    async fn offer_frames(&self) -> Vec<ServerFrame> {
        let offers = match self.state.offers_for(&self.user).await {
            Ok(offers) => offers,
            Err(e) => return vec![error_frame(None, &e)],
        };
        let mut frames = Vec::with_capacity(offers.len());
        for conv in offers {
            match self.state.view(conv).await {
                Ok(view) => frames.push(ServerFrame::Offer {
                    conversation: wire::Conversation::from(&view),
                }),
                Err(e) => frames.push(error_frame(None, &e)),
            }
        }
        frames
    }

    /// After dropped pushes: the offers waiting now, then every watched conversation's state
    /// and the entries after this socket's position, from the log.
    async fn resync(&mut self) -> Vec<ServerFrame> {
        let watched: Vec<ConversationId> = self.positions.keys().copied().collect();
        let mut frames = self.offer_frames().await;
        for id in watched {
            if let Ok(Some(conv)) = self.state.db.conversation(id).await {
                frames.extend(self.conversation_frame(conv).await);
            }
            frames.extend(self.catch_up(id).await);
        }
        frames
    }

    async fn on_push(&mut self, push: Push) -> Vec<ServerFrame> {
        if !self.greeted {
            // `hello` reads everything from the log; nothing is pushed before it.
            return Vec::new();
        }
        match push {
            Push::Entries(conversation, entries) => {
                let position = self.positions.get(&conversation).copied().unwrap_or(0);
                let first = entries.first().map_or(position, |e| e.seq);
                if first > position.saturating_add(1) {
                    // A gap (a newly watched conversation, or a dropped push): read the log.
                    let mut frames = self.catch_up(conversation).await;
                    frames.extend(self.deliver(conversation, &entries));
                    frames
                } else {
                    self.deliver(conversation, &entries)
                }
            }
            // A signal: the state is read now, so frames never go back to an older state.
            Push::Conversation(view) => {
                match self.state.db.conversation(view.conversation.id).await {
                    Ok(Some(conv)) => match self.state.view(conv).await {
                        Ok(view) => {
                            vec![ServerFrame::Conversation(wire::Conversation::from(&view))]
                        }
                        Err(e) => vec![error_frame(None, &e)],
                    },
                    Ok(None) => Vec::new(),
                    Err(e) => vec![error_frame(None, &e.into())],
                }
            }
            Push::Offer(view) => vec![ServerFrame::Offer {
                conversation: wire::Conversation::from(view.as_ref()),
            }],
            Push::Withdraw { conversation, by } => {
                vec![ServerFrame::Withdraw {
                    conversation: conversation.to_string(),
                    by: by.as_ref().map(wire::user_ref),
                }]
            }
            Push::Typing {
                conversation,
                user,
                active,
                audience,
            } => {
                if !session::can_see(audience, &self.user) {
                    return Vec::new();
                }
                vec![ServerFrame::Typing {
                    conversation: conversation.to_string(),
                    user: wire::user_ref(&user),
                    active,
                }]
            }
            Push::Presence { user, status } => {
                vec![ServerFrame::Presence {
                    user: wire::user_ref(&user),
                    status: status.into(),
                }]
            }
        }
    }

    async fn run(
        &mut self,
        reference: Option<String>,
        conversation: &str,
        command: Command,
    ) -> Vec<ServerFrame> {
        let id = match parse_id(conversation) {
            Ok(id) => id,
            Err(e) => return vec![error_frame(reference, &e)],
        };
        match self.state.command(id, &self.user, command).await {
            Ok(applied) => {
                let Some(first) = applied.entries.first() else {
                    return vec![ServerFrame::error(
                        reference,
                        "internal",
                        "Nothing was stored.",
                    )];
                };
                let mut frames = Vec::new();
                if !applied.created && self.positions.contains_key(&id) {
                    // A repeated send: the original may not have reached this socket yet.
                    frames.extend(self.catch_up(id).await);
                }
                frames.push(ServerFrame::Ack {
                    reference,
                    conversation: id.to_string(),
                    seq: first.seq,
                });
                frames
            }
            Err(e) => vec![error_frame(reference, &e)],
        }
    }

    fn presence(&mut self, status: wire::PresenceStatus) -> Vec<ServerFrame> {
        let status = match status {
            _ if !self.user.roles.is_staff() => {
                return vec![error_frame(
                    None,
                    &AppError::Forbidden("Only service desk staff have a presence."),
                )];
            }
            wire::PresenceStatus::Available => Status::Available,
            wire::PresenceStatus::Away => Status::Away,
            wire::PresenceStatus::Offline => {
                return vec![error_frame(
                    None,
                    &AppError::Invalid("Choose available or away.".into()),
                )];
            }
        };
        let now = self.state.clock.now();
        self.state.presence.choose(self.user.id, status, now);
        self.state.hub.presence(
            Person::from(&self.user),
            self.state.presence.status(self.user.id, now),
        );
        Vec::new()
    }
}

fn parse_id(conversation: &str) -> Result<ConversationId, AppError> {
    conversation
        .parse()
        .map_err(|_| AppError::not_found("conversation"))
}
