//! The guarantees of DESIGN.md §3 as black-box tests: exactly one winner of a racing Accept,
//! idempotent sends (HTTP, socket, after a reconnect), resume without loss or duplicates,
//! work notes hidden from customers without ITIL on every read path, and who may see or
//! write what in a session.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use futures_util::future::join_all;
use futures_util::{SinkExt, StreamExt};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{TestApp, error_of};
use crate::origin::{Socket, connect_ws};

/// How long any single wait for a frame or an answer may take.
const WAIT: Duration = Duration::from_secs(10);
/// How long the resume test waits for the next frame (short, so shrinking a failure is quick).
const RESUME_WAIT: Duration = Duration::from_secs(3);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The seed of every property test unless `PROPTEST_RNG_SEED` names another: CI (and every
/// `make test`) runs the same cases, so a failure there is a failure here.
const DEFAULT_SEED: u64 = 20_260_105;

/// A proptest configuration with a small fixed case count, no regression files, and a fixed
/// seed that is printed up front (shown with the output of a failed test), so a failure can be
/// replayed exactly. `PROPTEST_RNG_SEED=<number>` runs other cases, to explore.
fn proptest_config(name: &str, cases: u32) -> ProptestConfig {
    let seed = match std::env::var("PROPTEST_RNG_SEED") {
        Ok(text) => text
            .parse::<u64>()
            .unwrap_or_else(|_| panic!("PROPTEST_RNG_SEED={text:?} is not a number")),
        Err(_) => DEFAULT_SEED,
    };
    eprintln!("{name}: proptest seed {seed} (replay with PROPTEST_RNG_SEED={seed})");
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        max_shrink_iters: 16,
        max_shrink_time: 60_000,
        ..ProptestConfig::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

async fn json_of(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON body ({status}): {e}: {text}"))
}

async fn get_json(app: &TestApp, client: &Client, path: &str) -> (StatusCode, Value) {
    let response = client.get(app.url(path)).send().await.expect("GET");
    (response.status(), json_of(response).await)
}

async fn post_json(app: &TestApp, client: &Client, path: &str, body: Value) -> (StatusCode, Value) {
    let response = client
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .expect("POST");
    (response.status(), json_of(response).await)
}

/// The demo queue "IT Service Desk".
async fn queue_id(app: &TestApp) -> String {
    let carol = app.signed_in("carol").await;
    let (status, queues) = get_json(app, &carol, "/api/queues").await;
    assert_eq!(status, StatusCode::OK, "GET /api/queues: {queues}");
    queues
        .as_array()
        .expect("queue list")
        .iter()
        .find(|q| q["name"] == "IT Service Desk")
        .and_then(|q| q["id"].as_str())
        .expect("the demo queue")
        .to_owned()
}

/// A customer starts a session (201); returns its id.
async fn start_session(
    app: &TestApp,
    customer: &Client,
    queue: &str,
    client_id: &str,
    message: Option<&str>,
) -> String {
    let mut body = json!({ "client_id": client_id });
    if let Some(m) = message {
        body["message"] = json!(m);
    }
    let (status, conv) = post_json(
        app,
        customer,
        &format!("/api/queues/{queue}/sessions"),
        body,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "start a session: {conv}");
    conv["id"].as_str().expect("conversation id").to_owned()
}

async fn accept(app: &TestApp, agent: &Client, conv: &str) -> Value {
    let (status, body) = post_json(
        app,
        agent,
        &format!("/api/conversations/{conv}/accept"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "accept {conv}: {body}");
    body
}

/// Every entry of `conv` the client may see, read in pages of `limit` from `after`.
async fn all_entries(
    app: &TestApp,
    client: &Client,
    conv: &str,
    after: i64,
    limit: i64,
) -> (Vec<Value>, String) {
    let mut entries = Vec::new();
    let mut texts = String::new();
    let mut after = after;
    for _ in 0..10_000 {
        let response = client
            .get(app.url(&format!(
                "/api/conversations/{conv}/entries?after={after}&limit={limit}"
            )))
            .send()
            .await
            .expect("GET entries");
        assert_eq!(response.status(), StatusCode::OK, "GET entries of {conv}");
        let text = response.text().await.expect("body");
        let page: Value = serde_json::from_str(&text).expect("JSON page");
        texts.push_str(&text);
        entries.extend(page["entries"].as_array().expect("entries").iter().cloned());
        match page["next_after"].as_i64() {
            Some(next) => {
                assert!(next > after, "next_after moves forward: {after} -> {next}");
                after = next;
            }
            None => return (entries, texts),
        }
    }
    panic!("paging through {conv} did not end");
}

/// Signs in a user created by the admin with an explicit password.
async fn signed_in_as(app: &TestApp, username: &str, password: &str) -> Client {
    let client = app.client();
    let response = app.try_sign_in(&client, username, password).await;
    assert_eq!(response.status(), StatusCode::OK, "sign-in of {username}");
    client
}

async fn cookie_of(app: &TestApp, username: &str, password: &str) -> String {
    let response = app.try_sign_in(&app.client(), username, password).await;
    assert_eq!(response.status(), StatusCode::OK, "sign-in of {username}");
    response.headers()["set-cookie"]
        .to_str()
        .expect("ascii cookie")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned()
}

/// Creates a user through the admin API; returns its id.
async fn create_user(
    app: &TestApp,
    admin: &Client,
    username: &str,
    display_name: &str,
    roles: &[&str],
) -> String {
    let (status, user) = post_json(
        app,
        admin,
        "/api/admin/users",
        json!({
            "username": username,
            "display_name": display_name,
            "password": format!("{username}-password"),
            "roles": roles,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "create {username}: {user}");
    user["id"].as_str().expect("user id").to_owned()
}

async fn itsd_group(app: &TestApp, manager: &Client) -> String {
    let (status, groups) = get_json(app, manager, "/api/groups").await;
    assert_eq!(status, StatusCode::OK, "GET /api/groups: {groups}");
    groups
        .as_array()
        .expect("group list")
        .iter()
        .find(|g| g["name"] == "ITSD_chat")
        .and_then(|g| g["id"].as_str())
        .expect("ITSD_chat")
        .to_owned()
}

/// The next text frame as JSON and its raw text.
async fn next_frame(socket: &mut Socket) -> (Value, String) {
    let wait = async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    let value = serde_json::from_str(&text).expect("JSON frame");
                    return (value, text.to_string());
                }
                Some(Ok(_)) => continue,
                other => panic!("socket ended: {other:?}"),
            }
        }
    };
    tokio::time::timeout(WAIT, wait)
        .await
        .expect("a frame within 10 s")
}

async fn send_frame(socket: &mut Socket, frame: Value) {
    socket
        .send(Message::text(frame.to_string()))
        .await
        .expect("send a frame");
}

async fn open_socket(app: &TestApp, cookie: &str) -> Socket {
    connect_ws(app, cookie, Some(&app.origin()))
        .await
        .expect("WebSocket upgrade")
        .0
}

/// Reads frames until `stop` says so; returns every frame read (the last one included).
async fn frames_until(
    socket: &mut Socket,
    mut stop: impl FnMut(&Value) -> bool,
) -> Vec<(Value, String)> {
    let mut frames = Vec::new();
    loop {
        let frame = next_frame(socket).await;
        let done = stop(&frame.0);
        frames.push(frame);
        if done {
            return frames;
        }
    }
}

/// Sends `hello` and reads everything up to and including `ready`.
async fn hello(socket: &mut Socket, positions: Value) -> Vec<(Value, String)> {
    send_frame(socket, json!({"type": "hello", "positions": positions})).await;
    frames_until(socket, |f| f["type"] == "ready").await
}

/// An entry frame without its `type`, to compare with an entry from the history.
fn entry_of_frame(frame: &Value) -> Value {
    let mut entry = frame.clone();
    entry.as_object_mut().expect("frame object").remove("type");
    entry
}

fn seqs(entries: &[Value]) -> Vec<i64> {
    entries
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Accept is a conditional write
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_agents_accepting_at_once_have_exactly_one_winner() {
    const AGENTS: usize = 20;
    const ROUNDS: usize = 200;
    let app = TestApp::spawn().await;
    let queue = queue_id(&app).await;
    let admin = app.signed_in("admin").await;
    let dana = app.signed_in("dana").await;
    let group = itsd_group(&app, &dana).await;

    let mut agents = Vec::new();
    for i in 0..AGENTS {
        let username = format!("agent{i:02}");
        let display = format!("Agent {i:02}");
        let id = create_user(&app, &admin, &username, &display, &["agent"]).await;
        let response = dana
            .put(app.url(&format!("/api/groups/{group}/members/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "add {username} to ITSD_chat"
        );
        let client = signed_in_as(&app, &username, &format!("{username}-password")).await;
        agents.push((id, display, client));
    }
    let carol = app.signed_in("carol").await;

    for round in 0..ROUNDS {
        let conv = start_session(&app, &carol, &queue, &format!("start-{round}"), None).await;
        let answers = join_all(agents.iter().map(|(_, _, client)| {
            let request = client
                .post(app.url(&format!("/api/conversations/{conv}/accept")))
                .send();
            async move {
                let response = request.await.expect("accept request");
                let status = response.status();
                (status, json_of(response).await)
            }
        }))
        .await;
        let winners: Vec<usize> = answers
            .iter()
            .enumerate()
            .filter(|(_, (status, _))| *status == StatusCode::OK)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(
            winners.len(),
            1,
            "round {round}: exactly one accept succeeds; answers: {answers:?}"
        );
        let winner = winners[0];
        let (winner_id, winner_name, winner_client) = &agents[winner];
        assert_eq!(
            answers[winner].1["assignee"]["id"], **winner_id,
            "round {round}: the winner's answer names the winner as assignee"
        );
        for (i, (status, body)) in answers.iter().enumerate() {
            if i == winner {
                continue;
            }
            assert_eq!(
                (*status, body["error"]["code"].as_str()),
                (StatusCode::CONFLICT, Some("already_accepted")),
                "round {round}: a losing accept gets 409 already_accepted: {body}"
            );
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(
                message.contains(winner_name.as_str()),
                "round {round}: the refusal names the winner {winner_name}: {message:?}"
            );
        }
        let (status, stored) =
            get_json(&app, winner_client, &format!("/api/conversations/{conv}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (stored["state"].as_str(), stored["assignee"]["id"].as_str()),
            (Some("active"), Some(winner_id.as_str())),
            "round {round}: the stored session is active and assigned to the winner"
        );
        let (status, ended) = post_json(
            &app,
            winner_client,
            &format!("/api/conversations/{conv}/end"),
            json!({}),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "round {round}: the winner ends the session: {ended}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Idempotent send
// ---------------------------------------------------------------------------------------------

/// Entries of the stored log with this client id.
fn with_client_id<'a>(entries: &'a [Value], client_id: &str) -> Vec<&'a Value> {
    entries
        .iter()
        .filter(|e| e["client_id"] == client_id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_send_stores_one_entry() {
    let app = TestApp::spawn().await;
    let queue = queue_id(&app).await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let conv = start_session(&app, &carol, &queue, "start", Some("My VPN is down")).await;
    accept(&app, &alice, &conv).await;
    let entries_path = format!("/api/conversations/{conv}/entries");

    // Over HTTP: the repeat answers 200 with the original entry.
    let body =
        json!({"client_id": "http-1", "kind": "comment", "body": "Have you tried restarting?"});
    let (first_status, first) = post_json(&app, &alice, &entries_path, body.clone()).await;
    assert_eq!(first_status, StatusCode::CREATED, "first send: {first}");
    let (again_status, again) = post_json(&app, &alice, &entries_path, body).await;
    assert_eq!(
        again_status,
        StatusCode::OK,
        "a repeat answers 200: {again}"
    );
    assert_eq!(again, first, "a repeat returns the original entry");
    // Even with a different body: the client id decides.
    let (changed_status, changed) = post_json(
        &app,
        &alice,
        &entries_path,
        json!({"client_id": "http-1", "kind": "comment", "body": "something else"}),
    )
    .await;
    assert_eq!(
        (changed_status, &changed),
        (StatusCode::OK, &first),
        "a repeat with another body returns the original"
    );

    // Over HTTP, ten copies at once: one is stored, all answer with the same seq.
    let racing = join_all((0..10).map(|_| {
        let request = carol
            .post(app.url(&entries_path))
            .json(
                &json!({"client_id": "http-race", "kind": "comment", "body": "It says error 809"}),
            )
            .send();
        async move {
            let response = request.await.expect("post");
            let status = response.status();
            (status, json_of(response).await)
        }
    }))
    .await;
    let created = racing
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(
        created, 1,
        "exactly one of ten racing repeats is created: {racing:?}"
    );
    assert!(
        racing
            .iter()
            .all(|(s, e)| (*s == StatusCode::CREATED || *s == StatusCode::OK)
                && e["seq"] == racing[0].1["seq"]),
        "every racing repeat answers with the same seq: {racing:?}"
    );

    // Over the socket: the same client id twice, then again after a reconnect.
    let cookie = app.session_cookie("alice").await;
    let mut socket = open_socket(&app, &cookie).await;
    let mut seen = hello(&mut socket, json!({})).await;
    let send = |reference: &str, client_id: &str| {
        json!({"type": "send", "ref": reference, "conversation": conv, "client_id": client_id,
               "kind": "comment", "body": format!("Let me check the gateway ({client_id}).")})
    };
    let is_answer = |reference: &'static str| {
        move |f: &Value| f["ref"] == reference && (f["type"] == "ack" || f["type"] == "error")
    };
    send_frame(&mut socket, send("r1", "ws-1")).await;
    seen.extend(frames_until(&mut socket, is_answer("r1")).await);
    let ack1 = seen.last().unwrap().0.clone();
    assert_eq!(
        ack1["type"], "ack",
        "the first send is acknowledged: {ack1}"
    );
    let seq = ack1["seq"].as_i64().expect("ack seq");
    // The ack comes after the commit: the history already holds the entry.
    let (log, _) = all_entries(&app, &alice, &conv, 0, 500).await;
    assert_eq!(
        with_client_id(&log, "ws-1")
            .first()
            .and_then(|e| e["seq"].as_i64()),
        Some(seq),
        "the acknowledged entry is in the stored log at the acknowledged seq: {log:?}"
    );
    send_frame(&mut socket, send("r2", "ws-1")).await;
    seen.extend(frames_until(&mut socket, is_answer("r2")).await);
    let ack2 = seen.last().unwrap().0.clone();
    assert_eq!(
        (ack2["type"].as_str(), ack2["seq"].as_i64()),
        (Some("ack"), Some(seq)),
        "a repeat on the same socket is acknowledged with the original seq: {ack2}"
    );
    // A send whose ack is never read: the socket is closed right after it.
    send_frame(&mut socket, send("r3", "ws-2")).await;
    let last_seen = seen
        .iter()
        .filter(|(f, _)| f["type"] == "entry" && f["conversation"] == conv)
        .filter_map(|(f, _)| f["seq"].as_i64())
        .max()
        .unwrap_or(0);
    socket.close(None).await.expect("close the socket");
    drop(socket);

    let mut socket = open_socket(&app, &cookie).await;
    let mut resumed = hello(&mut socket, json!({ conv.clone(): last_seen })).await;
    send_frame(&mut socket, send("r4", "ws-1")).await;
    resumed.extend(frames_until(&mut socket, is_answer("r4")).await);
    let ack4 = resumed.last().unwrap().0.clone();
    assert_eq!(
        (ack4["type"].as_str(), ack4["seq"].as_i64()),
        (Some("ack"), Some(seq)),
        "a repeat after a reconnect is acknowledged with the original seq: {ack4}"
    );
    send_frame(&mut socket, send("r5", "ws-2")).await;
    resumed.extend(frames_until(&mut socket, is_answer("r5")).await);
    let ack5 = resumed.last().unwrap().0.clone();
    assert_eq!(
        ack5["type"], "ack",
        "the unacknowledged send, sent again: {ack5}"
    );
    let seq2 = ack5["seq"].as_i64().expect("ack seq");
    send_frame(&mut socket, send("r6", "ws-2")).await;
    resumed.extend(frames_until(&mut socket, is_answer("r6")).await);
    let ack6 = resumed.last().unwrap().0.clone();
    assert_eq!(
        (ack6["type"].as_str(), ack6["seq"].as_i64()),
        (Some("ack"), Some(seq2)),
        "a third copy of the unacknowledged send gets the same seq: {ack6}"
    );
    // The entries reached this client once each, over both sockets.
    for client_id in ["ws-1", "ws-2"] {
        let delivered: Vec<i64> = seen
            .iter()
            .chain(resumed.iter())
            .filter(|(f, _)| f["type"] == "entry" && f["client_id"] == client_id)
            .filter_map(|(f, _)| f["seq"].as_i64())
            .collect();
        assert!(
            delivered.len() <= 1,
            "{client_id} is delivered at most once across both sockets: {delivered:?}"
        );
    }
    // The first socket read ws-1's entry or the resumed one did; ws-2's comes after r5's ack
    // at the latest once the resumed socket catches up.
    let ws1_seen = seen
        .iter()
        .chain(resumed.iter())
        .any(|(f, _)| f["type"] == "entry" && f["client_id"] == "ws-1");
    assert!(ws1_seen, "ws-1's entry reached the client");
    if !resumed
        .iter()
        .any(|(f, _)| f["type"] == "entry" && f["client_id"] == "ws-2")
    {
        let more = frames_until(&mut socket, |f| {
            f["type"] == "entry" && f["client_id"] == "ws-2"
        })
        .await;
        assert!(
            more.iter()
                .all(|(f, _)| f["type"] != "entry" || f["client_id"] == "ws-2"),
            "nothing else arrives before ws-2's entry: {more:?}"
        );
    }
    // And over HTTP the socket's client id is recognised too.
    let (status, via_http) = post_json(
        &app,
        &alice,
        &entries_path,
        json!({"client_id": "ws-1", "kind": "comment", "body": "Let me check the gateway."}),
    )
    .await;
    assert_eq!(
        (status, via_http["seq"].as_i64()),
        (StatusCode::OK, Some(seq)),
        "a repeat over HTTP of a socket send returns the original: {via_http}"
    );

    let (log, _) = all_entries(&app, &alice, &conv, 0, 500).await;
    for client_id in ["http-1", "http-race", "ws-1", "ws-2"] {
        assert_eq!(
            with_client_id(&log, client_id).len(),
            1,
            "exactly one stored entry with client id {client_id}: {log:?}"
        );
    }
    assert_eq!(with_client_id(&log, "http-1")[0]["seq"], first["seq"]);
    assert_eq!(with_client_id(&log, "ws-1")[0]["seq"], seq);
    assert_eq!(with_client_id(&log, "ws-2")[0]["seq"], seq2);
    assert_eq!(
        seqs(&log),
        (1..=log.len() as i64).collect::<Vec<_>>(),
        "the log has no gaps"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Resume after disconnects
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Customer,
    Agent,
}

#[derive(Debug, Clone, Copy)]
enum Op {
    /// Send without waiting for the ack.
    Send(Who, &'static str),
    /// Read frames until every pending send of that side is acknowledged.
    Settle(Who),
    /// Drop the socket (no close handshake). The side reconnects when it next acts (the other
    /// side may post meanwhile), says `hello` from the last seq it saw, and sends again what
    /// was not acknowledged.
    Kill(Who),
    /// The agent posts [`FLOOD_POSTS`] comments over HTTP while neither socket reads: more
    /// than the hub queues for a socket, so both sockets are marked lagged and must re-read
    /// the log; then both read up to the flood's last entry before anything else happens.
    /// Slow (seconds), so only in the fixed lagged case, never drawn at random.
    Flood,
}

/// Comments posted by [`Op::Flood`]. The first [`FLOOD_LONG`] are long, to fill the kernel's
/// socket buffers (a few megabytes: the server's send buffer grows up to `tcp_wmem`, 4 MiB by
/// default) so the server's writes block; the rest are short and pile up in the hub, which
/// queues [`RESUME_SOCKET_BUFFER`] pushes per socket here and marks the socket lagged beyond
/// that. Pushes after that are dropped: the socket must read them from the log. The short ones
/// are few enough that a blocked write finishes within the server's 10 s send deadline.
const FLOOD_POSTS: usize = FLOOD_LONG + 200;
/// Pushes a socket may queue in the resume cases (`--socket-buffer`).
const RESUME_SOCKET_BUFFER: u32 = 32;
/// Long comments first: 300 of 9,000 three-byte characters are about 8 MB of frames.
const FLOOD_LONG: usize = 300;

fn op_strategy() -> impl Strategy<Value = Op> {
    let who = prop_oneof![Just(Who::Customer), Just(Who::Agent)];
    prop_oneof![
        3 => Just(Op::Send(Who::Customer, "comment")),
        3 => Just(Op::Send(Who::Agent, "comment")),
        2 => Just(Op::Send(Who::Agent, "work_note")),
        1 => who.clone().prop_map(Op::Settle),
        2 => who.prop_map(Op::Kill),
    ]
}

struct Pending {
    kind: &'static str,
    body: String,
}

/// A socket like [`open_socket`] with a small, fixed receive buffer. Linux grows a socket's
/// buffer up to `tcp_rmem` (tens of megabytes) while the reader lags; fixed, a side that stops
/// reading blocks the server's writes after some kilobytes, as a slow client over a real
/// network does, and its pushes pile up in the hub.
async fn open_small_socket(app: &TestApp, cookie: &str) -> Socket {
    let tcp = tokio::net::TcpSocket::new_v4().expect("a TCP socket");
    tcp.set_recv_buffer_size(64 * 1024)
        .expect("a small receive buffer");
    let stream = tcp.connect(app.addr).await.expect("connect");
    let mut request = format!("ws://{}/api/ws", app.addr)
        .into_client_request()
        .expect("a WebSocket request");
    let headers = request.headers_mut();
    headers.insert("cookie", cookie.parse().expect("cookie header"));
    headers.insert("origin", app.origin().parse().expect("origin header"));
    let (socket, _) =
        tokio_tungstenite::client_async(request, tokio_tungstenite::MaybeTlsStream::Plain(stream))
            .await
            .expect("WebSocket upgrade");
    socket
}

/// One side of the conversation as a client that resumes.
struct Side {
    who: Who,
    cookie: String,
    conv: String,
    socket: Option<Socket>,
    /// The last seq of an entry frame received.
    last_seq: i64,
    /// Every entry frame received, in order, over all connections.
    timeline: Vec<Value>,
    /// Sends not yet acknowledged, by client id.
    pending: BTreeMap<String, Pending>,
    refs: HashMap<String, String>,
    acked: HashMap<String, Vec<i64>>,
    next_ref: u64,
    /// `conversation` frames read after `hello`. Only sends happen after `hello`, which change
    /// no state: each is a lagged socket's resync.
    resyncs: usize,
}

impl Side {
    fn new(who: Who, cookie: String, conv: &str) -> Side {
        Side {
            who,
            cookie,
            conv: conv.to_owned(),
            socket: None,
            last_seq: 0,
            timeline: Vec::new(),
            pending: BTreeMap::new(),
            refs: HashMap::new(),
            acked: HashMap::new(),
            next_ref: 0,
            resyncs: 0,
        }
    }

    fn on_frame(&mut self, frame: Value) {
        match frame["type"].as_str() {
            Some("entry") if frame["conversation"] == self.conv.as_str() => {
                self.last_seq = frame["seq"].as_i64().expect("seq");
                self.timeline.push(entry_of_frame(&frame));
            }
            Some("ack") => {
                let reference = frame["ref"].as_str().expect("ack ref");
                let client_id = self.refs.remove(reference).unwrap_or_else(|| {
                    panic!("{:?}: an ack for an unknown ref: {frame}", self.who)
                });
                self.pending.remove(&client_id);
                self.acked
                    .entry(client_id)
                    .or_default()
                    .push(frame["seq"].as_i64().expect("ack seq"));
            }
            Some("error") => panic!("{:?}: unexpected error frame: {frame}", self.who),
            _ => {}
        }
    }

    async fn write_send(&mut self, client_id: &str) {
        let pending = &self.pending[client_id];
        self.next_ref += 1;
        let reference = format!("r{}", self.next_ref);
        let frame = json!({"type": "send", "ref": reference, "conversation": self.conv,
            "client_id": client_id, "kind": pending.kind, "body": pending.body});
        self.refs.insert(reference, client_id.to_owned());
        send_frame(self.socket.as_mut().expect("connected"), frame).await;
    }

    async fn send(&mut self, app: &TestApp, client_id: String, kind: &'static str) {
        self.ensure_connected(app).await;
        let body = format!("{client_id} ({kind})");
        self.pending
            .insert(client_id.clone(), Pending { kind, body });
        self.write_send(&client_id).await;
    }

    async fn connect(&mut self, app: &TestApp) {
        self.refs.clear();
        let mut socket = open_small_socket(app, &self.cookie).await;
        let positions = json!({ self.conv.clone(): self.last_seq });
        for (frame, _) in hello(&mut socket, positions).await {
            self.on_frame(frame);
        }
        self.socket = Some(socket);
        let unacked: Vec<String> = self.pending.keys().cloned().collect();
        for client_id in unacked {
            self.write_send(&client_id).await;
        }
    }

    /// Drops the socket without a close handshake; the side stays away until it next acts.
    fn kill(&mut self) {
        drop(self.socket.take());
    }

    async fn ensure_connected(&mut self, app: &TestApp) {
        if self.socket.is_none() {
            self.connect(app).await;
        }
    }

    /// Reads frames until `done`; a wait of more than [`RESUME_WAIT`] for the next frame
    /// fails the test, naming what was awaited and what this side has seen.
    async fn read_until(&mut self, what: &str, mut done: impl FnMut(&Side) -> bool) {
        while !done(self) {
            let socket = self.socket.as_mut().expect("connected");
            let frame = match tokio::time::timeout(RESUME_WAIT, socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    serde_json::from_str::<Value>(&text).expect("JSON frame")
                }
                Ok(Some(Ok(_))) => continue,
                Ok(other) => panic!("{:?}: the socket ended: {other:?}", self.who),
                Err(_) => panic!(
                    "{:?} waited {RESUME_WAIT:?} in vain for {what}: last seq seen {}, \
                     unacknowledged {:?}, timeline seqs {:?}",
                    self.who,
                    self.last_seq,
                    self.pending.keys().collect::<Vec<_>>(),
                    seqs(&self.timeline)
                ),
            };
            if frame["type"] == "conversation" {
                self.resyncs += 1;
            }
            self.on_frame(frame);
        }
    }

    async fn settle(&mut self, app: &TestApp) {
        self.ensure_connected(app).await;
        self.read_until("the acks of its sends", |s| s.pending.is_empty())
            .await;
    }
}

async fn resume_case(ops: Vec<Op>) {
    let app = TestApp::spawn_with(|c| c.socket_buffer = RESUME_SOCKET_BUFFER).await;
    let queue = queue_id(&app).await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let conv = start_session(
        &app,
        &carol,
        &queue,
        "start",
        Some("Printer on floor 3 jams"),
    )
    .await;
    accept(&app, &alice, &conv).await;
    let mut customer = Side::new(Who::Customer, app.session_cookie("carol").await, &conv);
    let mut agent = Side::new(Who::Agent, app.session_cookie("alice").await, &conv);
    customer.connect(&app).await;
    agent.connect(&app).await;

    let mut sent: Vec<String> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match *op {
            Op::Send(who, kind) => {
                let client_id = format!(
                    "{}-{i}",
                    if who == Who::Customer {
                        "cust"
                    } else {
                        "agent"
                    }
                );
                sent.push(client_id.clone());
                let side = if who == Who::Customer {
                    &mut customer
                } else {
                    &mut agent
                };
                side.send(&app, client_id, kind).await;
            }
            Op::Settle(Who::Customer) => customer.settle(&app).await,
            Op::Settle(Who::Agent) => agent.settle(&app).await,
            Op::Kill(Who::Customer) => customer.kill(),
            Op::Kill(Who::Agent) => agent.kill(),
            Op::Flood => {
                let last = flood(&app, &alice, &conv).await;
                // Nothing more is posted until both sides have read the whole flood: the
                // entries their queues dropped can only come from the resync.
                for side in [&mut customer, &mut agent] {
                    side.ensure_connected(&app).await;
                    side.read_until(&format!("the flood's last entry, seq {last}"), |s| {
                        s.last_seq >= last
                    })
                    .await;
                }
            }
        }
    }
    customer.settle(&app).await;
    agent.settle(&app).await;

    // The stored log, as the agent sees it (everything), and as the customer sees it.
    let (log, _) = all_entries(&app, &alice, &conv, 0, 500).await;
    let (customer_log, _) = all_entries(&app, &carol, &conv, 0, 500).await;
    let n = log.len() as i64;
    assert_eq!(
        seqs(&log),
        (1..=n).collect::<Vec<_>>(),
        "the stored log has seq 1..N without gaps"
    );
    let mut client_ids: HashMap<&str, usize> = HashMap::new();
    for id in log.iter().filter_map(|e| e["client_id"].as_str()) {
        *client_ids.entry(id).or_default() += 1;
    }
    assert!(
        client_ids.values().all(|n| *n == 1),
        "each client id is stored once: {client_ids:?}"
    );
    for client_id in &sent {
        let stored = with_client_id(&log, client_id);
        assert_eq!(
            stored.len(),
            1,
            "client id {client_id} is stored exactly once: {log:?}"
        );
        let side = if client_id.starts_with("cust") {
            &customer
        } else {
            &agent
        };
        let acks = side.acked.get(client_id).cloned().unwrap_or_default();
        assert!(
            !acks.is_empty() && acks.iter().all(|s| Some(*s) == stored[0]["seq"].as_i64()),
            "every ack of {client_id} carries its stored seq {}: {acks:?}",
            stored[0]["seq"]
        );
    }

    // Wait until each side has received the last entry it may see, then compare.
    let agent_last = n;
    let customer_last = customer_log
        .last()
        .and_then(|e| e["seq"].as_i64())
        .unwrap_or(0);
    agent
        .read_until(&format!("the last stored seq {agent_last}"), |s| {
            s.last_seq >= agent_last
        })
        .await;
    customer
        .read_until(&format!("the last seq it may see, {customer_last}"), |s| {
            s.last_seq >= customer_last
        })
        .await;
    assert_eq!(
        seqs(&agent.timeline),
        seqs(&log),
        "the agent's timeline is the stored log: nothing lost, nothing twice, same order"
    );
    assert_eq!(
        agent.timeline, log,
        "the agent's entry frames equal the stored entries"
    );
    assert_eq!(
        seqs(&customer.timeline),
        seqs(&customer_log),
        "the customer's timeline is the log they may see: nothing lost, nothing twice, same order"
    );
    assert_eq!(
        customer.timeline, customer_log,
        "the customer's entry frames equal the stored entries they may see"
    );
    if ops.iter().any(|op| matches!(op, Op::Flood)) {
        for side in [&customer, &agent] {
            assert!(
                side.resyncs > 0,
                "{:?}: the flood made the socket lag and resync (a `conversation` frame after \
                 `hello`); if not, raise FLOOD_LONG (the socket buffers are larger here)",
                side.who
            );
        }
    }
}

/// [`Op::Flood`]: the agent's comments, one request at a time; returns the last seq stored.
/// Posts at once would commit together and be announced out of order, and each socket's gap
/// catch-up would read the tail from the log before its pushes were dropped. One at a time,
/// pushes come in seq order: those dropped are the last, and only the resync brings them.
async fn flood(app: &TestApp, agent: &Client, conv: &str) -> i64 {
    let path = format!("/api/conversations/{conv}/entries");
    let mut last = 0;
    for n in 0..FLOOD_POSTS {
        let filler = if n < FLOOD_LONG {
            "€".repeat(9000)
        } else {
            String::new()
        };
        let body = json!({"client_id": format!("flood-{n}"), "kind": "comment",
                          "body": format!("flood {n} {filler}")});
        let (status, entry) = post_json(app, agent, &path, body).await;
        assert_eq!(status, StatusCode::CREATED, "flood comment {n}");
        last = entry["seq"].as_i64().expect("seq");
    }
    last
}

#[test]
fn resume_after_a_lagged_socket_loses_and_doubles_nothing() {
    let (customer, agent) = (Who::Customer, Who::Agent);
    runtime().block_on(resume_case(vec![
        Op::Send(customer, "comment"),
        Op::Send(agent, "comment"),
        Op::Send(agent, "work_note"),
        // Both sockets lag with these sends unacknowledged, then resync when they read.
        Op::Flood,
        Op::Send(customer, "comment"),
        Op::Settle(customer),
        Op::Send(agent, "work_note"),
        Op::Settle(agent),
        // And a reconnect after the resync.
        Op::Kill(customer),
        Op::Send(agent, "comment"),
        Op::Send(customer, "comment"),
    ]));
}

proptest! {
    #![proptest_config(proptest_config("resume_after_random_disconnects_loses_and_doubles_nothing", 16))]
    #[test]
    fn resume_after_random_disconnects_loses_and_doubles_nothing(
        ops in prop::collection::vec(op_strategy(), 4..30)
    ) {
        runtime().block_on(resume_case(ops));
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Work notes and the ITIL role
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Post {
    /// The assigned agent's comment.
    AgentComment,
    /// The customer's comment.
    CustomerComment,
    /// A work note by the assigned agent.
    AgentNote,
    /// A work note by another agent of the group.
    ColleagueNote,
    /// A message in alice and bob's Connect Chat (never a customer's to see, ITIL or not).
    ChatMessage,
    /// A work note by erin, an agent of no group invited into the session (an incident's
    /// activity: any staff may write one).
    InvitedNote,
    /// A work note by the assigned agent with a file attached: the file's name and bytes carry
    /// the canary, and its URL is asked for directly on every customer's behalf.
    NoteAttachment,
    /// A work note the assigned agent writes and withdraws: the marker of its withdrawal is a
    /// work note too (never a customer's without ITIL to see).
    WithdrawnNote,
}

fn post_strategy() -> impl Strategy<Value = Post> {
    prop_oneof![
        Just(Post::AgentComment),
        Just(Post::CustomerComment),
        Just(Post::AgentNote),
        Just(Post::ColleagueNote),
        Just(Post::ChatMessage),
        Just(Post::InvitedNote),
        Just(Post::NoteAttachment),
        Just(Post::WithdrawnNote),
    ]
}

/// How an agent of the group loses the right to the session midway.
#[derive(Debug, Clone, Copy)]
enum Loss {
    /// An admin makes them a customer (they stay in the group's member list).
    Demoted,
    /// A manager gives the queue to another group (without them).
    QueueMoved,
}

#[derive(Debug, Clone)]
struct NotesCase {
    /// Sockets hold only a few pushes, so live sockets fall behind and resync from the log.
    small_buffer: bool,
    /// Before which post an agent of the group (olga) loses the right to the session.
    loss: (Loss, usize),
    posts: Vec<Post>,
    /// End with a transfer to bob whose note is a work note.
    transfer: bool,
    /// Where resumed sockets start (fractions of the log, in per mille).
    resume_at: Vec<u16>,
    canary: String,
}

fn notes_case_strategy() -> impl Strategy<Value = NotesCase> {
    (
        prop::collection::vec(post_strategy(), 0..10),
        any::<prop::sample::Index>(),
        any::<bool>(),
        prop::collection::vec(0u16..=1000, 2),
        "[A-Z0-9]{12}",
        (
            any::<bool>(),
            prop_oneof![Just(Loss::Demoted), Just(Loss::QueueMoved)],
            any::<prop::sample::Index>(),
        ),
    )
        .prop_map(
            |(mut posts, at, transfer, resume_at, tag, (small_buffer, loss, loss_at))| {
                // Always at least one work note.
                let at = at.index(posts.len() + 1);
                posts.insert(at, Post::AgentNote);
                let loss_at = loss_at.index(posts.len() + 1);
                NotesCase {
                    small_buffer,
                    loss: (loss, loss_at),
                    posts,
                    transfer,
                    resume_at,
                    canary: format!("CANARY-{tag}"),
                }
            },
        )
}

/// What one customer received on each read path, as raw text.
struct Observed {
    /// (path, text) for paths that carry entries.
    entry_paths: Vec<(String, String)>,
    /// (path, text) for paths that carry only conversations.
    conversation_paths: Vec<(String, String)>,
}

struct Staff {
    alice: Client,
    bob: Client,
    bob_id: String,
    /// Erin Helper: an agent of no group, invited into sessions to help.
    erin: Client,
    erin_id: String,
    /// Alice and bob's direct Connect Chat.
    chat: String,
}

/// What a message in alice and bob's chat carries: a customer must never read it.
fn chat_canary(canary: &str) -> String {
    format!("CHAT-{canary}")
}

impl Staff {
    async fn new(app: &TestApp) -> Staff {
        let admin = signed_in_as(app, "admin", "admin").await;
        let erin_id = create_user(app, &admin, "erin", "Erin Helper", &["agent"]).await;
        let alice = app.signed_in("alice").await;
        let bob_id = app.user_id("bob").await;
        let (status, chat) =
            post_json(app, &alice, "/api/chats", json!({"members": [bob_id]})).await;
        assert_eq!(status, StatusCode::CREATED, "alice's chat with bob: {chat}");
        Staff {
            alice,
            bob: app.signed_in("bob").await,
            bob_id,
            erin: signed_in_as(app, "erin", "erin-password").await,
            erin_id,
            chat: chat["id"].as_str().expect("chat id").to_owned(),
        }
    }

    /// Post `post` number `i` as its author into `entries_path` (the chat's for a chat
    /// message), `customer` being the customer's client. Answers the URL of a file attached.
    async fn post(
        &self,
        app: &TestApp,
        customer: &Client,
        entries_path: &str,
        canary: &str,
        i: usize,
        post: Post,
    ) -> Option<String> {
        if let Post::NoteAttachment = post {
            let form = reqwest::multipart::Form::new()
                .text("client_id", format!("p{i}{entries_path}"))
                .text("kind", "work_note")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(
                        format!("log {i}: {canary} disk full\n").into_bytes(),
                    )
                    .file_name(format!("{canary}-{i}.log")),
                );
            let response = self
                .alice
                .post(app.url(&entries_path.replace("/entries", "/attachments")))
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::CREATED,
                "post {i} ({post:?})"
            );
            let entry: Value = response.json().await.unwrap();
            return Some(entry["attachment"]["url"].as_str().expect("url").to_owned());
        }
        let chat_path = format!("/api/conversations/{}/entries", self.chat);
        let (client, path, kind, body) = match post {
            Post::AgentComment => (&self.alice, entries_path, "comment", format!("comment {i}")),
            Post::CustomerComment => (customer, entries_path, "comment", format!("reply {i}")),
            Post::AgentNote => (
                &self.alice,
                entries_path,
                "work_note",
                format!("note {i}: {canary} reset the MFA token"),
            ),
            Post::ColleagueNote => (
                &self.bob,
                entries_path,
                "work_note",
                format!("colleague {i}: {canary} known issue"),
            ),
            Post::ChatMessage => (
                &self.alice,
                chat_path.as_str(),
                "comment",
                format!("chat {i}: {} is the customer's laptop", chat_canary(canary)),
            ),
            Post::InvitedNote => (
                &self.erin,
                entries_path,
                "work_note",
                format!("invited {i}: {canary} try safe mode"),
            ),
            Post::WithdrawnNote => (
                &self.alice,
                entries_path,
                "work_note",
                format!("withdrawn {i}: {canary} wrong customer"),
            ),
            Post::NoteAttachment => unreachable!("uploaded above"),
        };
        let (status, entry) = post_json(
            app,
            client,
            path,
            // The chat takes posts from every case observed: each its own client id.
            json!({"client_id": format!("p{i}{entries_path}"), "kind": kind, "body": body}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "post {i} ({post:?}): {entry}");
        if let Post::WithdrawnNote = post {
            let response = client
                .post(app.url(&format!("{path}/{}/withdraw", entry["seq"])))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "withdraw post {i}");
        }
        None
    }
}

/// Olga, an agent of the group who loses the right to the session midway, and what she saw.
struct Former {
    cookie: String,
    id: String,
    admin: Client,
    dana: Client,
    /// The group the queue moves to (alice and bob, not olga).
    night_shift: String,
    /// Her socket from before the loss, read at the loss until it closes.
    live: Option<Socket>,
    /// What she received after losing the right, on every path.
    after: Vec<(String, String)>,
}

impl Former {
    async fn new(app: &TestApp) -> Former {
        let admin = app.signed_in("admin").await;
        let dana = app.signed_in("dana").await;
        let id = create_user(app, &admin, "olga", "Olga Agent", &["agent"]).await;
        let itsd = itsd_group(app, &dana).await;
        let (status, body) = put(app, &dana, &format!("/api/groups/{itsd}/members/{id}")).await;
        assert_eq!(status, StatusCode::OK, "olga joins the group: {body}");
        let (status, group) =
            post_json(app, &dana, "/api/groups", json!({"name": "Night shift"})).await;
        assert_eq!(status, StatusCode::CREATED, "{group}");
        let night_shift = group["id"].as_str().expect("group id").to_owned();
        for member in [app.user_id("alice").await, app.user_id("bob").await] {
            let (status, body) = put(
                app,
                &dana,
                &format!("/api/groups/{night_shift}/members/{member}"),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        Former {
            cookie: cookie_of(app, "olga", "olga-password").await,
            id,
            admin,
            dana,
            night_shift,
            live: None,
            after: Vec::new(),
        }
    }

    /// Olga loses the right; her open socket must be told to reconnect before anything more
    /// of the session reaches it. Returns what it received, for the caller to check.
    async fn lose(&mut self, app: &TestApp, loss: Loss, queue: &str) -> String {
        let (path, body, client) = match loss {
            Loss::Demoted => (
                format!("/api/admin/users/{}", self.id),
                json!({"roles": ["customer"]}),
                &self.admin,
            ),
            Loss::QueueMoved => (
                format!("/api/queues/{queue}"),
                json!({"group": self.night_shift}),
                &self.dana,
            ),
        };
        let response = client
            .patch(app.url(&path))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{loss:?}");
        let mut live = self.live.take().expect("olga's live socket");
        let mut text = String::new();
        let closed = tokio::time::timeout(WAIT, async {
            while let Some(message) = live.next().await {
                match message {
                    Ok(Message::Text(t)) => text.push_str(&t),
                    Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                    Ok(_) => {}
                    Err(_) => return None,
                }
            }
            None
        })
        .await
        .expect("olga's socket closes within 10 s");
        assert_eq!(closed, Some(4403), "{loss:?}: olga's socket reconnects");
        text
    }
}

async fn put(app: &TestApp, client: &Client, path: &str) -> (StatusCode, Value) {
    let response = client.put(app.url(path)).send().await.expect("PUT");
    (response.status(), json_of(response).await)
}

async fn observe_session(
    app: &TestApp,
    queue: &str,
    customer_name: &str,
    staff: &Staff,
    case: &NotesCase,
    mut former: Option<&mut Former>,
) -> Observed {
    let customer = app.signed_in(customer_name).await;
    let cookie = app.session_cookie(customer_name).await;
    let canary = &case.canary;
    let conv = start_session(
        app,
        &customer,
        queue,
        "start",
        Some("Outlook keeps asking for my password"),
    )
    .await;
    let entries_path = format!("/api/conversations/{conv}/entries");
    let texts = |frames: &[(Value, String)]| {
        frames
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };

    // The live socket, open before anything is posted.
    let mut live = open_socket(app, &cookie).await;
    let mut live_frames = hello(&mut live, json!({})).await;
    if let Some(former) = former.as_deref_mut() {
        let mut socket = open_socket(app, &former.cookie).await;
        let frames = hello(&mut socket, json!({})).await;
        assert!(
            frames.iter().any(|(f, _)| f["type"] == "offer"),
            "olga works the queue before she loses it"
        );
        former.live = Some(socket);
    }
    accept(app, &staff.alice, &conv).await;
    // Erin, of no group, is invited to help: she writes work notes; the customer learns nothing
    // of it without ITIL (not the note that says so, not who is invited).
    let (status, invited) = post_json(
        app,
        &staff.alice,
        &format!("/api/conversations/{conv}/invite"),
        json!({"user": staff.erin_id}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "alice invites erin: {invited}");

    let (loss, loss_at) = case.loss;
    let mut files = Vec::new();
    for (i, post) in case.posts.iter().enumerate() {
        if i == loss_at
            && let Some(former) = former.as_deref_mut()
        {
            let seen = former.lose(app, loss, queue).await;
            for later in loss_at..case.posts.len() {
                assert!(
                    !seen.contains(&format!("note {later}:"))
                        && !seen.contains(&format!("colleague {later}:")),
                    "{loss:?} before post {loss_at}: post {later} reached olga's old socket"
                );
            }
        }
        files.extend(
            staff
                .post(app, &customer, &entries_path, canary, i, *post)
                .await,
        );
    }
    if loss_at == case.posts.len()
        && let Some(former) = former.as_deref_mut()
    {
        former.lose(app, loss, queue).await;
    }
    if case.transfer {
        // Bob is online while his socket is open.
        let bob_cookie = app.session_cookie("bob").await;
        let mut bob_socket = open_socket(app, &bob_cookie).await;
        hello(&mut bob_socket, json!({})).await;
        let (status, body) = post_json(
            app,
            &staff.alice,
            &format!("/api/conversations/{conv}/transfer"),
            json!({"to": staff.bob_id, "note": format!("handover: {canary} needs a new laptop")}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "transfer to bob: {body}");
    }
    // A last comment by the customer: everything before it arrives before it.
    let (status, sentinel) = post_json(
        app,
        &customer,
        &entries_path,
        json!({"client_id": "sentinel", "kind": "comment", "body": "thanks"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the sentinel comment: {sentinel}"
    );
    let last_seq = sentinel["seq"].as_i64().expect("seq");
    live_frames.extend(
        frames_until(&mut live, |f| {
            f["type"] == "entry" && f["client_id"] == "sentinel"
        })
        .await,
    );
    let mut entry_paths = vec![("live socket".to_owned(), texts(&live_frames))];
    drop(live);

    // Resumed sockets: from nothing, from 0 and from points along the log.
    let mut starts: Vec<Option<i64>> = vec![None, Some(0)];
    starts.extend(
        case.resume_at
            .iter()
            .map(|p| Some(i64::from(*p) * last_seq / 1000)),
    );
    for start in starts {
        let mut socket = open_socket(app, &cookie).await;
        let positions = match start {
            None => json!({}),
            Some(seq) => json!({ conv.clone(): seq }),
        };
        let frames = hello(&mut socket, positions).await;
        entry_paths.push((format!("hello from {start:?}"), texts(&frames)));
    }
    // Watching the conversation on a fresh socket catches up from the start.
    let mut socket = open_socket(app, &cookie).await;
    send_frame(&mut socket, json!({"type": "watch", "conversation": conv})).await;
    let frames = frames_until(&mut socket, |f| {
        f["type"] == "entry" && f["client_id"] == "sentinel"
    })
    .await;
    entry_paths.push(("watch".to_owned(), texts(&frames)));

    for limit in [1, 2, 3, 7, 500] {
        let (entries, text) = all_entries(app, &customer, &conv, 0, limit).await;
        assert!(
            entries.iter().any(|e| e["client_id"] == "sentinel"),
            "history in pages of {limit} reaches the end"
        );
        entry_paths.push((format!("history, pages of {limit}"), text));
    }

    // The colleagues' chat, asked for directly on every path: nothing, as for nothing at all.
    for path in [
        format!("/api/conversations/{}", staff.chat),
        format!("/api/conversations/{}/entries", staff.chat),
    ] {
        let response = customer.get(app.url(&path)).send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "{customer_name}: GET {path}"
        );
        entry_paths.push((
            format!("the chat: GET {path}"),
            response.text().await.unwrap(),
        ));
    }
    let (status, refused) = post_json(
        app,
        &customer,
        &format!("/api/conversations/{}/entries", staff.chat),
        json!({"client_id": "into-the-chat", "kind": "comment", "body": "hello?"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "{customer_name} posts in the chat: {refused}"
    );
    let mut socket = open_socket(app, &cookie).await;
    let mut frames = hello(&mut socket, json!({ staff.chat.clone(): 0 })).await;
    send_frame(
        &mut socket,
        json!({"type": "watch", "conversation": staff.chat}),
    )
    .await;
    frames.extend(frames_until(&mut socket, |f| f["type"] == "error").await);
    entry_paths.push(("the chat: hello and watch".to_owned(), texts(&frames)));
    // The files of work notes, asked for by URL; the transcripts.
    for url in &files {
        let response = customer.get(app.url(url)).send().await.unwrap();
        entry_paths.push((format!("GET {url}"), response.text().await.unwrap()));
    }
    for format in ["text", "html"] {
        let path = format!("/api/conversations/{conv}/transcript?format={format}");
        let response = customer.get(app.url(&path)).send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{customer_name}: GET {path}"
        );
        entry_paths.push((format!("GET {path}"), response.text().await.unwrap()));
    }

    if let Some(former) = former {
        // After the loss, on every path: nothing of the session.
        let mut socket = open_socket(app, &former.cookie).await;
        let frames = hello(&mut socket, json!({ conv.clone(): 0 })).await;
        former
            .after
            .push(("hello from 0".to_owned(), texts(&frames)));
        send_frame(&mut socket, json!({"type": "watch", "conversation": conv})).await;
        let refused = frames_until(&mut socket, |f| f["type"] == "error").await;
        former.after.push(("watch".to_owned(), texts(&refused)));
        let olga = signed_in_as(app, "olga", "olga-password").await;
        for path in [
            "/api/conversations".to_owned(),
            format!("/api/conversations/{conv}"),
            entries_path.clone(),
            format!("/api/conversations/{conv}/transcript"),
        ]
        .into_iter()
        .chain(files.iter().cloned())
        {
            let response = olga.get(app.url(&path)).send().await.unwrap();
            former
                .after
                .push((format!("GET {path}"), response.text().await.unwrap()));
        }
        former.live = Some(socket);
    }

    let mut conversation_paths = Vec::new();
    for path in [
        "/api/conversations".to_owned(),
        format!("/api/conversations/{conv}"),
    ] {
        let response = customer.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        conversation_paths.push((format!("GET {path}"), response.text().await.unwrap()));
    }
    Observed {
        entry_paths,
        conversation_paths,
    }
}

/// The text around the first occurrence of `needle`, for a readable failure.
fn around<'a>(text: &'a str, needle: &str) -> &'a str {
    let at = text.find(needle).unwrap_or(0);
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(150)
        .map_or(0, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .nth(150)
        .map_or(text.len(), |(i, _)| at + i);
    &text[start..end]
}

async fn notes_case(case: NotesCase) {
    let app = TestApp::spawn_with(|c| {
        if case.small_buffer {
            c.socket_buffer = 4;
        }
    })
    .await;
    let queue = queue_id(&app).await;
    let mut former = Former::new(&app).await;
    let staff = Staff::new(&app).await;
    let canary = &case.canary;

    let carol = observe_session(&app, &queue, "carol", &staff, &case, Some(&mut former)).await;
    for (path, text) in carol
        .entry_paths
        .iter()
        .chain(carol.conversation_paths.iter())
    {
        assert!(
            !text.contains(canary.as_str()),
            "a work note or a colleagues' chat reached carol (no ITIL) through {path}: …{}…",
            around(text, canary)
        );
        assert!(
            !text.contains("Erin Helper"),
            "carol (no ITIL) learned of the invitation through {path}: …{}…",
            around(text, "Erin Helper")
        );
        assert!(
            !text.contains("withdrew a work note"),
            "carol (no ITIL) learned of a withdrawn work note through {path}: …{}…",
            around(text, "withdrew a work note")
        );
    }
    let ivan = observe_session(&app, &queue, "ivan", &staff, &case, None).await;
    let chat = chat_canary(canary);
    for (path, text) in ivan.entry_paths.iter().chain(&ivan.conversation_paths) {
        assert!(
            !text.contains(&chat),
            "a colleagues' chat reached ivan (a customer, with ITIL) through {path}: …{}…",
            around(text, &chat)
        );
    }
    // Olga's socket from after the loss stayed open through ivan's session: no offer, no entry.
    let mut socket = former.live.take().expect("olga's later socket");
    send_frame(
        &mut socket,
        json!({"type": "read", "conversation": "999999", "seq": 0}),
    )
    .await;
    let frames = frames_until(&mut socket, |f| f["type"] == "error").await;
    let live_text: String = frames.iter().map(|(_, t)| t.as_str()).collect();
    former
        .after
        .push(("live socket after the loss".to_owned(), live_text));
    for (path, text) in &former.after {
        assert!(
            !text.contains(canary.as_str()) && !text.contains("Outlook keeps asking"),
            "{:?}: something of a session reached olga after she lost the queue, through {path}: …{}…",
            case.loss,
            around(text, canary)
        );
    }
    for (path, text) in &ivan.entry_paths {
        // A resume that starts after every work note rightly carries none; the chat's paths
        // carry nothing at all.
        if (path.starts_with("hello from") && !path.ends_with("(0)") && path != "hello from None")
            || path.starts_with("the chat")
        {
            continue;
        }
        assert!(
            text.contains(canary.as_str()),
            "ivan (ITIL) gets the work notes through {path}: {text}"
        );
    }
}

proptest! {
    #![proptest_config(proptest_config("work_notes_never_reach_a_customer_without_itil", 12))]
    #[test]
    fn work_notes_never_reach_a_customer_without_itil(case in notes_case_strategy()) {
        runtime().block_on(notes_case(case));
    }
}

/// An incident's activity under `case`'s posts, as its caller `caller_name` reads it on every
/// path (live socket, `hello` resumes, `watch`, history pages, the incident, its conversation),
/// and as bob, who follows it, lists it.
async fn observe_incident(
    app: &TestApp,
    caller_name: &str,
    staff: &Staff,
    case: &NotesCase,
) -> (Observed, String) {
    let caller = app.signed_in(caller_name).await;
    let cookie = app.session_cookie(caller_name).await;
    let canary = &case.canary;
    let (status, incident) = post_json(
        app,
        &staff.alice,
        "/api/incidents",
        json!({
            "client_id": format!("inc-{caller_name}"),
            "caller": app.user_id(caller_name).await,
            "short_description": "Outlook keeps asking for my password",
            "category": "software",
            "contact_type": "chat",
            "impact": 2,
            "urgency": 2,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{incident}");
    let id = incident["id"].as_str().expect("id").to_owned();
    let activity = incident["activity"].as_str().expect("activity").to_owned();
    let followed = staff
        .bob
        .put(app.url(&format!("/api/incidents/{id}/follow")))
        .send()
        .await
        .expect("PUT");
    assert_eq!(followed.status(), StatusCode::NO_CONTENT, "bob follows");
    let entries_path = format!("/api/conversations/{activity}/entries");
    let texts = |frames: &[(Value, String)]| {
        frames
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut live = open_socket(app, &cookie).await;
    let mut live_frames = hello(&mut live, json!({})).await;
    send_frame(
        &mut live,
        json!({"type": "watch", "conversation": activity}),
    )
    .await;
    let mut files = Vec::new();
    for (i, post) in case.posts.iter().enumerate() {
        files.extend(
            staff
                .post(app, &caller, &entries_path, canary, i, *post)
                .await,
        );
    }
    if case.transfer {
        // A change of fields: system entries everyone who sees the incident reads.
        let response = staff
            .alice
            .patch(app.url(&format!("/api/incidents/{id}")))
            .json(&json!({"version": 1, "state": "in_progress", "urgency": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "a change");
    }
    let (status, sentinel) = post_json(
        app,
        &caller,
        &entries_path,
        json!({"client_id": "sentinel", "kind": "comment", "body": "thanks"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "the sentinel: {sentinel}");
    let last_seq = sentinel["seq"].as_i64().expect("seq");
    live_frames.extend(
        frames_until(&mut live, |f| {
            f["type"] == "entry" && f["client_id"] == "sentinel"
        })
        .await,
    );
    let mut entry_paths = vec![("live socket".to_owned(), texts(&live_frames))];
    drop(live);
    let mut starts: Vec<i64> = vec![0];
    starts.extend(
        case.resume_at
            .iter()
            .map(|p| i64::from(*p) * last_seq / 1000),
    );
    for start in starts {
        let mut socket = open_socket(app, &cookie).await;
        // A caller's hello does not list the activity: positions name it.
        let frames = hello(&mut socket, json!({ activity.clone(): start })).await;
        entry_paths.push((format!("hello from ({start})"), texts(&frames)));
    }
    for limit in [1, 3, 500] {
        let (entries, text) = all_entries(app, &caller, &activity, 0, limit).await;
        assert!(
            entries.iter().any(|e| e["client_id"] == "sentinel"),
            "history in pages of {limit} reaches the end"
        );
        entry_paths.push((format!("history, pages of {limit}"), text));
    }
    // The files of work notes, asked for by URL.
    for url in &files {
        let response = caller.get(app.url(url)).send().await.unwrap();
        entry_paths.push((format!("GET {url}"), response.text().await.unwrap()));
    }
    let mut conversation_paths = Vec::new();
    for path in [
        "/api/incidents".to_owned(),
        format!("/api/incidents/{id}"),
        format!("/api/conversations/{activity}"),
        "/api/conversations".to_owned(),
    ] {
        let response = caller.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        conversation_paths.push((format!("GET {path}"), response.text().await.unwrap()));
    }
    // Bob follows: the activity is in his list with the note he may see.
    let response = staff
        .bob
        .get(app.url("/api/conversations"))
        .send()
        .await
        .unwrap();
    let bobs = response.text().await.unwrap();
    (
        Observed {
            entry_paths,
            conversation_paths,
        },
        bobs,
    )
}

async fn incident_notes_case(case: NotesCase) {
    let app = TestApp::spawn_with(|c| {
        if case.small_buffer {
            c.socket_buffer = 4;
        }
    })
    .await;
    let staff = Staff::new(&app).await;
    let canary = &case.canary;
    let (carol, bobs) = observe_incident(&app, "carol", &staff, &case).await;
    for (path, text) in carol
        .entry_paths
        .iter()
        .chain(carol.conversation_paths.iter())
    {
        assert!(
            !text.contains(canary.as_str()),
            "an incident's work note reached its caller carol (no ITIL) through {path}: …{}…",
            around(text, canary)
        );
    }
    assert!(
        bobs.contains("\"kind\":\"record\""),
        "the followed activity is in bob's list: {bobs}"
    );
    let (ivan, _) = observe_incident(&app, "ivan", &staff, &case).await;
    let chat = chat_canary(canary);
    for (path, text) in ivan.entry_paths.iter().chain(&ivan.conversation_paths) {
        assert!(
            !text.contains(&chat),
            "a colleagues' chat reached ivan (a customer, with ITIL) through {path}: …{}…",
            around(text, &chat)
        );
    }
    for (path, text) in &ivan.entry_paths {
        if path.starts_with("hello from") && path != "hello from (0)" {
            continue;
        }
        assert!(
            text.contains(canary.as_str()),
            "ivan (ITIL), the caller, gets the incident's work notes through {path}: {text}"
        );
    }
}

proptest! {
    #![proptest_config(proptest_config("incident_work_notes_never_reach_a_caller_without_itil", 8))]
    #[test]
    fn incident_work_notes_never_reach_a_caller_without_itil(case in notes_case_strategy()) {
        runtime().block_on(incident_notes_case(case));
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Who may see and do what
// ---------------------------------------------------------------------------------------------

/// Status and body of a request, for comparing with the answer about a nonexistent id.
async fn answer(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("request");
    (response.status(), json_of(response).await)
}

#[tokio::test]
async fn customers_cannot_see_each_others_sessions() {
    let app = TestApp::spawn().await;
    let queue = queue_id(&app).await;
    let carol = app.signed_in("carol").await;
    let ivan = app.signed_in("ivan").await;
    let conv = start_session(&app, &carol, &queue, "start", Some("my laptop is slow")).await;
    let alice = app.signed_in("alice").await;
    accept(&app, &alice, &conv).await;
    let missing = "999999";

    let requests = |id: &str| {
        vec![
            (
                "GET conversation",
                ivan.get(app.url(&format!("/api/conversations/{id}"))),
            ),
            (
                "GET entries",
                ivan.get(app.url(&format!("/api/conversations/{id}/entries"))),
            ),
            (
                "POST entry",
                ivan.post(app.url(&format!("/api/conversations/{id}/entries")))
                    .json(&json!({"client_id": "x", "kind": "comment", "body": "hello?"})),
            ),
            (
                "POST accept",
                ivan.post(app.url(&format!("/api/conversations/{id}/accept"))),
            ),
            (
                "POST end",
                ivan.post(app.url(&format!("/api/conversations/{id}/end"))),
            ),
        ]
    };
    for ((what, on_carols), (_, on_missing)) in requests(&conv).into_iter().zip(requests(missing)) {
        let carols = answer(on_carols).await;
        let nothing = answer(on_missing).await;
        assert_eq!(
            carols, nothing,
            "{what}: carol's session answers like a nonexistent one"
        );
        if what != "POST accept" {
            assert_eq!(
                (carols.0, carols.1["error"]["code"].as_str()),
                (StatusCode::NOT_FOUND, Some("not_found")),
                "{what}: 404 not_found"
            );
        }
    }
    let (_, list) = get_json(&app, &ivan, "/api/conversations").await;
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .all(|c| c["id"] != conv.as_str()),
        "carol's session is not in ivan's list: {list}"
    );

    // Over the socket: watching, resuming from and sending to carol's session.
    let cookie = app.session_cookie("ivan").await;
    let mut socket = open_socket(&app, &cookie).await;
    let frames = hello(&mut socket, json!({ conv.clone(): 0 })).await;
    assert!(
        frames
            .iter()
            .all(|(f, _)| f["type"] != "entry" && f["id"] != conv.as_str()),
        "a hello naming carol's session gets nothing of it: {frames:?}"
    );
    assert!(
        frames
            .iter()
            .any(|(f, _)| f["type"] == "error" && f["error"]["code"] == "not_found"),
        "a hello naming carol's session gets not_found: {frames:?}"
    );
    // The answer names the conversation as the client named it (checked here), and is
    // otherwise the same for carol's session and one that does not exist.
    let mut socket_answer = async |frame: Value| {
        let named = frame["conversation"].clone();
        send_frame(&mut socket, frame).await;
        let (mut reply, _) = next_frame(&mut socket).await;
        let about = reply
            .as_object_mut()
            .and_then(|r| r.remove("conversation"))
            .unwrap_or_default();
        assert_eq!(about, named, "the error names the conversation: {reply}");
        reply
    };
    let watch_carols = socket_answer(json!({"type": "watch", "conversation": conv})).await;
    let watch_missing = socket_answer(json!({"type": "watch", "conversation": missing})).await;
    assert_eq!(
        watch_carols["error"]["code"], "not_found",
        "watch: {watch_carols}"
    );
    assert_eq!(
        watch_carols, watch_missing,
        "watch: carol's session answers like a nonexistent one"
    );
    let send = |id: &str| json!({"type": "send", "ref": "s", "conversation": id, "client_id": "x", "kind": "comment", "body": "hi"});
    let send_carols = socket_answer(send(&conv)).await;
    let send_missing = socket_answer(send(missing)).await;
    assert_eq!(
        send_carols["error"]["code"], "not_found",
        "send: {send_carols}"
    );
    assert_eq!(
        send_carols, send_missing,
        "send: carol's session answers like a nonexistent one"
    );

    let (log, _) = all_entries(&app, &alice, &conv, 0, 500).await;
    assert!(
        log.iter().all(|e| e["client_id"] != "x"),
        "nothing of ivan's was stored in carol's session: {log:?}"
    );
}

#[tokio::test]
async fn an_agent_outside_the_group_cannot_see_the_queue() {
    let app = TestApp::spawn().await;
    let queue = queue_id(&app).await;
    let admin = app.signed_in("admin").await;
    create_user(&app, &admin, "outsider", "Oscar Outsider", &["agent"]).await;
    let outsider = signed_in_as(&app, "outsider", "outsider-password").await;
    let carol = app.signed_in("carol").await;
    let conv = start_session(&app, &carol, &queue, "start", Some("need a new mouse")).await;

    for path in [
        format!("/api/conversations/{conv}"),
        format!("/api/conversations/{conv}/entries"),
    ] {
        let (status, body) = get_json(&app, &outsider, &path).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "GET {path} by an agent outside the group: {body}"
        );
    }
    let accepting =
        answer(outsider.post(app.url(&format!("/api/conversations/{conv}/accept")))).await;
    let accepting_missing =
        answer(outsider.post(app.url("/api/conversations/999999/accept"))).await;
    assert_eq!(
        accepting.0,
        StatusCode::NOT_FOUND,
        "accept by an outsider: {:?}",
        accepting.1
    );
    assert_eq!(
        accepting, accepting_missing,
        "accept: answers like a nonexistent session"
    );
    let (_, list) = get_json(&app, &outsider, "/api/conversations").await;
    assert_eq!(list, json!([]), "the outsider lists nothing");

    // On the socket: no offer in the catch-up, nor for a session started later.
    let cookie = cookie_of(&app, "outsider", "outsider-password").await;
    let mut socket = open_socket(&app, &cookie).await;
    let frames = hello(&mut socket, json!({})).await;
    assert!(
        frames
            .iter()
            .all(|(f, _)| f["type"] == "ready" || f["type"] == "presence"),
        "the outsider's hello carries nothing of the queue: {frames:?}"
    );
    let ivan = app.signed_in("ivan").await;
    start_session(&app, &ivan, &queue, "start", Some("printer")).await;
    // A presence change reaches every staff socket after any offer made before it.
    let alice = app.signed_in("alice").await;
    let response = alice
        .put(app.url("/api/presence"))
        .json(&json!({"status": "away"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "alice goes away");
    // Offline is the server's to report: a choice of it is refused in words that agree.
    for wrong in ["offline", "busy"] {
        let refused = alice
            .put(app.url("/api/presence"))
            .json(&json!({"status": wrong}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{wrong}"
        );
        let body: Value = refused.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("`available` or `away`") && !message.contains("`offline`,"),
            "{wrong}: {message}"
        );
    }
    let frames = frames_until(&mut socket, |f| {
        f["type"] == "presence" && f["status"] == "away"
    })
    .await;
    assert!(
        frames.iter().all(|(f, _)| f["type"] == "presence"),
        "no offer reaches an agent outside the group: {frames:?}"
    );
}

#[tokio::test]
async fn only_the_assignee_posts_comments() {
    let app = TestApp::spawn().await;
    let queue = queue_id(&app).await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let conv = start_session(&app, &carol, &queue, "start", Some("cannot print")).await;
    accept(&app, &alice, &conv).await;
    let path = format!("/api/conversations/{conv}/entries");

    let (status, code, message) = error_of(
        bob.post(app.url(&path))
            .json(&json!({"client_id": "bob-c", "kind": "comment", "body": "I can help"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden"),
        "bob's comment is refused: {message}"
    );
    let cookie = app.session_cookie("bob").await;
    let mut socket = open_socket(&app, &cookie).await;
    hello(&mut socket, json!({})).await;
    send_frame(
        &mut socket,
        json!({"type": "send", "ref": "b1", "conversation": conv, "client_id": "bob-ws",
               "kind": "comment", "body": "me too"}),
    )
    .await;
    let replies = frames_until(&mut socket, |f| f["ref"] == "b1").await;
    let reply = &replies.last().unwrap().0;
    assert_eq!(
        (reply["type"].as_str(), reply["error"]["code"].as_str()),
        (Some("error"), Some("forbidden")),
        "bob's comment over the socket is refused: {reply}"
    );

    let (status, note) = post_json(
        &app,
        &bob,
        &path,
        json!({"client_id": "bob-n", "kind": "work_note", "body": "known printer issue"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "bob may add a work note: {note}"
    );
    let (status, comment) = post_json(
        &app,
        &alice,
        &path,
        json!({"client_id": "alice-c", "kind": "comment", "body": "Let me look"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the assignee may comment: {comment}"
    );

    let (log, _) = all_entries(&app, &alice, &conv, 0, 500).await;
    assert!(
        log.iter()
            .all(|e| e["client_id"] != "bob-c" && e["client_id"] != "bob-ws"),
        "bob's refused comments are not stored: {log:?}"
    );
}
