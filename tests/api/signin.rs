//! Sign-in, the session cookie, sign-out, idle expiry and throttling.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, get_json, post_json};

#[tokio::test]
async fn sign_in_returns_the_user_and_a_hardened_cookie() {
    let app = TestApp::spawn().await;
    let response = app.try_sign_in(&app.client(), "alice", "alice").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["username"], "alice");
    assert_eq!(body["user"]["display_name"], "Alice Agent");
    assert_eq!(body["user"]["roles"], json!(["agent"]));
    assert_eq!(body["user"]["itil"], true, "agents hold ITIL implicitly");
    assert!(body["user"]["id"].is_string(), "ids are strings");

    assert!(
        cookie.starts_with("switchboard_session="),
        "cookie name: {cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "HttpOnly: {cookie}");
    assert!(cookie.contains("SameSite=Lax"), "SameSite=Lax: {cookie}");
    assert!(cookie.contains("Path=/"), "Path=/: {cookie}");
    assert!(
        !cookie.contains("Secure"),
        "no Secure over plain http: {cookie}"
    );
}

#[tokio::test]
async fn cookie_is_secure_when_the_public_url_is_https() {
    let app = TestApp::spawn_with(|c| c.public_url = Some("https://desk.example.com".into())).await;
    let response = app.try_sign_in(&app.client(), "carol", "carol").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("Secure"), "Secure behind https: {cookie}");
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let wrong_password = error_of(app.try_sign_in(&app.client(), "alice", "bob").await).await;
    let unknown_user = error_of(app.try_sign_in(&app.client(), "mallory", "alice").await).await;
    assert_eq!(wrong_password.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.1, "invalid_credentials");
    assert_eq!(
        wrong_password, unknown_user,
        "no hint whether the user exists"
    );
}

#[tokio::test]
async fn usernames_are_case_insensitive_and_trimmed() {
    let app = TestApp::spawn().await;
    let response = app.try_sign_in(&app.client(), " Alice ", "alice").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn me_needs_a_session_and_shows_the_itil_flag() {
    let app = TestApp::spawn().await;
    let (status, code, _) =
        error_of(app.client().get(app.url("/api/me")).send().await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );

    for (user, itil) in [("carol", false), ("ivan", true), ("bob", true)] {
        let me: Value = get_json(&app.signed_in(user).await, app.url("/api/me")).await;
        assert_eq!(me["username"], user);
        assert_eq!(me["itil"], itil, "ITIL of {user}");
    }
}

#[tokio::test]
async fn sign_out_ends_the_session_for_good() {
    let app = TestApp::spawn().await;
    let cookie = app.session_cookie("carol").await;
    let me = |cookie: String| {
        let request = app
            .client()
            .get(app.url("/api/me"))
            .header("cookie", cookie);
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(me(cookie.clone()).await, StatusCode::OK);
    let out = app
        .client()
        .delete(app.url("/api/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let cleared = out.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.contains("Max-Age=0") || cleared.contains("Expires"),
        "cookie cleared: {cleared}"
    );
    assert_eq!(
        me(cookie).await,
        StatusCode::UNAUTHORIZED,
        "the old token no longer works"
    );
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::spawn_with(|c| c.session_idle_minutes = 30).await;
    let carol = app.signed_in("carol").await;
    app.clock.advance(Duration::from_secs(29 * 60));
    assert_eq!(
        carol.get(app.url("/api/me")).send().await.unwrap().status(),
        StatusCode::OK,
        "29 min idle"
    );
    // That request counted as activity: 29 more minutes are fine, 30 without a request are not.
    app.clock.advance(Duration::from_secs(29 * 60));
    assert_eq!(
        carol.get(app.url("/api/me")).send().await.unwrap().status(),
        StatusCode::OK,
        "active"
    );
    app.clock.advance(Duration::from_secs(30 * 60));
    assert_eq!(
        carol.get(app.url("/api/me")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "30 min idle"
    );
}

#[tokio::test]
async fn five_failures_slow_an_account_down_and_it_recovers() {
    let app = TestApp::spawn().await;
    for attempt in 1..=5 {
        let (status, ..) = error_of(app.try_sign_in(&app.client(), "alice", "guess").await).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "attempt {attempt} is only refused"
        );
    }
    let throttled = app.try_sign_in(&app.client(), "alice", "alice").await;
    assert_eq!(
        throttled.headers()["retry-after"],
        "30",
        "Retry-After in seconds"
    );
    let (status, code, message) = error_of(throttled).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert!(message.contains("30"), "message says how long: {message}");

    app.clock.advance(Duration::from_secs(30));
    let response = app.try_sign_in(&app.client(), "alice", "alice").await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the slow-down ends; nothing is locked for good"
    );
    // Success forgets the account's failures: one wrong password is just a 401 again.
    let (status, ..) = error_of(app.try_sign_in(&app.client(), "alice", "guess").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn failures_from_one_address_slow_that_address_down() {
    let app = TestApp::spawn().await;
    for n in 1..=5 {
        let response = app
            .try_sign_in(&app.client(), &format!("nobody{n}"), "guess")
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app.try_sign_in(&app.client(), "bob", "bob").await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "same address, other account"
    );
    app.clock.advance(Duration::from_secs(31));
    let response = app.try_sign_in(&app.client(), "bob", "bob").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_disabled_user_is_signed_out_at_once() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let carol_id = app.user_id("carol").await;
    let cookie = app.session_cookie("carol").await;
    let (mut socket, _) = crate::origin::connect_ws(&app, &cookie, None)
        .await
        .expect("socket opens");

    let admin = app.signed_in("admin").await;
    let response = admin
        .patch(app.url(&format!("/api/admin/users/{carol_id}")))
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(
        carol.get(app.url("/api/me")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let close = crate::origin::next_close(&mut socket).await;
    assert_eq!(
        close,
        Some(4401),
        "the open socket closes: the session ended"
    );
    let (status, code, _) = error_of(app.try_sign_in(&app.client(), "carol", "carol").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );

    // Enabled again, she can sign in again.
    admin
        .patch(app.url(&format!("/api/admin/users/{carol_id}")))
        .json(&json!({"disabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        app.try_sign_in(&app.client(), "carol", "carol")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn parallel_guesses_cannot_slip_past_the_slow_down() {
    let app = TestApp::spawn().await;
    let guesses = (0..30).map(|n| {
        let client = app.client();
        let url = app.url("/api/session");
        async move {
            post_json(
                &client,
                url,
                &json!({"username": "alice", "password": format!("guess {n}")}),
            )
            .await
            .status()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let slowed = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        (checked, slowed),
        (5, 25),
        "only five passwords are ever checked: {statuses:?}"
    );
}

/// A failed or successful sign-in as relayed by a reverse proxy for `client`.
async fn sign_in_via_proxy(
    app: &TestApp,
    username: &str,
    password: &str,
    client: &str,
) -> StatusCode {
    app.client()
        .post(app.url("/api/session"))
        .header("x-forwarded-for", client)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("sign-in request")
        .status()
}

/// Five failed sign-ins of different accounts from `client` (so only the address is slowed).
async fn five_failures_from(app: &TestApp, clients: &[&str; 5]) {
    for (n, client) in clients.iter().enumerate() {
        let status = sign_in_via_proxy(app, &format!("nobody{n}"), "guess", client).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "failure {n} from {client} is only refused"
        );
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_failures_slow_down_the_forwarded_client_only() {
    let app =
        TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()]).await;
    five_failures_from(&app, &["203.0.113.7"; 5]).await;
    assert_eq!(
        sign_in_via_proxy(&app, "bob", "bob", "203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the client with five failures is slowed down"
    );
    // A client that forges a hop at the left is still known by what the proxy appended.
    assert_eq!(
        sign_in_via_proxy(&app, "bob", "bob", "198.51.100.1, 203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a forged hop does not hide the client"
    );
    assert_eq!(
        sign_in_via_proxy(&app, "bob", "bob", "203.0.113.8").await,
        StatusCode::OK,
        "another client behind the same proxy is not slowed down"
    );
    let status = app.try_sign_in(&app.client(), "bob", "bob").await.status();
    assert_eq!(
        status,
        StatusCode::OK,
        "the proxy's own address is not slowed down"
    );
}

#[tokio::test]
async fn without_trusted_proxies_x_forwarded_for_is_ignored() {
    let app = TestApp::spawn().await;
    five_failures_from(
        &app,
        &[
            "203.0.113.1",
            "203.0.113.2",
            "203.0.113.3",
            "203.0.113.4",
            "203.0.113.5",
        ],
    )
    .await;
    assert_eq!(
        sign_in_via_proxy(&app, "bob", "bob", "203.0.113.99").await,
        StatusCode::TOO_MANY_REQUESTS,
        "every failure counted against the TCP peer, whatever the header said"
    );
}

#[tokio::test]
async fn ipv6_clients_in_one_64_share_a_slow_down() {
    let app =
        TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()]).await;
    five_failures_from(
        &app,
        &[
            "2001:db8:1:2::1",
            "2001:db8:1:2::2",
            "2001:db8:1:2:aaaa::3",
            "[2001:db8:1:2:ffff:ffff:ffff:ffff]:4711",
            "2001:db8:1:2:1234:5678:9abc:def0",
        ],
    )
    .await;
    assert_eq!(
        sign_in_via_proxy(&app, "bob", "bob", "2001:db8:1:2::beef").await,
        StatusCode::TOO_MANY_REQUESTS,
        "another address of the same /64 is slowed down"
    );
    assert_eq!(
        sign_in_via_proxy(&app, "bob", "bob", "2001:db8:1:3::1").await,
        StatusCode::OK,
        "the next /64 is not"
    );
}
