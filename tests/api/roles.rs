//! Who may call what: 401 without a session, 403 without the role, as JSON.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, error_of, get_json, post_json};

/// (method, path, body) of endpoints guarded by a role.
fn guarded(
    group_id: &str,
    user_id: &str,
    canned_ids: &[String],
) -> Vec<(Method, String, serde_json::Value)> {
    vec![
        (Method::GET, "/api/admin/users".into(), json!(null)),
        (
            Method::POST,
            "/api/admin/users".into(),
            json!({"username": "zed", "display_name": "Zed", "password": "long enough", "roles": ["customer"]}),
        ),
        (
            Method::PATCH,
            format!("/api/admin/users/{user_id}"),
            json!({"display_name": "Renamed"}),
        ),
        (Method::GET, "/api/groups".into(), json!(null)),
        (
            Method::POST,
            "/api/groups".into(),
            json!({"name": "Network"}),
        ),
        (Method::GET, format!("/api/groups/{group_id}"), json!(null)),
        (
            Method::PUT,
            format!("/api/groups/{group_id}/members/{user_id}"),
            json!(null),
        ),
        (
            Method::DELETE,
            format!("/api/groups/{group_id}/members/{user_id}"),
            json!(null),
        ),
        (
            Method::POST,
            "/api/queues".into(),
            json!({"name": "Network desk", "group": group_id}),
        ),
        (
            Method::PATCH,
            "/api/queues/1".into(),
            json!({"greeting": "Hello"}),
        ),
        // The managers' console.
        (Method::GET, "/api/queues/1/live".into(), json!(null)),
        (Method::GET, "/api/audit".into(), json!(null)),
        (
            Method::PUT,
            "/api/queues/1/canned/order".into(),
            json!({"ids": canned_ids}),
        ),
        (
            Method::GET,
            "/api/queues/1/export?from=2026-01-01&to=2026-01-02".into(),
            json!(null),
        ),
        (
            Method::POST,
            "/api/queues/1/canned".into(),
            json!({"title": "Console", "body": "Hello"}),
        ),
    ]
}

/// Which role may call each guarded endpoint, in the order of `guarded`.
const ADMIN_ONLY: usize = 3;

#[tokio::test]
async fn every_guarded_endpoint_answers_401_then_403_then_ok() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let groups: serde_json::Value = get_json(&admin, app.url("/api/groups")).await;
    let group_id = groups[0]["id"].as_str().unwrap().to_owned();
    let bob_id = app.user_id("bob").await;
    let canned_ids: Vec<String> = get_json(&admin, app.url("/api/queues/1/canned"))
        .await
        .as_array()
        .expect("canned list")
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();

    let anonymous = app.client();
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let dana = app.signed_in("dana").await;

    for (i, (method, path, body)) in guarded(&group_id, &bob_id, &canned_ids)
        .into_iter()
        .enumerate()
    {
        let send = |client: &reqwest::Client| {
            let mut request = client.request(method.clone(), app.url(&path));
            if !body.is_null() {
                request = request.json(&body);
            }
            request.send()
        };
        let (status, code, _) = error_of(send(&anonymous).await.unwrap()).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "unauthorized"),
            "{method} {path} anonymous"
        );
        for (who, client) in [("carol", &carol), ("alice", &alice)] {
            let (status, code, _) = error_of(send(client).await.unwrap()).await;
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::FORBIDDEN, "forbidden"),
                "{method} {path} as {who}"
            );
        }
        let dana_status = send(&dana).await.unwrap().status();
        if i < ADMIN_ONLY {
            assert_eq!(
                dana_status,
                StatusCode::FORBIDDEN,
                "{method} {path} is for admins only"
            );
        } else {
            assert!(
                dana_status.is_success(),
                "{method} {path} as manager: {dana_status}"
            );
        }
        let admin_status = send(&admin).await.unwrap().status();
        assert!(
            admin_status.is_success() || admin_status == StatusCode::CONFLICT,
            "{method} {path} as admin: {admin_status}"
        );
    }
}

#[tokio::test]
async fn queues_are_listed_by_role() {
    let app = TestApp::spawn().await;
    let names = |client: reqwest::Client| {
        let url = app.url("/api/queues");
        async move {
            let queues: serde_json::Value = get_json(&client, url).await;
            queues
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let desk = vec!["IT Service Desk".to_owned()];
    assert_eq!(
        names(app.signed_in("carol").await).await,
        desk,
        "customers see queues to start a chat in"
    );
    assert_eq!(
        names(app.signed_in("alice").await).await,
        desk,
        "alice works ITSD_chat"
    );

    // An agent outside the queue's group sees no queue.
    let admin = app.signed_in("admin").await;
    let created = post_json(&admin, app.url("/api/admin/users"), &json!({"username": "nina", "display_name": "Nina Network", "password": "nina-password", "roles": ["agent"]})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let nina = app.client();
    assert_eq!(
        app.try_sign_in(&nina, "nina", "nina-password")
            .await
            .status(),
        StatusCode::OK
    );
    assert!(names(nina).await.is_empty(), "nina is in no group");
}
