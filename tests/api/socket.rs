//! `Ws`: a signed-in WebSocket client that speaks the frame protocol, for the session tests.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::TestApp;
use crate::origin::{Socket, connect_ws};

/// How long a test waits for an expected frame before failing.
const WAIT: Duration = Duration::from_secs(10);

pub struct Ws {
    socket: Socket,
    pub user: String,
    /// Frames read while looking for another, in arrival order; `find` looks here first.
    pending: VecDeque<Value>,
}

impl Ws {
    /// Signs in as `username`, connects, says hello with `positions`, and returns the frames up
    /// to and including `ready`.
    pub async fn connect(app: &TestApp, username: &str, positions: Value) -> (Ws, Vec<Value>) {
        let cookie = app.session_cookie(username).await;
        Self::connect_with(app, username, &cookie, positions).await
    }

    /// [`Ws::connect`] for the browser session of `cookie` (a sign-in of `username`).
    pub async fn connect_with(
        app: &TestApp,
        username: &str,
        cookie: &str,
        positions: Value,
    ) -> (Ws, Vec<Value>) {
        let (socket, _) = connect_ws(app, cookie, Some(&app.origin()))
            .await
            .expect("socket opens");
        let mut ws = Ws {
            socket,
            user: username.to_owned(),
            pending: VecDeque::new(),
        };
        ws.send(json!({"type": "hello", "positions": positions}))
            .await;
        let frames = ws.until(|f| f["type"] == "ready").await;
        (ws, frames)
    }

    /// Like [`Ws::connect`], keeping the frames up to `ready` for `find`.
    pub async fn open(app: &TestApp, username: &str) -> Ws {
        let (mut ws, frames) = Ws::connect(app, username, json!({})).await;
        ws.pending.extend(frames);
        ws
    }

    pub async fn send(&mut self, frame: Value) {
        self.socket
            .send(Message::text(frame.to_string()))
            .await
            .expect("send frame");
    }

    /// The next frame: a pending one, else the next from the socket.
    pub async fn next(&mut self) -> Value {
        match self.pending.pop_front() {
            Some(frame) => frame,
            None => self.read().await,
        }
    }

    /// The next text frame from the socket, as JSON.
    async fn read(&mut self) -> Value {
        let user = self.user.clone();
        let wait = async {
            loop {
                match self.socket.next().await {
                    Some(Ok(Message::Text(text))) => {
                        return serde_json::from_str(&text).expect("JSON frame");
                    }
                    Some(Ok(_)) => continue,
                    other => panic!("{user}'s socket ended: {other:?}"),
                }
            }
        };
        tokio::time::timeout(WAIT, wait)
            .await
            .unwrap_or_else(|_| panic!("{} waited 10 s for a frame", self.user))
    }

    /// Every frame up to and including the first that matches.
    pub async fn until(&mut self, matches: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let frame = self.next().await;
            let done = matches(&frame);
            seen.push(frame);
            if done {
                return seen;
            }
        }
    }

    /// The first frame that matches, pending or new; the others stay pending, in order.
    pub async fn find(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&matches) {
            return self.pending.remove(i).expect("found above");
        }
        loop {
            let frame = self.read().await;
            if matches(&frame) {
                return frame;
            }
            self.pending.push_back(frame);
        }
    }

    /// The next entry frame of `conversation` whose body contains `text`.
    pub async fn entry_with(&mut self, conversation: &str, text: &str) -> Value {
        self.find(|f| {
            f["type"] == "entry"
                && f["conversation"] == conversation
                && f["body"].as_str().is_some_and(|b| b.contains(text))
        })
        .await
    }

    /// Drops the frames read but not yet taken that match.
    pub fn discard(&mut self, matches: impl Fn(&Value) -> bool) {
        self.pending.retain(|f| !matches(f));
    }

    /// The frames read but not yet taken by `find`, as one text (to search for leaks).
    pub fn pending_text(&self) -> String {
        self.pending
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Closes the socket and waits until the server has let go of it.
    pub async fn close(mut self) {
        self.socket
            .send(Message::Close(None))
            .await
            .expect("send close");
        while let Ok(Some(Ok(_))) = tokio::time::timeout(WAIT, self.socket.next()).await {}
    }

    /// Sends a text frame whose payload is not UTF-8.
    pub async fn send_invalid_utf8(&mut self) {
        use tokio_tungstenite::tungstenite::protocol::frame::Frame;
        use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
        let frame = Frame::message(vec![b'{', 0xff, 0xfe, b'}'], OpCode::Data(Data::Text), true);
        self.socket
            .send(Message::Frame(frame))
            .await
            .expect("send raw frame");
    }

    /// The close code of the next close frame.
    pub async fn closed(&mut self) -> Option<u16> {
        crate::origin::next_close(&mut self.socket).await
    }
}
