//! Bad input gets a clear JSON error, never a panic or a 500, and stores nothing.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, error_of, get_json};

#[tokio::test]
async fn malformed_bodies_get_clear_errors() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let url = app.url("/api/admin/users");
    // (body, content type, status, code, words the message must contain)
    let cases: Vec<(Vec<u8>, &str, StatusCode, &str, &str)> = vec![
        (b"{\"username\": ".to_vec(), "application/json", StatusCode::BAD_REQUEST, "malformed", "EOF"),
        (b"not json".to_vec(), "application/json", StatusCode::BAD_REQUEST, "malformed", "expected"),
        (
            br#"{"username":"x","display_name":"X","password":"long enough","roles":["agent"],"admin":true}"#.to_vec(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "`admin` is not a field of this request",
        ),
        (br#"{"username": 5}"#.to_vec(), "application/json", StatusCode::UNPROCESSABLE_ENTITY, "invalid", "`username` must be a text, not 5."),
        (br#"{"username":"x"}"#.to_vec(), "text/plain", StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "JSON"),
        (vec![b' '; 100 * 1024], "application/json", StatusCode::PAYLOAD_TOO_LARGE, "too_large", "64 KiB"),
        (vec![0xff, 0xfe, b'{'], "application/json", StatusCode::BAD_REQUEST, "malformed", ""),
    ];
    for (body, content_type, want_status, want_code, words) in cases {
        let response = admin
            .post(&url)
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(response).await;
        let shown = String::from_utf8_lossy(&body[..body.len().min(40)]).into_owned();
        assert_eq!(
            (status, code.as_str()),
            (want_status, want_code),
            "body {shown:?}"
        );
        assert!(
            message.contains(words),
            "message {message:?} should name {words:?}"
        );
    }
    let users: serde_json::Value = get_json(&admin, &url).await;
    assert_eq!(users.as_array().unwrap().len(), 6, "only the demo users");
}

#[tokio::test]
async fn unknown_api_routes_ids_and_methods_answer_json() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let cases = [
        (
            reqwest::Method::GET,
            "/api/nothing-here",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            reqwest::Method::GET,
            "/api",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            reqwest::Method::GET,
            "/api/groups/not-a-number",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            reqwest::Method::GET,
            "/api/groups/99999",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            reqwest::Method::PUT,
            "/api/groups/1/members/abc",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            reqwest::Method::PUT,
            "/api/me",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (method, path, want_status, want_code) in cases {
        let response = admin
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        let (status, code, _) = error_of(response).await;
        assert_eq!(
            (status, code.as_str()),
            (want_status, want_code),
            "{method} {path}"
        );
    }
    let page = app
        .client()
        .get(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::NOT_FOUND,
        "non-API paths 404 too"
    );
}

#[tokio::test]
async fn a_sign_in_with_missing_fields_is_refused_without_counting_a_failure() {
    let app = TestApp::spawn().await;
    for _ in 0..6 {
        let response = app
            .client()
            .post(app.url("/api/session"))
            .json(&json!({"username": "alice"}))
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
        );
        assert!(message.contains("password"), "{message}");
    }
    assert_eq!(
        app.try_sign_in(&app.client(), "alice", "alice")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_body_that_is_not_a_json_object_is_refused_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = crate::sessions::start(&app, &carol, "Printer jam").await;
    let id = conv["id"].as_str().unwrap();
    let url = app.url(&format!("/api/conversations/{id}/entries"));
    let before = crate::sessions::entries(&app, &carol, id).await.len();
    // serde fills a struct from an array in field order: this one would post an entry.
    for body in [
        r#"["array-1","comment","Posted from an array"]"#,
        r#"[]"#,
        r#"null"#,
        r#""text""#,
        r#"5"#,
    ] {
        let response = carol
            .post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            "body {body}"
        );
        assert!(message.contains("JSON object"), "{body}: {message}");
    }
    assert_eq!(
        crate::sessions::entries(&app, &carol, id).await.len(),
        before,
        "nothing posted"
    );

    // Nor does an array sign anyone in.
    let response = app
        .client()
        .post(app.url("/api/session"))
        .header("content-type", "application/json")
        .body(r#"["carol","carol"]"#)
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
    );
}

#[tokio::test]
async fn a_plain_get_of_the_socket_endpoint_gets_the_json_error_body() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let response = carol.get(app.url("/api/ws")).send().await.unwrap();
    let (status, code, _) = error_of(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "malformed")
    );
}

#[tokio::test]
async fn blank_but_overlong_texts_are_refused_by_their_length() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let queue = crate::sessions::queue_id(&app).await;
    let blanks = " ".repeat(10_001);
    let started = carol
        .post(app.url(&format!("/api/queues/{queue}/sessions")))
        .json(&json!({"client_id": "s1", "message": blanks}))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(started).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_long")
    );

    let (_, conv) = crate::sessions::start(&app, &carol, "Dock not detected").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let alice = app.signed_in("alice").await;
    alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    let _bob_online = crate::socket::Ws::open(&app, "bob").await;
    let bob_id = app.user_id("bob").await;
    let transferred = alice
        .post(app.url(&format!("/api/conversations/{id}/transfer")))
        .json(&json!({"to": bob_id, "note": blanks}))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(transferred).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_long")
    );
}

#[tokio::test]
async fn a_refused_body_on_the_socket_is_refused_whatever_its_client_id() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = crate::sessions::start(&app, &carol, "Webcam is black").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let mut ws = crate::socket::Ws::open(&app, "carol").await;
    ws.send(json!({"type": "send", "ref": "a", "conversation": id, "client_id": "c1", "kind": "comment", "body": "first"})).await;
    assert_eq!(ws.find(|f| f["type"] == "ack").await["ref"], "a");
    ws.send(json!({"type": "send", "ref": "b", "conversation": id, "client_id": "c1", "kind": "comment", "body": "  "})).await;
    let answer = ws
        .find(|f| f["ref"] == "b" && (f["type"] == "ack" || f["type"] == "error"))
        .await;
    assert_eq!(
        answer["error"]["code"], "invalid",
        "not the old entry: {answer}"
    );
}
