//! Inactivity timers with the injected clock: no test waits for real minutes. The timer
//! worker's rounds are counted in /metrics, so a test knows a round has passed.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard::domain::session::{Deadline, DeadlineKind};
use switchboard::domain::{ConversationId, Timestamp};
use switchboard::storage::{Act, CommandError, Db};

use crate::helpers::{START, TestApp, get_json};
use crate::sessions::{entries, post, start};
use crate::socket::Ws;

async fn spawn() -> TestApp {
    TestApp::spawn_with(|c| c.timer_poll_ms = 2).await
}

async fn db(app: &TestApp) -> Db {
    app.db().await
}

/// carol starts a session and alice, connected, accepts it (the greeting starts the clock);
/// returns its id and alice's socket (while it is open, the session stays hers).
async fn accepted_session(app: &TestApp) -> (String, Ws) {
    let alice_ws = Ws::open(app, "alice").await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(app, &carol, "Laptop will not charge").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let accepted = app
        .signed_in("alice")
        .await
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    (id, alice_ws)
}

fn conv_id(id: &str) -> ConversationId {
    ConversationId(id.parse().unwrap())
}

const MS: Duration = Duration::from_millis(1);

fn count_with(entries: &[Value], text: &str) -> usize {
    entries
        .iter()
        .filter(|e| e["body"].as_str().is_some_and(|b| b.contains(text)))
        .count()
}

#[tokio::test]
async fn the_warning_comes_at_exactly_two_minutes_and_the_close_one_minute_later() {
    let app = spawn().await;
    let (id, _alice) = accepted_session(&app).await;
    let db = db(&app).await;
    let warning_due = Timestamp(START.0 + 120_000);
    assert_eq!(
        db.deadline(conv_id(&id)).await.unwrap(),
        Some(Deadline {
            kind: DeadlineKind::Warning,
            due: warning_due
        })
    );
    let (mut carol_ws, _) = Ws::connect(&app, "carol", json!({})).await;
    let carol = app.signed_in("carol").await;

    app.clock.advance(Duration::from_secs(120) - MS);
    app.two_timer_rounds().await;
    assert_eq!(
        count_with(&entries(&app, &carol, &id).await, "still there"),
        0,
        "nothing at 1:59.999"
    );

    app.clock.advance(MS);
    let warning = carol_ws.entry_with(&id, "Are you still there?").await;
    // With it, the conversation's seconds left: the page's countdown starts from these.
    let told = carol_ws
        .find(|f| {
            f["type"] == "conversation"
                && f["id"] == id.as_str()
                && f.get("closes_in_seconds").is_some()
        })
        .await;
    assert_eq!(told["closes_in_seconds"], 60);
    assert_eq!(warning["event"], "inactivity_warning");
    assert_eq!(
        warning["at"], "2026-01-05T09:02:00.000Z",
        "at exactly 2 minutes"
    );
    assert!(
        warning["body"].as_str().unwrap().contains("1 minute"),
        "{warning}"
    );
    let close_due = Timestamp(warning_due.0 + 60_000);
    assert_eq!(
        db.deadline(conv_id(&id)).await.unwrap(),
        Some(Deadline {
            kind: DeadlineKind::Close,
            due: close_due
        })
    );
    let conv = get_json(&carol, app.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(
        conv["closes_in_seconds"], 60,
        "the page can count down without trusting its clock"
    );

    app.clock.advance(Duration::from_secs(60) - MS);
    app.two_timer_rounds().await;
    let conv: Value = get_json(&carol, app.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(conv["state"], "active", "still open at 2:59.999");
    assert_eq!(conv["closes_in_seconds"], 0);

    app.clock.advance(MS);
    let closed = carol_ws
        .find(|f| f["type"] == "conversation" && f["id"] == id.as_str() && f["state"] == "closed")
        .await;
    assert_eq!(closed["closed_reason"], "timed_out");
    assert_eq!(
        db.deadline(conv_id(&id)).await.unwrap(),
        None,
        "nothing left to fire"
    );
    let log = entries(&app, &carol, &id).await;
    assert_eq!(count_with(&log, "Are you still there?"), 1, "one warning");
    assert_eq!(log.last().unwrap()["event"], "closed");
}

/// A customer who is typing is not silent: each typing start holds the warning (and the close)
/// 15 s from then, but never more than 2 minutes past when it was due.
#[tokio::test]
async fn a_typing_customer_holds_the_clock_within_its_bound() {
    let app = spawn().await;
    // Alice never comments here: without this, the no-reply guard would hand the session back
    // at 4:00 (alerted at 2:00), exactly when the held warning falls due.
    let dana = app.signed_in("dana").await;
    let queue = crate::sessions::queue_id(&app).await;
    let off = dana
        .patch(app.url(&format!("/api/queues/{queue}")))
        .json(&json!({"reply_alert_seconds": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), StatusCode::OK);
    let (id, _alice) = accepted_session(&app).await;
    let db = db(&app).await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let typing = |who: &reqwest::Client| {
        let request = who
            .post(app.url(&format!("/api/conversations/{id}/typing")))
            .json(&json!({"active": true, "kind": "comment"}));
        async move {
            assert_eq!(
                request.send().await.unwrap().status(),
                StatusCode::NO_CONTENT
            );
        }
    };
    let due = |ms: i64| {
        Some(Deadline {
            kind: DeadlineKind::Warning,
            due: Timestamp(START.0 + ms),
        })
    };

    // 1:55: carol starts typing; the warning waits until 15 s from then.
    app.clock.advance(Duration::from_secs(115));
    typing(&carol).await;
    assert_eq!(db.deadline(conv_id(&id)).await.unwrap(), due(130_000));
    // The agent typing holds nothing.
    typing(&alice).await;
    assert_eq!(db.deadline(conv_id(&id)).await.unwrap(), due(130_000));
    app.clock.advance(Duration::from_secs(10));
    app.two_timer_rounds().await;
    assert_eq!(
        count_with(&entries(&app, &carol, &id).await, "still there"),
        0,
        "no warning at 2:05 while she types"
    );

    // She keeps typing every 10 s: held, but never past 2:00 + 2:00.
    for _ in 0..12 {
        typing(&carol).await;
        app.clock.advance(Duration::from_secs(10));
    }
    // Now 4:05: the hold ended at 4:00 however much she typed.
    app.two_timer_rounds().await;
    let log = entries(&app, &carol, &id).await;
    assert_eq!(
        count_with(&log, "still there"),
        1,
        "warned once the bound was reached"
    );
}

/// After the warning, the agent asks something new: the close at the old deadline is gone, the
/// customer has the whole time to answer again (a new warning two minutes after the question).
#[tokio::test]
async fn a_new_agent_question_after_the_warning_restarts_the_clock() {
    let app = spawn().await;
    let (id, _alice) = accepted_session(&app).await;
    let db = db(&app).await;
    let (mut carol_ws, _) = Ws::connect(&app, "carol", json!({})).await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;

    app.clock.advance(Duration::from_secs(120));
    carol_ws.entry_with(&id, "Are you still there?").await;
    app.clock.advance(Duration::from_secs(30));
    assert_eq!(
        post(
            &app,
            &alice,
            &id,
            "comment",
            "Is the charger light on?",
            "q2"
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    let asked = START.0 + 150_000;
    assert_eq!(
        db.deadline(conv_id(&id)).await.unwrap(),
        Some(Deadline {
            kind: DeadlineKind::Warning,
            due: Timestamp(asked + 120_000)
        }),
        "the close is gone; the clock runs from the question"
    );
    let conv = get_json(&carol, app.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(
        conv["closes_in_seconds"],
        Value::Null,
        "no countdown any more"
    );

    // The old close time (3:00) passes: still open.
    app.clock.advance(Duration::from_secs(60));
    app.two_timer_rounds().await;
    let conv = get_json(&carol, app.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(conv["state"], "active", "open past the old deadline");

    // Two minutes after the question, a second warning.
    app.clock.advance(Duration::from_secs(60));
    app.two_timer_rounds().await;
    let log = entries(&app, &carol, &id).await;
    assert_eq!(count_with(&log, "Are you still there?"), 2, "{log:?}");
}

#[tokio::test]
async fn a_customer_reply_stops_the_clock_and_an_agent_reply_restarts_it() {
    let app = spawn().await;
    let (id, _alice) = accepted_session(&app).await;
    let db = db(&app).await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;

    app.clock.advance(Duration::from_secs(100));
    assert_eq!(
        post(&app, &carol, &id, "comment", "It shows 0%", "k1")
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        db.deadline(conv_id(&id)).await.unwrap(),
        None,
        "waiting on the agent: no timer"
    );
    app.clock.advance(Duration::from_secs(600));
    app.two_timer_rounds().await;
    assert_eq!(
        count_with(&entries(&app, &carol, &id).await, "still there"),
        0,
        "ten silent minutes of the agent warn nobody"
    );

    // A work note does not start the clock; a comment does, from its own time.
    assert_eq!(
        post(
            &app,
            &alice,
            &id,
            "work_note",
            "checking the charger model",
            "n1"
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(db.deadline(conv_id(&id)).await.unwrap(), None);
    assert_eq!(
        post(&app, &alice, &id, "comment", "Which charger is it?", "a1")
            .await
            .status(),
        StatusCode::CREATED
    );
    let now = START.0 + 700_000;
    assert_eq!(
        db.deadline(conv_id(&id)).await.unwrap(),
        Some(Deadline {
            kind: DeadlineKind::Warning,
            due: Timestamp(now + 120_000)
        })
    );

    // After the warning, "I'm still here" gives the customer a fresh two minutes.
    app.clock.advance(Duration::from_secs(120));
    let mut carol_ws = Ws::open(&app, "carol").await;
    carol_ws.entry_with(&id, "Are you still there?").await;
    let here = carol
        .post(app.url(&format!("/api/conversations/{id}/still-here")))
        .send()
        .await
        .unwrap();
    assert_eq!(here.status(), StatusCode::NO_CONTENT);
    carol_ws.entry_with(&id, "is still here").await;
    assert_eq!(
        db.deadline(conv_id(&id)).await.unwrap(),
        Some(Deadline {
            kind: DeadlineKind::Warning,
            due: Timestamp(now + 240_000)
        })
    );
    // The agent cannot answer for the customer.
    let refused = alice
        .post(app.url(&format!("/api/conversations/{id}/still-here")))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deadlines_survive_a_restart_and_the_customer_still_gets_the_full_minute() {
    let mut app = spawn().await;
    let (id, _alice) = accepted_session(&app).await;
    app.stop().await;
    // The server is down when the warning and even the close would have been due.
    app.clock.advance(Duration::from_secs(600));
    let app = app.restart(|_| {}).await;
    // alice comes back (else, the grace over, her session would go back to the queue).
    let _alice = Ws::open(&app, "alice").await;
    let mut carol_ws = Ws::open(&app, "carol").await;
    let warning = carol_ws.entry_with(&id, "Are you still there?").await;
    assert_eq!(
        warning["at"], "2026-01-05T09:10:00.000Z",
        "the warning comes first, when the server is back"
    );
    let db = db(&app).await;
    assert_eq!(
        db.deadline(conv_id(&id)).await.unwrap(),
        Some(Deadline {
            kind: DeadlineKind::Close,
            due: Timestamp(START.0 + 660_000)
        }),
        "the close counts from the warning really shown"
    );
    app.clock.advance(Duration::from_secs(60));
    let closed = carol_ws
        .find(|f| f["type"] == "conversation" && f["state"] == "closed")
        .await;
    assert_eq!(closed["closed_reason"], "timed_out");
}

#[tokio::test]
async fn two_timer_workers_racing_fire_a_deadline_once() {
    let mut app = spawn().await;
    let (id, _alice) = accepted_session(&app).await;
    app.stop().await;
    let (one, two) = (db(&app).await, db(&app).await);
    let conv = conv_id(&id);
    for (kind, at) in [
        (DeadlineKind::Warning, 120_000),
        (DeadlineKind::Close, 180_000),
    ] {
        let deadline = one
            .deadline(conv)
            .await
            .unwrap()
            .expect("a pending deadline");
        assert_eq!(deadline.kind, kind);
        let now = Timestamp(START.0 + at);
        let (a, b) = tokio::join!(
            one.execute(conv, Act::Timer(deadline), now),
            two.execute(conv, Act::Timer(deadline), now)
        );
        let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "{kind:?}: exactly one worker fires it");
        for result in [a, b] {
            if let Err(e) = result {
                assert!(
                    matches!(e, CommandError::Refused(_)),
                    "the loser is refused, not broken: {e}"
                );
            }
        }
    }
    let log = one.entries_after(conv, 0, 100).await.unwrap();
    let warnings = log
        .iter()
        .filter(|e| e.body.contains("Are you still there?"))
        .count();
    let closes = log
        .iter()
        .filter(|e| e.body.contains("closed because"))
        .count();
    assert_eq!((warnings, closes), (1, 1));
    assert_eq!(
        log.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=log.len() as i64).collect::<Vec<_>>(),
        "gap-free"
    );
}

/// A close held by the customer's typing is told at once: the page's countdown follows the
/// server's deadline instead of running out while the session stays open.
#[tokio::test]
async fn a_close_held_by_typing_is_told_to_the_customer() {
    let app = spawn().await;
    let (id, _alice) = accepted_session(&app).await;
    let (mut carol_ws, _) = Ws::connect(&app, "carol", json!({})).await;
    app.clock.advance(Duration::from_secs(120));
    carol_ws.entry_with(&id, "Are you still there?").await;
    // 50 s into the last minute: 10 s left, she starts typing.
    app.clock.advance(Duration::from_secs(50));
    let carol = app.signed_in("carol").await;
    let typed = carol
        .post(app.url(&format!("/api/conversations/{id}/typing")))
        .json(&json!({"active": true, "kind": "comment"}))
        .send()
        .await
        .unwrap();
    assert_eq!(typed.status(), StatusCode::NO_CONTENT);
    let told = carol_ws
        .find(|f| {
            f["type"] == "conversation" && f["id"] == id.as_str() && f["closes_in_seconds"] == 15
        })
        .await;
    assert_eq!(told["state"], "active");
}
