//! The support session end to end over HTTP and the socket: start, offer, Accept, Comment and
//! Work Note, canned messages, Transfer, End, queue positions.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, get_json, post_json};
use crate::socket::Ws;

pub async fn queue_id(app: &TestApp) -> String {
    let queues: Value = get_json(&app.signed_in("dana").await, app.url("/api/queues")).await;
    queues[0]["id"].as_str().expect("demo queue").to_owned()
}

/// `who` starts a session with `message`; returns the answer's status and body.
pub async fn start(app: &TestApp, who: &Client, message: &str) -> (StatusCode, Value) {
    let queue = queue_id(app).await;
    let response = post_json(
        who,
        app.url(&format!("/api/queues/{queue}/sessions")),
        &json!({"client_id": format!("start-{message}"), "message": message}),
    )
    .await;
    (response.status(), response.json().await.unwrap())
}

pub async fn post(
    app: &TestApp,
    who: &Client,
    conv: &str,
    kind: &str,
    body: &str,
    client_id: &str,
) -> reqwest::Response {
    post_json(
        who,
        app.url(&format!("/api/conversations/{conv}/entries")),
        &json!({"client_id": client_id, "kind": kind, "body": body}),
    )
    .await
}

pub async fn entries(app: &TestApp, who: &Client, conv: &str) -> Vec<Value> {
    let page: Value = get_json(who, app.url(&format!("/api/conversations/{conv}/entries"))).await;
    page["entries"].as_array().expect("entries").clone()
}

fn bodies(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e["body"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_session_goes_from_queue_to_accept_to_close() {
    let app = TestApp::spawn().await;
    let (mut alice, _) = Ws::connect(&app, "alice", json!({})).await;
    let (mut bob, _) = Ws::connect(&app, "bob", json!({})).await;
    let carol = app.signed_in("carol").await;

    let (status, conv) = start(&app, &carol, "My VPN drops every few minutes").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (conv["state"].as_str(), conv["position"].as_i64()),
        (Some("queued"), Some(1))
    );
    let id = conv["id"].as_str().unwrap().to_owned();
    let (again_status, again) = start(&app, &carol, "Hello?").await;
    assert_eq!(
        again_status,
        StatusCode::OK,
        "one open session per customer and queue"
    );
    assert_eq!(again["id"], conv["id"]);

    let (mut carol_ws, hello) = Ws::connect(&app, "carol", json!({})).await;
    assert!(
        hello
            .iter()
            .any(|f| f["type"] == "entry" && f["body"] == "My VPN drops every few minutes"),
        "{hello:?}"
    );

    // Both agents are offered the session with the customer's name and first message.
    for agent in [&mut alice, &mut bob] {
        let offer = agent.find(|f| f["type"] == "offer").await;
        assert_eq!(offer["conversation"]["id"], id.as_str());
        assert_eq!(
            offer["conversation"]["customer"]["display_name"],
            "Carol Customer"
        );
        assert_eq!(
            offer["conversation"]["first_message"],
            "My VPN drops every few minutes"
        );
    }

    alice
        .send(json!({"type": "accept", "ref": "a1", "conversation": id}))
        .await;
    let ack = alice
        .find(|f| f["type"] == "ack" || f["type"] == "error")
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    assert_eq!(ack["ref"], "a1");
    let withdraw = bob.find(|f| f["type"] == "withdraw").await;
    assert_eq!(withdraw["conversation"], id.as_str());
    assert_eq!(
        withdraw["by"]["display_name"], "Alice Agent",
        "bob sees who took it"
    );
    let late = app
        .signed_in("bob")
        .await
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_of(late).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "already_accepted")
    );
    assert!(
        message.starts_with("Alice Agent accepted this session"),
        "{message}"
    );

    // The customer sees who joined, and the greeting.
    let joined = carol_ws.entry_with(&id, "joined").await;
    assert_eq!(joined["body"], "Alice Agent joined the chat.");
    assert_eq!(joined["event"], "accepted");
    let greeting = carol_ws.find(|f| f["type"] == "entry").await;
    assert_eq!(greeting["author"]["display_name"], "Alice Agent");
    assert!(
        greeting["body"]
            .as_str()
            .unwrap()
            .contains("IT Service Desk"),
        "{greeting}"
    );

    // Comments both ways; the work note reaches alice but not carol.
    let alice_http = app.signed_in("alice").await;
    alice.send(json!({"type": "send", "ref": "s1", "conversation": id, "client_id": "n1", "kind": "work_note", "body": "Known VPN issue, see KB"})).await;
    let note = alice.entry_with(&id, "Known VPN issue").await;
    assert_eq!(note["kind"], "work_note");
    assert_eq!(
        post(
            &app,
            &alice_http,
            &id,
            "comment",
            "Which VPN client version do you use?",
            "c1"
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    let comment = carol_ws.find(|f| f["type"] == "entry").await;
    assert_eq!(
        comment["body"], "Which VPN client version do you use?",
        "the work note was skipped for carol"
    );
    carol_ws.send(json!({"type": "send", "ref": "s2", "conversation": id, "client_id": "k1", "kind": "comment", "body": "Version 5.2"})).await;
    alice.entry_with(&id, "Version 5.2").await;

    let seen_by_carol = bodies(&entries(&app, &carol, &id).await);
    assert!(
        !seen_by_carol.iter().any(|b| b.contains("Known VPN issue")),
        "{seen_by_carol:?}"
    );
    let seen_by_alice = bodies(&entries(&app, &alice_http, &id).await);
    assert!(seen_by_alice.iter().any(|b| b.contains("Known VPN issue")));

    // Typing reaches the other side, never the log.
    carol_ws
        .send(json!({"type": "typing", "conversation": id, "active": true, "kind": "comment"}))
        .await;
    let typing = alice.find(|f| f["type"] == "typing").await;
    assert_eq!(
        (
            typing["user"]["display_name"].as_str(),
            typing["active"].as_bool()
        ),
        (Some("Carol Customer"), Some(true))
    );

    // The agent ends it; posting afterwards is refused.
    let ended = alice_http
        .post(app.url(&format!("/api/conversations/{id}/end")))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::OK);
    let ended: Value = ended.json().await.unwrap();
    assert_eq!(
        (ended["state"].as_str(), ended["closed_reason"].as_str()),
        (Some("closed"), Some("ended_by_agent"))
    );
    let state = carol_ws
        .find(|f| f["type"] == "conversation" && f["state"] == "closed")
        .await;
    assert_eq!(
        state["closed_reason"], "ended_by_agent",
        "carol sees it closed, with the reason"
    );
    let (status, code, _) =
        error_of(post(&app, &carol, &id, "comment", "one more thing", "k2").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "session_closed")
    );

    // A new session can start after the old one closed.
    let (status, fresh) = start(&app, &carol, "Another problem").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(fresh["id"], conv["id"]);
}

#[tokio::test]
async fn queue_positions_move_up_live_and_a_customer_can_leave() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let ivan = app.signed_in("ivan").await;
    let (_, first) = start(&app, &carol, "first").await;
    let (_, second) = start(&app, &ivan, "second").await;
    assert_eq!(second["position"], 2);
    let (mut ivan_ws, _) = Ws::connect(&app, "ivan", json!({})).await;

    let first_id = first["id"].as_str().unwrap();
    let left = carol
        .post(app.url(&format!("/api/conversations/{first_id}/end")))
        .send()
        .await
        .unwrap();
    let left: Value = left.json().await.unwrap();
    assert_eq!(
        left["closed_reason"], "abandoned",
        "leaving the queue abandons the session"
    );
    let moved = ivan_ws
        .find(|f| f["type"] == "conversation" && f["id"] == second["id"] && f["position"] == 1)
        .await;
    assert_eq!(moved["state"], "queued");

    let waiting: Value = app
        .signed_in("alice")
        .await
        .get(app.url(&format!("/api/queues/{}/sessions", queue_id(&app).await)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&Value> = waiting
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, [&second["id"]], "only ivan is still waiting");
}

#[tokio::test]
async fn transfer_goes_to_an_online_member_of_the_group_only() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let (_, conv) = start(&app, &carol, "Printer on fire").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    assert_eq!(
        alice
            .post(app.url(&format!("/api/conversations/{id}/accept")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let transfer = |to: String, note: Option<&str>| {
        let request = alice
            .post(app.url(&format!("/api/conversations/{id}/transfer")))
            .json(&json!({"to": to, "note": note}));
        async move { request.send().await.unwrap() }
    };

    // Bob is offline (no socket), alice is herself, nina is not in the group.
    let bob_id = app.user_id("bob").await;
    let (status, code, message) = error_of(transfer(bob_id.clone(), None).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "not_online"),
        "{message}"
    );
    let (_, code, _) = error_of(transfer(app.user_id("alice").await, None).await).await;
    assert_eq!(code, "same_agent");
    let admin = app.signed_in("admin").await;
    let nina: Value = post_json(&admin, app.url("/api/admin/users"), &json!({"username": "nina", "display_name": "Nina Network", "password": "nina-password", "roles": ["agent"]})).await
        .json()
        .await
        .unwrap();
    let (_, code, message) =
        error_of(transfer(nina["id"].as_str().unwrap().to_owned(), None).await).await;
    assert_eq!(code, "not_in_group");
    assert!(message.contains("Nina Network"), "{message}");

    // Once bob is online, he receives it at once, with the note; carol sees the transfer.
    let (mut bob_ws, _) = Ws::connect(&app, "bob", json!({})).await;
    let (mut carol_ws, _) = Ws::connect(&app, "carol", json!({})).await;
    let moved = transfer(bob_id.clone(), Some("Customer already rebooted twice")).await;
    assert_eq!(moved.status(), StatusCode::OK);
    let moved: Value = moved.json().await.unwrap();
    assert_eq!(moved["assignee"]["display_name"], "Bob Agent");
    let state = bob_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str())
        .await;
    assert_eq!(state["assignee"]["id"], bob_id.as_str());
    let history = bob_ws.entry_with(&id, "already rebooted").await;
    assert_eq!(history["kind"], "work_note");
    let seen = carol_ws.entry_with(&id, "transferred").await;
    assert_eq!(
        seen["body"],
        "Alice Agent transferred the chat to Bob Agent."
    );
    assert!(
        !bodies(&entries(&app, &carol, &id).await)
            .iter()
            .any(|b| b.contains("rebooted")),
        "the note is internal"
    );

    // Alice keeps read access but no longer posts comments; bob does.
    assert_eq!(
        alice
            .get(app.url(&format!("/api/conversations/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        post(&app, &alice, &id, "comment", "hi", "a-late")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let bob = app.signed_in("bob").await;
    assert_eq!(
        post(&app, &bob, &id, "comment", "Bob here", "b1")
            .await
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn canned_messages_are_managed_and_posted_with_placeholders_filled() {
    let app = TestApp::spawn().await;
    let queue = queue_id(&app).await;
    let dana = app.signed_in("dana").await;
    let url = app.url(&format!("/api/queues/{queue}/canned"));
    let demo: Value = get_json(&dana, &url).await;
    assert_eq!(
        demo.as_array().unwrap().len(),
        6,
        "six demo canned messages"
    );

    let refused = post_json(
        &dana,
        &url,
        &json!({"title": "Bad", "body": "Hi {customer.nickname}"}),
    )
    .await;
    let (status, code, message) = error_of(refused).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
    );
    assert!(message.contains("{customer.nickname}"), "{message}");
    let alice = app.signed_in("alice").await;
    let (status, ..) =
        error_of(post_json(&alice, &url, &json!({"title": "X", "body": "Y"})).await).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "agents use canned messages, managers keep them"
    );

    let created = post_json(&dana, &url, &json!({"title": "Reboot", "body": "{customer.first_name}, please reboot. – {agent.first_name}, {queue.name}"})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let canned: Value = created.json().await.unwrap();
    let canned_id = canned["id"].as_str().unwrap();
    let patched = dana
        .patch(app.url(&format!("/api/queues/{queue}/canned/{canned_id}")))
        .json(&json!({"body": "{customer.first_name}, please restart. – {agent.first_name}, {queue.name}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), StatusCode::OK);

    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Slow laptop").await;
    let id = conv["id"].as_str().unwrap();
    alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    let posted = post_json(
        &alice,
        app.url(&format!("/api/conversations/{id}/canned/{canned_id}")),
        &json!({"client_id": "canned-1"}),
    )
    .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let entry: Value = posted.json().await.unwrap();
    assert_eq!(entry["kind"], "comment");
    assert_eq!(
        entry["body"],
        "Carol, please restart. – Alice, IT Service Desk"
    );
    let again = post_json(
        &alice,
        app.url(&format!("/api/conversations/{id}/canned/{canned_id}")),
        &json!({"client_id": "canned-1"}),
    )
    .await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "one click, one comment, even when retried"
    );
    assert_eq!(
        bodies(&entries(&app, &carol, id).await)
            .iter()
            .filter(|b| b.contains("restart"))
            .count(),
        1
    );

    let deleted = dana
        .delete(app.url(&format!("/api/queues/{queue}/canned/{canned_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = post_json(
        &alice,
        app.url(&format!("/api/conversations/{id}/canned/{canned_id}")),
        &json!({"client_id": "canned-2"}),
    )
    .await;
    assert_eq!(error_of(gone).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_deleted_canned_messages_id_is_never_given_to_another() {
    let app = TestApp::spawn().await;
    let queue = queue_id(&app).await;
    let dana = app.signed_in("dana").await;
    let url = app.url(&format!("/api/queues/{queue}/canned"));
    let create = |title: &'static str| {
        let (dana, url) = (dana.clone(), url.clone());
        async move {
            let response = post_json(&dana, &url, &json!({"title": title, "body": "Hello."})).await;
            assert_eq!(response.status(), StatusCode::CREATED, "create {title}");
            let canned: Value = response.json().await.unwrap();
            canned["id"].as_str().unwrap().to_owned()
        }
    };
    let newest = create("Newest").await;
    let deleted = dana.delete(format!("{url}/{newest}")).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    let next = create("Next").await;
    assert_ne!(
        next, newest,
        "a client holding the old id must not reach the new message"
    );
    let patch = dana
        .patch(format!("{url}/{newest}"))
        .json(&json!({"title": "Renamed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(patch).await.0,
        StatusCode::NOT_FOUND,
        "the old id is gone"
    );
    let again = dana.delete(format!("{url}/{newest}")).send().await.unwrap();
    assert_eq!(error_of(again).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_socket_input_gets_errors_and_a_fast_client_is_slowed_not_cut_off() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Outlook crashes").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let (mut ws, _) = Ws::connect(&app, "carol", json!({})).await;
    // (frame, code)
    let cases = [
        (json!({"type": "dance"}), "invalid"),
        (
            json!({"type": "send", "ref": "r", "conversation": id, "client_id": "x", "kind": "comment", "body": "x".repeat(10_001)}),
            "too_long",
        ),
        (
            json!({"type": "send", "ref": "r", "conversation": id, "client_id": "x", "kind": "comment", "body": "   "}),
            "invalid",
        ),
        (
            json!({"type": "send", "ref": "r", "conversation": "nope", "client_id": "x", "kind": "comment", "body": "hi"}),
            "not_found",
        ),
        (
            json!({"type": "send", "ref": "r", "conversation": "999999", "client_id": "x", "kind": "comment", "body": "hi"}),
            "not_found",
        ),
        (
            json!({"type": "send", "ref": "r", "conversation": id, "client_id": "x", "kind": "work_note", "body": "hi"}),
            "forbidden",
        ),
        (
            json!({"type": "accept", "ref": "r", "conversation": id}),
            "forbidden",
        ),
    ];
    for (frame, code) in cases {
        ws.send(frame.clone()).await;
        let error = ws.find(|f| f["type"] == "error").await;
        assert_eq!(error["error"]["code"], code, "{frame}");
    }
    ws.send(json!({"type": "send", "ref": "ok", "conversation": id, "client_id": "fine", "kind": "comment", "body": "still works"})).await;
    assert_eq!(
        ws.find(|f| f["type"] == "ack").await["ref"],
        "ok",
        "the socket stayed up"
    );

    // A paste of many lines: more than the burst allows, sent without waiting. It is slowed
    // down, not cut off: every line is stored and acknowledged once.
    let burst = 5 * app.config.socket_frames_per_second as usize;
    for n in 0..burst + 20 {
        ws.send(json!({"type": "send", "ref": format!("p{n}"), "conversation": id, "client_id": format!("p{n}"), "kind": "comment", "body": format!("line {n}")})).await;
    }
    for n in 0..burst + 20 {
        let ack = ws.find(|f| f["type"] == "ack").await;
        assert_eq!(ack["ref"], format!("p{n}"), "acks in order, none lost");
    }
    assert_eq!(
        entries(&app, &carol, &id).await.len(),
        2 + burst + 20,
        "every line stored once, nothing else touched"
    );
}

#[tokio::test]
async fn text_that_is_not_utf8_closes_with_1007() {
    let app = TestApp::spawn().await;
    let mut ws = Ws::open(&app, "carol").await;
    ws.send_invalid_utf8().await;
    assert_eq!(ws.closed().await, Some(1007));
}

#[tokio::test]
async fn an_agent_is_offline_thirty_seconds_after_the_last_socket() {
    let app = TestApp::spawn_with(|c| c.timer_poll_ms = 2).await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let bob_id = app.user_id("bob").await;
    let mut alice_ws = Ws::open(&app, "alice").await;

    let mut bob_ws = Ws::open(&app, "bob").await;
    let online = alice_ws
        .find(|f| f["type"] == "presence" && f["user"]["id"] == bob_id.as_str())
        .await;
    assert_eq!(online["status"], "available");
    bob_ws
        .send(json!({"type": "presence", "status": "away"}))
        .await;
    let away = alice_ws
        .find(|f| f["type"] == "presence" && f["user"]["id"] == bob_id.as_str())
        .await;
    assert_eq!(away["status"], "away");
    bob_ws.close().await;

    let transfer = |conv: &str| {
        let request = alice
            .post(app.url(&format!("/api/conversations/{conv}/transfer")))
            .json(&json!({"to": bob_id}));
        async move { request.send().await.unwrap() }
    };
    let (_, first) = start(&app, &carol, "Monitor flickers").await;
    let first = first["id"].as_str().unwrap().to_owned();
    alice
        .post(app.url(&format!("/api/conversations/{first}/accept")))
        .send()
        .await
        .unwrap();
    // Within a reload's worth of absence bob still shows as Away, but a Transfer needs someone
    // there at this moment: it is refused until he is back.
    app.clock.advance(std::time::Duration::from_secs(29));
    let (status, code, _) = error_of(transfer(&first).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "not_online")
    );
    let bob_ws = Ws::open(&app, "bob").await;
    assert_eq!(
        transfer(&first).await.status(),
        StatusCode::OK,
        "back: the transfer goes through"
    );
    bob_ws.close().await;

    // Thirty seconds after his last socket, colleagues are told he is offline.
    app.clock.advance(std::time::Duration::from_secs(30));
    let gone = alice_ws
        .find(|f| f["type"] == "presence" && f["status"] == "offline")
        .await;
    assert_eq!(gone["user"]["display_name"], "Bob Agent");
}

/// Sign-out is leaving on purpose: colleagues see the agent Offline at once (no grace, no clock
/// moved), and a Transfer to them is refused.
#[tokio::test]
async fn an_agent_who_signs_out_is_offline_at_once() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let bob_cookie = app.session_cookie("bob").await;
    let bob_id = app.user_id("bob").await;
    let mut alice_ws = Ws::open(&app, "alice").await;
    // Bob's one browser: his socket and his sign-out share the session.
    let (mut bob_socket, _) = crate::origin::connect_ws(&app, &bob_cookie, Some(&app.origin()))
        .await
        .expect("bob's socket");
    {
        use futures_util::SinkExt;
        bob_socket
            .send(tokio_tungstenite::tungstenite::Message::text(
                json!({"type": "hello"}).to_string(),
            ))
            .await
            .unwrap();
    }
    alice_ws
        .find(|f| {
            f["type"] == "presence"
                && f["user"]["id"] == bob_id.as_str()
                && f["status"] == "available"
        })
        .await;
    let conv = started_and_accepted(&app, &carol, &alice, "Printer jam").await;

    let out = app
        .client()
        .delete(app.url("/api/session"))
        .header("cookie", &bob_cookie)
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let gone = alice_ws
        .find(|f| f["type"] == "presence" && f["user"]["id"] == bob_id.as_str())
        .await;
    assert_eq!(gone["status"], "offline", "at once, with no time passing");
    let members = get_json(
        &alice,
        app.url(&format!(
            "/api/queues/{}/members",
            conv_queue(&app, &alice, &conv).await
        )),
    )
    .await;
    let bob_row = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == bob_id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(
        bob_row["status"], "offline",
        "the Transfer dialog's list says so"
    );
    let refused = alice
        .post(app.url(&format!("/api/conversations/{conv}/transfer")))
        .json(&json!({"to": bob_id}))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(refused).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "not_online")
    );
}

/// `customer` starts a session with `message` and `agent` accepts it; returns its id.
async fn started_and_accepted(
    app: &TestApp,
    customer: &Client,
    agent: &Client,
    message: &str,
) -> String {
    let (_, conv) = start(app, customer, message).await;
    let id = conv["id"].as_str().unwrap().to_owned();
    agent
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    id
}

async fn conv_queue(app: &TestApp, client: &reqwest::Client, conv: &str) -> String {
    let c = get_json(client, app.url(&format!("/api/conversations/{conv}"))).await;
    c["queue"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn previews_and_unread_counts_follow_visibility_and_read_marks() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let id = started_and_accepted(&app, &carol, &alice, "Cannot print").await;
    post(&app, &carol, &id, "comment", "It says offline", "k1").await;
    post(&app, &alice, &id, "comment", "Is it switched on?", "a1").await;
    post(
        &app,
        &alice,
        &id,
        "work_note",
        "Printer PR-7 is in repair",
        "n1",
    )
    .await;
    let summary = |who: &Client| {
        let request = who.get(app.url(&format!("/api/conversations/{id}")));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };

    let for_carol = summary(&carol).await;
    assert_eq!(
        for_carol["preview"]["body"], "Is it switched on?",
        "carol's preview is the last entry she may see"
    );
    // joined, greeting, the comment; not her own messages, not the work note.
    assert_eq!(for_carol["unread"], 3);
    let for_alice = summary(&alice).await;
    assert_eq!(for_alice["preview"]["body"], "Printer PR-7 is in repair");
    assert_eq!(
        for_alice["unread"], 3,
        "carol's two messages and the system line"
    );

    // Carol is told the last seq she may see (the work note after it stays unmentioned).
    let last_seq = for_carol["last_seq"].as_i64().unwrap();
    assert!(
        last_seq < for_alice["last_seq"].as_i64().unwrap(),
        "a customer without ITIL is not told of the work note at the end: {for_carol} {for_alice}"
    );
    let read = post_json(
        &carol,
        app.url(&format!("/api/conversations/{id}/read")),
        &json!({"seq": last_seq}),
    )
    .await;
    assert_eq!(read.status(), StatusCode::NO_CONTENT);
    assert_eq!(summary(&carol).await["unread"], 0);
    let back = post_json(
        &carol,
        app.url(&format!("/api/conversations/{id}/read")),
        &json!({"seq": 1}),
    )
    .await;
    assert_eq!(back.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        summary(&carol).await["unread"],
        0,
        "a read mark never moves back"
    );
    let beyond = post_json(
        &carol,
        app.url(&format!("/api/conversations/{id}/read")),
        &json!({"seq": last_seq + 1}),
    )
    .await;
    assert_eq!(error_of(beyond).await.1, "invalid");

    let listed: Value = get_json(&carol, app.url("/api/conversations")).await;
    assert_eq!(listed[0]["preview"]["body"], "Is it switched on?");
}

/// A transferred session arrives counting what happened from the handover (the transfer and its
/// note), not its whole history as unread.
#[tokio::test]
async fn a_transferred_session_counts_unread_from_the_handover() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let bob_id = app.user_id("bob").await;
    let _bob_ws = Ws::open(&app, "bob").await;
    let id =
        started_and_accepted(&app, &carol, &alice, "Outlook keeps asking for my password").await;
    for (i, text) in [
        "Since this morning",
        "On the laptop only",
        "I changed it yesterday",
    ]
    .iter()
    .enumerate()
    {
        post(&app, &carol, &id, "comment", text, &format!("k{i}")).await;
    }
    post(&app, &alice, &id, "comment", "Let me hand you to Bob", "a1").await;
    let moved = alice
        .post(app.url(&format!("/api/conversations/{id}/transfer")))
        .json(&json!({"to": bob_id, "note": "Password sync issue, see KB"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let bobs = get_json(&bob, app.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(
        bobs["unread"], 2,
        "the transfer and its note, not the {} entries before: {bobs}",
        bobs["last_seq"]
    );
}

/// A read mark reaches every tab of the user at once; only the customer and the assignee have
/// unread messages (a colleague who wrote a work note keeps no count).
#[tokio::test]
async fn read_marks_reach_every_tab_and_only_participants_count_unread() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let id = started_and_accepted(&app, &carol, &alice, "VPN drops every hour").await;
    post(
        &app,
        &bob,
        &id,
        "work_note",
        "Known issue on gateway 2",
        "b1",
    )
    .await;
    post(&app, &carol, &id, "comment", "Again just now", "k1").await;

    let bobs = get_json(&bob, app.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(
        bobs["unread"], 0,
        "bob looked in and wrote a note: nothing unread for him"
    );
    let alices = get_json(&alice, app.url(&format!("/api/conversations/{id}"))).await;
    assert!(
        alices["unread"].as_i64().unwrap() > 0,
        "the assignee has: {alices}"
    );

    let (mut tab1, _) = Ws::connect(&app, "alice", json!({})).await;
    let (mut tab2, _) = Ws::connect(&app, "alice", json!({})).await;
    let last = alices["last_seq"].as_i64().unwrap();
    tab1.send(json!({"type": "read", "conversation": id, "seq": last}))
        .await;
    let told = tab2
        .find(|f| f["type"] == "read" && f["conversation"] == id.as_str())
        .await;
    assert_eq!(told["seq"], last, "the other tab learns the mark at once");
    let alices = get_json(&alice, app.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(alices["unread"], 0);
}

#[tokio::test]
async fn agents_see_the_group_with_presence_and_a_customers_history() {
    let app = TestApp::spawn().await;
    let queue = queue_id(&app).await;
    let alice = app.signed_in("alice").await;
    let _bob_ws = Ws::open(&app, "bob").await;
    let members: Value = get_json(&alice, app.url(&format!("/api/queues/{queue}/members"))).await;
    let status_of = |name: &str| {
        members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["display_name"] == name)
            .map(|m| m["status"].clone())
    };
    assert_eq!(
        status_of("Bob Agent"),
        Some(json!("available")),
        "bob has a socket open"
    );
    assert_eq!(status_of("Dana Manager"), Some(json!("offline")));
    assert_eq!(
        status_of("Carol Customer"),
        None,
        "only the group's members"
    );

    let carol = app.signed_in("carol").await;
    let (_, first) = start(&app, &carol, "First problem").await;
    let first_id = first["id"].as_str().unwrap();
    carol
        .post(app.url(&format!("/api/conversations/{first_id}/end")))
        .send()
        .await
        .unwrap();
    let (_, second) = start(&app, &carol, "Second problem").await;
    let carol_id = first["customer"]["id"].as_str().unwrap();
    let profile: Value = get_json(&alice, app.url(&format!("/api/users/{carol_id}"))).await;
    assert_eq!(
        (profile["display_name"].as_str(), profile["itil"].as_bool()),
        (Some("Carol Customer"), Some(false))
    );
    let history: Value =
        get_json(&alice, app.url(&format!("/api/users/{carol_id}/sessions"))).await;
    let ids: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, [&second["id"], &first["id"]], "newest first");

    let ivan = app.signed_in("ivan").await;
    let (status, code, _) = error_of(
        ivan.get(app.url(&format!("/api/users/{carol_id}/sessions")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden"),
        "customers cannot look others up"
    );
}

#[tokio::test]
async fn a_repeated_send_reveals_nothing_to_someone_who_lost_access() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Wi-Fi keeps asking for my password").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let alice = app.signed_in("alice").await;
    alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    let bob = app.signed_in("bob").await;
    assert_eq!(
        post(&app, &bob, &id, "work_note", "Same as INC0010001", "x")
            .await
            .status(),
        StatusCode::CREATED
    );
    post(&app, &alice, &id, "work_note", "secret detail", "a-note").await;

    let dana = app.signed_in("dana").await;
    let groups: Value = get_json(&dana, app.url("/api/groups")).await;
    let group = groups[0]["id"].as_str().unwrap();
    let bob_id = app.user_id("bob").await;
    dana.delete(app.url(&format!("/api/groups/{group}/members/{bob_id}")))
        .send()
        .await
        .unwrap();

    let (status, code, _) =
        error_of(post(&app, &bob, &id, "work_note", "Same as INC0010001", "x").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "not_found"),
        "no replay for a former member"
    );
    let mut ws = Ws::open(&app, "bob").await;
    ws.send(json!({"type": "send", "ref": "r", "conversation": id, "client_id": "x", "kind": "work_note", "body": "."})).await;
    let answer = ws
        .find(|f| f["type"] == "error" || f["type"] == "ack")
        .await;
    assert_eq!(answer["error"]["code"], "not_found", "{answer}");
    ws.send(json!({"type": "typing", "conversation": id, "active": true, "kind": "comment"}))
        .await;
    assert_eq!(
        ws.find(|f| f["type"] == "error").await["error"]["code"],
        "not_found"
    );
    ws.send(json!({"type": "read", "conversation": "1", "seq": 0}))
        .await;
    ws.find(|f| f["type"] == "error").await;
    let leaked = ws.pending_text();
    assert!(
        !leaked.contains("secret detail"),
        "nothing of the session reached bob: {leaked}"
    );
}

#[tokio::test]
async fn a_change_of_permissions_makes_open_sockets_reconnect() {
    let app = TestApp::spawn().await;
    let mut ivan = Ws::open(&app, "ivan").await;
    let ivan_id = app.user_id("ivan").await;
    let admin = app.signed_in("admin").await;
    let changed = admin
        .patch(app.url(&format!("/api/admin/users/{ivan_id}")))
        .json(&json!({"itil": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(
        ivan.closed().await,
        Some(4403),
        "ivan's socket reconnects without the ITIL role"
    );
    let me: Value = get_json(&app.signed_in("ivan").await, app.url("/api/me")).await;
    assert_eq!(me["itil"], false);
}

#[tokio::test]
async fn authors_receive_what_they_post_and_only_itil_holders_see_work_note_typing() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Teams has no sound").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    app.signed_in("alice")
        .await
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    let mut carol_ws = Ws::open(&app, "carol").await;
    let mut alice_ws = Ws::open(&app, "alice").await;

    // Dana supervises: she is not watching the session, yet her own note comes back to her.
    let mut dana_ws = Ws::open(&app, "dana").await;
    dana_ws.send(json!({"type": "send", "ref": "d1", "conversation": id, "client_id": "d1", "kind": "work_note", "body": "Check the headset driver"})).await;
    assert_eq!(dana_ws.find(|f| f["type"] == "ack").await["ref"], "d1");
    dana_ws.entry_with(&id, "headset driver").await;

    dana_ws
        .send(json!({"type": "typing", "conversation": id, "active": true, "kind": "work_note"}))
        .await;
    let typing = alice_ws.find(|f| f["type"] == "typing").await;
    assert_eq!(
        typing["user"]["display_name"], "Dana Manager",
        "agents see a work note being typed"
    );
    // An indicator of unknown kind is refused, never treated as a comment.
    alice_ws
        .send(json!({"type": "typing", "conversation": id, "active": true}))
        .await;
    let refused = alice_ws.find(|f| f["type"] == "error").await;
    assert_eq!(
        refused["error"]["code"], "invalid",
        "typing without kind: {refused}"
    );
    alice_ws
        .send(json!({"type": "typing", "conversation": id, "active": true, "kind": "comment"}))
        .await;
    let seen = carol_ws.find(|f| f["type"] == "typing").await;
    assert_eq!(
        seen["user"]["display_name"], "Alice Agent",
        "carol sees the comment typing, not dana's note typing"
    );

    // A position far beyond the log is clamped, not a panic or a silent conversation.
    let (mut late, _) = Ws::connect(&app, "carol", json!({ id.as_str(): i64::MAX })).await;
    post(&app, &carol, &id, "comment", "Still no sound", "k9").await;
    late.entry_with(&id, "Still no sound").await;
}

#[tokio::test]
async fn a_refused_body_is_refused_even_with_a_client_id_posted_before() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "VPN drops").await;
    let id = conv["id"].as_str().unwrap();
    let first = post(&app, &carol, id, "comment", "It drops every hour.", "c-1").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let too_long = "x".repeat(10_001);
    // (body, status, code)
    let cases = [
        ("", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        ("   ", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (
            too_long.as_str(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_long",
        ),
    ];
    for (body, want_status, want_code) in cases {
        let response = post(&app, &carol, id, "comment", body, "c-1").await;
        let (status, code, _) = error_of(response).await;
        assert_eq!(
            (status, code.as_str()),
            (want_status, want_code),
            "a retry of c-1 with a {}-character body",
            body.len()
        );
    }
    let retry = post(&app, &carol, id, "comment", "It drops every hour.", "c-1").await;
    assert_eq!(
        retry.status(),
        StatusCode::OK,
        "a real retry still gets the original"
    );
}

/// An agent's Away outlives a restart of the server: their next socket is Away, not Available
/// (a node knows nothing of a choice made before it started, but the database does).
#[tokio::test]
async fn a_chosen_away_outlives_a_restart() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let away = alice
        .put(app.url("/api/presence"))
        .json(&json!({"status": "away"}))
        .send()
        .await
        .unwrap();
    assert_eq!(away.status(), StatusCode::NO_CONTENT);
    let app = app.restart(|_| {}).await;
    let socket = Ws::open(&app, "alice").await;
    let queue = queue_id(&app).await;
    let members = get_json(
        &app.signed_in("bob").await,
        app.url(&format!("/api/queues/{queue}/members")),
    )
    .await;
    let status = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["display_name"] == "Alice Agent")
        .map(|m| m["status"].clone());
    assert_eq!(status, Some(json!("away")), "{members}");
    drop(socket);
}
