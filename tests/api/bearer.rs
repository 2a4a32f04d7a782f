//! The widget on a portal of another site: sign-in for a bearer token (and the partitioned
//! embed cookie carrying it, which outlives a reload of the portal page), the token on HTTP and
//! as the socket's subprotocol, the cookie alone on both, their end; and only the configured
//! portals may frame the support and sign-in pages.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{TestApp, error_of};
use crate::origin::{Socket, next_close};

/// The embed cookie's attributes, whatever their order: a partitioned (CHIPS) cookie for the
/// frame, kept per top-level site even where third-party cookies are blocked.
const EMBED_ATTRIBUTES: [&str; 5] = [
    "Path=/",
    "HttpOnly",
    "Secure",
    "SameSite=None",
    "Partitioned",
];

/// The `name=value` and the sorted attributes of each `Set-Cookie` of `response`.
fn set_cookies(response: &reqwest::Response) -> Vec<(String, Vec<String>)> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| {
            let mut parts = v.to_str().unwrap().split(';').map(|p| p.trim().to_owned());
            let pair = parts.next().unwrap();
            let mut attributes: Vec<String> = parts.filter(|p| !p.is_empty()).collect();
            attributes.sort();
            (pair, attributes)
        })
        .collect()
}

fn sorted(attributes: &[&str]) -> Vec<String> {
    let mut attributes: Vec<String> = attributes.iter().map(|a| (*a).to_owned()).collect();
    attributes.sort();
    attributes
}

/// Signs in as `username` asking for a token; returns it (and checks that the only cookie set
/// is the partitioned embed cookie carrying the same token, with exactly its attributes).
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
    let cookies = set_cookies(&response);
    let body: Value = response.json().await.unwrap();
    let token = body["token"].as_str().expect("a token").to_owned();
    assert_eq!(
        cookies,
        vec![(
            format!("switchboard_embed={token}"),
            sorted(&EMBED_ATTRIBUTES)
        )],
        "a token sign-in sets the embed cookie only (no session cookie)"
    );
    assert_eq!(body["user"]["username"], username);
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

/// `/api/me` with only the embed cookie.
async fn me_by_cookie(app: &TestApp, token: &str) -> StatusCode {
    app.client()
        .get(app.url("/api/me"))
        .header("cookie", format!("switchboard_embed={token}"))
        .send()
        .await
        .unwrap()
        .status()
}

/// Opens the socket with the token as subprotocol (no cookie); returns the socket and the
/// subprotocol the server chose.
async fn socket_with(app: &TestApp, protocols: &str) -> Result<(Socket, Option<String>), String> {
    socket_with_cookie(app, protocols, None).await
}

/// Opens the socket offering `protocols`, with `cookie` as the `Cookie` header if any.
async fn socket_with_cookie(
    app: &TestApp,
    protocols: &str,
    cookie: Option<&str>,
) -> Result<(Socket, Option<String>), String> {
    let mut request = format!("ws://{}/api/ws", app.addr)
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", app.origin().parse().unwrap());
    headers.insert("sec-websocket-protocol", protocols.parse().unwrap());
    if let Some(cookie) = cookie {
        headers.insert("cookie", cookie.parse().unwrap());
    }
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
async fn the_embed_cookie_alone_signs_in_http_and_the_socket_and_sign_out_clears_it() {
    let app = TestApp::spawn().await;
    let token = token_of(&app, "carol").await;
    let cookie = format!("switchboard_embed={token}");
    // A reload of the portal page: the frame has no token in memory, only the cookie.
    assert_eq!(me_by_cookie(&app, &token).await, StatusCode::OK);
    assert_eq!(
        me_by_cookie(&app, "not-a-token").await,
        StatusCode::UNAUTHORIZED
    );
    let (mut socket, chosen) = socket_with_cookie(&app, "switchboard", Some(&cookie))
        .await
        .expect("the socket opens with the embed cookie");
    assert_eq!(chosen.as_deref(), Some("switchboard"));
    ready(&mut socket).await;

    // Sign-out with the cookie alone ends the session and clears the cookie, with the same
    // attributes (a partitioned cookie is only replaced by one of the same partition).
    let out = app
        .client()
        .delete(app.url("/api/session"))
        .header("cookie", &cookie)
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let cleared = set_cookies(&out);
    assert_eq!(cleared.len(), 1, "{cleared:?}");
    let (pair, attributes) = &cleared[0];
    assert_eq!(pair, "switchboard_embed=");
    assert!(
        attributes.contains(&"Max-Age=0".to_owned()),
        "{attributes:?}"
    );
    let same: Vec<String> = attributes
        .iter()
        .filter(|a| !a.starts_with("Max-Age=") && !a.starts_with("Expires="))
        .cloned()
        .collect();
    assert_eq!(same, sorted(&EMBED_ATTRIBUTES));
    assert_eq!(
        next_close(&mut socket).await,
        Some(4401),
        "the session ended"
    );
    assert_eq!(me_by_cookie(&app, &token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
    assert!(
        socket_with_cookie(&app, "switchboard", Some(&cookie))
            .await
            .is_err_and(|e| e.contains("401"))
    );
}

#[tokio::test]
async fn a_disabled_users_embed_cookie_stops_working() {
    let app = TestApp::spawn().await;
    let token = token_of(&app, "carol").await;
    let cookie = format!("switchboard_embed={token}");
    let (mut socket, _) = socket_with_cookie(&app, "switchboard", Some(&cookie))
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
    assert_eq!(me_by_cookie(&app, &token).await, StatusCode::UNAUTHORIZED);
    assert!(
        socket_with_cookie(&app, "switchboard", Some(&cookie))
            .await
            .is_err_and(|e| e.contains("401"))
    );
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

/// Two tabs of one portal share the partitioned embed cookie, which holds the last sign-in
/// (tab B's). Tab A's socket runs on the token it names (the subprotocol comes before any
/// cookie), and tab A's sign-out leaves tab B's cookie alone.
#[tokio::test]
async fn what_a_tab_names_itself_comes_before_the_shared_embed_cookie() {
    let app = TestApp::spawn().await;
    let a = token_of(&app, "carol").await;
    let b = token_of(&app, "ivan").await;
    let cookie_b = format!("switchboard_embed={b}");

    let (mut socket_a, _) = socket_with_cookie(
        &app,
        &format!("switchboard, switchboard.bearer.{a}"),
        Some(&cookie_b),
    )
    .await
    .expect("tab A's socket opens");
    ready(&mut socket_a).await;

    // Tab A signs out with its bearer while the browser adds tab B's cookie.
    let out = app
        .client()
        .delete(app.url("/api/session"))
        .bearer_auth(&a)
        .header("cookie", &cookie_b)
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(set_cookies(&out), vec![], "tab B's cookie is not cleared");
    assert_eq!(
        next_close(&mut socket_a).await,
        Some(4401),
        "tab A's socket was carol's, and ended with her session"
    );
    assert_eq!(me(&app, &a).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        me_by_cookie(&app, &b).await,
        StatusCode::OK,
        "tab B is still signed in"
    );
}
