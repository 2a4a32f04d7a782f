//! Routing guards, by the injected clock: an offer nobody accepts within the queue's
//! `offer_alert_seconds` is offered again urgently and alerts the managers; an agent who has not
//! commented within `reply_alert_seconds` of taking a session is alerted, and as long again later
//! the session goes back to the queue and the managers are told. Stored, exact, fired once.
//! Also the live queue view and its `queue_activity` frames.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, get_json, post_json};
use crate::sessions::{queue_id, start};
use crate::socket::Ws;

async fn spawn() -> TestApp {
    TestApp::spawn_with(|c| c.timer_poll_ms = 2).await
}

const MS: Duration = Duration::from_millis(1);

/// Everything `ws` received until its pong: frames already on their way are in.
async fn settled(ws: &mut Ws) -> String {
    ws.send(json!({"type": "ping", "nonce": "settle"})).await;
    ws.find(|f| f["type"] == "pong" && f["nonce"] == "settle")
        .await;
    ws.pending_text()
}

async fn set_guards(app: &TestApp, offer: u32, reply: u32) {
    let dana = app.signed_in("dana").await;
    let queue = queue_id(app).await;
    let answer = dana
        .patch(app.url(&format!("/api/queues/{queue}")))
        .json(&json!({"offer_alert_seconds": offer, "reply_alert_seconds": reply}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
}

async fn live(app: &TestApp) -> Value {
    let dana = app.signed_in("dana").await;
    let queue = queue_id(app).await;
    get_json(&dana, app.url(&format!("/api/queues/{queue}/live"))).await
}

#[tokio::test]
async fn an_offer_nobody_accepts_in_time_is_offered_again_urgently_and_alerts_the_managers() {
    let app = spawn().await;
    set_guards(&app, 30, 0).await;
    let mut alice = Ws::open(&app, "alice").await;
    let mut dana = Ws::open(&app, "dana").await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "My screen is black").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    alice
        .find(|f| f["type"] == "offer" && f["conversation"]["id"] == id.as_str())
        .await;

    // Not a millisecond early.
    app.clock.advance(Duration::from_secs(30) - MS);
    app.two_timer_rounds().await;
    assert!(!settled(&mut alice).await.contains("urgent"));
    assert!(!settled(&mut dana).await.contains("\"alert\""));
    assert_eq!(live(&app).await["waiting"][0]["alerted"], false);

    app.clock.advance(MS);
    let urgent = alice
        .find(|f| f["type"] == "offer" && f["urgent"] == true)
        .await;
    assert_eq!(urgent["conversation"]["id"], id.as_str());
    let alert = dana.find(|f| f["type"] == "alert").await;
    assert_eq!(alert["kind"], "unaccepted");
    assert_eq!(alert["conversation"]["id"], id.as_str());
    assert_eq!(alert["seconds"], 30);
    // The agent gets the louder offer, not the managers' alert.
    assert!(!settled(&mut alice).await.contains("\"alert\""));
    let view = live(&app).await;
    assert_eq!(view["waiting"][0]["alerted"], true);
    assert_eq!(view["longest_wait_seconds"], 30);

    // Fired once.
    app.clock.advance(Duration::from_secs(600));
    app.two_timer_rounds().await;
    assert!(!settled(&mut dana).await.contains("unaccepted"));
    assert!(!settled(&mut alice).await.contains("urgent"));
}

#[tokio::test]
async fn an_agent_who_does_not_answer_is_alerted_then_the_session_goes_back_and_managers_hear() {
    let app = spawn().await;
    set_guards(&app, 0, 60).await;
    let mut alice = Ws::open(&app, "alice").await;
    let mut bob = Ws::open(&app, "bob").await;
    let mut dana = Ws::open(&app, "dana").await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Outlook keeps asking for my password").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let accepted = app
        .signed_in("alice")
        .await
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);

    // The greeting posted on Accept is no answer: at 60 s alice is alerted, nobody else.
    app.clock.advance(Duration::from_secs(60) - MS);
    app.two_timer_rounds().await;
    assert!(!settled(&mut alice).await.contains("no_reply"));
    app.clock.advance(MS);
    let alert = alice.find(|f| f["type"] == "alert").await;
    assert_eq!(alert["kind"], "no_reply");
    assert_eq!(alert["conversation"]["id"], id.as_str());
    assert_eq!(alert["seconds"], 60);
    assert!(!settled(&mut bob).await.contains("no_reply"));
    assert!(!settled(&mut dana).await.contains("no_reply"));

    // As long again: back to the front of the queue, the managers told why.
    app.clock.advance(Duration::from_secs(60));
    let back = dana
        .find(|f| f["type"] == "alert" && f["kind"] == "returned_unanswered")
        .await;
    assert_eq!(back["conversation"]["id"], id.as_str());
    assert_eq!(back["conversation"]["state"], "queued");
    assert_eq!(
        back["conversation"]["returned_from"]["display_name"],
        "Alice Agent"
    );
    bob.find(|f| f["type"] == "offer" && f["conversation"]["id"] == id.as_str())
        .await;
    let entries = get_json(&carol, app.url(&format!("/api/conversations/{id}/entries"))).await;
    assert!(entries.to_string().contains("Alice Agent did not answer"));
    let view = live(&app).await;
    assert_eq!(view["waiting"][0]["id"], id.as_str());
    assert_eq!(
        view["waiting"][0]["returned_from"]["display_name"],
        "Alice Agent"
    );
}

#[tokio::test]
async fn a_comment_answers_the_guard_and_a_guard_set_to_zero_never_fires() {
    let app = spawn().await;
    set_guards(&app, 0, 60).await;
    let mut alice = Ws::open(&app, "alice").await;
    let alice_http = app.signed_in("alice").await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "VPN").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let accepted = alice_http
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    app.clock.advance(Duration::from_secs(30));
    let sent = post_json(
        &alice_http,
        app.url(&format!("/api/conversations/{id}/entries")),
        &json!({"client_id": "r1", "kind": "comment", "body": "Let me look"}),
    )
    .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    // Before the inactivity warning (2 min after her comment).
    app.clock.advance(Duration::from_secs(100));
    app.two_timer_rounds().await;
    assert!(!settled(&mut alice).await.contains("no_reply"));
    let conv = get_json(&carol, app.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(conv["state"], "active");

    // Off: a waiting session stays unalerted however long it waits.
    let mut dana = Ws::open(&app, "dana").await;
    let frank = frank(&app).await;
    let (status, other) = start(&app, &frank, "Printer").await;
    assert!(status.is_success(), "{status} {other}");
    app.clock.advance(Duration::from_secs(3600));
    app.two_timer_rounds().await;
    assert!(!settled(&mut dana).await.contains("unaccepted"));
}

#[tokio::test]
async fn guards_are_stored_and_fire_after_a_restart() {
    let app = spawn().await;
    set_guards(&app, 20, 0).await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Keyboard").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let app = app.restart(|c| c.timer_poll_ms = 2).await;
    let mut dana = Ws::open(&app, "dana").await;
    app.clock.advance(Duration::from_secs(20));
    let alert = dana.find(|f| f["type"] == "alert").await;
    assert_eq!(alert["kind"], "unaccepted");
    assert_eq!(alert["conversation"]["id"], id.as_str());
}

#[tokio::test]
async fn the_live_view_counts_the_day_and_managers_hear_when_it_changes() {
    let app = spawn().await;
    let mut dana = Ws::open(&app, "dana").await;
    let mut alice_ws = Ws::open(&app, "alice").await;
    let queue = queue_id(&app).await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Wi-Fi").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let activity = dana.find(|f| f["type"] == "queue_activity").await;
    assert_eq!(activity["queue"], queue.as_str());
    // Agents do not get it.
    assert!(!settled(&mut alice_ws).await.contains("queue_activity"));

    let view = live(&app).await;
    assert_eq!(view["figures"]["started"], 1);
    assert_eq!(
        view["waiting"][0]["customer"]["display_name"],
        "Carol Customer"
    );
    let alice = app.signed_in("alice").await;
    app.clock.advance(Duration::from_secs(12));
    let accepted = alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    dana.find(|f| f["type"] == "queue_activity").await;
    app.clock.advance(Duration::from_secs(30));
    let ended = alice
        .post(app.url(&format!("/api/conversations/{id}/end")))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::OK);
    // Whatever came before (the end, agents' presence) is read.
    settled(&mut dana).await;
    dana.discard(|f| f["type"] == "queue_activity");
    let rated = post_json(
        &carol,
        app.url(&format!("/api/conversations/{id}/survey")),
        &json!({"rating": 4}),
    )
    .await;
    assert_eq!(rated.status(), StatusCode::CREATED);
    // The rating is in the figures: managers hear of it.
    dana.find(|f| f["type"] == "queue_activity").await;
    let view = live(&app).await;
    let f = &view["figures"];
    assert_eq!(
        (
            f["started"].clone(),
            f["accepted"].clone(),
            f["ended"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    assert_eq!(f["median_accept_seconds"], 12);
    assert_eq!(f["median_handling_seconds"], 30);
    assert_eq!(f["rating"], json!({"count": 1, "average": 4.0}));
    assert_eq!(f["per_agent"][0]["user"]["display_name"], "Alice Agent");
    assert_eq!(f["per_agent"][0]["rating"]["count"], 1);
    let alice_row = view["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user"]["display_name"] == "Alice Agent")
        .expect("alice is listed");
    assert_eq!(alice_row["status"], "available");
    assert_eq!(alice_row["in_group"], true);

    // Figures since a later time count nothing; a bad or far `since` is refused; agents 403.
    let dana_http = app.signed_in("dana").await;
    let later = get_json(
        &dana_http,
        app.url(&format!(
            "/api/queues/{queue}/live?since=2999-01-01T00:00:00Z"
        )),
    )
    .await;
    assert_eq!(later["error"]["field"], "since");
    let far = dana_http
        .get(app.url(&format!(
            "/api/queues/{queue}/live?since=1999-01-01T00:00:00Z"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(far.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let agent = alice
        .get(app.url(&format!("/api/queues/{queue}/live")))
        .send()
        .await
        .unwrap();
    assert_eq!(agent.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_agent_removed_from_the_group_keeps_their_session_until_a_manager_transfers_it() {
    let app = spawn().await;
    let mut bob_ws = Ws::open(&app, "bob").await;
    let _alice_ws = Ws::open(&app, "alice").await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Phone").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let bob = app.signed_in("bob").await;
    let accepted = bob
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    let dana = app.signed_in("dana").await;
    let group = get_json(&dana, app.url("/api/groups")).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob_id = app.user_id("bob").await;
    let removed = dana
        .delete(app.url(&format!("/api/groups/{group}/members/{bob_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::OK);
    // Bob's socket is told his rights changed; he no longer gets the queue's offers.
    assert_eq!(bob_ws.closed().await, Some(4403));

    let view = live(&app).await;
    assert_eq!(view["needs_transfer"][0]["id"], id.as_str());
    assert_eq!(
        view["needs_transfer"][0]["assignee"]["display_name"],
        "Bob Agent"
    );
    let bob_row = view["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user"]["display_name"] == "Bob Agent")
        .expect("bob is listed while he holds a session");
    assert_eq!(bob_row["in_group"], false);
    assert_eq!(bob_row["sessions"][0]["needs_transfer"], true);
    // The manager reads it and moves it to a colleague of the group.
    let read = dana
        .get(app.url(&format!("/api/conversations/{id}/entries")))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let alice_id = app.user_id("alice").await;
    let moved = post_json(
        &dana,
        app.url(&format!("/api/conversations/{id}/transfer")),
        &json!({"to": alice_id}),
    )
    .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let view = live(&app).await;
    assert_eq!(view["needs_transfer"], json!([]));
    // Everyone reads who moved it, and from whom.
    let log = get_json(&carol, app.url(&format!("/api/conversations/{id}/entries"))).await;
    assert!(
        log.to_string()
            .contains("Dana Manager transferred the chat from Bob Agent to Alice Agent."),
        "{log}"
    );
}

/// `who` (signed in) accepts session `id`.
async fn accept(app: &TestApp, who: &str, id: &str) {
    let accepted = app
        .signed_in(who)
        .await
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK, "{who} accepts {id}");
}

/// A second customer, signed in.
async fn frank(app: &TestApp) -> reqwest::Client {
    let admin = app.signed_in("admin").await;
    let made = post_json(
        &admin,
        app.url("/api/admin/users"),
        &json!({"username": "frank", "display_name": "Frank Customer",
                "password": "frank-password", "roles": ["customer"]}),
    )
    .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let frank = app.client();
    let signed = app.try_sign_in(&frank, "frank", "frank-password").await;
    assert_eq!(signed.status(), StatusCode::OK);
    frank
}

#[tokio::test]
async fn an_accept_in_time_or_a_customer_who_leaves_clears_the_offer_guard() {
    let app = spawn().await;
    set_guards(&app, 30, 0).await;
    let mut dana = Ws::open(&app, "dana").await;
    let _alice = Ws::open(&app, "alice").await;
    let carol = app.signed_in("carol").await;
    let (_, taken) = start(&app, &carol, "Taken in time").await;
    let frank = frank(&app).await;
    let (_, left) = start(&app, &frank, "Leaves").await;
    app.clock.advance(Duration::from_secs(29));
    accept(&app, "alice", taken["id"].as_str().unwrap()).await;
    let ended = frank
        .post(app.url(&format!(
            "/api/conversations/{}/end",
            left["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::OK);
    app.clock.advance(Duration::from_secs(600));
    app.two_timer_rounds().await;
    assert!(!settled(&mut dana).await.contains("unaccepted"));
}

#[tokio::test]
async fn a_transfer_restarts_the_reply_guard_for_the_new_agent() {
    let app = spawn().await;
    set_guards(&app, 0, 60).await;
    let mut alice = Ws::open(&app, "alice").await;
    let mut bob = Ws::open(&app, "bob").await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Transfer me").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    accept(&app, "alice", &id).await;
    app.clock.advance(Duration::from_secs(50));
    let bob_id = app.user_id("bob").await;
    let moved = post_json(
        &app.signed_in("alice").await,
        app.url(&format!("/api/conversations/{id}/transfer")),
        &json!({"to": bob_id}),
    )
    .await;
    assert_eq!(moved.status(), StatusCode::OK);
    // Alice's deadline (60 s) passes: nobody is alerted; bob's is 60 s from the transfer.
    app.clock.advance(Duration::from_secs(59));
    app.two_timer_rounds().await;
    assert!(!settled(&mut alice).await.contains("no_reply"));
    assert!(!settled(&mut bob).await.contains("no_reply"));
    app.clock.advance(Duration::from_secs(1));
    let alert = bob.find(|f| f["type"] == "alert").await;
    assert_eq!(alert["kind"], "no_reply");
    assert!(!settled(&mut alice).await.contains("no_reply"));
}

#[tokio::test]
async fn a_comment_after_the_alert_keeps_the_session_and_the_return_fires_once_first() {
    let app = spawn().await;
    set_guards(&app, 0, 60).await;
    let mut alice = Ws::open(&app, "alice").await;
    let mut dana = Ws::open(&app, "dana").await;
    let alice_http = app.signed_in("alice").await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Answer me").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    accept(&app, "alice", &id).await;
    app.clock.advance(Duration::from_secs(60));
    alice.find(|f| f["type"] == "alert").await;
    let sent = post_json(
        &alice_http,
        app.url(&format!("/api/conversations/{id}/entries")),
        &json!({"client_id": "late", "kind": "comment", "body": "Sorry, here now"}),
    )
    .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    app.clock.advance(Duration::from_secs(100));
    app.two_timer_rounds().await;
    assert!(!settled(&mut dana).await.contains("returned_unanswered"));
    let now = get_json(&carol, app.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(now["state"], "active");

    // Another session alice never answers: told before its `returned` frame, once.
    let frank = frank(&app).await;
    let (_, other) = start(&app, &frank, "Never answered").await;
    let other = other["id"].as_str().unwrap().to_owned();
    accept(&app, "alice", &other).await;
    app.clock.advance(Duration::from_secs(60));
    alice
        .find(|f| f["type"] == "alert" && f["conversation"]["id"] == other.as_str())
        .await;
    app.clock.advance(Duration::from_secs(60));
    let frames = dana
        .until(|f| f["type"] == "returned" && f["conversation"]["id"] == other.as_str())
        .await;
    let told = frames
        .iter()
        .position(|f| f["type"] == "alert" && f["kind"] == "returned_unanswered")
        .expect("the alert comes before the returned frame");
    assert_eq!(frames[told]["seconds"], 120);
    app.clock.advance(Duration::from_secs(600));
    app.two_timer_rounds().await;
    assert!(!settled(&mut dana).await.contains("returned_unanswered"));
}

#[tokio::test]
async fn a_pending_guard_keeps_its_seconds_and_turning_the_guard_off_drops_it() {
    let app = spawn().await;
    set_guards(&app, 20, 0).await;
    let mut dana = Ws::open(&app, "dana").await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Keeps its setting").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    // A new value applies to the next session: this one still fires at 20 s, saying 20.
    set_guards(&app, 500, 0).await;
    app.clock.advance(Duration::from_secs(20));
    let alert = dana
        .find(|f| f["type"] == "alert" && f["conversation"]["id"] == id.as_str())
        .await;
    assert_eq!(alert["seconds"], 20);

    // Off: the pending guard of a session waiting now is dropped.
    let frank = frank(&app).await;
    let (_, other) = start(&app, &frank, "Off").await;
    assert_eq!(other["state"], "queued");
    set_guards(&app, 0, 0).await;
    app.clock.advance(Duration::from_secs(600));
    app.two_timer_rounds().await;
    let pending = settled(&mut dana).await;
    assert!(!pending.contains("\"type\":\"alert\""), "{pending}");
}

#[tokio::test]
async fn a_reply_guard_survives_a_restart() {
    let app = spawn().await;
    set_guards(&app, 0, 30).await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Restart").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    {
        let _alice = Ws::open(&app, "alice").await;
        accept(&app, "alice", &id).await;
    }
    let app = app.restart(|c| c.timer_poll_ms = 2).await;
    // Back before her grace runs out: the session stays hers, and the guard still counts.
    let mut alice = Ws::open(&app, "alice").await;
    app.clock.advance(Duration::from_secs(30));
    let alert = alice.find(|f| f["type"] == "alert").await;
    assert_eq!(alert["kind"], "no_reply");
    assert_eq!(alert["conversation"]["id"], id.as_str());
}
