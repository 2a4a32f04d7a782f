//! Transcripts (only what the requester may see, as text or HTML, never rendered here) and the
//! CSV export of a queue's sessions (managers and admins; formulas neutralised).

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of};
use crate::sessions::{post, queue_id, start};

async fn transcript(app: &TestApp, who: &Client, conv: &str, format: &str) -> reqwest::Response {
    who.get(app.url(&format!(
        "/api/conversations/{conv}/transcript?format={format}"
    )))
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn a_transcript_holds_what_its_reader_may_see_and_nothing_more() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let (_, conv) = start(&app, &carol, "<script>alert(1)</script> my VPN").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let accepted = alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    post(
        &app,
        &alice,
        &id,
        "comment",
        "Please restart the client",
        "a1",
    )
    .await;
    post(
        &app,
        &alice,
        &id,
        "work_note",
        "SECRET-NOTE known gateway fault",
        "a2",
    )
    .await;
    let wrong: Value = post(
        &app,
        &alice,
        &id,
        "comment",
        "SECRET-WITHDRAWN wrong customer",
        "a3",
    )
    .await
    .json()
    .await
    .unwrap();
    let withdrawn = alice
        .post(app.url(&format!(
            "/api/conversations/{id}/entries/{}/withdraw",
            wrong["seq"]
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), StatusCode::OK);
    let file = crate::attachments::upload(
        &app,
        &carol,
        &id,
        "comment",
        "error.png",
        crate::attachments::PNG.to_vec(),
        &[],
    )
    .await;
    assert_eq!(file.status(), StatusCode::CREATED);

    let text = transcript(&app, &carol, &id, "text").await;
    assert_eq!(text.status(), StatusCode::OK);
    let h = text.headers().clone();
    assert_eq!(h["content-type"], "text/plain; charset=utf-8");
    assert_eq!(
        h["content-disposition"],
        format!("attachment; filename=\"transcript-{id}.txt\"").as_str()
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    let text = text.text().await.unwrap();
    assert!(
        text.starts_with(&format!(
            "Transcript of support session {id} (IT Service Desk)"
        )),
        "{text}"
    );
    assert!(
        text.contains("Alice Agent: Please restart the client"),
        "{text}"
    );
    assert!(text.contains("(message withdrawn)"), "{text}");
    assert!(
        text.contains("Carol Customer: [file: error.png, image/png,"),
        "{text}"
    );
    assert!(
        !text.contains("SECRET-NOTE")
            && !text.contains("SECRET-WITHDRAWN")
            && !text.contains("withdrew"),
        "{text}"
    );

    let html = transcript(&app, &carol, &id, "html").await;
    assert_eq!(html.headers()["content-type"], "text/html; charset=utf-8");
    assert!(
        html.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let html = html.text().await.unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>"),
        "{html}"
    );
    assert!(!html.contains("SECRET-NOTE"));

    // Staff see the work note (marked as one); nobody sees the withdrawn body.
    let staff = transcript(&app, &alice, &id, "text")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        staff.contains("Alice Agent (work note): SECRET-NOTE known gateway fault"),
        "{staff}"
    );
    assert!(!staff.contains("SECRET-WITHDRAWN"));
    // Another customer: as if there were none; an unknown format: named.
    let ivan = app.signed_in("ivan").await;
    assert_eq!(
        error_of(transcript(&app, &ivan, &id, "text").await).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, code, _) = error_of(transcript(&app, &carol, &id, "pdf").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
    );
}

async fn export(app: &TestApp, who: &Client, query: &str) -> reqwest::Response {
    let queue = queue_id(app).await;
    who.get(app.url(&format!("/api/queues/{queue}/export?{query}")))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn managers_export_sessions_as_csv_with_formulas_neutralised() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(
        &app,
        &carol,
        "=HYPERLINK(\"http://evil.example\",\"click\")",
    )
    .await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let dana = app.signed_in("dana").await;
    let day = "from=2026-01-05&to=2026-01-05";

    let plain = export(&app, &dana, day).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(plain.headers()["content-type"], "text/csv; charset=utf-8");
    let plain = plain.text().await.unwrap();
    let rows: Vec<&str> = plain.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(
        rows[0],
        "session,created_at,customer,agent,state,closed_reason,accepted_at,rating"
    );
    assert_eq!(rows.len(), 2, "{plain}");
    assert!(rows[1].starts_with(&format!("\"{id}\",")), "{plain}");
    assert!(
        rows[1].contains("\"Carol Customer\"") && rows[1].contains("\"queued\""),
        "{plain}"
    );
    assert!(
        !plain.contains("HYPERLINK"),
        "no message bodies unless asked for"
    );

    let with_bodies = export(&app, &dana, &format!("{day}&bodies=true"))
        .await
        .text()
        .await
        .unwrap();
    assert!(with_bodies.starts_with(
        "session,created_at,customer,agent,state,closed_reason,accepted_at,rating,first_message,rating_comment\r\n"
    ));
    assert!(
        with_bodies.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""),
        "{with_bodies}"
    );
    // Another day holds nothing; an agent and a customer may not export; bad days are named.
    let other = export(&app, &dana, "from=2026-02-01&to=2026-02-28")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(other.split("\r\n").filter(|r| !r.is_empty()).count(), 1);
    let alice = app.signed_in("alice").await;
    assert_eq!(
        error_of(export(&app, &alice, day).await).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        error_of(export(&app, &carol, day).await).await.0,
        StatusCode::FORBIDDEN
    );
    for (query, field) in [
        ("from=2026-13-01&to=2026-01-05", "from"),
        ("from=2026-01-05&to=yesterday", "to"),
        ("from=2026-01-05&to=2026-01-04", "to"),
    ] {
        let response = export(&app, &dana, query).await;
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["field"], json!(field), "{query}: {body}");
    }
}

#[tokio::test]
async fn the_customer_rates_an_ended_session_once_and_managers_see_it() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let (_, conv) = start(&app, &carol, "Printer").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let survey = |who: &Client| {
        let (who, url) = (
            who.clone(),
            app.url(&format!("/api/conversations/{id}/survey")),
        );
        async move {
            who.get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let rate = |who: &Client, body: Value| {
        let (who, url) = (
            who.clone(),
            app.url(&format!("/api/conversations/{id}/survey")),
        );
        async move { crate::helpers::post_json(&who, url, &body).await }
    };
    // Nothing to ask while it is open.
    assert_eq!(survey(&carol).await["state"], "none");
    assert_eq!(
        error_of(rate(&carol, json!({"rating": 5})).await).await.0,
        StatusCode::FORBIDDEN
    );
    let accepted = alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    let ended = alice
        .post(app.url(&format!("/api/conversations/{id}/end")))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::OK);
    assert_eq!(survey(&carol).await["state"], "asked");
    assert_eq!(
        survey(&alice).await["state"],
        "none",
        "only the customer is asked"
    );
    // Only its customer; a rating of 1 to 5; a comment of at most 1,000 characters.
    assert_eq!(
        error_of(rate(&alice, json!({"rating": 5})).await).await.0,
        StatusCode::FORBIDDEN
    );
    let ivan = app.signed_in("ivan").await;
    assert_eq!(
        error_of(rate(&ivan, json!({"rating": 5})).await).await.0,
        StatusCode::NOT_FOUND
    );
    for bad in [
        json!({"rating": 0}),
        json!({"rating": 6}),
        json!({"rating": 4, "comment": "x".repeat(1001)}),
    ] {
        assert_eq!(
            error_of(rate(&carol, bad.clone()).await).await.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
    }
    let answered = rate(
        &carol,
        json!({"rating": 4, "comment": "=1+1 quick, thanks"}),
    )
    .await;
    assert_eq!(answered.status(), StatusCode::CREATED);
    let (status, code, _) = error_of(rate(&carol, json!({"rating": 1})).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "already_answered")
    );
    let seen = survey(&alice).await;
    assert_eq!(
        (seen["state"].as_str(), seen["rating"].as_i64()),
        (Some("answered"), Some(4))
    );
    // In the export: the rating, and with bodies its comment, neutralised.
    let dana = app.signed_in("dana").await;
    let csv = export(&app, &dana, "from=2026-01-05&to=2026-01-05&bodies=true")
        .await
        .text()
        .await
        .unwrap();
    let row = csv.split("\r\n").nth(1).unwrap();
    assert!(
        row.contains(",\"4\",") && row.ends_with(",\"'=1+1 quick, thanks\""),
        "{csv}"
    );
    // A queue that does not ask: nothing asked.
    let queue = queue_id(&app).await;
    let off = dana
        .patch(app.url(&format!("/api/queues/{queue}")))
        .json(&json!({"survey": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(off.json::<Value>().await.unwrap()["survey"], false);
    let (_, second) = start(&app, &ivan, "Mouse").await;
    let second = second["id"].as_str().unwrap().to_owned();
    for step in ["accept", "end"] {
        let r = alice
            .post(app.url(&format!("/api/conversations/{second}/{step}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let none: Value = ivan
        .get(app.url(&format!("/api/conversations/{second}/survey")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none["state"], "none");
}
