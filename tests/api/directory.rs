//! The admin API for users and the manager API for groups, membership and queues.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, post_json};

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON body")
}

#[tokio::test]
async fn an_admin_creates_a_user_who_can_then_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let response = post_json(&admin, app.url("/api/admin/users"), &json!({"username": "Erin", "display_name": " Erin Employee ", "password": "erin-secret", "roles": ["customer"], "itil": true})).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let erin = json_of(response).await;
    assert_eq!(erin["username"], "erin", "usernames are stored lowercase");
    assert_eq!(erin["display_name"], "Erin Employee", "names are trimmed");
    assert_eq!(erin["roles"], json!(["customer"]));
    assert_eq!(erin["itil"], true);
    assert_eq!(erin["disabled"], false);
    assert!(
        erin["created_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-05T09:00:00"),
        "{}",
        erin["created_at"]
    );
    assert!(
        erin.get("password_hash").is_none() && erin.get("password").is_none(),
        "no secret in the answer"
    );

    let response = app.try_sign_in(&app.client(), "erin", "erin-secret").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["user"]["itil"], true);
}

#[tokio::test]
async fn a_taken_username_is_a_conflict() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let response = post_json(&admin, app.url("/api/admin/users"), &json!({"username": "ALICE", "display_name": "Other Alice", "password": "long enough", "roles": ["agent"]})).await;
    let (status, code, _) = error_of(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "already_exists")
    );
}

#[tokio::test]
async fn refused_user_fields_store_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let before = json_of(admin.get(app.url("/api/admin/users")).send().await.unwrap()).await;
    let cases = [
        (
            json!({"username": "bad name", "display_name": "X", "password": "long enough", "roles": ["agent"]}),
            "username",
            Some("username"),
        ),
        (
            json!({"username": "x", "display_name": "  ", "password": "long enough", "roles": ["agent"]}),
            "display name",
            Some("display_name"),
        ),
        (
            json!({"username": "x", "display_name": "X", "password": "short", "roles": ["agent"]}),
            "password",
            Some("password"),
        ),
        (
            json!({"username": "x", "display_name": "X", "password": "long enough", "roles": []}),
            "role",
            Some("roles"),
        ),
        (
            json!({"username": "x", "display_name": "X", "password": "long enough", "roles": ["wizard"]}),
            "wizard",
            None,
        ),
    ];
    for (body, names, field) in cases {
        let response = post_json(&admin, app.url("/api/admin/users"), &body).await;
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
            "{body}"
        );
        assert!(
            message.to_lowercase().contains(names),
            "message {message:?} names the {names}"
        );
        // A form shows the refusal beside its field.
        if let Some(field) = field {
            assert_eq!(answer["error"]["field"], field, "{body}");
        }
    }
    let after = json_of(admin.get(app.url("/api/admin/users")).send().await.unwrap()).await;
    assert_eq!(before, after, "nothing stored");
}

#[tokio::test]
async fn an_admin_changes_roles_and_password_but_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let carol_id = app.user_id("carol").await;
    let carol = app.signed_in("carol").await;
    let response = admin
        .patch(app.url(&format!("/api/admin/users/{carol_id}")))
        .json(&json!({"itil": true, "password": "new carol password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["itil"], true);
    assert_eq!(
        carol.get(app.url("/api/me")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "a new password ends the old sessions"
    );
    assert_eq!(
        app.try_sign_in(&app.client(), "carol", "carol")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.try_sign_in(&app.client(), "carol", "new carol password")
            .await
            .status(),
        StatusCode::OK
    );

    let admin_id = app.user_id("admin").await;
    for body in [json!({"disabled": true}), json!({"roles": ["manager"]})] {
        let response = admin
            .patch(app.url(&format!("/api/admin/users/{admin_id}")))
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, code, _) = error_of(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::CONFLICT, "self_lockout"),
            "{body}"
        );
    }
    let missing = admin
        .patch(app.url("/api/admin/users/999999"))
        .json(&json!({"itil": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(missing).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_manager_builds_a_group_and_a_queue() {
    let app = TestApp::spawn().await;
    let dana = app.signed_in("dana").await;
    let response = post_json(
        &dana,
        app.url("/api/groups"),
        &json!({"name": "Network_chat"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let group = json_of(response).await;
    let group_id = group["id"].as_str().unwrap();
    assert_eq!(group["members"], json!([]));

    let bob_id = app.user_id("bob").await;
    let response = dana
        .put(app.url(&format!("/api/groups/{group_id}/members/{bob_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        json_of(response).await["members"],
        json!([{"id": bob_id, "display_name": "Bob Agent"}])
    );
    // Adding again is harmless.
    let again = dana
        .put(app.url(&format!("/api/groups/{group_id}/members/{bob_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(again).await["members"].as_array().unwrap().len(), 1);

    let carol_id = app.user_id("carol").await;
    let response = dana
        .put(app.url(&format!("/api/groups/{group_id}/members/{carol_id}")))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_of(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        "customers cannot work a queue"
    );
    assert!(message.contains("Carol Customer"), "{message}");

    let response = post_json(&dana, app.url("/api/queues"), &json!({"name": "Network", "group": group_id, "greeting": "Network desk here.", "inactivity_warning_seconds": 90})).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let queue = json_of(response).await;
    assert_eq!(
        queue["group"],
        json!({"id": group_id, "name": "Network_chat"})
    );
    assert_eq!(queue["inactivity_warning_seconds"], 90);
    assert_eq!(queue["auto_close_seconds"], 60, "default auto-close");

    // Bob now works the new queue too.
    let bob = app.signed_in("bob").await;
    let queues = json_of(bob.get(app.url("/api/queues")).send().await.unwrap()).await;
    let names: Vec<&str> = queues
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["IT Service Desk", "Network"]);

    let response = dana
        .delete(app.url(&format!("/api/groups/{group_id}/members/{bob_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(response).await["members"], json!([]));
    let queues = json_of(bob.get(app.url("/api/queues")).send().await.unwrap()).await;
    assert_eq!(
        queues.as_array().unwrap().len(),
        1,
        "bob left the Network group"
    );
}

#[tokio::test]
async fn queue_settings_change_and_bad_settings_change_nothing() {
    let app = TestApp::spawn().await;
    let dana = app.signed_in("dana").await;
    let queues = json_of(dana.get(app.url("/api/queues")).send().await.unwrap()).await;
    let id = queues[0]["id"].as_str().unwrap().to_owned();
    let url = app.url(&format!("/api/queues/{id}"));

    let response = dana
        .patch(&url)
        .json(&json!({"inactivity_warning_seconds": 5, "auto_close_seconds": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let changed = json_of(response).await;
    assert_eq!(
        (
            changed["inactivity_warning_seconds"].as_u64(),
            changed["auto_close_seconds"].as_u64()
        ),
        (Some(5), Some(3))
    );

    let cases = [
        (
            json!({"inactivity_warning_seconds": 0}),
            "inactivity_warning_seconds",
        ),
        (json!({"auto_close_seconds": 100000}), "auto_close_seconds"),
        (json!({"name": ""}), "name"),
        (json!({"group": "424242"}), "group"),
        (json!({"greeting": "x".repeat(1001)}), "greeting"),
    ];
    for (body, names) in cases {
        let (status, code, message) =
            error_of(dana.patch(&url).json(&body).send().await.unwrap()).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            "{body}"
        );
        assert!(
            message.to_lowercase().contains(names),
            "{message:?} names {names}"
        );
    }
    let now = json_of(dana.get(&url).send().await.unwrap()).await;
    assert_eq!(now, changed, "refused changes left the queue as it was");

    let dup = post_json(
        &dana,
        app.url("/api/queues"),
        &json!({"name": "IT Service Desk", "group": changed["group"]["id"]}),
    )
    .await;
    assert_eq!(error_of(dup).await.1, "already_exists");
}
