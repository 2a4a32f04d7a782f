//! The WebSocket at `/api/ws`: one socket per browser tab, authenticated by the session cookie
//! (its `Origin` checked at the upgrade). It closes with 1008 when its session ends, with 1009
//! on an oversized frame and 1007 on invalid UTF-8; a malformed frame gets an `error` frame and
//! the socket stays up. Conversations arrive on it with the support-session engine.

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::CurrentUser;
use crate::http::{AppState, Revocation};
use crate::wire::{ClientFrame, ErrorDetail, ServerFrame};

/// The largest frame a client may send.
pub const MAX_FRAME: usize = 64 * 1024;

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

#[tracing::instrument(name = "socket", skip_all, fields(user_id = current.user.id.0))]
async fn serve(state: AppState, current: CurrentUser, mut socket: WebSocket) {
    let mut revocations = state.revocations();
    loop {
        tokio::select! {
            revoked = revocations.recv() => {
                let ends_me = match revoked {
                    Ok(Revocation::Session(hash)) => hash == current.token_hash,
                    Ok(Revocation::User(id)) => id == current.user.id,
                    // Missed revocations: check the session against the database.
                    Err(_) => state.db.session(&current.token_hash).await.ok().flatten().is_none(),
                };
                if ends_me {
                    close(&mut socket, close_code::POLICY, "signed out").await;
                    return;
                }
            }
            message = socket.recv() => {
                let reply = match message {
                    Some(Ok(Message::Text(text))) => answer(text.as_str()),
                    Some(Ok(Message::Binary(_))) => Some(error_frame("invalid", "Frames are JSON text.")),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => None,
                    Some(Ok(Message::Close(_))) | None => return,
                    Some(Err(e)) => {
                        close_for(&mut socket, e).await;
                        return;
                    }
                };
                if let Some(frame) = reply {
                    let Ok(text) = serde_json::to_string(&frame) else { continue };
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// The reply to one text frame.
fn answer(text: &str) -> Option<ServerFrame> {
    match serde_json::from_str::<ClientFrame>(text) {
        Ok(ClientFrame::Hello { .. }) => Some(ServerFrame::Ready),
        Err(e) => Some(error_frame("invalid", &format!("Not a valid frame: {e}"))),
    }
}

fn error_frame(code: &str, message: &str) -> ServerFrame {
    ServerFrame::Error {
        reference: None,
        error: ErrorDetail {
            code: code.into(),
            message: message.into(),
        },
    }
}

/// Closes with the code that names what the client did wrong: 1009 for a frame over
/// [`MAX_FRAME`], 1007 for text that is not UTF-8, 1002 for anything else.
async fn close_for(socket: &mut WebSocket, error: axum::Error) {
    let code = match error
        .into_inner()
        .downcast::<tungstenite::Error>()
        .map(|e| *e)
    {
        Ok(tungstenite::Error::Capacity(_)) => close_code::SIZE,
        Ok(tungstenite::Error::Utf8(_)) => close_code::INVALID,
        _ => close_code::PROTOCOL,
    };
    close(socket, code, "bad frame").await;
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}
