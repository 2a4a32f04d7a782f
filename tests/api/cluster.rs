//! Several nodes on one PostgreSQL database (these run in the PostgreSQL pass of `make test`;
//! on SQLite there is one node and they say so). Customer on node A, agents on node B: the whole
//! session flow; the Accept race split across the nodes; timers fire once with both running; a
//! listening connection cut: delivery recovers from the log.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;

use crate::helpers::TestApp;
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
        node.two_timer_rounds().await;
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
    // Carol's silence is not what this test is about: the inactivity close must not come first
    // while the clock moves on for bob's grace.
    let queue = crate::sessions::queue_id(&a).await;
    let slow = a
        .signed_in("dana")
        .await
        .patch(a.url(&format!("/api/queues/{queue}")))
        .json(&json!({"inactivity_warning_seconds": 86400}))
        .send()
        .await
        .unwrap();
    assert_eq!(slow.status(), StatusCode::OK);
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
        node.two_timer_rounds().await;
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

/// A node as its own process, so it can die without a graceful shutdown.
struct NodeProcess {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl NodeProcess {
    fn start(database_url: &str) -> NodeProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args(["--listen", "127.0.0.1:0", "--database-url", database_url])
            .env("SWITCHBOARD_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start a node");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the node's first line");
        let addr = line
            .trim()
            .rsplit_once("http://")
            .and_then(|(_, a)| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        NodeProcess { child, addr }
    }

    fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// SIGKILL: no 1012, no draining, sockets just break.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

type RawSocket = crate::origin::Socket;

/// Signs `username` in at `origin` and opens a socket there, `hello` with `positions` sent.
async fn raw_socket(origin: &str, username: &str, positions: serde_json::Value) -> RawSocket {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let client = reqwest::Client::new();
    let signed = client
        .post(format!("{origin}/api/session"))
        .header("origin", origin)
        .json(&json!({"username": username, "password": username}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed.status(), StatusCode::OK);
    let cookie = signed.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let mut request = format!("{}/api/ws", origin.replacen("http", "ws", 1))
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", origin.parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("socket");
    socket
        .send(tokio_tungstenite::tungstenite::Message::text(
            json!({"type": "hello", "positions": positions}).to_string(),
        ))
        .await
        .expect("hello");
    socket
}

/// The next text frame, or none when the socket broke.
async fn next_frame(socket: &mut RawSocket) -> Option<serde_json::Value> {
    use futures_util::StreamExt;
    loop {
        match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
            Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text)))) => {
                return serde_json::from_str(&text).ok();
            }
            Ok(Some(Ok(_))) => continue,
            Ok(_) => return None,
            Err(_) => panic!("no frame within 10 s"),
        }
    }
}

/// Node loss: carol writes through node A, which is killed midway (no graceful shutdown); her
/// client reconnects to node B and sends again what was not acknowledged, with the same client
/// ids. Every acknowledged message is in the log once, in order, and alice, reading on node B
/// all along, receives each once, in order.
#[tokio::test]
async fn a_node_killed_midway_loses_and_doubles_nothing() {
    use futures_util::SinkExt;
    if !crate::pg::on_postgres() {
        eprintln!("several nodes need PostgreSQL: run with SWITCHBOARD_TEST_BACKEND=postgres");
        return;
    }
    const MESSAGES: usize = 40;
    let b = TestApp::spawn().await;
    b.clock_to_real_time();
    let mut node_a = NodeProcess::start(&b.config.database_url);
    let carol_http = b.signed_in("carol").await;
    let (status, conv) = start(&b, &carol_http, "Everything is slow").await;
    assert_eq!(status, StatusCode::CREATED, "{conv}");
    let id = conv["id"].as_str().unwrap().to_owned();
    let mut alice = Ws::open(&b, "alice").await;
    alice
        .send(json!({"type": "accept", "ref": "a", "conversation": id}))
        .await;
    alice.find(|f| f["type"] == "ack" && f["ref"] == "a").await;

    let mut carol = raw_socket(&node_a.origin(), "carol", json!({})).await;
    let mut acked: Vec<(usize, i64)> = Vec::new();
    let mut sent = 0;
    let send = |n: usize| {
        tokio_tungstenite::tungstenite::Message::text(
            json!({"type": "send", "ref": format!("r{n}"), "conversation": id,
                   "client_id": format!("loss-{n}"), "kind": "comment", "body": format!("message {n}")})
            .to_string(),
        )
    };
    // Up to half, one at a time through node A; then it dies with sends in flight.
    while sent < MESSAGES / 2 {
        carol.send(send(sent)).await.expect("send");
        sent += 1;
        loop {
            let frame = next_frame(&mut carol).await.expect("node A is up");
            if frame["type"] == "ack" {
                let n: usize = frame["ref"].as_str().unwrap()[1..].parse().unwrap();
                acked.push((n, frame["seq"].as_i64().unwrap()));
                break;
            }
        }
    }
    for n in sent..sent + 5 {
        let _ = carol.send(send(n)).await;
    }
    node_a.kill();
    while let Some(frame) = next_frame(&mut carol).await {
        if frame["type"] == "ack" {
            let n: usize = frame["ref"].as_str().unwrap()[1..].parse().unwrap();
            acked.push((n, frame["seq"].as_i64().unwrap()));
        }
    }
    // To node B: resume, and send again everything not acknowledged (same client ids), then
    // the rest.
    let last = acked.iter().map(|(_, seq)| *seq).max().unwrap_or(0);
    let mut carol = raw_socket(&b.origin(), "carol", json!({ id.as_str(): last })).await;
    let unacked: Vec<usize> = (0..MESSAGES)
        .filter(|n| !acked.iter().any(|(m, _)| m == n))
        .collect();
    for n in &unacked {
        carol.send(send(*n)).await.expect("send to B");
        loop {
            let frame = next_frame(&mut carol).await.expect("node B is up");
            if frame["type"] == "ack" && frame["ref"] == format!("r{n}") {
                acked.push((*n, frame["seq"].as_i64().unwrap()));
                break;
            }
        }
    }
    assert_eq!(acked.len(), MESSAGES, "every message acknowledged once");
    // The log: each message once, in the order of its acknowledged seq.
    let log = entries(&b, &carol_http, &id).await;
    for n in 0..MESSAGES {
        let body = format!("message {n}");
        let copies: Vec<&serde_json::Value> =
            log.iter().filter(|e| e["body"] == body.as_str()).collect();
        assert_eq!(copies.len(), 1, "{body} stored once");
        let seq = acked.iter().find(|(m, _)| *m == n).unwrap().1;
        assert_eq!(copies[0]["seq"], seq, "{body} at its acknowledged seq");
    }
    let seqs: Vec<i64> = log.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] + 1 == w[1]),
        "no gap: {seqs:?}"
    );
    // alice, on B all along, got each once, in order.
    let mut got = Vec::new();
    while got.len() < MESSAGES {
        let frame = alice
            .find(|f| {
                f["type"] == "entry"
                    && f["body"]
                        .as_str()
                        .is_some_and(|b| b.starts_with("message "))
            })
            .await;
        got.push(frame["seq"].as_i64().unwrap());
    }
    let mut sorted = got.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(got, sorted, "in order, each once");
}

/// Sends `messages` through `socket` one at a time; returns (index, seq) of each acknowledged
/// one, stopping at the first break (a node going away).
async fn send_until_break(
    socket: &mut RawSocket,
    id: &str,
    messages: std::ops::Range<usize>,
) -> Vec<(usize, i64)> {
    use futures_util::SinkExt;
    let mut acked = Vec::new();
    for n in messages {
        let frame = json!({"type": "send", "ref": format!("r{n}"), "conversation": id,
                           "client_id": format!("roll-{n}"), "kind": "comment", "body": format!("rolling {n}")});
        if socket
            .send(tokio_tungstenite::tungstenite::Message::text(
                frame.to_string(),
            ))
            .await
            .is_err()
        {
            return acked;
        }
        loop {
            match next_frame(socket).await {
                Some(f) if f["type"] == "ack" && f["ref"] == format!("r{n}") => {
                    acked.push((n, f["seq"].as_i64().unwrap()));
                    break;
                }
                Some(_) => {}
                None => return acked,
            }
        }
    }
    acked
}

/// Rolling restart: both nodes restart one after the other (gracefully: sockets close with
/// 1012) while an agent writes; the agent's client moves to the node that is up and sends again
/// what was not acknowledged. Nothing acknowledged is lost, nothing doubles, and the inactivity
/// deadline pending all along fires once.
#[tokio::test]
async fn a_rolling_restart_loses_nothing_and_fires_each_timer_once() {
    if !crate::pg::on_postgres() {
        eprintln!("several nodes need PostgreSQL: run with SWITCHBOARD_TEST_BACKEND=postgres");
        return;
    }
    let a = TestApp::spawn_with(|c| c.timer_poll_ms = 2).await;
    let b = a.another_node().await;
    let carol = a.signed_in("carol").await;
    let (_, conv) = start(&a, &carol, "Email will not sync").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let mut alice = raw_socket(&a.origin(), "alice", json!({})).await;
    {
        use futures_util::SinkExt;
        alice
            .send(tokio_tungstenite::tungstenite::Message::text(
                json!({"type": "accept", "ref": "acc", "conversation": id}).to_string(),
            ))
            .await
            .unwrap();
    }
    while next_frame(&mut alice)
        .await
        .is_some_and(|f| f["ref"] != "acc")
    {}
    // Node A restarts while alice writes through it; her client moves to B and sends again
    // what was not acknowledged.
    let (mut acked, a) = tokio::join!(send_until_break(&mut alice, &id, 0..20), a.restart(|_| {}));
    let mut alice = raw_socket(&b.origin(), "alice", json!({})).await;
    let resend: Vec<usize> = (0..20)
        .filter(|n| !acked.iter().any(|(m, _)| m == n))
        .collect();
    for n in resend {
        acked.extend(send_until_break(&mut alice, &id, n..n + 1).await);
    }
    // Then node B, while she writes through it; she moves to A (restarted).
    let (more, b) = tokio::join!(send_until_break(&mut alice, &id, 20..30), b.restart(|_| {}));
    acked.extend(more);
    let mut alice = raw_socket(&a.origin(), "alice", json!({})).await;
    let resend: Vec<usize> = (0..30)
        .filter(|n| !acked.iter().any(|(m, _)| m == n))
        .collect();
    for n in resend {
        acked.extend(send_until_break(&mut alice, &id, n..n + 1).await);
    }
    assert_eq!(acked.len(), 30, "every message acknowledged");
    let log = entries(&a, &carol, &id).await;
    for (n, seq) in &acked {
        let body = format!("rolling {n}");
        let copies: Vec<&serde_json::Value> =
            log.iter().filter(|e| e["body"] == body.as_str()).collect();
        assert_eq!(copies.len(), 1, "{body} stored once");
        assert_eq!(copies[0]["seq"], *seq, "{body} at its acknowledged seq");
    }
    // alice's last comment set the warning; both restarted nodes' workers see it due.
    a.clock.advance(Duration::from_secs(120));
    for node in [&a, &b] {
        node.two_timer_rounds().await;
    }
    let log = entries(&b, &carol, &id).await;
    let warnings = log
        .iter()
        .filter(|e| e["event"] == "inactivity_warning")
        .count();
    assert_eq!(warnings, 1, "the pending warning fired once");
    drop(alice);
}

/// Presence is the cluster's: an agent on node B going Away is seen Away by a colleague on
/// node A (live and in the Transfer list), and Offline once gone from B.
#[tokio::test]
async fn presence_reaches_every_node() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = Ws::open(&a, "alice").await;
    let bob = Ws::open(&b, "bob").await;
    let bob_http = b.signed_in("bob").await;
    let away = bob_http
        .put(b.url("/api/presence"))
        .json(&json!({"status": "away"}))
        .send()
        .await
        .unwrap();
    assert_eq!(away.status(), StatusCode::NO_CONTENT);
    alice
        .find(|f| {
            f["type"] == "presence"
                && f["user"]["display_name"] == "Bob Agent"
                && f["status"] == "away"
        })
        .await;
    let queue = crate::sessions::queue_id(&a).await;
    let members = crate::helpers::get_json(
        &a.signed_in("alice").await,
        a.url(&format!("/api/queues/{queue}/members")),
    )
    .await;
    let bob_row = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["display_name"] == "Bob Agent")
        .cloned()
        .unwrap();
    assert_eq!(
        bob_row["status"], "away",
        "node A's Transfer list: {members}"
    );
    // bob's browser closes; after the reload's grace node B says Offline, and A shows it.
    bob.close().await;
    a.clock.advance(Duration::from_secs(31));
    alice
        .find(|f| {
            f["type"] == "presence"
                && f["user"]["display_name"] == "Bob Agent"
                && f["status"] == "offline"
        })
        .await;
}

/// An agent with a tab on each node is one agent: Away chosen in the tab on node A is their
/// status on node B too (their own tab there shows it, a colleague on B sees it, B's Transfer
/// list says so), and Available chosen on B comes back to A.
#[tokio::test]
async fn a_choice_in_one_tab_is_the_agents_status_on_every_node() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut bob_on_b = Ws::open(&b, "bob").await;
    let mut alice_on_b = Ws::open(&b, "alice").await;
    let mut bob_on_a = Ws::open(&a, "bob").await;
    let is_bob = |f: &serde_json::Value, status: &str| {
        f["type"] == "presence" && f["user"]["display_name"] == "Bob Agent" && f["status"] == status
    };
    choose(&a, "bob", "away").await;
    bob_on_b.find(|f| is_bob(f, "away")).await;
    alice_on_b.find(|f| is_bob(f, "away")).await;
    let queue = crate::sessions::queue_id(&b).await;
    let members = crate::helpers::get_json(
        &b.signed_in("alice").await,
        b.url(&format!("/api/queues/{queue}/members")),
    )
    .await;
    let status_on_b = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["display_name"] == "Bob Agent")
        .map(|m| m["status"].clone());
    assert_eq!(
        status_on_b,
        Some(json!("away")),
        "node B's Transfer list: {members}"
    );
    choose(&b, "bob", "available").await;
    bob_on_a.find(|f| is_bob(f, "available")).await;
}

/// `username` chooses `status` over HTTP on `node`.
async fn choose(node: &TestApp, username: &str, status: &str) {
    let chosen = node
        .signed_in(username)
        .await
        .put(node.url("/api/presence"))
        .json(&json!({ "status": status }))
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), StatusCode::NO_CONTENT);
}

/// Revocations reach every node: an admin on node A disables carol, and her socket on node B
/// closes at once (4401); a demotion on A makes bob's socket on B reconnect with his new rights
/// (4403).
#[tokio::test]
async fn a_disabled_users_sockets_close_on_every_node() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut carol = Ws::open(&b, "carol").await;
    let mut bob = Ws::open(&b, "bob").await;
    let admin = a.signed_in("admin").await;
    let disabled = admin
        .patch(a.url(&format!("/api/admin/users/{}", a.user_id("carol").await)))
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), StatusCode::OK);
    assert_eq!(carol.closed().await, Some(4401));
    let demoted = admin
        .patch(a.url(&format!("/api/admin/users/{}", a.user_id("bob").await)))
        .json(&json!({"roles": ["customer"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(demoted.status(), StatusCode::OK);
    assert_eq!(bob.closed().await, Some(4403));
}

/// A commit whose signal never went out (its node died between commit and `NOTIFY`; here: an
/// entry written straight to the database) reaches a reader on a node restarted meanwhile,
/// from the log, within a second.
#[tokio::test]
async fn an_entry_whose_signal_was_lost_arrives_from_the_log() {
    use switchboard::clock::Clock;
    use switchboard::domain::session::{Command, PostKind};
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let carol = a.signed_in("carol").await;
    let (_, conv) = start(&a, &carol, "Calendar invites vanish").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let mut alice = Ws::open(&b, "alice").await;
    alice
        .send(json!({"type": "accept", "ref": "a", "conversation": id}))
        .await;
    alice.find(|f| f["type"] == "ack" && f["ref"] == "a").await;
    drop(alice);
    // Node B restarts: it has announced nothing of this conversation since.
    let b = b.restart(|_| {}).await;
    let mut alice = Ws::open(&b, "alice").await;
    let db = a.db().await;
    let carol_id = switchboard::domain::UserId(a.user_id("carol").await.parse().unwrap());
    let carol_user = db.user(carol_id).await.unwrap().expect("carol");
    let written = db
        .execute(
            switchboard::domain::ConversationId(id.parse().unwrap()),
            switchboard::storage::Act::User(
                carol_user,
                Command::Post(switchboard::domain::session::Post::text(
                    PostKind::Comment,
                    "Written with no signal",
                    "lost-1",
                )),
            ),
            a.clock.now(),
        )
        .await
        .expect("stored");
    assert!(written.created);
    let since = std::time::Instant::now();
    alice.entry_with(&id, "Written with no signal").await;
    assert!(
        since.elapsed() < Duration::from_secs(2),
        "read from the log within the catch-up interval, took {:?}",
        since.elapsed()
    );
}

/// A change of rights whose signal was lost (written straight to the database) still reaches the
/// sockets on another node: ivan loses the ITIL role and his socket replays (4403) within a
/// second, so no work note reaches him under his old rights.
#[tokio::test]
async fn a_change_of_rights_whose_signal_was_lost_reaches_every_node() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    // His socket's node records his rights version when the socket opens.
    let mut ivan = Ws::open(&b, "ivan").await;
    let db = a.db().await;
    let ivan_id = switchboard::domain::UserId(a.user_id("ivan").await.parse().unwrap());
    db.update_user(
        ivan_id,
        &switchboard::storage::UserChanges {
            itil: Some(false),
            ..Default::default()
        },
        &switchboard::storage::audit::Audit {
            actor: ivan_id,
            at: switchboard::domain::Timestamp(0),
        },
    )
    .await
    .expect("changed");
    let since = std::time::Instant::now();
    assert_eq!(ivan.closed().await, Some(4403));
    assert!(
        since.elapsed() < Duration::from_secs(2),
        "within the catch-up interval: {:?}",
        since.elapsed()
    );
}

/// A node killed without a word: the agents it said were present are Offline on the other
/// nodes once its beat goes quiet (10 s), not Available for ever.
#[tokio::test]
async fn the_agents_of_a_killed_node_go_offline_elsewhere() {
    if !crate::pg::on_postgres() {
        eprintln!("several nodes need PostgreSQL: run with SWITCHBOARD_TEST_BACKEND=postgres");
        return;
    }
    let b = TestApp::spawn().await;
    b.clock_to_real_time();
    let mut node_a = NodeProcess::start(&b.config.database_url);
    let mut alice = Ws::open(&b, "alice").await;
    let _bob = raw_socket(&node_a.origin(), "bob", json!({})).await;
    alice
        .find(|f| {
            f["type"] == "presence"
                && f["user"]["display_name"] == "Bob Agent"
                && f["status"] == "available"
        })
        .await;
    node_a.kill();
    let gone = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            // Pings keep the socket talking while node B waits for A's beat to go stale.
            alice.send(json!({"type": "ping", "nonce": "p"})).await;
            let frame = alice
                .find(|f| {
                    f["type"] == "pong"
                        || (f["type"] == "presence"
                            && f["user"]["display_name"] == "Bob Agent"
                            && f["status"] == "offline")
                })
                .await;
            if frame["type"] == "presence" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
    .await;
    assert!(gone.is_ok(), "bob shown Offline once node A went quiet");
}

/// The rows of a node gone for an hour go with the purge (they counted for nobody already).
#[tokio::test]
async fn nodes_gone_for_an_hour_are_purged() {
    if !crate::pg::on_postgres() {
        eprintln!("nodes need PostgreSQL: run with SWITCHBOARD_TEST_BACKEND=postgres");
        return;
    }
    let app = TestApp::spawn_with(|c| c.timer_poll_ms = 2).await;
    let mut conn = sqlx::PgConnection::connect(&app.config.database_url)
        .await
        .expect("connect");
    let carol: i64 = app.user_id("carol").await.parse().unwrap();
    sqlx::query("INSERT INTO nodes (id, seen_at) VALUES (42, now() - interval '2 hours')")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("INSERT INTO node_sockets (node_id, user_id, sockets) VALUES (42, $1, 1)")
        .bind(carol)
        .execute(&mut conn)
        .await
        .unwrap();
    // The next purge (every 10 minutes by the injected clock).
    app.clock.advance(switchboard::timers::PURGE_EVERY);
    let purged = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let left: i64 = sqlx::query_scalar(
                "SELECT (SELECT count(*) FROM nodes WHERE id = 42) \
                 + (SELECT count(*) FROM node_sockets WHERE node_id = 42)",
            )
            .fetch_one(&mut conn)
            .await
            .unwrap();
            if left == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(purged.is_ok(), "the dead node's rows are gone");
    let alive: i64 = sqlx::query_scalar("SELECT count(*) FROM nodes")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(alive, 1, "this node's own row stays");
    let _ = conn.close().await;
}

/// `/readyz` says when a node cannot serve: the database refusing connections takes the pool's
/// connections and the listening one away; requests that need the database are answered 503
/// `unavailable` (never a 500), and once the database comes back the node is ready again by
/// itself, listening included.
#[tokio::test]
async fn readyz_fails_while_the_database_and_the_listener_are_down() {
    if !crate::pg::on_postgres() {
        eprintln!(
            "the listening connection needs PostgreSQL: run with SWITCHBOARD_TEST_BACKEND=postgres"
        );
        return;
    }
    let app = TestApp::spawn().await;
    let http = reqwest::Client::new();
    let ready = || async {
        let response = http.get(app.url("/readyz")).send().await.expect("readyz");
        let status = response.status();
        (status, response.text().await.unwrap_or_default())
    };
    assert_eq!(ready().await.0, StatusCode::OK);
    let carol = app.signed_in("carol").await;
    let name = app
        .postgres
        .as_ref()
        .expect("a PostgreSQL database")
        .name()
        .to_owned();
    let mut admin = sqlx::PgConnection::connect(&crate::pg::admin_url())
        .await
        .expect("connect");
    let allow = |yes: bool| format!("ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS {yes}");
    sqlx::query(&allow(false))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&name)
    .execute(&mut admin)
    .await
    .unwrap();
    let down = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let (status, body) = ready().await;
            if status == StatusCode::SERVICE_UNAVAILABLE && body.contains("listening") {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("not ready while the listener is down");
    assert!(down.contains("unavailable"), "{down}");
    let me = carol.get(app.url("/api/me")).send().await.unwrap();
    let (status, code, message) = crate::helpers::error_of(me).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        "{message}"
    );
    sqlx::query(&allow(true)).execute(&mut admin).await.unwrap();
    let up = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if ready().await.0 == StatusCode::OK {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(up.is_ok(), "ready again once the database is back");
    let me = carol.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(
        me.status(),
        StatusCode::OK,
        "the web session outlived the outage"
    );
    let _ = admin.close().await;
}

/// An incident's activity is the cluster's: a comment posted on node A reaches the socket on
/// node B of one who followed it through node A, and numbers taken on both nodes at once are distinct and consecutive.
#[tokio::test]
async fn incidents_on_two_nodes() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let (alice_a, bob_b) = (a.signed_in("alice").await, b.signed_in("bob").await);
    let body = |n: usize, caller: &str| {
        json!({
            "client_id": format!("n{n}"),
            "caller": caller,
            "short_description": format!("Printer {n}"),
            "category": "hardware",
            "contact_type": "phone",
            "impact": 3,
            "urgency": 3,
        })
    };
    let carol = a.user_id("carol").await;
    let creates = (0..8).map(|n| {
        let (node, who) = if n % 2 == 0 {
            (&a, &alice_a)
        } else {
            (&b, &bob_b)
        };
        who.post(node.url("/api/incidents"))
            .json(&body(n, &carol))
            .send()
    });
    let mut numbers = Vec::new();
    let mut first = None;
    for answer in futures_util::future::join_all(creates).await {
        let answer = answer.unwrap();
        assert_eq!(answer.status(), StatusCode::CREATED);
        let incident: serde_json::Value = answer.json().await.unwrap();
        numbers.push(incident["number"].as_str().unwrap().to_owned());
        first.get_or_insert(incident);
    }
    numbers.sort();
    let expected: Vec<String> = (1..=8).map(|n| format!("INC{:07}", 10_000 + n)).collect();
    assert_eq!(numbers, expected);
    let incident = first.unwrap();
    let (id, activity) = (
        incident["id"].as_str().unwrap().to_owned(),
        incident["activity"].as_str().unwrap().to_owned(),
    );
    // bob follows through node A while his socket is on node B; alice comments on A.
    let mut bob_socket = Ws::open(&b, "bob").await;
    let followed = a
        .signed_in("bob")
        .await
        .put(a.url(&format!("/api/incidents/{id}/follow")))
        .send()
        .await
        .unwrap();
    assert_eq!(followed.status(), StatusCode::NO_CONTENT);
    let sent = post(&a, &alice_a, &activity, "work_note", "Toner on order", "t1").await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    bob_socket.entry_with(&activity, "Toner on order").await;
}

/// Connect Chat across nodes: a chat started on node A comes to bob's socket on node B with its
/// messages, and when bob leaves through node A his socket on B is told it is gone; two direct
/// chats of the same pair started on both nodes at once are one chat.
#[tokio::test]
async fn chats_on_two_nodes() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let (alice_a, bob_b) = (a.signed_in("alice").await, b.signed_in("bob").await);
    let (alice_id, bob_id) = (a.user_id("alice").await, a.user_id("bob").await);
    let starts = [
        alice_a
            .post(a.url("/api/chats"))
            .json(&json!({"members": [bob_id]}))
            .send(),
        bob_b
            .post(b.url("/api/chats"))
            .json(&json!({"members": [alice_id]}))
            .send(),
    ];
    let mut ids = Vec::new();
    for answer in futures_util::future::join_all(starts).await {
        let answer = answer.unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
        let chat: serde_json::Value = answer.json().await.unwrap();
        ids.push(chat["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids[0], ids[1], "one direct chat of the two");

    let mut bob_socket = Ws::open(&b, "bob").await;
    let dana_id = a.user_id("dana").await;
    let group = alice_a
        .post(a.url("/api/chats"))
        .json(&json!({"members": [bob_id, dana_id], "title": "Night shift"}))
        .send()
        .await
        .unwrap();
    assert_eq!(group.status(), StatusCode::CREATED);
    let group: serde_json::Value = group.json().await.unwrap();
    let group = group["id"].as_str().unwrap().to_owned();
    bob_socket
        .find(|f| f["type"] == "conversation" && f["id"] == group.as_str())
        .await;
    let sent = post(
        &a,
        &alice_a,
        &group,
        "comment",
        "Who takes the 6am queue?",
        "g1",
    )
    .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    bob_socket.entry_with(&group, "6am queue").await;
    let left = a
        .signed_in("bob")
        .await
        .delete(a.url(&format!("/api/chats/{group}/members/{bob_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), StatusCode::NO_CONTENT);
    bob_socket
        .find(|f| f["type"] == "gone" && f["conversation"] == group.as_str())
        .await;
}

/// A file uploaded on one node is served by the other (the bytes are in the database: the nodes
/// share no disk), and a withdrawal on one node reaches a socket on the other.
#[tokio::test]
async fn an_attachment_and_a_withdrawal_cross_nodes() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let carol_a = a.signed_in("carol").await;
    let alice_b = b.signed_in("alice").await;
    let (_, conv) = crate::sessions::start(&a, &carol_a, "Screen flickers").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let accepted = alice_b
        .post(b.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    let png = crate::attachments::PNG.to_vec();
    let posted = crate::attachments::upload(
        &a,
        &carol_a,
        &id,
        "comment",
        "flicker.png",
        png.clone(),
        &[],
    )
    .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let entry: serde_json::Value = posted.json().await.unwrap();
    let url = entry["attachment"]["url"].as_str().unwrap();
    let served = alice_b.get(b.url(url)).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.bytes().await.unwrap().as_ref(), png.as_slice());

    let mut carol_socket = Ws::open(&a, "carol").await;
    carol_socket
        .send(json!({"type": "hello", "positions": {}}))
        .await;
    carol_socket.find(|f| f["type"] == "ready").await;
    let sent: serde_json::Value =
        crate::sessions::post(&b, &alice_b, &id, "comment", "Wrong chat, sorry", "a1")
            .await
            .json()
            .await
            .unwrap();
    let withdrawn = alice_b
        .post(b.url(&format!(
            "/api/conversations/{id}/entries/{}/withdraw",
            sent["seq"]
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), StatusCode::OK);
    let marker = carol_socket
        .find(|f| f["type"] == "entry" && f["event"] == "withdrawn")
        .await;
    assert_eq!(marker["withdraws"], sent["seq"]);
}

/// A routing guard fired on one node alerts the managers and rings the agents connected to the
/// other; a manager's change of settings there reaches the other node's live views too.
#[tokio::test]
async fn routing_alerts_and_console_news_reach_the_other_node() {
    if !crate::pg::on_postgres() {
        eprintln!("several nodes need PostgreSQL: run with SWITCHBOARD_TEST_BACKEND=postgres");
        return;
    }
    let a = TestApp::spawn_with(|c| c.timer_poll_ms = 2).await;
    // Only node a's timer fires guards here.
    let b = a.another_node_with(|c| c.timer_poll_ms = 3_600_000).await;
    let dana_a = a.signed_in("dana").await;
    let queue = crate::sessions::queue_id(&a).await;
    let set = dana_a
        .patch(a.url(&format!("/api/queues/{queue}")))
        .json(&json!({"offer_alert_seconds": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    let mut dana_b = Ws::open(&b, "dana").await;
    let mut alice_b = Ws::open(&b, "alice").await;
    let carol = a.signed_in("carol").await;
    let (_, conv) = crate::sessions::start(&a, &carol, "Docking station").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    a.clock.advance(std::time::Duration::from_secs(10));
    let alert = dana_b
        .find(|f| f["type"] == "alert" && f["kind"] == "unaccepted")
        .await;
    assert_eq!(alert["conversation"]["id"], id.as_str());
    alice_b
        .find(|f| f["type"] == "offer" && f["urgent"] == true)
        .await;

    // A queue nothing else touches: its news on node b can only come from node a's change.
    let groups: serde_json::Value = crate::helpers::get_json(&dana_a, a.url("/api/groups")).await;
    let made = crate::helpers::post_json(
        &dana_a,
        a.url("/api/queues"),
        &json!({"name": "Quiet desk", "group": groups[0]["id"]}),
    )
    .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let quiet: serde_json::Value = made.json().await.unwrap();
    let quiet = quiet["id"].as_str().unwrap().to_owned();
    let changed = dana_a
        .patch(a.url(&format!("/api/queues/{quiet}")))
        .json(&json!({"greeting": "Hello from node a"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    dana_b
        .find(|f| f["type"] == "queue_activity" && f["queue"] == quiet.as_str())
        .await;
}

/// Both nodes' timers run: a guard still fires once, and each manager hears of it once.
#[tokio::test]
async fn a_guard_fires_once_in_a_cluster() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let dana_http = a.signed_in("dana").await;
    let queue = crate::sessions::queue_id(&a).await;
    let set = dana_http
        .patch(a.url(&format!("/api/queues/{queue}")))
        .json(&json!({"offer_alert_seconds": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    let mut dana_a = Ws::open(&a, "dana").await;
    let mut dana_b = Ws::open(&b, "dana").await;
    let carol = a.signed_in("carol").await;
    let (_, conv) = crate::sessions::start(&a, &carol, "Twice?").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    a.clock.advance(std::time::Duration::from_secs(10));
    for dana in [&mut dana_a, &mut dana_b] {
        dana.find(|f| f["type"] == "alert" && f["conversation"]["id"] == id.as_str())
            .await;
    }
    a.clock.advance(std::time::Duration::from_secs(600));
    a.two_timer_rounds().await;
    b.two_timer_rounds().await;
    for dana in [&mut dana_a, &mut dana_b] {
        dana.send(json!({"type": "ping", "nonce": "once"})).await;
        dana.find(|f| f["type"] == "pong").await;
        assert!(
            !dana.pending_text().contains("\"type\":\"alert\""),
            "one alert only"
        );
    }
}
