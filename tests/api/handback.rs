//! No chat is stranded: a session whose agent is gone goes back to the front of the queue —
//! after the queue's grace when the agent's last socket closes (or the server restarts and
//! they do not come back), at once when they sign out handing it back. Time is the injected
//! clock; the timer worker's rounds are counted in /metrics.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard::clock::Clock;
use switchboard::domain::session::Absence;
use switchboard::domain::{ConversationId, Timestamp, UserId};
use switchboard::storage::Db;

use crate::helpers::{START, TestApp, error_of, get_json, post_json};
use crate::sessions::{entries, queue_id, start};
use crate::socket::Ws;

const MS: Duration = Duration::from_millis(1);
const GRACE: Duration = Duration::from_secs(60);
const NOTICE: &str = "Bob Agent had to leave. You keep your place at the front of the queue.";

async fn spawn() -> TestApp {
    TestApp::spawn_with(|c| c.timer_poll_ms = 2).await
}

async fn db(app: &TestApp) -> Db {
    app.db().await
}

fn conv_id(id: &str) -> ConversationId {
    ConversationId(id.parse().unwrap())
}

/// The absence of `assignee`, due at `due`.
fn absent(assignee: UserId, due: Timestamp) -> Option<Absence> {
    Some(Absence { assignee, due })
}

/// A demo user's id.
async fn user(app: &TestApp, name: &str) -> UserId {
    UserId(app.user_id(name).await.parse().unwrap())
}

/// Waits until the session's absence is as `want` (the socket's end is noticed in a task).
async fn absence_is(db: &Db, id: &str, want: Option<Absence>) {
    let waited = tokio::time::timeout(Duration::from_secs(10), async {
        while db.absence(conv_id(id)).await.unwrap() != want {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "absence of {id} never became {want:?}");
}

/// carol starts a session and bob accepts it over his socket; returns its id.
async fn bobs_session(app: &TestApp, bob: &mut Ws) -> String {
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(app, &carol, "VPN drops every hour").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    bob.send(json!({"type": "accept", "ref": "a", "conversation": id}))
        .await;
    bob.find(|f| f["type"] == "ack" && f["ref"] == "a").await;
    id
}

async fn conversation(app: &TestApp, who: &str, id: &str) -> Value {
    get_json(
        &app.signed_in(who).await,
        app.url(&format!("/api/conversations/{id}")),
    )
    .await
}

/// bob accepts carol's session over his socket and closes it at [`START`]; returns a handle on
/// the database, the session's id and bob's id once his absence is counted from then.
async fn bob_went_at_start(app: &TestApp) -> (Db, String, UserId) {
    let db = db(app).await;
    let mut bob = Ws::open(app, "bob").await;
    let id = bobs_session(app, &mut bob).await;
    bob.close().await;
    let bob_id = user(app, "bob").await;
    absence_is(&db, &id, absent(bob_id, START.plus(GRACE))).await;
    (db, id, bob_id)
}

#[tokio::test]
async fn an_agent_offline_past_the_grace_gives_the_session_back_to_the_front_of_the_queue() {
    let app = spawn().await;
    let db = db(&app).await;
    // ivan has waited since before carol came (an older session), unanswered.
    let ivan = app.signed_in("ivan").await;
    let (_, waiting) = start(&app, &ivan, "Printer jam").await;
    let waiting = waiting["id"].as_str().unwrap().to_owned();
    let mut bob = Ws::open(&app, "bob").await;
    let id = bobs_session(&app, &mut bob).await;
    assert!(
        waiting.parse::<i64>().unwrap() < id.parse::<i64>().unwrap(),
        "ivan's session is the older"
    );
    assert_eq!(
        conversation(&app, "ivan", &waiting).await["position"],
        1,
        "first while carol is served"
    );
    let mut carol_ws = Ws::open(&app, "carol").await;
    let mut ivan_ws = Ws::open(&app, "ivan").await;
    let mut alice = Ws::open(&app, "alice").await;
    let mut admin = Ws::open(&app, "admin").await;

    // bob's browser closes: the grace starts now.
    bob.close().await;
    let bob_id = user(&app, "bob").await;
    absence_is(&db, &id, absent(bob_id, START.plus(GRACE))).await;
    app.clock.advance(GRACE - MS);
    app.two_timer_rounds().await;
    let conv = conversation(&app, "carol", &id).await;
    assert_eq!(conv["state"], "active", "still bob's at 0:59.999");
    assert_eq!(conv["assignee"]["display_name"], "Bob Agent");

    app.clock.advance(MS);
    // carol reads the honest notice and waits first in line.
    let notice = carol_ws.entry_with(&id, "had to leave").await;
    assert_eq!(notice["event"], "handed_back");
    assert_eq!(notice["body"], NOTICE);
    let back = carol_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str() && f["state"] == "queued")
        .await;
    assert_eq!(back["position"], 1, "at the front, ahead of ivan");
    assert!(back.get("assignee").is_none(), "nobody is assigned: {back}");
    assert_eq!(back["returned_from"]["display_name"], "Bob Agent");
    assert_eq!(back["returned_at"], "2026-01-05T09:01:00.000Z");
    // ivan, who arrived later, is now second.
    let moved = ivan_ws
        .find(|f| f["type"] == "conversation" && f["id"] == waiting.as_str() && f["position"] != 1)
        .await;
    assert_eq!(moved["position"], 2, "{moved}");
    // The group is offered it again, saying whose it was.
    let offer = alice
        .find(|f| f["type"] == "offer" && f["conversation"]["id"] == id.as_str())
        .await;
    assert_eq!(
        offer["conversation"]["returned_from"]["display_name"],
        "Bob Agent"
    );
    assert_eq!(offer["conversation"]["position"], 1);
    // Managers and admins hear of it even outside the group.
    let told = admin.find(|f| f["type"] == "returned").await;
    assert_eq!(told["conversation"]["id"], id.as_str());
    assert_eq!(
        told["conversation"]["returned_from"]["display_name"],
        "Bob Agent"
    );
    assert_eq!(db.absence(conv_id(&id)).await.unwrap(), None, "fired once");
    // The queue's list shows the same order.
    let queue = queue_id(&app).await;
    let listed = get_json(
        &app.signed_in("alice").await,
        app.url(&format!("/api/queues/{queue}/sessions")),
    )
    .await;
    let order: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, [id.as_str(), waiting.as_str()]);

    // No inactivity clock while she waits.
    app.clock.advance(Duration::from_secs(600));
    app.two_timer_rounds().await;
    assert_eq!(conversation(&app, "carol", &id).await["state"], "queued");

    // alice accepts it: carol chats with alice.
    alice
        .send(json!({"type": "accept", "ref": "b", "conversation": id}))
        .await;
    alice.find(|f| f["type"] == "ack" && f["ref"] == "b").await;
    let conv = conversation(&app, "carol", &id).await;
    assert_eq!(conv["state"], "active");
    assert_eq!(conv["assignee"]["display_name"], "Alice Agent");
    assert!(
        conv.get("returned_from").is_none(),
        "only while it waits: {conv}"
    );
    let log = entries(&app, &app.signed_in("carol").await, &id).await;
    let handed: Vec<&Value> = log.iter().filter(|e| e["event"] == "handed_back").collect();
    assert_eq!(handed.len(), 1, "one notice");
    // The `returned` frame is for managers and admins only: an agent (told by the offer) and
    // the customers never get one. Their sockets have taken frames pushed after it.
    carol_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str() && f["state"] == "active")
        .await;
    ivan_ws
        .find(|f| f["type"] == "conversation" && f["id"] == waiting.as_str() && f["position"] == 1)
        .await;
    for (who, ws) in [("alice", &alice), ("carol", &carol_ws), ("ivan", &ivan_ws)] {
        assert!(
            !ws.pending_text().contains(r#""type":"returned""#),
            "{who} got a returned frame"
        );
    }
}

#[tokio::test]
async fn an_agent_back_within_the_grace_keeps_the_session() {
    let app = spawn().await;
    let (db, id, _) = bob_went_at_start(&app).await;
    // A reload: bob is back after 30 s.
    app.clock.advance(Duration::from_secs(30));
    let _bob = Ws::open(&app, "bob").await;
    absence_is(&db, &id, None).await;
    app.clock.advance(GRACE * 2);
    app.two_timer_rounds().await;
    let conv = conversation(&app, "carol", &id).await;
    assert_eq!(conv["state"], "active");
    assert_eq!(conv["assignee"]["display_name"], "Bob Agent");
}

/// An agent's absence counts from when their socket ended, however late that is recorded: a
/// record arriving after the clock moved on (another node's, once its sweep counted the absence
/// already) neither restarts the grace nor brings it forward; only a later end of theirs pushes
/// it out. (On two nodes a late record stamped with the time it was written put the due time
/// out of reach.)
#[tokio::test]
async fn an_absence_counts_from_the_sockets_end_however_late_it_is_recorded() {
    let app = spawn().await;
    let (db, id, bob_id) = bob_went_at_start(&app).await;
    app.clock.advance(Duration::from_secs(30));
    // The end of an earlier socket of his, recorded late: the grace is not brought forward.
    let earlier = Timestamp(START.0 - 10_000);
    assert_eq!(db.mark_absent(bob_id, earlier).await.unwrap(), 1);
    absence_is(&db, &id, absent(bob_id, START.plus(GRACE))).await;
    // The same end recorded again after the clock moved on: the grace does not restart.
    db.mark_absent(bob_id, START).await.unwrap();
    absence_is(&db, &id, absent(bob_id, START.plus(GRACE))).await;
    // A later end of his (he was on another node until then): counted from it.
    let later = START.plus(Duration::from_secs(5));
    db.mark_absent(bob_id, later).await.unwrap();
    absence_is(&db, &id, absent(bob_id, later.plus(GRACE))).await;
    app.clock.advance(GRACE - Duration::from_secs(25) - MS);
    app.two_timer_rounds().await;
    let conv = conversation(&app, "carol", &id).await;
    assert_eq!(
        conv["state"], "active",
        "not before a grace after his last end"
    );
    app.clock.advance(MS);
    absence_is(&db, &id, None).await;
    let conv = conversation(&app, "carol", &id).await;
    assert_eq!(
        conv["state"], "queued",
        "back in the queue a grace after he went"
    );
}

/// The end of an agent's last socket is stamped when it happens, not when its record is written:
/// here the record waits (the table of each node's sockets is locked, as by a slow database)
/// while the clock moves on 30 s, and the grace still counts from the end. PostgreSQL only: the
/// wait is a table lock, and it is there that the record reads the other nodes' sockets first.
#[tokio::test]
async fn a_record_of_a_sockets_end_that_waits_counts_the_grace_from_the_end() {
    use sqlx::Connection;
    if !crate::pg::on_postgres() {
        eprintln!(
            "the wait is a PostgreSQL table lock: run with SWITCHBOARD_TEST_BACKEND=postgres"
        );
        return;
    }
    // No timer round during the test: only the socket's end records the absence.
    let app = TestApp::spawn_with(|c| c.timer_poll_ms = 3_600_000).await;
    let db = db(&app).await;
    let mut bob = Ws::open(&app, "bob").await;
    let id = bobs_session(&app, &mut bob).await;
    let bob_id = user(&app, "bob").await;
    let mut lock = sqlx::PgConnection::connect(&app.config.database_url)
        .await
        .expect("a connection of the test's own");
    sqlx::query("BEGIN").execute(&mut lock).await.unwrap();
    sqlx::query("LOCK TABLE node_sockets IN ACCESS EXCLUSIVE MODE")
        .execute(&mut lock)
        .await
        .unwrap();
    bob.close().await;
    let mut watcher = sqlx::PgConnection::connect(&app.config.database_url)
        .await
        .unwrap();
    let waited = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM node_sockets%'",
            )
            .fetch_one(&mut watcher)
            .await
            .unwrap();
            if waiting > 0 {
                return;
            }
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "the record of bob's socket end never waited on the lock"
    );
    app.clock.advance(Duration::from_secs(30));
    sqlx::query("COMMIT").execute(&mut lock).await.unwrap();
    absence_is(&db, &id, absent(bob_id, START.plus(GRACE))).await;
}

/// An absence that falls due while its agent is connected (they came back between the socket's
/// end and its record) is forgotten, not fired.
#[tokio::test]
async fn an_absence_due_while_its_agent_is_online_is_forgotten() {
    let app = spawn().await;
    let db = db(&app).await;
    let mut bob = Ws::open(&app, "bob").await;
    let id = bobs_session(&app, &mut bob).await;
    let bob_id = user(&app, "bob").await;
    // As if a late record of an old socket's end: written while bob is connected.
    assert_eq!(db.mark_absent(bob_id, app.clock.now()).await.unwrap(), 1);
    app.clock.advance(GRACE);
    absence_is(&db, &id, None).await;
    let conv = conversation(&app, "carol", &id).await;
    assert_eq!(conv["state"], "active");
    assert_eq!(conv["assignee"]["display_name"], "Bob Agent");
}

#[tokio::test]
async fn signing_out_with_hand_back_returns_the_sessions_at_once() {
    let app = spawn().await;
    let mut bob = Ws::open(&app, "bob").await;
    let id = bobs_session(&app, &mut bob).await;
    let mut alice = Ws::open(&app, "alice").await;
    let mut carol_ws = Ws::open(&app, "carol").await;
    let bob_client = app.signed_in("bob").await;

    let refused = bob_client
        .delete(app.url("/api/session?hand_back=maybe"))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_of(refused).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
    );
    assert!(message.contains("hand_back"), "{message}");

    let out = bob_client
        .delete(app.url("/api/session?hand_back=true"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    // No clock moved: at once.
    let notice = carol_ws.entry_with(&id, "had to leave").await;
    assert_eq!(notice["body"], NOTICE);
    let offer = alice
        .find(|f| f["type"] == "offer" && f["conversation"]["id"] == id.as_str())
        .await;
    assert_eq!(
        offer["conversation"]["returned_from"]["display_name"],
        "Bob Agent"
    );
    assert_eq!(conversation(&app, "carol", &id).await["state"], "queued");
    // Signed out indeed.
    let me = bob_client.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signing_out_without_hand_back_leaves_the_grace_to_run() {
    let app = spawn().await;
    // bob's browser: one sign-in, its socket.
    let cookie = app.session_cookie("bob").await;
    let (mut bob, _) = Ws::connect_with(&app, "bob", &cookie, json!({})).await;
    let id = bobs_session(&app, &mut bob).await;
    let db = db(&app).await;
    let out = app
        .client()
        .delete(app.url("/api/session?cache=1"))
        .header("cookie", &cookie)
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.status(),
        StatusCode::NO_CONTENT,
        "an unknown parameter keeps nobody in"
    );
    // The sign-out closes the browser's socket itself; the grace starts.
    assert_eq!(bob.closed().await, Some(4401));
    assert_eq!(conversation(&app, "carol", &id).await["state"], "active");
    absence_is(&db, &id, absent(user(&app, "bob").await, START.plus(GRACE))).await;
    app.clock.advance(GRACE);
    let mut carol_ws = Ws::open(&app, "carol").await;
    carol_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str() && f["state"] == "queued")
        .await;
}

/// An agent who takes a session with no socket open (over HTTP) and never connects is gone
/// too: the timer's sweep counts the grace for them.
#[tokio::test]
async fn a_session_taken_without_a_socket_goes_back_after_the_grace() {
    let app = spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Outlook keeps asking for my password").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let accepted = app
        .signed_in("bob")
        .await
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    let db = db(&app).await;
    absence_is(&db, &id, absent(user(&app, "bob").await, START.plus(GRACE))).await;
    app.clock.advance(GRACE);
    let mut carol_ws = Ws::open(&app, "carol").await;
    let back = carol_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str() && f["state"] == "queued")
        .await;
    assert_eq!(back["returned_from"]["display_name"], "Bob Agent");
}

/// A transfer moves the absence to whoever holds the session: the old assignee's absence
/// strands nothing and hands back nothing; the new one's counts.
#[tokio::test]
async fn an_absence_follows_the_session_to_its_new_assignee() {
    let app = spawn().await;
    let (db, id, _) = bob_went_at_start(&app).await;
    // 10 s later dana, a manager, transfers it to alice, who is online.
    app.clock.advance(Duration::from_secs(10));
    let mut alice = Ws::open(&app, "alice").await;
    let alice_id = app.user_id("alice").await;
    let moved = post_json(
        &app.signed_in("dana").await,
        app.url(&format!("/api/conversations/{id}/transfer")),
        &json!({"to": alice_id}),
    )
    .await;
    assert_eq!(moved.status(), StatusCode::OK);
    // bob's absence falls due: alice holds it, nothing goes back.
    app.clock.advance(Duration::from_secs(50));
    absence_is(&db, &id, None).await;
    let conv = conversation(&app, "carol", &id).await;
    assert_eq!(conv["state"], "active");
    assert_eq!(conv["assignee"]["display_name"], "Alice Agent");
    // Then alice's browser closes: her grace counts.
    alice
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str())
        .await;
    alice.close().await;
    absence_is(
        &db,
        &id,
        absent(
            UserId(alice_id.parse().unwrap()),
            START.plus(Duration::from_secs(60)).plus(GRACE),
        ),
    )
    .await;
    app.clock.advance(GRACE);
    let mut carol_ws = Ws::open(&app, "carol").await;
    let back = carol_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str() && f["state"] == "queued")
        .await;
    assert_eq!(back["returned_from"]["display_name"], "Alice Agent");
}

/// A late record of an old socket's end, then a real one a minute later: the grace counts from
/// the last, never from the stale row (a one-second blip must not hand the session back).
#[tokio::test]
async fn a_socket_end_counts_the_grace_from_itself() {
    let app = spawn().await;
    let db = db(&app).await;
    let mut bob = Ws::open(&app, "bob").await;
    let id = bobs_session(&app, &mut bob).await;
    let bob_id = user(&app, "bob").await;
    assert_eq!(db.mark_absent(bob_id, app.clock.now()).await.unwrap(), 1);
    app.clock.advance(GRACE - Duration::from_secs(1));
    bob.close().await;
    absence_is(
        &db,
        &id,
        absent(
            bob_id,
            START.plus(GRACE - Duration::from_secs(1)).plus(GRACE),
        ),
    )
    .await;
    app.clock.advance(Duration::from_secs(2));
    app.two_timer_rounds().await;
    assert_eq!(conversation(&app, "carol", &id).await["state"], "active");
}

/// Several sessions handed back at once keep their order among themselves (by arrival), all
/// ahead of those never accepted; every answer tells the same places.
#[tokio::test]
async fn sessions_handed_back_together_wait_in_arrival_order_at_the_front() {
    let app = spawn().await;
    let admin = app.signed_in("admin").await;
    let created = post_json(
        &admin,
        app.url("/api/admin/users"),
        &json!({"username": "erin", "display_name": "Erin Customer", "password": "erin-password", "roles": ["customer"]}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let erin = app.client();
    assert_eq!(
        app.try_sign_in(&erin, "erin", "erin-password")
            .await
            .status(),
        StatusCode::OK
    );
    let ivan = app.signed_in("ivan").await;
    let carol = app.signed_in("carol").await;
    let id_of = |v: Value| v["id"].as_str().unwrap().to_owned();
    let first = id_of(start(&app, &ivan, "Monitor flickers").await.1);
    let second = id_of(start(&app, &carol, "VPN drops every hour").await.1);
    let third = id_of(start(&app, &erin, "New starter needs a laptop").await.1);
    let bob = app.signed_in("bob").await;
    for id in [&third, &second] {
        let accepted = bob
            .post(app.url(&format!("/api/conversations/{id}/accept")))
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.status(), StatusCode::OK);
    }
    let out = bob
        .delete(app.url("/api/session?hand_back=true"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let queue = queue_id(&app).await;
    let dana = app.signed_in("dana").await;
    let listed = get_json(&dana, app.url(&format!("/api/queues/{queue}/sessions"))).await;
    let order: Vec<(String, i64)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["position"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [(second.clone(), 1), (third.clone(), 2), (first.clone(), 3)],
        "the two back from bob first, by arrival; then ivan"
    );
    for (id, place) in [(&second, 1), (&third, 2), (&first, 3)] {
        let one = get_json(&dana, app.url(&format!("/api/conversations/{id}"))).await;
        assert_eq!(one["position"], place, "{id}");
    }
}

#[tokio::test]
async fn only_the_assignee_or_a_manager_hands_a_session_back() {
    let app = spawn().await;
    let mut bob = Ws::open(&app, "bob").await;
    let id = bobs_session(&app, &mut bob).await;
    let url = app.url(&format!("/api/conversations/{id}/hand-back"));
    for who in ["alice", "carol"] {
        let refused = app.signed_in(who).await.post(&url).send().await.unwrap();
        let (status, code, _) = error_of(refused).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{who}"
        );
    }
    let ivan = app.signed_in("ivan").await.post(&url).send().await.unwrap();
    assert_eq!(ivan.status(), StatusCode::NOT_FOUND, "not his to see");

    let back = app.signed_in("bob").await.post(&url).send().await.unwrap();
    assert_eq!(back.status(), StatusCode::OK);
    let back: Value = back.json().await.unwrap();
    assert_eq!(back["state"], "queued");
    assert_eq!(back["returned_from"]["display_name"], "Bob Agent");

    // Queued now. bob's retry (a lost answer) is answered the same, nothing more stored; a
    // colleague is told there is nothing to hand back.
    let again = app.signed_in("bob").await.post(&url).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["last_seq"], back["last_seq"], "nothing more stored");
    let colleague = app
        .signed_in("alice")
        .await
        .post(&url)
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(colleague).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "not_active")
    );
    // dana takes it, and as a manager may hand it back too.
    let dana = app.signed_in("dana").await;
    let accepted = dana
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    let by_manager = dana.post(&url).send().await.unwrap();
    assert_eq!(by_manager.status(), StatusCode::OK);
    let by_manager: Value = by_manager.json().await.unwrap();
    assert_eq!(by_manager["returned_from"]["display_name"], "Dana Manager");

    let carol = app.signed_in("carol").await;
    let end = carol
        .post(app.url(&format!("/api/conversations/{id}/end")))
        .send()
        .await
        .unwrap();
    assert_eq!(end.status(), StatusCode::OK);
    let closed = dana.post(&url).send().await.unwrap();
    let (status, code, _) = error_of(closed).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "session_closed")
    );
    let unknown = dana
        .post(app.url("/api/conversations/999999/hand-back"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

/// Durable: a server stopped while a session is active gives its agent the whole grace from
/// the new start; an agent who never comes back does not strand it.
#[tokio::test]
async fn after_a_restart_an_agent_who_does_not_come_back_gives_the_session_back() {
    let app = spawn().await;
    let id = {
        let mut bob = Ws::open(&app, "bob").await;
        bobs_session(&app, &mut bob).await
    };
    // A long stop: five minutes pass while the server is down.
    let mut app = app;
    app.stop().await;
    app.clock.advance(Duration::from_secs(300));
    let app = app.restart(|_| {}).await;
    let db = db(&app).await;
    let restarted = app.clock.now();
    assert_eq!(
        db.absence(conv_id(&id)).await.unwrap().map(|a| a.due),
        Some(restarted.plus(GRACE)),
        "the whole grace from the new start"
    );
    app.clock.advance(GRACE - MS);
    app.two_timer_rounds().await;
    assert_eq!(conversation(&app, "carol", &id).await["state"], "active");
    app.clock.advance(MS);
    let mut carol_ws = Ws::open(&app, "carol").await;
    let back = carol_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str() && f["state"] == "queued")
        .await;
    assert_eq!(back["returned_from"]["display_name"], "Bob Agent");
}

#[tokio::test]
async fn the_grace_is_a_queue_setting() {
    let app = spawn().await;
    let queue = queue_id(&app).await;
    let dana = app.signed_in("dana").await;
    let url = app.url(&format!("/api/queues/{queue}"));
    let shown = get_json(&dana, &url).await;
    assert_eq!(shown["assignee_grace_seconds"], 60, "the default");
    for bad in [json!(0), json!(86_401), json!("soon")] {
        let refused = dana
            .patch(&url)
            .json(&json!({"assignee_grace_seconds": bad}))
            .send()
            .await
            .unwrap();
        let (status, _, message) = error_of(refused).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(message.contains("assignee_grace_seconds"), "{message}");
    }
    let patched = dana
        .patch(&url)
        .json(&json!({"assignee_grace_seconds": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), StatusCode::OK);

    let db = db(&app).await;
    let mut bob = Ws::open(&app, "bob").await;
    let id = bobs_session(&app, &mut bob).await;
    bob.close().await;
    absence_is(
        &db,
        &id,
        absent(user(&app, "bob").await, Timestamp(START.0 + 5_000)),
    )
    .await;
    app.clock.advance(Duration::from_secs(5));
    let mut carol_ws = Ws::open(&app, "carol").await;
    carol_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str() && f["state"] == "queued")
        .await;
    let created = post_json(
        &dana,
        app.url("/api/queues"),
        &json!({"name": "Field support", "group": shown["group"]["id"], "assignee_grace_seconds": 90}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["assignee_grace_seconds"], 90);
}
