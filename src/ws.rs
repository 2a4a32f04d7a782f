//! The WebSocket at `/api/ws`: one socket per browser tab carries every conversation the user
//! may see. After `hello` (where the client was, per conversation) it sends exactly what was
//! missed and may be seen, then `ready`, then the live stream: each entry once, in seq order.
//! `send` and `accept` are answered with `ack` after the commit. Bad input costs the client
//! only an `error` frame; an oversized frame closes with 1009, invalid UTF-8 with 1007, a
//! sustained flood with 1008, and so does the end of the session (sign-out, user disabled).

use std::collections::HashMap;
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
/// Frames a client may send in a burst, and per second after it.
const BURST: f64 = 100.0;
const PER_SECOND: f64 = 20.0;
/// A typing indicator is passed on at most this often per conversation.
const TYPING_EVERY: Duration = Duration::from_secs(2);
/// History is read in pages of this size.
const PAGE: i64 = 500;

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

/// Why the loop ends.
enum End {
    Close(u16, &'static str),
    Gone,
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
    typing_sent: HashMap<ConversationId, Instant>,
}

#[tracing::instrument(name = "socket", skip_all, fields(user_id = current.user.id.0))]
async fn serve(state: AppState, current: CurrentUser, mut socket: WebSocket) {
    let user = current.user.clone();
    let groups = state.db.groups_of(user.id).await.unwrap_or_default();
    let Registration {
        id,
        mut pushes,
        lagged,
    } = state.hub.register(user.id, user.roles.is_staff(), groups);
    if user.roles.is_staff()
        && state
            .presence
            .connected(user.id, state.clock.now())
            .is_some()
    {
        state.hub.presence(
            Person::from(&user),
            state.presence.status(user.id, state.clock.now()),
        );
    } else if !user.roles.is_staff() {
        state.presence.connected(user.id, state.clock.now());
    }
    let mut revocations = state.revocations();
    let mut session = Session {
        state: state.clone(),
        user,
        socket_id: id,
        greeted: false,
        positions: HashMap::new(),
        tokens: BURST,
        refilled: Instant::now(),
        typing_sent: HashMap::new(),
    };
    let end = loop {
        let frames = tokio::select! {
            revoked = revocations.recv() => {
                let ends_me = match revoked {
                    Ok(Revocation::Session(hash)) => hash == current.token_hash,
                    Ok(Revocation::User(user)) => user == current.user.id,
                    // Missed revocations: check the session against the database.
                    Err(_) => state.db.session(&current.token_hash).await.ok().flatten().is_none(),
                };
                if ends_me { break End::Close(close_code::POLICY, "signed out") }
                continue;
            }
            push = pushes.recv() => match push {
                Some(push) if lagged.swap(false, Ordering::AcqRel) => {
                    // Pushes were dropped: everything watched is re-read from the log.
                    let mut frames = session.resync().await;
                    frames.extend(session.on_push(push).await);
                    frames
                }
                Some(push) => session.on_push(push).await,
                None => break End::Gone,
            },
            message = socket.recv() => match message {
                Some(Ok(Message::Text(text))) => {
                    if !session.take_token() { break End::Close(close_code::POLICY, "too many frames") }
                    session.on_text(text.as_str()).await
                }
                Some(Ok(Message::Binary(_))) => {
                    if !session.take_token() { break End::Close(close_code::POLICY, "too many frames") }
                    vec![ServerFrame::error(None, "invalid", "Frames are JSON text.")]
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => Vec::new(),
                Some(Ok(Message::Close(_))) | None => break End::Gone,
                Some(Err(e)) => break End::Close(close_code_for(e), "bad frame"),
            },
        };
        if send_all(&mut socket, frames).await.is_err() {
            break End::Gone;
        }
    };
    if let End::Close(code, reason) = end {
        let _ = socket
            .send(Message::Close(Some(CloseFrame {
                code,
                reason: reason.into(),
            })))
            .await;
    }
    state.hub.unregister(id);
    state
        .presence
        .disconnected(session.user.id, state.clock.now());
}

async fn send_all(socket: &mut WebSocket, frames: Vec<ServerFrame>) -> Result<(), axum::Error> {
    for frame in frames {
        match serde_json::to_string(&frame) {
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
        let refill = now.duration_since(self.refilled).as_secs_f64() * PER_SECOND;
        self.tokens = (self.tokens + refill).min(BURST);
        self.refilled = now;
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }

    async fn on_text(&mut self, text: &str) -> Vec<ServerFrame> {
        let frame = match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) => frame,
            Err(e) => {
                return vec![ServerFrame::error(
                    None,
                    "invalid",
                    &format!("Not a valid frame: {e}"),
                )];
            }
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
            } => self.typing(&conversation, active),
            ClientFrame::Presence { status } => self.presence(status),
            ClientFrame::Read { conversation, seq } => {
                let result = match conversation.parse::<ConversationId>() {
                    Ok(id) => self.state.mark_read(id, &self.user, seq).await,
                    Err(_) => Err(AppError::not_found("conversation")),
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
        let id: ConversationId = conversation
            .parse()
            .map_err(|_| AppError::not_found("conversation"))?;
        self.state.visible_conversation(id, &self.user).await
    }

    /// Sends what was missed since `positions`, the current state of every conversation, the
    /// offers waiting in the agent's queues, then `ready`.
    async fn hello(
        &mut self,
        positions: std::collections::BTreeMap<String, i64>,
    ) -> Vec<ServerFrame> {
        let mut frames = Vec::new();
        let mut convs =
            match crate::http::conversations::conversations_for(&self.state, &self.user).await {
                Ok(c) => c,
                Err(e) => return vec![error_frame(None, &e)],
            };
        for (id, seq) in &positions {
            match self.visible(id).await {
                Ok(conv) => {
                    self.positions.insert(conv.id, (*seq).max(0));
                    if !convs.iter().any(|c| c.id == conv.id) {
                        convs.push(conv);
                    }
                }
                Err(e) => frames.push(error_frame(None, &e)),
            }
        }
        self.greeted = true;
        for conv in convs {
            let id = conv.id;
            self.state.hub.watch(self.socket_id, id);
            if conv.state == session::SessionState::Queued
                && self.user.roles.is_staff()
                && conv.customer.as_ref().is_none_or(|c| c.id != self.user.id)
            {
                match self.state.view(conv.clone()).await {
                    Ok(view) => frames.push(ServerFrame::Offer {
                        conversation: wire::Conversation::from(&view),
                    }),
                    Err(e) => frames.push(error_frame(None, &e)),
                }
            }
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
                Ok(entries) if entries.is_empty() => return frames,
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
            if entry.seq != *position + 1 {
                continue;
            }
            *position = entry.seq;
            if session::can_see(entry.audience(), &self.user) {
                frames.push(ServerFrame::Entry(wire::Entry::from(entry)));
            }
        }
        frames
    }

    async fn resync(&mut self) -> Vec<ServerFrame> {
        let watched: Vec<ConversationId> = self.positions.keys().copied().collect();
        let mut frames = Vec::new();
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
            // `hello` reads everything from the log; nothing is sent before it.
            return Vec::new();
        }
        match push {
            Push::Entries(conversation, entries) => {
                let position = self.positions.get(&conversation).copied().unwrap_or(0);
                let first = entries.first().map_or(position + 1, |e| e.seq);
                if first > position + 1 {
                    // A gap (a newly watched conversation, or a dropped push): read the log.
                    let mut frames = self.catch_up(conversation).await;
                    frames.extend(self.deliver(conversation, &entries));
                    frames
                } else {
                    self.deliver(conversation, &entries)
                }
            }
            Push::Conversation(view) => vec![ServerFrame::Conversation(wire::Conversation::from(
                view.as_ref(),
            ))],
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
            } => vec![ServerFrame::Typing {
                conversation: conversation.to_string(),
                user: wire::user_ref(&user),
                active,
            }],
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
        let id: ConversationId = match conversation.parse() {
            Ok(id) => id,
            Err(_) => return vec![error_frame(reference, &AppError::not_found("conversation"))],
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
                if applied.created {
                    self.state.hub.watch(self.socket_id, id);
                } else {
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

    fn typing(&mut self, conversation: &str, active: bool) -> Vec<ServerFrame> {
        let Some(id) = conversation
            .parse::<ConversationId>()
            .ok()
            .filter(|id| self.positions.contains_key(id))
        else {
            return vec![error_frame(None, &AppError::not_found("conversation"))];
        };
        let now = Instant::now();
        if active {
            if self
                .typing_sent
                .get(&id)
                .is_some_and(|at| now.duration_since(*at) < TYPING_EVERY)
            {
                return Vec::new();
            }
            self.typing_sent.insert(id, now);
        } else {
            self.typing_sent.remove(&id);
        }
        self.state
            .hub
            .typing(self.socket_id, id, Person::from(&self.user), active);
        Vec::new()
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
