//! The `Origin` check on state-changing requests and WebSocket upgrades.

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::helpers::{TestApp, error_of};

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/api/ws` with a session cookie and an optional `Origin`.
pub async fn connect_ws(
    app: &TestApp,
    cookie: &str,
    origin: Option<&str>,
) -> Result<(Socket, tungstenite::handshake::client::Response), tungstenite::Error> {
    let mut request = format!("ws://{}/api/ws", app.addr)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request).await
}

/// The close code of the next close frame, skipping other frames (bounded by a timeout).
pub async fn next_close(socket: &mut Socket) -> Option<u16> {
    let wait = async {
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), wait)
        .await
        .expect("close within 10 s")
}

#[tokio::test]
async fn a_post_from_a_foreign_origin_is_refused() {
    let app = TestApp::spawn().await;
    let response = app
        .client()
        .post(app.url("/api/session"))
        .header("origin", "https://evil.example")
        .json(&json!({"username": "alice", "password": "alice"}))
        .send()
        .await
        .unwrap();
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no session for a foreign origin"
    );
    let (status, code, message) = error_of(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden_origin")
    );
    assert!(
        message.contains("https://evil.example"),
        "message names the origin: {message}"
    );
}

#[tokio::test]
async fn a_post_from_the_servers_own_origin_is_accepted() {
    let app = TestApp::spawn().await;
    for origin in [
        app.origin(),
        format!("http://localhost:{}", app.addr.port()),
    ] {
        let response = app
            .client()
            .post(app.url("/api/session"))
            .header("origin", &origin)
            .json(&json!({"username": "alice", "password": "alice"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "origin {origin}");
    }
}

#[tokio::test]
async fn configured_origins_are_accepted_and_others_refused() {
    let app = TestApp::spawn_with(|c| {
        c.public_url = Some("https://desk.example.com".into());
        c.allowed_origins = vec!["https://portal.example.com".into()];
    })
    .await;
    let post = |origin: &'static str| {
        let request = app
            .client()
            .post(app.url("/api/session"))
            .header("origin", origin)
            .json(&json!({
                "username": "alice", "password": "alice"
            }));
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(post("https://desk.example.com").await, StatusCode::OK);
    assert_eq!(post("https://portal.example.com").await, StatusCode::OK);
    assert_eq!(
        post("http://desk.example.com").await,
        StatusCode::FORBIDDEN,
        "scheme matters"
    );
    assert_eq!(post("null").await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_websocket_upgrade_from_a_foreign_origin_is_refused() {
    let app = TestApp::spawn().await;
    let cookie = app.session_cookie("alice").await;
    match connect_ws(&app, &cookie, Some("https://evil.example")).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!(
            "expected a 403 refusal, got {:?}",
            other.map(|(_, r)| r.status())
        ),
    }
}

#[tokio::test]
async fn a_websocket_from_the_own_origin_opens_and_answers_hello() {
    let app = TestApp::spawn().await;
    let cookie = app.session_cookie("alice").await;
    let (mut socket, response) = connect_ws(&app, &cookie, Some(&app.origin()))
        .await
        .expect("upgrade");
    assert_eq!(response.status(), 101);
    socket
        .send(Message::text(r#"{"type":"hello","positions":{}}"#))
        .await
        .unwrap();
    let own_presence: Value = next_json(&mut socket).await;
    assert_eq!(
        (
            own_presence["type"].as_str(),
            own_presence["status"].as_str()
        ),
        (Some("presence"), Some("available")),
        "an agent learns their own presence first"
    );
    let ready: Value = next_json(&mut socket).await;
    assert_eq!(ready["type"], "ready");
    // A malformed frame gets an error frame and the socket stays up.
    socket.send(Message::text("{not json")).await.unwrap();
    let error: Value = next_json(&mut socket).await;
    assert_eq!(error["type"], "error");
    assert_eq!(error["error"]["code"], "invalid");
    socket
        .send(Message::text(r#"{"type":"hello"}"#))
        .await
        .unwrap();
    let again = next_json(&mut socket).await;
    assert_eq!(
        again["type"], "error",
        "still up after the bad frame, and hello is said once"
    );
    assert!(
        again["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already"),
        "{again}"
    );
}

#[tokio::test]
async fn a_websocket_needs_a_session() {
    let app = TestApp::spawn().await;
    match connect_ws(&app, "switchboard_session=forged", Some(&app.origin())).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("expected 401, got {:?}", other.map(|(_, r)| r.status())),
    }
}

async fn next_json(socket: &mut Socket) -> Value {
    let wait = async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    return serde_json::from_str(&text).expect("JSON frame");
                }
                Some(Ok(_)) => continue,
                other => panic!("socket ended: {other:?}"),
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), wait)
        .await
        .expect("frame within 10 s")
}

#[tokio::test]
async fn an_oversized_frame_closes_the_socket_with_1009() {
    let app = TestApp::spawn().await;
    let cookie = app.session_cookie("alice").await;
    let (mut socket, _) = connect_ws(&app, &cookie, Some(&app.origin()))
        .await
        .expect("upgrade");
    let big = format!(
        r#"{{"type":"hello","positions":{{}},"pad":"{}"}}"#,
        "x".repeat(70 * 1024)
    );
    socket.send(Message::text(big)).await.unwrap();
    assert_eq!(next_close(&mut socket).await, Some(1009));
    // Other users are unaffected.
    let other = app.session_cookie("bob").await;
    let (mut bob, _) = connect_ws(&app, &other, Some(&app.origin()))
        .await
        .expect("bob's socket");
    bob.send(Message::text(r#"{"type":"hello"}"#))
        .await
        .unwrap();
    let mut frame = next_json(&mut bob).await;
    while frame["type"] != "ready" {
        frame = next_json(&mut bob).await;
    }
}
