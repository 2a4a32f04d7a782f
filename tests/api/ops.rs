//! Health, readiness, metrics and the OpenAPI document.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, error_of, metrics_text};

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
        ("/api/conversations/{id}/still-here", "post"),
        ("/api/conversations/{id}/typing", "post"),
        ("/api/conversations/{id}/read", "post"),
        ("/api/presence", "put"),
        ("/api/queues/{queue}/members", "get"),
        ("/api/users/{id}", "get"),
        ("/api/users/{id}/sessions", "get"),
        ("/api/queues/{queue}/canned", "get"),
        ("/api/queues/{queue}/canned", "post"),
        ("/api/queues/{queue}/canned/{id}", "patch"),
        ("/api/queues/{queue}/canned/{id}", "delete"),
        ("/api/conversations/{id}/canned/{canned}", "post"),
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
