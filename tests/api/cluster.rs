//! Several nodes on one PostgreSQL database (these run in the PostgreSQL pass of `make test`;
//! on SQLite there is one node and they say so). Customer on node A, agents on node B: the whole
//! session flow; the Accept race split across the nodes; timers fire once with both running; a
//! listening connection cut: delivery recovers from the log.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;

use crate::helpers::{TestApp, metrics_text};
use crate::sessions::{entries, post, start};
use crate::socket::Ws;

/// Two nodes, or none off PostgreSQL.
async fn two_nodes() -> Option<(TestApp, TestApp)> {
    if !crate::pg::on_postgres() {
        eprintln!("several nodes need PostgreSQL: run with SWITCHBOARD_TEST_BACKEND=postgres");
        return None;
    }
    let a = TestApp::spawn_with(|c| c.timer_poll_ms = 2).await;
    let b = a.another_node().await;
    Some((a, b))
}

#[tokio::test]
async fn a_customer_on_one_node_and_agents_on_another_have_the_whole_session() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = Ws::open(&b, "alice").await;
    let mut carol_ws = Ws::open(&a, "carol").await;
    let carol = a.signed_in("carol").await;
    let (status, conv) = start(&a, &carol, "My laptop will not boot").await;
    assert_eq!(status, StatusCode::CREATED);
    let id = conv["id"].as_str().unwrap().to_owned();
    // The offer reaches node B's agent.
    let offer = alice
        .find(|f| f["type"] == "offer" && f["conversation"]["id"] == id.as_str())
        .await;
    assert_eq!(
        offer["conversation"]["first_message"],
        "My laptop will not boot"
    );
    alice
        .send(json!({"type": "accept", "ref": "a", "conversation": id}))
        .await;
    alice.find(|f| f["type"] == "ack" && f["ref"] == "a").await;
    // carol, on node A, sees alice join.
    let active = carol_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str() && f["state"] == "active")
        .await;
    assert_eq!(active["assignee"]["display_name"], "Alice Agent");
    carol_ws.entry_with(&id, "joined the chat").await;
    // A work note on B, then a comment on B: carol gets the comment, never the note.
    let alice_http = b.signed_in("alice").await;
    let note = post(
        &b,
        &alice_http,
        &id,
        "work_note",
        "Disk SMART errors, order a new one",
        "n1",
    )
    .await;
    assert_eq!(note.status(), StatusCode::CREATED);
    let comment = post(
        &b,
        &alice_http,
        &id,
        "comment",
        "Can you hold the power button for 10 s?",
        "c1",
    )
    .await;
    assert_eq!(comment.status(), StatusCode::CREATED);
    carol_ws.entry_with(&id, "hold the power button").await;
    assert!(
        !carol_ws.pending_text().contains("SMART"),
        "a work note reached a customer on another node"
    );
    // carol answers on A; alice reads it on B.
    let answer = post(&a, &carol, &id, "comment", "It beeps three times", "c2").await;
    assert_eq!(answer.status(), StatusCode::CREATED);
    alice.entry_with(&id, "beeps three times").await;
    // Both nodes read the same log.
    let on_a = entries(&a, &carol, &id).await;
    let on_b = entries(&b, &b.signed_in("carol").await, &id).await;
    assert_eq!(on_a, on_b);
    assert!(
        on_a.iter().all(|e| e["kind"] != "work_note"),
        "history hides the note too"
    );
}

#[tokio::test]
async fn accepts_racing_on_two_nodes_have_one_winner() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let agents = [
        (a.signed_in("alice").await, &a),
        (b.signed_in("bob").await, &b),
        (b.signed_in("dana").await, &b),
    ];
    for round in 0..5 {
        let customer = if round % 2 == 0 { "carol" } else { "ivan" };
        let who = a.signed_in(customer).await;
        let (_, conv) = start(&a, &who, &format!("Round {round}")).await;
        let id = conv["id"].as_str().unwrap().to_owned();
        let answers = futures_util::future::join_all(agents.iter().map(|(client, node)| {
            client
                .post(node.url(&format!("/api/conversations/{id}/accept")))
                .send()
        }))
        .await;
        let statuses: Vec<StatusCode> = answers
            .into_iter()
            .map(|r| r.expect("answer").status())
            .collect();
        let winners = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(winners, 1, "round {round}: {statuses:?}");
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::CONFLICT)
                .count(),
            2,
            "round {round}: the others are told: {statuses:?}"
        );
        let end = who
            .post(a.url(&format!("/api/conversations/{id}/end")))
            .send()
            .await
            .unwrap();
        assert_eq!(end.status(), StatusCode::OK);
    }
}

async fn timer_rounds(app: &TestApp) -> u64 {
    metrics_text(app)
        .await
        .lines()
        .find_map(|l| l.strip_prefix("switchboard_timer_rounds_total "))
        .and_then(|n| n.trim().parse().ok())
        .expect("timer rounds metric")
}

#[tokio::test]
async fn timers_fire_once_with_both_nodes_running() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = Ws::open(&b, "alice").await;
    let carol = a.signed_in("carol").await;
    let (_, conv) = start(&a, &carol, "Printer offline").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    alice
        .send(json!({"type": "accept", "ref": "a", "conversation": id}))
        .await;
    alice.find(|f| f["type"] == "ack" && f["ref"] == "a").await;
    // The greeting started carol's clock; both nodes' workers see the warning fall due.
    a.clock.advance(Duration::from_secs(120));
    alice.entry_with(&id, "Are you still there?").await;
    for node in [&a, &b] {
        let from = timer_rounds(node).await;
        while timer_rounds(node).await < from + 2 {
            tokio::task::yield_now().await;
        }
    }
    let log = entries(&a, &carol, &id).await;
    let warnings = log
        .iter()
        .filter(|e| e["event"] == "inactivity_warning")
        .count();
    assert_eq!(warnings, 1, "one warning from two workers: {log:?}");
}

#[tokio::test]
async fn a_cut_listening_connection_loses_nothing() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = Ws::open(&b, "alice").await;
    let carol = a.signed_in("carol").await;
    let (_, conv) = start(&a, &carol, "Teams keeps crashing").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    alice
        .send(json!({"type": "accept", "ref": "a", "conversation": id}))
        .await;
    alice.find(|f| f["type"] == "ack" && f["ref"] == "a").await;
    // Cut every listening connection of the test database (both nodes').
    let url = a.config.database_url.clone();
    let mut admin = sqlx::PgConnection::connect(&url).await.expect("connect");
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
    )
    .fetch_all(&mut admin)
    .await
    .expect("terminate");
    assert!(!cut.is_empty(), "the nodes were listening");
    // carol writes on A while B is not listening: B reads it from the log.
    for n in 0..5 {
        let sent = post(
            &a,
            &carol,
            &id,
            "comment",
            &format!("attempt {n}"),
            &format!("m{n}"),
        )
        .await;
        assert_eq!(sent.status(), StatusCode::CREATED);
    }
    for n in 0..5 {
        alice.entry_with(&id, &format!("attempt {n}")).await;
    }
    // And the nodes listen again.
    let listening = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
            )
            .fetch_one(&mut admin)
            .await
            .expect("count");
            if n >= 2 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(listening.is_ok(), "both nodes listen again");
    let _ = admin.close().await;
}

/// Whether someone is online is a cluster-wide question: an agent whose socket on one node
/// closes while another node holds one of theirs keeps their sessions, and may be transferred
/// to from the other node; once their last socket anywhere closes, the grace runs.
#[tokio::test]
async fn an_agent_connected_to_another_node_is_online() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut bob_a = Ws::open(&a, "bob").await;
    let bob_b = Ws::open(&b, "bob").await;
    let carol = a.signed_in("carol").await;
    let (_, conv) = start(&a, &carol, "Shared drive is gone").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    bob_a
        .send(json!({"type": "accept", "ref": "a", "conversation": id}))
        .await;
    bob_a.find(|f| f["type"] == "ack" && f["ref"] == "a").await;
    // bob, asking node A, transfers to dana, connected to node B only; and she back to him.
    let dana_b = Ws::open(&b, "dana").await;
    let dana_id = a.user_id("dana").await;
    let moved = crate::helpers::post_json(
        &a.signed_in("bob").await,
        a.url(&format!("/api/conversations/{id}/transfer")),
        &json!({"to": dana_id}),
    )
    .await;
    assert_eq!(moved.status(), StatusCode::OK, "dana is online, on node B");
    let back = crate::helpers::post_json(
        &b.signed_in("dana").await,
        b.url(&format!("/api/conversations/{id}/transfer")),
        &json!({"to": a.user_id("bob").await}),
    )
    .await;
    assert_eq!(back.status(), StatusCode::OK, "bob is online on both");
    // bob's socket on A closes; his socket on B keeps him online: no grace runs.
    bob_a.close().await;
    a.clock.advance(Duration::from_secs(120));
    for node in [&a, &b] {
        let from = timer_rounds(node).await;
        while timer_rounds(node).await < from + 2 {
            tokio::task::yield_now().await;
        }
    }
    let db = a.db().await;
    assert_eq!(
        db.absence(switchboard::domain::ConversationId(id.parse().unwrap()))
            .await
            .unwrap(),
        None,
        "no absence while bob is on node B"
    );
    let stored = crate::helpers::get_json(&carol, a.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(stored["state"], "active");
    assert_eq!(stored["assignee"]["display_name"], "Bob Agent");
    // Now his last socket, on B: the grace runs and the session goes back.
    bob_b.close().await;
    drop(dana_b);
    let waited = tokio::time::timeout(Duration::from_secs(10), async {
        while db
            .absence(switchboard::domain::ConversationId(id.parse().unwrap()))
            .await
            .unwrap()
            .is_none()
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "bob's grace runs once he is gone everywhere"
    );
    a.clock.advance(Duration::from_secs(60));
    let mut carol_ws = Ws::open(&a, "carol").await;
    carol_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str() && f["state"] == "queued")
        .await;
}
