//! Nothing a client sends grows the server without a limit: password hashing, sockets per user,
//! catch-up, a flood of frames, a peer that went silent; and the server's own lifecycle (a
//! task that dies stops it; a shutdown tells every socket to reconnect; old rows are purged).

use std::time::Duration;

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard::ServerError;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{TestApp, get_json, metrics_text};
use crate::origin::{connect_ws, next_close};
use crate::sessions::{post, start};
use crate::socket::Ws;

/// The value of a metric line (`name value`), 0 if absent.
pub async fn metric(app: &TestApp, name: &str) -> f64 {
    metrics_text(app)
        .await
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Polls the metric until `done` holds (at most 10 s): waits on the server's own count.
pub async fn metric_until(app: &TestApp, name: &str, done: impl Fn(f64) -> bool) -> f64 {
    let wait = async {
        loop {
            let value = metric(app, name).await;
            if done(value) {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("{name} did not get there in 10 s"))
}

/// This process's resident memory in KiB (each test runs in its own process).
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .expect("/proc/self/status")
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

#[tokio::test]
async fn a_flood_of_sign_ins_is_answered_within_the_limit_and_memory_stays_flat() {
    let app = TestApp::spawn().await;
    // One sign-in first: the hashers' memory and the connection pools exist before measuring.
    app.signed_in("alice").await;
    let before = resident_kib();
    // From 200 addresses, for 200 accounts: no slow-down applies, every one needs a hash.
    let attempts = (0..200u8).map(|n| {
        let client = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 1, n]))
            .build()
            .expect("client");
        let url = app.url("/api/session");
        async move {
            client
                .post(url)
                .json(&json!({"username": format!("nobody{n}"), "password": "guess-1234"}))
                .send()
                .await
                .expect("an answer")
        }
    });
    let answers = join_all(attempts).await;
    let after = resident_kib();
    let mut judged = 0;
    for answer in &answers {
        match answer.status() {
            StatusCode::UNAUTHORIZED => judged += 1,
            StatusCode::SERVICE_UNAVAILABLE => assert_eq!(
                answer.headers()["retry-after"],
                "1",
                "a busy answer says when to come back"
            ),
            other => panic!("unexpected {other}"),
        }
    }
    assert!(judged >= 2, "the hashers worked: {judged} judged");
    assert!(
        after.saturating_sub(before) < 100 * 1024,
        "memory stays flat: {before} KiB before, {after} KiB after 200 sign-ins at once"
    );
}

#[tokio::test]
async fn an_overlong_username_is_refused_before_anything_is_counted_or_hashed() {
    let app = TestApp::spawn().await;
    let response = app
        .client()
        .post(app.url("/api/session"))
        .json(&json!({"username": "a".repeat(10_000), "password": "whatever1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for _ in 0..6 {
        let wrong = app
            .client()
            .post(app.url("/api/session"))
            .json(&json!({"username": "b".repeat(65), "password": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            wrong.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "never 429"
        );
    }
}

#[tokio::test]
async fn one_socket_too_many_is_closed_with_a_reason() {
    let app = TestApp::spawn_with(|c| c.max_sockets_per_user = 2).await;
    let _first = Ws::open(&app, "alice").await;
    let _second = Ws::open(&app, "alice").await;
    let cookie = app.session_cookie("alice").await;
    let (mut third, _) = connect_ws(&app, &cookie, Some(&app.origin()))
        .await
        .expect("the upgrade itself succeeds");
    let close = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match futures_util::StreamExt::next(&mut third).await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("closed within 10 s")
    .expect("a close frame");
    assert_eq!(
        (u16::from(close.code), close.reason.as_str()),
        (4409, "too many sockets")
    );
    let _bob = Ws::open(&app, "bob").await;
}

#[tokio::test]
async fn a_peer_that_answers_nothing_is_dropped() {
    let app = TestApp::spawn_with(|c| c.socket_ping_ms = 100).await;
    let cookie = app.session_cookie("alice").await;
    let (mut silent, _) = connect_ws(&app, &cookie, Some(&app.origin()))
        .await
        .expect("socket opens");
    futures_util::SinkExt::send(
        &mut silent,
        Message::text(json!({"type": "hello", "positions": {}}).to_string()),
    )
    .await
    .unwrap();
    metric_until(&app, "switchboard_sockets_open", |n| n == 1.0).await;
    // The client never reads again, so it never answers a ping: the server lets go of it.
    metric_until(&app, "switchboard_sockets_open", |n| n == 0.0).await;
    drop(silent);
}

#[tokio::test]
async fn a_client_that_keeps_flooding_while_slowed_is_closed() {
    let app = TestApp::spawn_with(|c| {
        c.socket_frames_per_second = 20;
        c.socket_flood_seconds = 1;
    })
    .await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Flood").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let (mut bystander, _) = Ws::connect(&app, "alice", json!({})).await;
    let (mut ws, _) = Ws::connect(&app, "carol", json!({})).await;
    for n in 0..400 {
        ws.send(
            json!({"type": "typing", "conversation": id, "active": n % 2 == 0, "kind": "comment"}),
        )
        .await;
    }
    assert_eq!(ws.closed().await, Some(4429), "a sustained flood is closed");
    bystander
        .send(json!({"type": "read", "conversation": "999999", "seq": 0}))
        .await;
    let answer = bystander.find(|f| f["type"] == "error").await;
    assert_eq!(
        answer["error"]["code"], "not_found",
        "others are unaffected"
    );
}

#[tokio::test]
async fn a_long_catch_up_arrives_whole_and_in_order_across_pages() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Many lines").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    for n in 0..450 {
        let posted = post(
            &app,
            &carol,
            &id,
            "comment",
            &format!("line {n}"),
            &format!("l{n}"),
        )
        .await;
        assert_eq!(posted.status(), StatusCode::CREATED);
    }
    let (_, frames) = Ws::connect(&app, "carol", json!({ id.as_str(): 0 })).await;
    let seqs: Vec<i64> = frames
        .iter()
        .filter(|f| f["type"] == "entry" && f["conversation"] == id.as_str())
        .map(|f| f["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(
        seqs,
        (1..=451).collect::<Vec<i64>>(),
        "every entry once, in order"
    );
}

#[tokio::test]
async fn expired_sessions_and_old_failures_are_purged() {
    let app = TestApp::spawn_with(|c| c.timer_poll_ms = 2).await;
    let stale = app.signed_in("carol").await;
    let wrong = app
        .client()
        .post(app.url("/api/session"))
        .json(&json!({"username": "bob", "password": "not bob's"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let purged = metric(&app, "switchboard_purged_rows_total").await;
    app.clock.advance(Duration::from_secs(9 * 60 * 60));
    // The stale web session and the two failure records (account and address) go.
    let after = metric_until(&app, "switchboard_purged_rows_total", |n| n >= purged + 3.0).await;
    assert_eq!(after, purged + 3.0, "exactly the expired rows");
    let me = stale.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_stopping_server_tells_every_socket_to_reconnect() {
    let mut app = TestApp::spawn().await;
    let mut alice = Ws::open(&app, "alice").await;
    let mut carol = Ws::open(&app, "carol").await;
    app.begin_stop();
    assert_eq!(alice.closed().await, Some(1012));
    assert_eq!(carol.closed().await, Some(1012));
    app.finished().await.expect("a clean stop");
}

#[tokio::test]
async fn a_server_task_that_dies_stops_the_server_with_an_error() {
    let mut app = TestApp::spawn_with(|c| c.timer_poll_ms = 2).await;
    let mut alice = Ws::open(&app, "alice").await;
    let ready = app.client().get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    app.clock.break_down();
    assert_eq!(
        alice.closed().await,
        Some(1012),
        "sockets are told to reconnect elsewhere"
    );
    match app.finished().await {
        Err(ServerError::TaskDied(task)) => assert_eq!(task, "timer worker"),
        other => panic!("the server should stop with an error: {other:?}"),
    }
}

#[tokio::test]
async fn watching_is_not_reading_a_customer_never_gets_anothers_pushes() {
    // carol's socket asks to watch ivan's session: refused, and nothing of it arrives live.
    let app = TestApp::spawn().await;
    let ivan = app.signed_in("ivan").await;
    let (_, conv) = start(&app, &ivan, "Private matter 1234").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let mut carol = Ws::open(&app, "carol").await;
    carol
        .send(json!({"type": "watch", "conversation": id}))
        .await;
    let refused = carol.find(|f| f["type"] == "error").await;
    assert_eq!(refused["error"]["code"], "not_found");
    post(&app, &ivan, &id, "comment", "More private 5678", "p2").await;
    carol
        .send(json!({"type": "read", "conversation": "999999", "seq": 0}))
        .await;
    carol.find(|f| f["type"] == "error").await;
    let seen = carol.pending_text();
    assert!(!seen.contains("1234") && !seen.contains("5678"), "{seen}");
    let listed: Value =
        get_json(&app.signed_in("carol").await, app.url("/api/conversations")).await;
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn an_oversized_frame_is_closed_with_1009_every_time() {
    let app = TestApp::spawn().await;
    let cookie = app.session_cookie("carol").await;
    for _ in 0..5 {
        let (mut socket, _) = connect_ws(&app, &cookie, Some(&app.origin()))
            .await
            .expect("socket opens");
        let huge = "x".repeat(200 * 1024);
        // The client may see its own send fail once the server has closed; the close frame
        // must still arrive, not a reset.
        let _ = futures_util::SinkExt::send(&mut socket, Message::text(huge)).await;
        assert_eq!(next_close(&mut socket).await, Some(1009));
    }
}
