//! The most sessions of a queue one agent holds at once: kept by the database at Accept and
//! Transfer (409 `at_capacity`), also when Accepts race; given back when a session closes,
//! goes back to the queue or is transferred away.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, post_json};
use crate::sessions::queue_id;
use crate::socket::Ws;

/// `n` customers (made by the admin), each signed in with a session started in the demo queue.
async fn sessions(app: &TestApp, n: usize, tag: &str) -> Vec<(Client, String)> {
    let admin = app.signed_in("admin").await;
    let queue = queue_id(app).await;
    let mut made = Vec::new();
    for i in 0..n {
        let username = format!("{tag}cust{i}");
        let created = post_json(
            &admin,
            app.url("/api/admin/users"),
            &json!({"username": username, "display_name": format!("Customer {tag}{i}"),
                    "password": format!("{username}-password"), "roles": ["customer"]}),
        )
        .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let client = app.client();
        let signed = app
            .try_sign_in(&client, &username, &format!("{username}-password"))
            .await;
        assert_eq!(signed.status(), StatusCode::OK);
        let started: Value = post_json(
            &client,
            app.url(&format!("/api/queues/{queue}/sessions")),
            &json!({"client_id": "s", "message": format!("help {i}")}),
        )
        .await
        .json()
        .await
        .unwrap();
        made.push((client, started["id"].as_str().unwrap().to_owned()));
    }
    made
}

async fn set_capacity(app: &TestApp, limit: Value) -> reqwest::Response {
    let dana = app.signed_in("dana").await;
    let queue = queue_id(app).await;
    dana.patch(app.url(&format!("/api/queues/{queue}")))
        .json(&json!({"max_sessions_per_agent": limit}))
        .send()
        .await
        .unwrap()
}

async fn accept(app: &TestApp, agent: &Client, conv: &str) -> reqwest::Response {
    agent
        .post(app.url(&format!("/api/conversations/{conv}/accept")))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_agent_at_capacity_is_told_and_gets_room_back_when_a_session_ends() {
    let app = TestApp::spawn().await;
    let patched = set_capacity(&app, json!(2)).await;
    assert_eq!(
        patched.json::<Value>().await.unwrap()["max_sessions_per_agent"],
        2
    );
    let waiting = sessions(&app, 3, "a").await;
    let alice = app.signed_in("alice").await;
    for (_, conv) in &waiting[..2] {
        assert_eq!(accept(&app, &alice, conv).await.status(), StatusCode::OK);
    }
    let (status, code, message) = error_of(accept(&app, &alice, &waiting[2].1).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "at_capacity")
    );
    assert_eq!(
        message,
        "Alice Agent already holds 2 sessions of this queue, the most it allows: close or transfer one first."
    );
    // Still waiting for someone else: bob takes it.
    let bob = app.signed_in("bob").await;
    assert_eq!(
        accept(&app, &bob, &waiting[2].1).await.status(),
        StatusCode::OK
    );
    // A session ended gives the room back.
    let ended = alice
        .post(app.url(&format!("/api/conversations/{}/end", waiting[0].1)))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::OK);
    let more = sessions(&app, 1, "b").await;
    assert_eq!(
        accept(&app, &alice, &more[0].1).await.status(),
        StatusCode::OK
    );
    // Transfer to an agent at capacity is refused; the session stays with its agent.
    let _bob_online = Ws::connect(&app, "bob", json!({})).await;
    let _ = set_capacity(&app, json!(1)).await;
    let bob_id = app.user_id("bob").await;
    let (status, code, _) = error_of(
        post_json(
            &alice,
            app.url(&format!("/api/conversations/{}/transfer", more[0].1)),
            &json!({"to": bob_id}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "at_capacity")
    );
    // No limit again: everything goes.
    let _ = set_capacity(&app, json!(0)).await;
    let transferred = post_json(
        &alice,
        app.url(&format!("/api/conversations/{}/transfer", more[0].1)),
        &json!({"to": bob_id}),
    )
    .await;
    assert_eq!(transferred.status(), StatusCode::OK);
    assert_eq!(
        set_capacity(&app, json!(101)).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn of_two_accepts_racing_at_capacity_minus_one_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let _ = set_capacity(&app, json!(2)).await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    for round in 0..4 {
        let waiting = sessions(&app, 3, &format!("r{round}")).await;
        // alice holds one: one more fits.
        assert_eq!(
            accept(&app, &alice, &waiting[0].1).await.status(),
            StatusCode::OK
        );
        let (first, second) = tokio::join!(
            accept(&app, &alice, &waiting[1].1),
            accept(&app, &alice, &waiting[2].1)
        );
        let mut statuses = [first.status(), second.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}"
        );
        // Give both back (end them) for the next round; the loser still waits for bob.
        for (_, conv) in &waiting {
            let r = alice
                .post(app.url(&format!("/api/conversations/{conv}/end")))
                .send()
                .await
                .unwrap();
            if r.status() != StatusCode::OK {
                assert_eq!(accept(&app, &bob, conv).await.status(), StatusCode::OK);
                let ended = bob
                    .post(app.url(&format!("/api/conversations/{conv}/end")))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(ended.status(), StatusCode::OK);
            }
        }
    }
}
