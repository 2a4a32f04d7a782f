//! Restarts: migrations apply once, demo data loads once, data survives.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, get_json, post_json};

#[tokio::test]
async fn demo_data_loads_once_and_survives_restarts() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let before: Value = get_json(&admin, app.url("/api/admin/users")).await;
    let names: Vec<&str> = before
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "alice", "bob", "carol", "dana", "ivan"]);
    let groups: Value = get_json(&admin, app.url("/api/groups")).await;
    assert_eq!(groups[0]["name"], "ITSD_chat");
    let members: Vec<&str> = groups[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["Alice Agent", "Bob Agent", "Dana Manager"]);
    // Data created after the demo load must survive too.
    let created = post_json(
        &admin,
        app.url("/api/groups"),
        &json!({"name": "Network_chat"}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);

    let app = app.restart(|_| {}).await;
    let admin = app.signed_in("admin").await;
    let after: Value = get_json(&admin, app.url("/api/admin/users")).await;
    assert_eq!(
        before, after,
        "a restart with --demo loads nothing twice and changes nothing"
    );
    let groups: Value = get_json(&admin, app.url("/api/groups")).await;
    assert_eq!(
        groups.as_array().unwrap().len(),
        2,
        "ITSD_chat and Network_chat"
    );
}

#[tokio::test]
async fn an_existing_database_is_opened_without_demo_and_sessions_survive() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let app = app.restart(|c| c.demo = false).await;
    // Cookies are not bound to a port, so alice's jar is sent to the new server as it is.
    let me = alice.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK, "a session survives a restart");
    let me: Value = me.json().await.unwrap();
    assert_eq!(
        me["username"], "alice",
        "the users are still there without --demo"
    );
}

#[tokio::test]
async fn without_demo_a_fresh_database_is_empty() {
    let app = TestApp::spawn_with(|c| c.demo = false).await;
    let response = app.try_sign_in(&app.client(), "alice", "alice").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
