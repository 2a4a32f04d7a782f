//! The audit log: every change made through the console and the admin API is recorded with
//! who, what, before and after, in the change's own transaction; managers and admins read it,
//! filtered and by page; nobody can change it, through the API or in the database. Also the
//! order of canned messages, which a manager sets and the log records.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, get_json, post_json};
use crate::sessions::queue_id;

async fn send(client: &Client, method: reqwest::Method, url: String, body: Value) -> Value {
    let response = client
        .request(method, url)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    if response.status() == StatusCode::NO_CONTENT {
        Value::Null
    } else {
        response.json().await.unwrap()
    }
}

async fn audit(app: &TestApp, who: &Client, query: &str) -> Value {
    let response = who
        .get(app.url(&format!("/api/audit{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET /api/audit{query}");
    response.json().await.unwrap()
}

fn actions(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_console_and_admin_change_is_recorded_with_who_before_and_after() {
    use reqwest::Method;
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let dana = app.signed_in("dana").await;
    let queue = queue_id(&app).await;
    let dana_id = app.user_id("dana").await;
    let admin_id = app.user_id("admin").await;

    let frank = send(
        &admin,
        Method::POST,
        app.url("/api/admin/users"),
        json!({"username": "frank", "display_name": "Frank Agent", "password": "frank-password", "roles": ["agent"]}),
    )
    .await;
    let frank_id = frank["id"].as_str().unwrap().to_owned();
    send(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/users/{frank_id}")),
        json!({"roles": ["agent", "manager"], "password": "a-new-password"}),
    )
    .await;
    let group = send(
        &dana,
        Method::POST,
        app.url("/api/groups"),
        json!({"name": "Network"}),
    )
    .await;
    let group_id = group["id"].as_str().unwrap().to_owned();
    send(
        &dana,
        Method::PUT,
        app.url(&format!("/api/groups/{group_id}/members/{frank_id}")),
        json!({}),
    )
    .await;
    // Adding one who is in already changes nothing, and records nothing.
    send(
        &dana,
        Method::PUT,
        app.url(&format!("/api/groups/{group_id}/members/{frank_id}")),
        json!({}),
    )
    .await;
    send(
        &dana,
        Method::DELETE,
        app.url(&format!("/api/groups/{group_id}/members/{frank_id}")),
        json!({}),
    )
    .await;
    send(
        &dana,
        Method::PATCH,
        app.url(&format!("/api/queues/{queue}")),
        json!({"greeting": "Hello from the desk", "offer_alert_seconds": 30}),
    )
    .await;
    let canned = send(
        &dana,
        Method::POST,
        app.url(&format!("/api/queues/{queue}/canned")),
        json!({"title": "Printer", "body": "Is the printer on?"}),
    )
    .await;
    let canned_id = canned["id"].as_str().unwrap().to_owned();
    send(
        &dana,
        Method::PATCH,
        app.url(&format!("/api/queues/{queue}/canned/{canned_id}")),
        json!({"title": "Printer", "body": "Is the printer switched on?"}),
    )
    .await;
    send(
        &dana,
        Method::DELETE,
        app.url(&format!("/api/queues/{queue}/canned/{canned_id}")),
        json!({}),
    )
    .await;
    // A refused change records nothing: the group name is taken.
    let taken = post_json(&dana, app.url("/api/groups"), &json!({"name": "Network"})).await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);

    let page = audit(&app, &dana, "").await;
    assert_eq!(
        actions(&page),
        [
            "canned.delete",
            "canned.update",
            "canned.create",
            "queue.update",
            "group.remove_member",
            "group.add_member",
            "group.create",
            "user.update",
            "user.create",
        ]
    );
    let entries = page["entries"].as_array().unwrap();
    let by = |i: usize| entries[i]["actor"]["id"].as_str().unwrap().to_owned();
    assert_eq!(by(0), dana_id);
    assert_eq!(by(8), admin_id);
    // Only what changed, as the API shows it; a password never, only that one was set.
    assert_eq!(
        entries[3]["before"],
        json!({"greeting": "Hi, thanks for contacting the IT Service Desk. How can I help you today?", "offer_alert_seconds": 60})
    );
    assert_eq!(
        entries[3]["after"],
        json!({"greeting": "Hello from the desk", "offer_alert_seconds": 30})
    );
    assert_eq!(
        entries[7]["after"],
        json!({"roles": ["manager", "agent"], "password": "set"})
    );
    assert!(!entries[7].to_string().contains("a-new-password"));
    assert_eq!(entries[7]["target"]["kind"], "user");
    assert_eq!(entries[7]["target"]["id"], frank_id.as_str());
    assert_eq!(entries[7]["target"]["name"], "frank");
    assert_eq!(entries[5]["after"]["member"]["display_name"], "Frank Agent");
    assert_eq!(entries[5]["target"]["name"], "Network");
    assert_eq!(entries[4]["before"]["member"]["id"], frank_id.as_str());
    assert_eq!(entries[4]["after"], Value::Null);
    assert_eq!(entries[1]["before"], json!({"body": "Is the printer on?"}));
    assert_eq!(entries[0]["before"]["title"], "Printer");
    assert_eq!(entries[0]["after"], Value::Null);
    assert!(entries[8]["after"]["username"] == "frank");

    // Filters: by action, by actor, by target, by time; pages.
    assert_eq!(
        actions(&audit(&app, &dana, "?action=group.add_member").await),
        ["group.add_member"]
    );
    assert_eq!(
        actions(&audit(&app, &dana, &format!("?actor={admin_id}")).await),
        ["user.update", "user.create"]
    );
    assert_eq!(
        actions(&audit(&app, &dana, &format!("?target_kind=user&target={frank_id}")).await),
        ["user.update", "user.create"]
    );
    assert_eq!(
        actions(&audit(&app, &dana, "?from=2999-01-01T00:00:00Z").await).len(),
        0
    );
    let first = audit(&app, &dana, "?limit=4").await;
    assert_eq!(actions(&first).len(), 4);
    let next = first["next_before"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let second = audit(&app, &admin, &format!("?limit=4&before={next}")).await;
    assert_eq!(
        actions(&second),
        [
            "group.remove_member",
            "group.add_member",
            "group.create",
            "user.update"
        ]
    );
    let last = audit(
        &app,
        &admin,
        &format!(
            "?limit=4&before={}",
            second["next_before"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(actions(&last), ["user.create"]);
    assert_eq!(last["next_before"], Value::Null);
}

#[tokio::test]
async fn only_managers_and_admins_read_the_log_and_bad_filters_are_refused() {
    let app = TestApp::spawn().await;
    for who in ["alice", "carol"] {
        let client = app.signed_in(who).await;
        let response = client.get(app.url("/api/audit")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let anonymous = app
        .client()
        .get(app.url("/api/audit"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let dana = app.signed_in("dana").await;
    for (query, field) in [
        ("?action=user.delete", "action"),
        ("?target_kind=incident", "target_kind"),
        ("?target=3", "target"),
        ("?actor=bob", "actor"),
        ("?from=yesterday", "from"),
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?before=-1", "before"),
    ] {
        let response = dana
            .get(app.url(&format!("/api/audit{query}")))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(body["error"]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn nobody_changes_the_log_through_the_api_or_in_the_database() {
    let app = TestApp::spawn().await;
    let dana = app.signed_in("dana").await;
    let created = post_json(&dana, app.url("/api/groups"), &json!({"name": "Desk 2"})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    for method in [
        reqwest::Method::POST,
        reqwest::Method::PUT,
        reqwest::Method::PATCH,
        reqwest::Method::DELETE,
    ] {
        let response = dana
            .request(method.clone(), app.url("/api/audit"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
    }
    // Straight into the database: the triggers refuse it.
    let url = app.config.database_url.clone();
    let statements = [
        "UPDATE audit_log SET target_name = 'forged'",
        "DELETE FROM audit_log",
    ];
    for sql in statements {
        let refused = if crate::pg::on_postgres() {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query(sql).execute(&mut conn).await.err()
        } else {
            use sqlx::Connection;
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query(sql).execute(&mut conn).await.err()
        };
        let refused = refused.unwrap_or_else(|| panic!("{sql} went through"));
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }
    let page = audit(&app, &dana, "").await;
    assert_eq!(page["entries"][0]["target"]["name"], "Desk 2");
}

async fn titles(app: &TestApp, who: &Client, queue: &str) -> Vec<String> {
    get_json(who, app.url(&format!("/api/queues/{queue}/canned")))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_manager_sets_the_order_of_canned_messages_and_a_new_one_goes_last() {
    let app = TestApp::spawn().await;
    let dana = app.signed_in("dana").await;
    let alice = app.signed_in("alice").await;
    let queue = queue_id(&app).await;
    let listed = get_json(&dana, app.url(&format!("/api/queues/{queue}/canned"))).await;
    let mut ids: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.len() >= 2, "the demo queue has canned messages");
    let before = titles(&app, &alice, &queue).await;
    ids.reverse();
    let url = app.url(&format!("/api/queues/{queue}/canned/order"));
    let answer = dana
        .put(&url)
        .json(&json!({ "ids": ids }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let mut reversed = before.clone();
    reversed.reverse();
    // The agents' picker reads the same order.
    assert_eq!(titles(&app, &alice, &queue).await, reversed);
    let created = post_json(
        &dana,
        app.url(&format!("/api/queues/{queue}/canned")),
        &json!({"title": "AAA first by title", "body": "Hello"}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        titles(&app, &alice, &queue).await.last().unwrap(),
        "AAA first by title"
    );
    let page = audit(&app, &dana, "?action=canned.reorder").await;
    assert_eq!(page["entries"][0]["target"]["kind"], "queue");
    assert_eq!(page["entries"][0]["after"]["order"], json!(ids));

    // Not a new order of exactly these messages: refused, nothing changes.
    let order_now = titles(&app, &alice, &queue).await;
    let all: Vec<String> = get_json(&dana, app.url(&format!("/api/queues/{queue}/canned")))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let missing = all[1..].to_vec();
    let repeated = [all.clone(), vec![all[0].clone()]].concat();
    let unknown = [all[1..].to_vec(), vec!["999999".to_owned()]].concat();
    for bad in [
        json!({ "ids": missing }),
        json!({ "ids": repeated }),
        json!({ "ids": unknown }),
        json!({ "ids": ["x"] }),
    ] {
        let response = dana.put(&url).json(&bad).send().await.unwrap();
        let (status, code, _) = error_of(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            "{bad}"
        );
    }
    assert_eq!(titles(&app, &alice, &queue).await, order_now);
    let agent = alice
        .put(&url)
        .json(&json!({ "ids": all }))
        .send()
        .await
        .unwrap();
    assert_eq!(agent.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_change_that_changes_nothing_or_is_refused_records_nothing() {
    let app = TestApp::spawn().await;
    let dana = app.signed_in("dana").await;
    let queue = queue_id(&app).await;
    let groups = get_json(&dana, app.url("/api/groups")).await;
    let group = groups[0]["id"].as_str().unwrap().to_owned();
    let created = post_json(
        &dana,
        app.url("/api/queues"),
        &json!({"name": "Network desk", "group": group}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let page = audit(&app, &dana, "").await;
    assert_eq!(actions(&page), ["queue.create"]);
    assert_eq!(page["entries"][0]["after"]["name"], "Network desk");
    assert_eq!(page["entries"][0]["after"]["offer_alert_seconds"], 60);

    let current = get_json(&dana, app.url(&format!("/api/queues/{queue}"))).await;
    let same = dana
        .patch(app.url(&format!("/api/queues/{queue}")))
        .json(&json!({"greeting": current["greeting"], "survey": current["survey"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::OK);
    for refused in [
        json!({"offer_alert_seconds": 4000}),
        json!({"name": ""}),
        json!({"inactivity_warning_seconds": 0}),
    ] {
        let answer = dana
            .patch(app.url(&format!("/api/queues/{queue}")))
            .json(&refused)
            .send()
            .await
            .unwrap();
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{refused}"
        );
    }
    assert_eq!(actions(&audit(&app, &dana, "").await), ["queue.create"]);
}

/// The entry is written in the change's transaction: when it cannot be written, the change is
/// not made either.
#[tokio::test]
async fn a_change_whose_entry_cannot_be_written_is_not_made() {
    let app = TestApp::spawn().await;
    let dana = app.signed_in("dana").await;
    let queue = queue_id(&app).await;
    let before = get_json(&dana, app.url(&format!("/api/queues/{queue}"))).await;
    let url = app.config.database_url.clone();
    if crate::pg::on_postgres() {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        for sql in [
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'no audit today'; END $$",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ] {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
    } else {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'no audit today'); END",
        )
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let changed = dana
        .patch(app.url(&format!("/api/queues/{queue}")))
        .json(&json!({"greeting": "Never stored"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let group = post_json(&dana, app.url("/api/groups"), &json!({"name": "Ghost"})).await;
    assert_eq!(group.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let after = get_json(&dana, app.url(&format!("/api/queues/{queue}"))).await;
    assert_eq!(after, before, "the queue is as it was");
    let groups = get_json(&dana, app.url("/api/groups")).await;
    assert!(!groups.to_string().contains("Ghost"), "no group made");
}
