//! Who works a queue is decided by one rule (a staff role AND membership of the queue's group),
//! on every path, and a change of rights reaches open sockets at once.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, get_json, post_json};
use crate::sessions::{entries, post, queue_id, start};
use crate::socket::Ws;

/// A round trip on `ws`: every push sent before it has been read into `pending`.
async fn sync(ws: &mut Ws) {
    ws.send(json!({"type": "read", "conversation": "999999", "seq": 0}))
        .await;
    ws.find(|f| f["type"] == "error" && f["error"]["message"] == "No such conversation.")
        .await;
}

/// `who` presses Accept on `conversation` over HTTP.
async fn accept(app: &TestApp, who: &reqwest::Client, conversation: &str) -> reqwest::Response {
    who.post(app.url(&format!("/api/conversations/{conversation}/accept")))
        .send()
        .await
        .expect("POST accept")
}

async fn patch(app: &TestApp, who: &str, path: &str, body: Value) -> reqwest::Response {
    app.signed_in(who)
        .await
        .patch(app.url(path))
        .json(&body)
        .send()
        .await
        .expect("PATCH")
}

#[tokio::test]
async fn a_demoted_agent_loses_the_queue_on_every_path() {
    let app = TestApp::spawn().await;
    // A chat she is working on when it happens, with a customer of its own.
    let created = post_json(
        &app.signed_in("admin").await,
        app.url("/api/admin/users"),
        &json!({"username": "frank", "display_name": "Frank Customer",
                "password": "frank-password", "roles": ["customer"]}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let frank = app.client();
    let signed = app.try_sign_in(&frank, "frank", "frank-password").await;
    assert_eq!(signed.status(), StatusCode::OK);
    let (_, working) = start(&app, &frank, "Teams will not start").await;
    let working = working["id"].as_str().unwrap().to_owned();
    let alice_http = app.signed_in("alice").await;
    assert_eq!(
        accept(&app, &alice_http, &working).await.status(),
        StatusCode::OK
    );
    let mut alice = Ws::open(&app, "alice").await;
    let alice_id = app.user_id("alice").await;
    let demoted = patch(
        &app,
        "admin",
        &format!("/api/admin/users/{alice_id}"),
        json!({"roles": ["customer"]}),
    )
    .await;
    assert_eq!(demoted.status(), StatusCode::OK);
    assert_eq!(alice.closed().await, Some(4403), "her socket reconnects");
    for kind in ["comment", "work_note"] {
        let (status, code, _) =
            error_of(post(&app, &alice_http, &working, kind, "still here?", kind).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "no {kind} as the agent of the chat she still holds"
        );
    }

    // Still listed in the group, but no longer an agent: no offer, no session, no Accept.
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "My badge number is 4711").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let (mut alice, frames) = Ws::connect(&app, "alice", json!({})).await;
    let seen: String = frames.iter().map(Value::to_string).collect();
    assert!(
        !seen.contains("4711") && !seen.contains("\"offer\""),
        "nothing of the queue at hello: {seen}"
    );
    alice
        .send(json!({"type": "accept", "ref": "a", "conversation": id}))
        .await;
    let refused = alice
        .find(|f| f["type"] == "error" && f["ref"] == "a")
        .await;
    assert_eq!(refused["error"]["code"], "not_found", "{refused}");
    let ivan = app.signed_in("ivan").await;
    start(&app, &ivan, "Second secret 0815").await;
    sync(&mut alice).await;
    assert!(
        !alice.pending_text().contains("0815"),
        "no live offer either: {}",
        alice.pending_text()
    );
    let conv: Value = get_json(
        &app.signed_in("dana").await,
        app.url(&format!("/api/conversations/{id}")),
    )
    .await;
    assert_eq!(
        conv["state"], "queued",
        "the session still waits for an agent"
    );
    let queues: Value = get_json(
        &app.signed_in("bob").await,
        app.url(&format!("/api/queues/{}/members", queue_id(&app).await)),
    )
    .await;
    assert!(
        !queues.to_string().contains("Alice"),
        "not offered for Transfer: {queues}"
    );
}

#[tokio::test]
async fn a_queue_given_to_another_group_changes_who_works_it_at_once() {
    let app = TestApp::spawn().await;
    let dana = app.signed_in("dana").await;
    let group: Value = post_json(
        &dana,
        app.url("/api/groups"),
        &json!({"name": "Network Team"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let group_id = group["id"].as_str().unwrap();
    let bob_id = app.user_id("bob").await;
    let added = dana
        .put(app.url(&format!("/api/groups/{group_id}/members/{bob_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::OK);
    let mut alice = Ws::open(&app, "alice").await;
    let mut bob = Ws::open(&app, "bob").await;

    let queue = queue_id(&app).await;
    let moved = patch(
        &app,
        "dana",
        &format!("/api/queues/{queue}"),
        json!({"group": group_id}),
    )
    .await;
    assert_eq!(moved.status(), StatusCode::OK);
    assert_eq!(alice.closed().await, Some(4403), "the old group reconnects");
    assert_eq!(bob.closed().await, Some(4403), "the new group reconnects");

    let mut alice = Ws::open(&app, "alice").await;
    let mut bob = Ws::open(&app, "bob").await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "The switch in room 3 blinks").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let offer = bob.find(|f| f["type"] == "offer").await;
    assert_eq!(
        offer["conversation"]["id"],
        id.as_str(),
        "the new group is offered the session"
    );
    sync(&mut alice).await;
    assert!(
        !alice.pending_text().contains("room 3"),
        "the old group is not: {}",
        alice.pending_text()
    );
    let (status, code, _) = error_of(accept(&app, &app.signed_in("alice").await, &id).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

#[tokio::test]
async fn a_customer_without_itil_learns_nothing_of_work_notes_after_the_last_comment() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let (_, conv) = start(&app, &carol, "VPN drops every hour").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let accepted: Value = accept(&app, &alice, &id).await.json().await.unwrap();
    let public = accepted["last_seq"].as_i64().unwrap();
    let mut carol_ws = Ws::open(&app, "carol").await;
    for n in 0..3 {
        let note = post(
            &app,
            &alice,
            &id,
            "work_note",
            "Known issue",
            &format!("n{n}"),
        )
        .await;
        assert_eq!(note.status(), StatusCode::CREATED);
    }
    let url = app.url(&format!("/api/conversations/{id}"));
    assert_eq!(get_json(&alice, &url).await["last_seq"], public + 3);
    assert_eq!(
        get_json(&carol, &url).await["last_seq"],
        public,
        "carol is told the last seq she may see"
    );
    let listed: Value = get_json(&carol, app.url("/api/conversations")).await;
    assert_eq!(listed[0]["last_seq"], public, "in lists too");

    let too_far = post_json(
        &carol,
        app.url(&format!("/api/conversations/{id}/read")),
        &json!({"seq": public + 3}),
    )
    .await;
    let (status, _, message) = error_of(too_far).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !message.contains(&(public + 3).to_string()),
        "the error does not reveal the hidden entries: {message}"
    );
    let ending: Value = alice
        .post(app.url(&format!("/api/conversations/{id}/end")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ending["state"], "closed");
    let closed = carol_ws
        .find(|f| f["type"] == "conversation" && f["state"] == "closed")
        .await;
    assert_eq!(
        closed["last_seq"],
        public + 4,
        "the closing line is public; the seq gap of the notes is all she sees"
    );
    assert_eq!(entries(&app, &carol, &id).await.len() as i64, public + 1);
}

#[tokio::test]
async fn the_winner_repeating_accept_gets_the_same_answer() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Mouse pointer jumps").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let alice = app.signed_in("alice").await;
    let first: Value = accept(&app, &alice, &id).await.json().await.unwrap();
    let again = accept(&app, &alice, &id).await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "a retry after a lost answer"
    );
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (&again["assignee"], &again["last_seq"]),
        (&first["assignee"], &first["last_seq"]),
        "nothing stored twice"
    );
    let mut ws = Ws::open(&app, "alice").await;
    ws.send(json!({"type": "accept", "ref": "r", "conversation": id}))
        .await;
    let answer = ws
        .find(|f| f["ref"] == "r" && (f["type"] == "ack" || f["type"] == "error"))
        .await;
    assert_eq!(answer["type"], "ack", "{answer}");
    let (status, code, message) =
        error_of(accept(&app, &app.signed_in("bob").await, &id).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "already_accepted")
    );
    assert!(message.contains("Alice Agent"), "{message}");
}

#[tokio::test]
async fn starting_again_while_a_session_is_open_posts_into_it_once() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let queue = queue_id(&app).await;
    let start_with = |client_id: &str, message: &str| {
        let request = carol
            .post(app.url(&format!("/api/queues/{queue}/sessions")))
            .json(&json!({"client_id": client_id, "message": message}));
        async move { request.send().await.unwrap() }
    };
    let first = start_with("s1", "Screen stays black").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    for _ in 0..2 {
        let again = start_with("s2", "It also beeps three times").await;
        assert_eq!(again.status(), StatusCode::OK, "the open session");
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["id"], first["id"]);
    }
    let id = first["id"].as_str().unwrap();
    let bodies: Vec<String> = entries(&app, &carol, id)
        .await
        .iter()
        .map(|e| e["body"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        bodies,
        ["Screen stays black", "It also beeps three times"],
        "the second message is in the session, once"
    );
}
