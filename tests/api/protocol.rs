//! The socket protocol of issue 9: `ping`/`pong`, error frames naming their conversation,
//! `hello` with a `tail`, canned messages sent on the socket. (The close codes are checked
//! where each close happens: sign-out and disabling in `signin.rs` and `bearer.rs`, rights in
//! `rights.rs`/`sessions.rs`/`guarantees.rs`, the socket cap and floods in `bounds.rs`, a
//! stopping server in `bounds.rs`.)

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{TestApp, get_json, post_json};
use crate::origin::{Socket, connect_ws};
use crate::sessions::{entries, post, queue_id, start};
use crate::socket::Ws;

async fn raw(app: &TestApp, username: &str) -> Socket {
    let cookie = app.session_cookie(username).await;
    connect_ws(app, &cookie, Some(&app.origin()))
        .await
        .expect("socket opens")
        .0
}

async fn send(socket: &mut Socket, frame: Value) {
    socket
        .send(Message::text(frame.to_string()))
        .await
        .expect("send");
}

/// The next text frame.
async fn next(socket: &mut Socket) -> Value {
    let wait = async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).unwrap(),
                Some(Ok(_)) => continue,
                other => panic!("socket ended: {other:?}"),
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), wait)
        .await
        .expect("a frame within 10 s")
}

#[tokio::test]
async fn ping_is_answered_with_pong_before_and_after_hello() {
    let app = TestApp::spawn().await;
    let mut socket = raw(&app, "carol").await;
    send(&mut socket, json!({"type": "ping", "nonce": "n-1"})).await;
    assert_eq!(
        next(&mut socket).await,
        json!({"type": "pong", "nonce": "n-1"}),
        "answered before hello, the nonce echoed"
    );
    send(&mut socket, json!({"type": "ping"})).await;
    assert_eq!(next(&mut socket).await, json!({"type": "pong"}));
    for bad in ["", &"x".repeat(65)] {
        send(&mut socket, json!({"type": "ping", "nonce": bad})).await;
        let answer = next(&mut socket).await;
        assert_eq!(
            (answer["type"].as_str(), answer["error"]["code"].as_str()),
            (Some("error"), Some("invalid")),
            "nonce of {} characters: {answer}",
            bad.len()
        );
    }
    send(
        &mut socket,
        json!({"type": "ping", "nonce": "é".repeat(64)}),
    )
    .await;
    assert_eq!(next(&mut socket).await["nonce"], "é".repeat(64));
    send(&mut socket, json!({"type": "hello", "positions": {}})).await;
    loop {
        if next(&mut socket).await["type"] == "ready" {
            break;
        }
    }
    send(&mut socket, json!({"type": "ping", "nonce": "n-2"})).await;
    assert_eq!(
        next(&mut socket).await,
        json!({"type": "pong", "nonce": "n-2"})
    );
}

#[tokio::test]
async fn error_frames_name_the_conversation_they_are_about() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Printer on fire").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let (mut ws, hello) = Ws::connect(&app, "carol", json!({"424242": 0})).await;
    let unknown = hello
        .iter()
        .find(|f| f["type"] == "error")
        .unwrap_or_else(|| panic!("hello naming an unknown conversation: {hello:?}"));
    assert_eq!(
        (
            unknown["conversation"].as_str(),
            unknown["error"]["code"].as_str()
        ),
        (Some("424242"), Some("not_found"))
    );

    let cases = [
        json!({"type": "watch", "conversation": "424243"}),
        json!({"type": "read", "conversation": "424244", "seq": 0}),
        json!({"type": "typing", "conversation": "424245", "active": true, "kind": "comment"}),
        json!({"type": "send", "ref": "s1", "conversation": "424246", "client_id": "c1", "kind": "comment", "body": "hi"}),
        json!({"type": "accept", "ref": "a1", "conversation": "424247"}),
        json!({"type": "read", "conversation": "not-an-id", "seq": 0}),
        // Refused by the domain, not for being unknown: a customer cannot accept.
        json!({"type": "accept", "ref": "a2", "conversation": id}),
        // Beyond the conversation's last seq.
        json!({"type": "read", "conversation": id, "seq": 999}),
    ];
    for frame in cases {
        ws.send(frame.clone()).await;
        let answer = ws.find(|f| f["type"] == "error").await;
        assert_eq!(
            answer["conversation"], frame["conversation"],
            "{frame} → {answer}"
        );
        assert_eq!(answer.get("ref"), frame.get("ref"), "{frame} → {answer}");
    }
    // An error about no conversation names none.
    ws.send(json!({"type": "presence", "status": "away"})).await;
    let answer = ws.find(|f| f["type"] == "error").await;
    assert!(answer.get("conversation").is_none(), "{answer}");
}

/// Carol's session with `n` comments by the assignee after the opening, and work notes among
/// them; returns its id, and every entry of it as an agent sees it.
async fn long_session(app: &TestApp, customer: &str, n: usize) -> (String, Vec<Value>) {
    let who = app.signed_in(customer).await;
    let (_, conv) = start(app, &who, &format!("{customer} needs help")).await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let alice = app.signed_in("alice").await;
    let accepted = alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    for i in 0..n {
        let kind = if i % 3 == 1 { "work_note" } else { "comment" };
        let posted = post(
            app,
            &alice,
            &id,
            kind,
            &format!("{kind} {i}"),
            &format!("c-{i}"),
        )
        .await;
        assert_eq!(posted.status(), StatusCode::CREATED);
    }
    (id.clone(), entries(app, &alice, &id).await)
}

/// Every frame up to and including `ready`.
async fn until_ready(socket: &mut Socket) -> Vec<Value> {
    let mut frames = Vec::new();
    loop {
        let frame = next(socket).await;
        let done = frame["type"] == "ready";
        frames.push(frame);
        if done {
            return frames;
        }
    }
}

fn seqs(frames: &[Value], conversation: &str) -> Vec<i64> {
    frames
        .iter()
        .filter(|f| f["type"] == "entry" && f["conversation"] == conversation)
        .map(|f| f["seq"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn hello_with_a_tail_sends_only_the_newest_of_conversations_not_named() {
    let app = TestApp::spawn().await;
    let (id, all) = long_session(&app, "carol", 9).await;
    let last = all.last().unwrap()["seq"].as_i64().unwrap();
    let visible_to_carol = |from: i64| -> Vec<i64> {
        all.iter()
            .filter(|e| e["seq"].as_i64().unwrap() > from && e["kind"] != "work_note")
            .map(|e| e["seq"].as_i64().unwrap())
            .collect()
    };

    // Without tail: everything from the start, as before.
    let (_, frames) = Ws::connect(&app, "carol", json!({})).await;
    assert_eq!(seqs(&frames, &id), visible_to_carol(0));

    // With tail 4, after reading everything: the entries of the last four seqs that carol may
    // see (no work notes).
    let read_up_to = |who: &'static str, seq: i64| {
        let (app, id) = (&app, id.clone());
        async move {
            let client = app.signed_in(who).await;
            let read = client
                .post(app.url(&format!("/api/conversations/{id}/read")))
                .json(&json!({"seq": seq}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                read.status(),
                StatusCode::NO_CONTENT,
                "{who} reads to {seq}"
            );
        }
    };
    read_up_to("carol", last - 6).await;
    let cookie = app.session_cookie("carol").await;
    let hello_tail = |tail: i64| {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            let (mut socket, _) = connect_ws(app, &cookie, Some(&app.origin())).await.unwrap();
            send(
                &mut socket,
                json!({"type": "hello", "positions": {}, "tail": tail}),
            )
            .await;
            until_ready(&mut socket).await
        }
    };
    // Unread entries come even beyond the tail: none is marked read without being shown.
    let frames = hello_tail(4).await;
    assert_eq!(seqs(&frames, &id), visible_to_carol(last - 6), "{frames:?}");
    read_up_to("carol", last).await;
    let frames = hello_tail(4).await;
    let tail = seqs(&frames, &id);
    assert_eq!(tail, visible_to_carol(last - 4), "{frames:?}");
    assert!(!tail.is_empty() && tail.len() < visible_to_carol(0).len());
    assert!(
        !frames.iter().any(|f| f["kind"] == "work_note"),
        "a customer without ITIL gets no work note from a tail"
    );
    let conversation = frames
        .iter()
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str())
        .expect("the conversation frame as today");
    assert_eq!(conversation["state"], "active");

    // A conversation named in positions gets everything after its position, tail or not.
    let (mut socket, _) = connect_ws(&app, &cookie, Some(&app.origin()))
        .await
        .unwrap();
    send(
        &mut socket,
        json!({"type": "hello", "positions": {id.clone(): 1}, "tail": 2}),
    )
    .await;
    let frames = until_ready(&mut socket).await;
    assert_eq!(seqs(&frames, &id), visible_to_carol(1));

    // An agent with a tail gets the work notes within it.
    read_up_to("alice", last).await;
    let cookie = app.session_cookie("alice").await;
    let (mut socket, _) = connect_ws(&app, &cookie, Some(&app.origin()))
        .await
        .unwrap();
    send(&mut socket, json!({"type": "hello", "tail": 3})).await;
    let frames = until_ready(&mut socket).await;
    assert_eq!(seqs(&frames, &id), vec![last - 2, last - 1, last]);

    for bad in [0, 501, -1] {
        let (mut socket, _) = connect_ws(&app, &cookie, Some(&app.origin()))
            .await
            .unwrap();
        send(&mut socket, json!({"type": "hello", "tail": bad})).await;
        let answer = next(&mut socket).await;
        assert_eq!(
            (answer["type"].as_str(), answer["error"]["code"].as_str()),
            (Some("error"), Some("invalid")),
            "tail {bad}: {answer}"
        );
    }
}

#[tokio::test]
async fn a_canned_message_sent_on_the_socket_takes_the_http_path_once() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Need a hand").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let queue = queue_id(&app).await;
    let alice_http = app.signed_in("alice").await;
    let canned: Value =
        get_json(&alice_http, app.url(&format!("/api/queues/{queue}/canned"))).await;
    let greeting = canned
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "Greeting")
        .expect("the demo greeting");
    let canned_id = greeting["id"].as_str().unwrap().to_owned();

    let mut alice = Ws::open(&app, "alice").await;
    let mut bob = Ws::open(&app, "bob").await;
    // Not the assignee (nobody is yet): refused with the ref and the conversation.
    let frame = json!({"type": "send", "ref": "k0", "conversation": id, "client_id": "canned-x", "canned": canned_id});
    bob.send(frame.clone()).await;
    let refused = bob.find(|f| f["type"] == "error").await;
    assert_eq!(
        (
            refused["ref"].as_str(),
            refused["conversation"].as_str(),
            refused["error"]["code"].as_str()
        ),
        (Some("k0"), Some(id.as_str()), Some("forbidden")),
        "{refused}"
    );

    alice
        .send(json!({"type": "accept", "ref": "a", "conversation": id}))
        .await;
    assert_eq!(alice.find(|f| f["ref"] == "a").await["type"], "ack");
    let before = entries(&app, &alice_http, &id).await.len();
    let frame = json!({"type": "send", "ref": "k1", "conversation": id, "client_id": "canned-1", "canned": canned_id});
    alice.send(frame.clone()).await;
    let ack = alice.find(|f| f["ref"] == "k1").await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let entry = alice.entry_with(&id, "Hi Carol").await;
    assert_eq!(ack["seq"], entry["seq"]);
    assert!(
        entry["body"]
            .as_str()
            .unwrap()
            .starts_with("Hi Carol, this is Alice from the IT Service Desk"),
        "placeholders filled: {entry}"
    );
    assert_eq!(entry["kind"], "comment");
    assert_eq!(entry["client_id"], "canned-1");

    // The same client id again, on the socket and over HTTP: the original seq, nothing new.
    let mut again = frame.clone();
    again["ref"] = json!("k2");
    alice.send(again).await;
    let repeat = alice.find(|f| f["ref"] == "k2").await;
    assert_eq!(
        (repeat["type"].as_str(), &repeat["seq"]),
        (Some("ack"), &ack["seq"])
    );
    let http = post_json(
        &alice_http,
        app.url(&format!("/api/conversations/{id}/canned/{canned_id}")),
        &json!({"client_id": "canned-1"}),
    )
    .await;
    assert_eq!(http.status(), StatusCode::OK, "a repeat over HTTP too");
    let http: Value = http.json().await.unwrap();
    assert_eq!(http["seq"], ack["seq"]);
    assert_eq!(entries(&app, &alice_http, &id).await.len(), before + 1);

    // Bob, not the assignee, is still refused; so are an unknown canned message and a send
    // that mixes the two forms.
    bob.send(frame).await;
    let refused = bob.find(|f| f["ref"] == "k1").await;
    assert_eq!(refused["error"]["code"], "forbidden", "{refused}");
    assert_eq!(refused["conversation"], id.as_str());
    for (frame, code) in [
        (
            json!({"type": "send", "ref": "k3", "conversation": id, "client_id": "c3", "canned": "999999"}),
            "not_found",
        ),
        (
            json!({"type": "send", "ref": "k4", "conversation": id, "client_id": "c4", "canned": canned_id, "kind": "comment", "body": "x"}),
            "invalid",
        ),
        (
            json!({"type": "send", "ref": "k5", "conversation": id, "client_id": "c5"}),
            "invalid",
        ),
    ] {
        let reference = frame["ref"].clone();
        alice.send(frame).await;
        let answer = alice.find(|f| f["ref"] == reference).await;
        assert_eq!(
            (answer["type"].as_str(), answer["error"]["code"].as_str()),
            (Some("error"), Some(code)),
            "{answer}"
        );
        assert_eq!(answer["conversation"], id.as_str());
    }
    // A customer cannot send a canned message.
    let mut carol_ws = Ws::open(&app, "carol").await;
    carol_ws
        .send(json!({"type": "send", "ref": "k6", "conversation": id, "client_id": "c6", "canned": canned_id}))
        .await;
    let answer = carol_ws.find(|f| f["ref"] == "k6").await;
    assert_eq!(answer["error"]["code"], "forbidden", "{answer}");
}

#[tokio::test]
async fn pings_keep_a_socket_alive_that_answers_no_protocol_ping() {
    let app = TestApp::spawn_with(|c| c.socket_ping_ms = 100).await;
    let mut socket = raw(&app, "carol").await;
    send(&mut socket, json!({"type": "hello"})).await;
    crate::bounds::metric_until(&app, "switchboard_sockets_open", |n| n == 1.0).await;
    // The client never reads, so it never answers the server's WebSocket pings; its own `ping`
    // frames, twice per server ping for ten server pings, are what the server hears.
    let mut every = tokio::time::interval(std::time::Duration::from_millis(50));
    for _ in 0..20 {
        every.tick().await;
        send(&mut socket, json!({"type": "ping"})).await;
    }
    assert_eq!(
        crate::bounds::metric(&app, "switchboard_sockets_open").await,
        1.0,
        "a socket that pings is alive"
    );
    // Silent from here: the same socket is dropped.
    crate::bounds::metric_until(&app, "switchboard_sockets_open", |n| n == 0.0).await;
    drop(socket);
}

/// A `hello` naming 400 conversations that do not exist: each is looked up (and answered with
/// an error) after the hello read the user's own, which widens the moment between that read and
/// the socket watching their conversations to where a change made meanwhile lands in it.
fn slow_hello() -> Value {
    let unknown: serde_json::Map<String, Value> = (0..400)
        .map(|i| ((900_000_000 + i).to_string(), json!(0)))
        .collect();
    json!({"type": "hello", "positions": unknown})
}

/// A change committed while a socket says `hello` — after `hello` read the conversation, before
/// the socket watched it, so it was not pushed there — still reaches the socket: its entries
/// show the log moved past what was read, and the state is read again. Here alice accepts
/// carol's waiting session just after carol's new socket said hello; carol must end up seeing
/// it active, whenever her hello read it.
#[tokio::test]
async fn a_change_while_hello_reads_reaches_the_socket() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let carol = app.signed_in("carol").await;
    let nothing = json!({});
    let hello = slow_hello();
    for round in 0..20 {
        let (status, conv) = start(&app, &carol, &format!("The printer, round {round}")).await;
        assert_eq!(status, StatusCode::CREATED);
        let id = conv["id"].as_str().expect("id").to_owned();
        let mut socket = raw(&app, "carol").await;
        send(&mut socket, hello.clone()).await;
        let accepted = post_json(
            &alice,
            app.url(&format!("/api/conversations/{id}/accept")),
            &nothing,
        )
        .await;
        assert_eq!(accepted.status(), StatusCode::OK, "round {round}");
        // Her view of the session ends active: in the hello's frames or pushed after them.
        loop {
            let frame = next(&mut socket).await;
            if frame["type"] == "conversation"
                && frame["id"] == id.as_str()
                && frame["state"] == "active"
            {
                break;
            }
        }
        let ended = post_json(
            &carol,
            app.url(&format!("/api/conversations/{id}/end")),
            &nothing,
        )
        .await;
        assert_eq!(ended.status(), StatusCode::OK, "round {round}");
    }
}

/// An entry committed after the state a socket's `hello` read reaches the socket only if its user
/// still sees the conversation then. Here erin, invited into alice's session, says hello while
/// alice transfers the session to bob (which ends the invitation) and bob writes a work note:
/// erin may be shown the session as it was, and then `gone`; never bob's note.
#[tokio::test]
async fn an_invitation_that_ends_while_hello_reads_shows_nothing_written_after_it() {
    let app = TestApp::spawn().await;
    let (_erin, erin_id) = crate::chats::erin(&app).await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let bob_id = app.user_id("bob").await;
    // Bob is online: a transfer needs it.
    let _bob_ws = Ws::open(&app, "bob").await;
    let carol = app.signed_in("carol").await;
    let nothing = json!({});
    let hello = slow_hello();
    for round in 0..20 {
        let (status, conv) = start(&app, &carol, &format!("The scanner, round {round}")).await;
        assert_eq!(status, StatusCode::CREATED);
        let id = conv["id"].as_str().expect("id").to_owned();
        let url = |action: &str| app.url(&format!("/api/conversations/{id}/{action}"));
        let accepted = post_json(&alice, url("accept"), &nothing).await;
        assert_eq!(accepted.status(), StatusCode::OK, "round {round}");
        let invited = post_json(&alice, url("invite"), &json!({"user": erin_id})).await;
        assert_eq!(invited.status(), StatusCode::OK, "round {round}");
        let mut socket = raw(&app, "erinhelp").await;
        send(&mut socket, hello.clone()).await;
        let moved = post_json(&alice, url("transfer"), &json!({"to": bob_id})).await;
        assert_eq!(moved.status(), StatusCode::OK, "round {round}");
        let secret = format!("The badge reader's service code, round {round}");
        let note = post(&app, &bob, &id, "work_note", &secret, &format!("n{round}")).await;
        assert_eq!(note.status(), StatusCode::CREATED, "round {round}");
        // Her frames until `ready`, and until `gone` if she was shown the session.
        let mut shown = false;
        loop {
            let frame = next(&mut socket).await;
            assert!(
                !frame.to_string().contains(&secret),
                "round {round}: erin got bob's work note after her invitation ended: {frame}"
            );
            let about_it = frame["id"] == id.as_str() || frame["conversation"] == id.as_str();
            shown |= frame["type"] == "conversation" && about_it;
            if (frame["type"] == "gone" && about_it) || (frame["type"] == "ready" && !shown) {
                break;
            }
        }
        let ended = post_json(&bob, url("end"), &nothing).await;
        assert_eq!(ended.status(), StatusCode::OK, "round {round}");
    }
}

/// A socket that fell behind (its pushes dropped) and so missed the change that ended its
/// user's sight of a conversation is told `gone` when it re-reads the log. Erin, invited into
/// alice's session, stops reading her socket while alice writes ~8 MB of work notes (the
/// socket's writes block and its 8 queued pushes overflow), then alice transfers the session,
/// which ends the invitation.
#[tokio::test]
async fn a_lagged_socket_that_missed_the_end_of_an_invitation_is_told_gone() {
    let app = TestApp::spawn_with(|c| c.socket_buffer = 8).await;
    let (_erin, erin_id) = crate::chats::erin(&app).await;
    let alice = app.signed_in("alice").await;
    let bob_id = app.user_id("bob").await;
    let _bob_ws = Ws::open(&app, "bob").await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "The VPN client will not install").await;
    let id = conv["id"].as_str().expect("id").to_owned();
    let url = |action: &str| app.url(&format!("/api/conversations/{id}/{action}"));
    let accepted = post_json(&alice, url("accept"), &json!({})).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let invited = post_json(&alice, url("invite"), &json!({"user": erin_id})).await;
    assert_eq!(invited.status(), StatusCode::OK);
    let mut erin = raw(&app, "erinhelp").await;
    send(&mut erin, json!({"type": "hello", "positions": {}})).await;
    while next(&mut erin).await["type"] != "ready" {}
    // Erin reads nothing while alice writes.
    let filler = "€".repeat(9000);
    for n in 0..300 {
        let note = post(
            &app,
            &alice,
            &id,
            "work_note",
            &format!("log {n} {filler}"),
            &format!("log-{n}"),
        )
        .await;
        assert_eq!(note.status(), StatusCode::CREATED, "note {n}");
    }
    let moved = post_json(&alice, url("transfer"), &json!({"to": bob_id})).await;
    assert_eq!(moved.status(), StatusCode::OK);
    let mut last_entry = 0;
    loop {
        let frame = next(&mut erin).await;
        if frame["type"] == "entry" {
            last_entry = frame["seq"].as_i64().expect("seq");
        }
        if frame["type"] == "gone" && frame["conversation"] == id.as_str() {
            break;
        }
    }
    assert!(
        last_entry > 0,
        "erin read the notes up to the transfer first"
    );
}
