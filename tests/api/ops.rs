//! Health, readiness, metrics and the OpenAPI document.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, error_of, get_json, metrics_text};

#[tokio::test]
async fn healthz_and_readyz_answer_when_all_is_well() {
    let app = TestApp::spawn().await;
    let client = app.client();
    assert_eq!(
        client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    let ready = client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
}

#[tokio::test]
async fn readyz_fails_when_the_database_file_is_removed() {
    if crate::pg::on_postgres() {
        eprintln!("SQLite only: a database file");
        return;
    }
    let app = TestApp::spawn().await;
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", app.db_file().display());
        let _ = std::fs::remove_file(path);
    }
    let (status, code, _) =
        error_of(app.client().get(app.url("/readyz")).send().await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    );
    let health = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "the process itself is still up"
    );
}

#[tokio::test]
async fn readyz_fails_when_the_database_file_is_garbage() {
    if crate::pg::on_postgres() {
        eprintln!("SQLite only: a database file");
        return;
    }
    let app = TestApp::spawn().await;
    // The write-ahead log would still hold the newest pages; drop it with the file's content.
    std::fs::write(app.db_file(), vec![0x5a; 8192]).expect("overwrite");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", app.db_file().display()));
    }
    let status = app
        .client()
        .get(app.url("/readyz"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for _ in 0..3 {
        client.get(app.url("/api/me")).send().await.unwrap();
    }
    let text = metrics_text(&app).await;
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("switchboard_http_requests_total{")
                && l.contains(r#"route="/api/me""#)
                && l.contains(r#"status="401""#)
        })
        .unwrap_or_else(|| panic!("no counter for GET /api/me 401 in:\n{text}"));
    assert!(line.ends_with(" 3"), "three requests counted: {line}");
    assert!(
        text.contains("switchboard_http_request_duration_seconds_bucket"),
        "latency histogram"
    );
}

#[tokio::test]
async fn metrics_label_an_unknown_method_as_other() {
    let app = TestApp::spawn().await;
    let made_up = reqwest::Method::from_bytes(b"FROBNICATE").expect("a valid method token");
    let response = app
        .client()
        .request(made_up, app.url("/api/me"))
        .send()
        .await
        .expect("a request with a made-up method");
    assert_eq!(
        response.status(),
        StatusCode::METHOD_NOT_ALLOWED,
        "the made-up method is refused"
    );
    let text = metrics_text(&app).await;
    let requests: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("switchboard_http_requests_total{"))
        .collect();
    assert!(
        requests.iter().any(|l| l.contains(r#"method="other""#)
            && l.contains(r#"route="/api/me""#)
            && l.contains(r#"status="405""#)),
        "the made-up method is counted as method=\"other\": {requests:#?}"
    );
    assert!(
        !text.contains("FROBNICATE"),
        "the made-up method never becomes a label: {requests:#?}"
    );
}

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "OpenAPI 3"
    );
    let paths = doc["paths"].as_object().expect("paths");
    let expected = [
        ("/api/session", "post"),
        ("/api/session", "delete"),
        ("/api/me", "get"),
        ("/api/admin/users", "get"),
        ("/api/admin/users", "post"),
        ("/api/admin/users/{id}", "patch"),
        ("/api/groups", "get"),
        ("/api/groups", "post"),
        ("/api/groups/{id}", "get"),
        ("/api/groups/{id}/members/{user}", "put"),
        ("/api/groups/{id}/members/{user}", "delete"),
        ("/api/queues", "get"),
        ("/api/queues", "post"),
        ("/api/queues/{id}", "get"),
        ("/api/queues/{id}", "patch"),
        ("/api/ws", "get"),
        ("/api/queues/{queue}/sessions", "post"),
        ("/api/queues/{queue}/sessions", "get"),
        ("/api/conversations", "get"),
        ("/api/conversations/{id}", "get"),
        ("/api/conversations/{id}/entries", "get"),
        ("/api/conversations/{id}/entries", "post"),
        ("/api/conversations/{id}/accept", "post"),
        ("/api/conversations/{id}/transfer", "post"),
        ("/api/conversations/{id}/end", "post"),
        ("/api/conversations/{id}/hand-back", "post"),
        ("/api/conversations/{id}/still-here", "post"),
        ("/api/conversations/{id}/typing", "post"),
        ("/api/conversations/{id}/read", "post"),
        ("/api/presence", "put"),
        ("/api/queues/{queue}/members", "get"),
        ("/api/users", "get"),
        ("/api/users/{id}", "get"),
        ("/api/users/{id}/sessions", "get"),
        ("/api/queues/{queue}/canned", "get"),
        ("/api/queues/{queue}/canned", "post"),
        ("/api/queues/{queue}/canned/{id}", "patch"),
        ("/api/queues/{queue}/canned/{id}", "delete"),
        ("/api/conversations/{id}/canned/{canned}", "post"),
        ("/api/incidents", "get"),
        ("/api/incidents", "post"),
        ("/api/incidents/{incident}", "get"),
        ("/api/incidents/{incident}", "patch"),
        ("/api/incidents/{incident}/follow", "put"),
        ("/api/incidents/{incident}/follow", "delete"),
        ("/api/conversations/{id}/incidents", "get"),
        ("/api/queues/{queue}/availability", "get"),
        ("/api/queues/{queue}/messages", "post"),
        ("/api/kb/articles", "get"),
        ("/api/kb/articles", "post"),
        ("/api/kb/articles/{article}", "get"),
        ("/api/kb/articles/{article}", "patch"),
        ("/api/kb/preview", "post"),
        ("/api/conversations/{id}/kb-suggestions", "get"),
        ("/api/conversations/{id}/kb-share", "post"),
        ("/api/chats", "post"),
        ("/api/chats/{id}/members/{user}", "put"),
        ("/api/chats/{id}/members/{user}", "delete"),
        ("/api/conversations/{id}/invite", "post"),
        ("/api/conversations/{id}/attachments", "post"),
        ("/api/attachments/{id}", "get"),
        ("/api/conversations/{id}/entries/{seq}/withdraw", "post"),
        ("/api/conversations/{id}/withdrawals", "get"),
        ("/api/conversations/{id}/transcript", "get"),
        ("/api/queues/{queue}/export", "get"),
        ("/api/conversations/{id}/survey", "get"),
        ("/api/conversations/{id}/survey", "post"),
        ("/api/queues/{queue}/canned/order", "put"),
        ("/api/audit", "get"),
        ("/api/queues/{id}/live", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ];
    for (path, method) in expected {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} documented"
        );
    }
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        expected.len(),
        "no undocumented extras and none missing"
    );
    assert!(
        doc["components"]["schemas"]["ErrorBody"].is_object(),
        "error body schema"
    );
}

/// The OpenAPI document as the server serves it.
async fn openapi(app: &TestApp) -> Value {
    get_json(&app.client(), app.url("/api/openapi.json")).await
}

/// A response object of the document, with a `$ref` to `components/responses` followed.
fn resolved<'a>(doc: &'a Value, response: &'a Value) -> &'a Value {
    match response["$ref"].as_str() {
        Some(reference) => {
            let name = reference
                .strip_prefix("#/components/responses/")
                .unwrap_or_else(|| panic!("a response reference: {reference}"));
            &doc["components"]["responses"][name]
        }
        None => response,
    }
}

#[tokio::test]
async fn every_operation_documents_the_errors_its_extractors_can_answer() {
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    // Operations anyone may call: no 401.
    let public = [
        ("/api/session", "post"),
        ("/api/session", "delete"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ];
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().unwrap() {
            let label = format!("{} {path}", method.to_uppercase());
            let responses = op["responses"].as_object().expect("responses");
            let has = |status: &str| responses.contains_key(status);
            let changes_state = matches!(method.as_str(), "post" | "put" | "patch" | "delete");
            let takes_json = op.get("requestBody").is_some();
            let has_path_id = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "path"));
            let mut wanted: Vec<&str> = Vec::new();
            if !public.contains(&(path.as_str(), method.as_str())) {
                wanted.push("401");
            }
            if changes_state {
                wanted.push("403");
            }
            if takes_json {
                wanted.extend(["400", "413", "415", "422"]);
            }
            if has_path_id {
                wanted.push("404");
            }
            for status in wanted {
                assert!(has(status), "{label} documents {status}");
            }
            // The session cookie is the security of exactly the operations that answer
            // `unauthorized` without it.
            let needs_session = responses
                .get("401")
                .is_some_and(|r| r["$ref"] == "#/components/responses/Unauthorized");
            let declares_session = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("session").is_some()));
            assert_eq!(
                needs_session, declares_session,
                "{label}: security `session`"
            );
            // The bearer token is taken wherever the cookie is.
            let declares_bearer = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
            assert_eq!(needs_session, declares_bearer, "{label}: security `bearer`");
            for (status, response) in responses {
                if status.starts_with('2')
                    || status == "101"
                    || status == "304"
                    || path == "/metrics"
                {
                    continue;
                }
                let schema =
                    &resolved(&doc, response)["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(
                    schema, "#/components/schemas/ErrorBody",
                    "{label} {status} has the error body"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "every operation checked, {checked}");
    let scheme = &doc["components"]["securitySchemes"]["session"];
    assert_eq!(
        (&scheme["type"], &scheme["in"], &scheme["name"]),
        (
            &Value::from("apiKey"),
            &Value::from("cookie"),
            &Value::from("switchboard_session")
        ),
        "the session cookie as a security scheme"
    );
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(
        (&bearer["type"], &bearer["scheme"]),
        (&Value::from("http"), &Value::from("bearer")),
        "the bearer token as a security scheme"
    );
    // The sign-in documents the token it may answer, and the history its two pages.
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["SignInRequest"]["properties"]["token"].is_object());
    assert!(schemas["SignInResponse"]["properties"]["token"].is_object());
    assert!(schemas["EarlierEntriesPage"]["properties"]["next_before"].is_object());
    let history = &doc["paths"]["/api/conversations/{id}/entries"]["get"]["parameters"];
    assert!(
        history
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "before")),
        "before= is documented: {history}"
    );

    // Retry-After where the server sends it: the sign-in slow-down and the busy password hashing.
    let cases = [
        ("/api/session", "post", "429"),
        ("/api/session", "post", "503"),
        ("/api/admin/users", "post", "503"),
        ("/api/admin/users/{id}", "patch", "503"),
    ];
    for (path, method, status) in cases {
        let response = resolved(&doc, &doc["paths"][path][method]["responses"][status]);
        assert!(
            response["headers"]["Retry-After"].is_object(),
            "{method} {path} {status} documents Retry-After"
        );
    }
}

#[tokio::test]
async fn the_entries_page_takes_after_and_limit_from_the_query() {
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    let params = doc["paths"]["/api/conversations/{id}/entries"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .clone();
    let place = |name: &str| {
        params
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("parameter {name}"))["in"]
            .clone()
    };
    assert_eq!(place("id"), "path");
    assert_eq!(place("after"), "query");
    assert_eq!(place("limit"), "query");
    let limit = &params.iter().find(|p| p["name"] == "limit").unwrap()["schema"];
    assert_eq!(
        (limit["minimum"].as_i64(), limit["maximum"].as_i64()),
        (Some(1), Some(500))
    );
}

#[tokio::test]
async fn the_document_states_the_limits_the_server_applies() {
    use switchboard::domain::{canned, directory, session};
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    let timer_max = u64::from(directory::TIMER_MAX_SECS);
    let timer_min = u64::from(directory::TIMER_MIN_SECS);
    let cases: Vec<(&str, &str, &str, u64)> = vec![
        (
            "CreateUser",
            "username",
            "maxLength",
            directory::USERNAME_MAX as u64,
        ),
        (
            "CreateUser",
            "display_name",
            "maxLength",
            directory::NAME_MAX as u64,
        ),
        (
            "CreateUser",
            "password",
            "minLength",
            directory::PASSWORD_MIN as u64,
        ),
        (
            "CreateUser",
            "password",
            "maxLength",
            directory::PASSWORD_MAX as u64,
        ),
        ("CreateUser", "roles", "minItems", 1),
        (
            "UpdateUser",
            "display_name",
            "maxLength",
            directory::NAME_MAX as u64,
        ),
        (
            "UpdateUser",
            "password",
            "minLength",
            directory::PASSWORD_MIN as u64,
        ),
        (
            "UpdateUser",
            "password",
            "maxLength",
            directory::PASSWORD_MAX as u64,
        ),
        (
            "CreateGroup",
            "name",
            "maxLength",
            directory::NAME_MAX as u64,
        ),
        (
            "CreateQueue",
            "name",
            "maxLength",
            directory::NAME_MAX as u64,
        ),
        (
            "CreateQueue",
            "greeting",
            "maxLength",
            directory::GREETING_MAX as u64,
        ),
        (
            "CreateQueue",
            "inactivity_warning_seconds",
            "minimum",
            timer_min,
        ),
        (
            "CreateQueue",
            "inactivity_warning_seconds",
            "maximum",
            timer_max,
        ),
        ("CreateQueue", "auto_close_seconds", "minimum", timer_min),
        ("CreateQueue", "auto_close_seconds", "maximum", timer_max),
        (
            "UpdateQueue",
            "name",
            "maxLength",
            directory::NAME_MAX as u64,
        ),
        (
            "UpdateQueue",
            "greeting",
            "maxLength",
            directory::GREETING_MAX as u64,
        ),
        (
            "UpdateQueue",
            "inactivity_warning_seconds",
            "maximum",
            timer_max,
        ),
        ("UpdateQueue", "auto_close_seconds", "maximum", timer_max),
        ("Queue", "inactivity_warning_seconds", "maximum", timer_max),
        ("Queue", "auto_close_seconds", "maximum", timer_max),
        (
            "StartSession",
            "client_id",
            "maxLength",
            session::CLIENT_ID_MAX as u64,
        ),
        (
            "StartSession",
            "message",
            "maxLength",
            session::BODY_MAX_CHARS as u64,
        ),
        ("PostEntry", "client_id", "minLength", 1),
        (
            "PostEntry",
            "client_id",
            "maxLength",
            session::CLIENT_ID_MAX as u64,
        ),
        (
            "PostEntry",
            "body",
            "maxLength",
            session::BODY_MAX_CHARS as u64,
        ),
        (
            "Transfer",
            "note",
            "maxLength",
            session::BODY_MAX_CHARS as u64,
        ),
        (
            "UseCanned",
            "client_id",
            "maxLength",
            session::CLIENT_ID_MAX as u64,
        ),
        (
            "CannedInput",
            "title",
            "maxLength",
            directory::NAME_MAX as u64,
        ),
        ("CannedInput", "body", "maxLength", canned::BODY_MAX as u64),
        ("MarkRead", "seq", "minimum", 0),
    ];
    for (schema, property, keyword, want) in cases {
        let value = &doc["components"]["schemas"][schema]["properties"][property][keyword];
        assert_eq!(value.as_u64(), Some(want), "{schema}.{property} {keyword}");
    }
    // Names may not hold control characters (`char::is_control`: U+0000–001F, U+007F–009F).
    for (schema, property) in [
        ("CreateUser", "display_name"),
        ("UpdateUser", "display_name"),
        ("CreateGroup", "name"),
        ("CreateQueue", "name"),
        ("UpdateQueue", "name"),
        ("CannedInput", "title"),
    ] {
        let pattern = &doc["components"]["schemas"][schema]["properties"][property]["pattern"];
        assert_eq!(pattern, r"^[^\x00-\x1f\x7f-\x9f]*$", "{schema}.{property}");
    }
}

#[tokio::test]
async fn metrics_are_documented_with_the_content_type_they_are_served_with() {
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    let documented: Vec<String> = doc["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
        .as_object()
        .expect("content")
        .keys()
        .cloned()
        .collect();
    let response = app.client().get(app.url("/metrics")).send().await.unwrap();
    let served = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let essence = served.split(';').next().unwrap().trim();
    assert_eq!(documented, vec![essence.to_owned()], "served as {served}");
}

/// `switchboard migrate` applies the migrations and exits; `switchboard backup FILE` writes a
/// consistent copy of the SQLite database while the server serves, and never overwrites a file.
#[tokio::test]
async fn migrate_and_backup_from_the_command_line() {
    let bin = env!("CARGO_BIN_EXE_switchboard");
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |args: Vec<String>| {
        let output = std::process::Command::new(bin)
            .args(&args)
            .env_remove("SWITCHBOARD_DATABASE_URL")
            .output()
            .expect("run the binary");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let app = TestApp::spawn().await;
    let url = if crate::pg::on_postgres() {
        app.config.database_url.clone()
    } else {
        format!("sqlite://{}", dir.path().join("fresh.db").display())
    };
    let (ok, out, err) = run(vec!["migrate".into(), "--database-url".into(), url.clone()]);
    assert!(ok, "migrate: {out} {err}");
    assert!(out.contains("Migrations applied"), "{out}");
    if crate::pg::on_postgres() {
        // PostgreSQL is backed up with pg_dump: said so, nothing written.
        let target = dir.path().join("pg.db");
        let (ok, _, err) = run(vec![
            "backup".into(),
            target.display().to_string(),
            "--database-url".into(),
            url,
        ]);
        assert!(!ok && err.contains("pg_dump"), "{err}");
        assert!(!target.exists());
        return;
    }
    // A session, then a copy while the server runs.
    let carol = app.signed_in("carol").await;
    let (status, _) = crate::sessions::start(&app, &carol, "Backup me").await;
    assert_eq!(status, StatusCode::CREATED);
    let copy = dir.path().join("copy.db");
    let live = format!("sqlite://{}", app.db_file().display());
    let (ok, out, err) = run(vec![
        "backup".into(),
        copy.display().to_string(),
        "--database-url".into(),
        live.clone(),
    ]);
    assert!(ok, "backup: {out} {err}");
    let restored = switchboard::storage::Db::connect(&format!("sqlite://{}", copy.display()))
        .await
        .expect("the copy opens");
    assert_eq!(restored.count_users().await.unwrap(), 6);
    let sessions = restored
        .sessions_of_customer(
            switchboard::domain::UserId(app.user_id("carol").await.parse().unwrap()),
            10,
        )
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1, "the session is in the copy");
    restored.close().await;
    let (ok, _, err) = run(vec![
        "backup".into(),
        copy.display().to_string(),
        "--database-url".into(),
        live,
    ]);
    assert!(!ok, "a second backup to the same file is refused");
    assert!(err.contains("exists"), "{err}");
    // A missing database is not created (nor migrated) by a backup.
    let missing = dir.path().join("missing.db");
    let (ok, _, _) = run(vec![
        "backup".into(),
        dir.path().join("other.db").display().to_string(),
        "--database-url".into(),
        format!("sqlite://{}", missing.display()),
    ]);
    assert!(!ok, "nothing to back up");
    assert!(!missing.exists(), "the backup created no database");
}
