//! The widget on a portal of another site: sign-in for a bearer token (no cookie), the token on
//! HTTP and as the socket's subprotocol, its end; and only the configured portals may frame
//! the support and sign-in pages.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{TestApp, error_of};
use crate::origin::{Socket, next_close};

/// Signs in as `username` asking for a token; returns it (and checks no cookie is set).
async fn token_of(app: &TestApp, username: &str) -> String {
    let response = app
        .client()
        .post(app.url("/api/session"))
        .header("origin", app.origin())
        .json(&json!({"username": username, "password": username, "token": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "a token sign-in sets no cookie"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["username"], username);
    let token = body["token"].as_str().expect("a token").to_owned();
    assert!(
        token.len() >= 32
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "opaque and url-safe: {token}"
    );
    token
}

async fn me(app: &TestApp, token: &str) -> StatusCode {
    app.client()
        .get(app.url("/api/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

/// Opens the socket with the token as subprotocol (no cookie); returns the socket and the
/// subprotocol the server chose.
async fn socket_with(app: &TestApp, protocols: &str) -> Result<(Socket, Option<String>), String> {
    let mut request = format!("ws://{}/api/ws", app.addr)
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", app.origin().parse().unwrap());
    headers.insert("sec-websocket-protocol", protocols.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, response)) => {
            let chosen = response
                .headers()
                .get("sec-websocket-protocol")
                .map(|v| v.to_str().unwrap().to_owned());
            Ok((socket, chosen))
        }
        Err(e) => Err(e.to_string()),
    }
}

async fn ready(socket: &mut Socket) {
    use futures_util::{SinkExt, StreamExt};
    socket
        .send(Message::text(json!({"type": "hello"}).to_string()))
        .await
        .unwrap();
    let wait = async {
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Text(text) = message {
                let frame: Value = serde_json::from_str(&text).unwrap();
                if frame["type"] == "ready" {
                    return;
                }
            }
        }
        panic!("the socket ended before ready");
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), wait)
        .await
        .expect("ready within 10 s");
}

#[tokio::test]
async fn a_token_sign_in_works_for_http_and_the_socket_and_sign_out_ends_it() {
    let app = TestApp::spawn().await;
    let token = token_of(&app, "carol").await;
    assert_eq!(me(&app, &token).await, StatusCode::OK);
    assert_eq!(me(&app, "not-a-token").await, StatusCode::UNAUTHORIZED);
    // A state-changing request with the token: a session is started.
    let queues: Value = app
        .client()
        .get(app.url("/api/queues"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let queue = queues[0]["id"].as_str().unwrap();
    let started = app
        .client()
        .post(app.url(&format!("/api/queues/{queue}/sessions")))
        .bearer_auth(&token)
        .header("origin", app.origin())
        .json(&json!({"client_id": "t-1", "message": "From the portal"}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::CREATED);

    let (mut socket, chosen) =
        socket_with(&app, &format!("switchboard, switchboard.bearer.{token}"))
            .await
            .expect("the socket opens with the token");
    assert_eq!(
        chosen.as_deref(),
        Some("switchboard"),
        "the server answers switchboard"
    );
    ready(&mut socket).await;
    let refused = socket_with(&app, "switchboard, switchboard.bearer.wrong").await;
    assert!(
        refused.is_err_and(|e| e.contains("401")),
        "a wrong token is refused"
    );
    let refused = socket_with(&app, "switchboard").await;
    assert!(
        refused.is_err_and(|e| e.contains("401")),
        "no token, no cookie: refused"
    );

    // Sign-out with the bearer ends that session: HTTP and the open socket.
    let out = app
        .client()
        .delete(app.url("/api/session"))
        .bearer_auth(&token)
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        next_close(&mut socket).await,
        Some(4401),
        "the session ended"
    );
    assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
    assert!(
        socket_with(&app, &format!("switchboard, switchboard.bearer.{token}"))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_disabled_users_token_stops_working_and_its_socket_closes() {
    let app = TestApp::spawn().await;
    let token = token_of(&app, "carol").await;
    let (mut socket, _) = socket_with(&app, &format!("switchboard, switchboard.bearer.{token}"))
        .await
        .expect("opens");
    ready(&mut socket).await;
    let carol_id = app.user_id("carol").await;
    let admin = app.signed_in("admin").await;
    let disabled = admin
        .patch(app.url(&format!("/api/admin/users/{carol_id}")))
        .header("origin", app.origin())
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), StatusCode::OK);
    assert_eq!(next_close(&mut socket).await, Some(4401));
    assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_token_idles_out_like_a_cookie() {
    let app = TestApp::spawn_with(|c| c.session_idle_minutes = 5).await;
    let token = token_of(&app, "carol").await;
    assert_eq!(me(&app, &token).await, StatusCode::OK);
    app.clock.advance(std::time::Duration::from_secs(6 * 60));
    assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
}

/// The `frame-ancestors` sources of `path`'s policy.
async fn ancestors(app: &TestApp, client: &reqwest::Client, path: &str) -> Vec<String> {
    let response = client.get(app.url(path)).send().await.unwrap();
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    policy
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("frame-ancestors "))
        .unwrap_or_else(|| panic!("{path}: {policy}"))
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn only_configured_portals_may_frame_the_support_and_sign_in_pages_and_nothing_else() {
    const PORTAL: &str = "http://portal.example:8081";
    let app = TestApp::spawn_with(|c| c.portal_origins = vec![PORTAL.to_owned()]).await;
    let anonymous = app.client();
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    for (client, path) in [
        (&anonymous, "/"),
        (&anonymous, "/?next=%2Fsupport%3Fembed%3D1"),
        (&anonymous, "/support?embed=1&queue=1"),
        (&carol, "/support"),
    ] {
        let got = ancestors(&app, client, path).await;
        assert!(got.contains(&PORTAL.to_owned()), "{path}: {got:?}");
    }
    for (client, path) in [
        (&alice, "/agent"),
        (&anonymous, "/widget-demo"),
        (&anonymous, "/widget.js"),
        (&alice, "/api/me"),
    ] {
        let got = ancestors(&app, client, path).await;
        assert_eq!(got, vec!["'none'".to_owned()], "{path}");
    }
    // Framing only: the portal's own pages may not make requests with the browser's cookies.
    let response = carol
        .post(app.url("/api/session"))
        .header("origin", PORTAL)
        .json(&json!({"username": "carol", "password": "carol"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await.1, "forbidden_origin");

    // Without the flag, the portal is not among the ancestors.
    let plain = TestApp::spawn().await;
    let got = ancestors(&plain, &plain.client(), "/").await;
    assert!(!got.contains(&PORTAL.to_owned()), "{got:?}");
}
