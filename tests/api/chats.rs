//! Connect Chat: direct and group chats between colleagues (one direct chat per pair, live
//! delivery, idempotent sends, unread counts, members added and leaving with `gone`), who may
//! never see one (customers, colleagues not in it), and a colleague invited into a support
//! session (work notes only; the invitation ends with the session, a transfer or a hand back).
//! On both backends.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, get_json, post_json};
use crate::sessions::{entries, post, start};
use crate::socket::Ws;

async fn chat_with(app: &TestApp, who: &Client, body: Value) -> (StatusCode, Value) {
    let answer = post_json(who, app.url("/api/chats"), &body).await;
    (answer.status(), answer.json().await.unwrap())
}

fn names(people: &Value) -> Vec<&str> {
    people
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| p["display_name"].as_str().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

/// An agent of no group (so nothing of the demo queue's sessions is hers to see), signed in;
/// her username is her password, like the demo users'.
pub(crate) async fn erin(app: &TestApp) -> (Client, String) {
    let admin = app.signed_in("admin").await;
    let created = post_json(
        &admin,
        app.url("/api/admin/users"),
        &json!({"username": "erinhelp", "display_name": "Erin Helper", "password": "erinhelp", "roles": ["agent"]}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (app.signed_in("erinhelp").await, id)
}

#[tokio::test]
async fn colleagues_chat_directly_once_per_pair_live_and_exactly_once() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let (bob_id, alice_id) = (app.user_id("bob").await, app.user_id("alice").await);
    let mut bob_ws = Ws::open(&app, "bob").await;

    let (status, chat) = chat_with(&app, &alice, json!({"members": [bob_id]})).await;
    assert_eq!(status, StatusCode::CREATED, "{chat}");
    assert_eq!(chat["kind"], "chat");
    assert_eq!(names(&chat["members"]), vec!["Alice Agent", "Bob Agent"]);
    assert!(chat.get("title").is_none());
    let id = chat["id"].as_str().unwrap().to_owned();
    // The same two, either way round: the same chat.
    let (status, again) = chat_with(&app, &bob, json!({"members": [alice_id]})).await;
    assert_eq!(
        (status, again["id"].as_str()),
        (StatusCode::OK, Some(id.as_str()))
    );
    // Bob's socket learns of the new chat and its first line.
    let frame = bob_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str())
        .await;
    assert_eq!(names(&frame["members"]), vec!["Alice Agent", "Bob Agent"]);
    bob_ws
        .entry_with(&id, "started a chat with Bob Agent")
        .await;

    // A message, sent twice under one client id: stored and delivered once.
    for _ in 0..2 {
        let sent = post(
            &app,
            &alice,
            &id,
            "comment",
            "Printer on 3 is out of toner",
            "m1",
        )
        .await;
        assert!(sent.status().is_success());
    }
    let entry = bob_ws.entry_with(&id, "out of toner").await;
    let history = entries(&app, &bob, &id).await;
    let toner: Vec<&Value> = history
        .iter()
        .filter(|e| e["body"].as_str().is_some_and(|b| b.contains("toner")))
        .collect();
    assert_eq!(toner.len(), 1);
    assert_eq!(toner[0]["seq"], entry["seq"]);
    // Bob counts it unread in his list; reading it clears the count.
    let listed = get_json(&bob, app.url("/api/conversations")).await;
    let mine = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap();
    assert!(mine["unread"].as_i64().unwrap() >= 1, "{mine}");
    let read = post_json(
        &bob,
        app.url(&format!("/api/conversations/{id}/read")),
        &json!({"seq": entry["seq"]}),
    )
    .await;
    assert_eq!(read.status(), StatusCode::NO_CONTENT);
    let listed = get_json(&bob, app.url("/api/conversations")).await;
    let mine = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap();
    assert_eq!(mine["unread"], 0);
    // Typing reaches the other member.
    let typing = post_json(
        &alice,
        app.url(&format!("/api/conversations/{id}/typing")),
        &json!({"active": true, "kind": "comment"}),
    )
    .await;
    assert_eq!(typing.status(), StatusCode::NO_CONTENT);
    bob_ws
        .find(|f| f["type"] == "typing" && f["conversation"] == id.as_str())
        .await;
    // A socket opened now is told the presence of those bob chats with (alice has no socket:
    // Offline), not only bob's own.
    let (_, frames) = Ws::connect(&app, "bob", json!({})).await;
    let alice_presence: Vec<&Value> = frames
        .iter()
        .filter(|f| f["type"] == "presence" && f["user"]["display_name"] == "Alice Agent")
        .collect();
    assert_eq!(alice_presence.len(), 1, "{frames:?}");
    assert_eq!(alice_presence[0]["status"], "offline");
    let _alice_ws = Ws::open(&app, "alice").await;
    let (_, frames) = Ws::connect(&app, "bob", json!({})).await;
    assert!(
        frames.iter().any(|f| f["type"] == "presence"
            && f["user"]["display_name"] == "Alice Agent"
            && f["status"] == "available"),
        "{frames:?}"
    );
    // A chat has no work notes.
    let note = post(&app, &alice, &id, "work_note", "psst", "n1").await;
    let (status, _, _) = error_of(note).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A direct chat is for two.
    let dana = app.user_id("dana").await;
    let added = alice
        .put(app.url(&format!("/api/chats/{id}/members/{dana}")))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_group_chat_takes_colleagues_in_and_lets_them_leave() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let (bob_id, dana_id) = (app.user_id("bob").await, app.user_id("dana").await);
    let (status, refused) = chat_with(&app, &alice, json!({"members": [bob_id, dana_id]})).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a group needs a name: {refused}"
    );
    let (status, chat) = chat_with(
        &app,
        &alice,
        json!({"members": [bob_id], "title": "  Printer outage  "}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{chat}");
    assert_eq!(chat["title"], "Printer outage");
    let id = chat["id"].as_str().unwrap().to_owned();
    let dana = app.signed_in("dana").await;
    // Dana, a manager, sees nothing of a chat she is not in.
    let hidden = dana
        .get(app.url(&format!("/api/conversations/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let mut dana_ws = Ws::open(&app, "dana").await;
    let added = bob
        .put(app.url(&format!("/api/chats/{id}/members/{dana_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::OK);
    let added: Value = added.json().await.unwrap();
    assert_eq!(
        names(&added["members"]),
        vec!["Alice Agent", "Bob Agent", "Dana Manager"]
    );
    dana_ws
        .entry_with(&id, "Bob Agent added Dana Manager.")
        .await;
    // Bob leaves: his socket is told, he reads nothing more, the others see him go.
    let mut bob_ws = Ws::open(&app, "bob").await;
    let left = bob
        .delete(app.url(&format!("/api/chats/{id}/members/{bob_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), StatusCode::NO_CONTENT);
    bob_ws
        .find(|f| f["type"] == "gone" && f["conversation"] == id.as_str())
        .await;
    dana_ws.entry_with(&id, "Bob Agent left the chat.").await;
    let after = bob
        .get(app.url(&format!("/api/conversations/{id}/entries")))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::NOT_FOUND);
    let refused = post(&app, &bob, &id, "comment", "still here?", "b1").await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    // Nobody removes someone else.
    let alice_id = app.user_id("alice").await;
    let removed = dana
        .delete(app.url(&format!("/api/chats/{id}/members/{alice_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn customers_never_reach_a_chat() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let carol = app.signed_in("carol").await;
    let carol_id = app.user_id("carol").await;
    let bob_id = app.user_id("bob").await;
    let (_, chat) = chat_with(&app, &alice, json!({"members": [bob_id]})).await;
    let id = chat["id"].as_str().unwrap().to_owned();
    post(&app, &alice, &id, "comment", "between us", "m1").await;
    // A customer starts none, is added to none, and finds none.
    let (status, _) = chat_with(&app, &carol, json!({"members": [bob_id]})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = chat_with(&app, &alice, json!({"members": [carol_id]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "members");
    let (status, _) = chat_with(
        &app,
        &alice,
        json!({"members": [bob_id, carol_id], "title": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for path in [
        format!("/api/conversations/{id}"),
        format!("/api/conversations/{id}/entries"),
    ] {
        let answer = carol.get(app.url(&path)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let refused = post(&app, &carol, &id, "comment", "hi", "c1").await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let listed = get_json(&carol, app.url("/api/conversations")).await;
    assert!(!listed.to_string().contains("between us"));
    let (mut ws, frames) = Ws::connect(&app, "carol", json!({ id.clone(): 0 })).await;
    assert!(!Value::from(frames).to_string().contains("between us"));
    ws.send(json!({"type": "watch", "conversation": id})).await;
    let error = ws.find(|f| f["type"] == "error").await;
    assert_eq!(error["error"]["code"], "not_found");
}

#[tokio::test]
async fn an_invited_colleague_helps_with_work_notes_until_the_session_ends() {
    let app = TestApp::spawn().await;
    let (erin, erin_id) = erin(&app).await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let (_, conv) = start(&app, &carol, "My screen flickers").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let invite = |who: Client, user: String| {
        let url = app.url(&format!("/api/conversations/{id}/invite"));
        async move { post_json(&who, url, &json!({"user": user})).await }
    };
    // Waiting in the queue: nobody holds it to invite anyone, a manager neither.
    let dana = app.signed_in("dana").await;
    let (status, code, _) = error_of(invite(dana, erin_id.clone()).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "not_active")
    );
    let accepted = alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    // Erin sees nothing of it before.
    let before = erin
        .get(app.url(&format!("/api/conversations/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(before.status(), StatusCode::NOT_FOUND);
    let mut erin_ws = Ws::open(&app, "erinhelp").await;
    // Only the assignee (or a manager) invites; a customer is never invited.
    let bob = app.signed_in("bob").await;
    let (status, ..) = error_of(invite(bob, erin_id.clone()).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let carol_id = app.user_id("carol").await;
    let (status, ..) = error_of(invite(alice.clone(), carol_id).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let invited = invite(alice.clone(), erin_id.clone()).await;
    assert_eq!(invited.status(), StatusCode::OK);
    let invited: Value = invited.json().await.unwrap();
    assert_eq!(names(&invited["invited"]), vec!["Erin Helper"]);
    // A second invitation stores nothing.
    let again: Value = invite(alice.clone(), erin_id.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["last_seq"], invited["last_seq"]);
    // Erin's socket gets the session and the note that tells of her invitation.
    erin_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str())
        .await;
    erin_ws
        .entry_with(&id, "Alice Agent invited Erin Helper to help.")
        .await;
    let listed = get_json(&erin, app.url("/api/conversations")).await;
    let hers = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .expect("the session is in erin's list");
    // What is new to her is the invitation, not the whole history before it.
    assert_eq!(hers["unread"], 1, "{hers}");
    // She writes work notes, not comments, and takes nothing over.
    let note = post(&app, &erin, &id, "work_note", "Try another cable", "e1").await;
    assert_eq!(note.status(), StatusCode::CREATED);
    let comment = post(&app, &erin, &id, "comment", "Hello Carol", "e2").await;
    assert_eq!(comment.status(), StatusCode::FORBIDDEN);
    // Carol (no ITIL) learns nothing of it.
    let seen = entries(&app, &carol, &id).await;
    let seen = Value::from(seen).to_string();
    assert!(!seen.contains("Erin") && !seen.contains("cable"), "{seen}");
    let carols = get_json(&carol, app.url(&format!("/api/conversations/{id}"))).await;
    assert!(carols.get("invited").is_none(), "{carols}");

    // The session ends: so does the invitation, and erin's socket drops it.
    let ended = alice
        .post(app.url(&format!("/api/conversations/{id}/end")))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::OK);
    let ended: Value = ended.json().await.unwrap();
    assert!(ended.get("invited").is_none(), "{ended}");
    erin_ws
        .find(|f| f["type"] == "gone" && f["conversation"] == id.as_str())
        .await;
    let after = erin
        .get(app.url(&format!("/api/conversations/{id}/entries")))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_transfer_or_a_hand_back_ends_the_invitation() {
    let app = TestApp::spawn().await;
    let (erin, erin_id) = erin(&app).await;
    let alice = app.signed_in("alice").await;
    let bob_id = app.user_id("bob").await;
    // Bob is online (a transfer needs it).
    let _bob_ws = Ws::open(&app, "bob").await;
    for (customer, how) in [("carol", "transfer"), ("ivan", "hand-back")] {
        let client = app.signed_in(customer).await;
        let (_, conv) = start(&app, &client, &format!("{customer} needs help")).await;
        let id = conv["id"].as_str().unwrap().to_owned();
        alice
            .post(app.url(&format!("/api/conversations/{id}/accept")))
            .send()
            .await
            .unwrap();
        let invited = post_json(
            &alice,
            app.url(&format!("/api/conversations/{id}/invite")),
            &json!({"user": erin_id}),
        )
        .await;
        assert_eq!(invited.status(), StatusCode::OK);
        let seen = erin
            .get(app.url(&format!("/api/conversations/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(seen.status(), StatusCode::OK);
        let done = match how {
            "transfer" => {
                post_json(
                    &alice,
                    app.url(&format!("/api/conversations/{id}/transfer")),
                    &json!({"to": bob_id}),
                )
                .await
            }
            _ => alice
                .post(app.url(&format!("/api/conversations/{id}/hand-back")))
                .send()
                .await
                .unwrap(),
        };
        assert_eq!(done.status(), StatusCode::OK, "{how}");
        let after = erin
            .get(app.url(&format!("/api/conversations/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(after.status(), StatusCode::NOT_FOUND, "after a {how}");
    }
}
