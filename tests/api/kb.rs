//! The Knowledge Base: search ranking and snippets over the demo articles (the same table on
//! both backends: the same first result), who reads drafts, who publishes, versions, the
//! editor's preview, suggestions from a customer's words, and sharing an article in a session.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, get_json, post_json};
use crate::sessions::{entries, start};

async fn search(app: &TestApp, who: &Client, q: &str) -> Vec<Value> {
    let url = reqwest::Url::parse_with_params(&app.url("/api/kb/articles"), &[("q", q)]).unwrap();
    get_json(who, url).await.as_array().unwrap().clone()
}

fn titles(hits: &[Value]) -> Vec<&str> {
    hits.iter().map(|h| h["title"].as_str().unwrap()).collect()
}

/// The marked words of a hit's snippet.
fn marks(hit: &Value) -> Vec<String> {
    hit["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["mark"] == json!(true))
        .map(|p| p["text"].as_str().unwrap().to_lowercase())
        .collect()
}

#[tokio::test]
async fn search_finds_the_same_first_article_on_either_backend() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    // (what is typed, the first result). The same table runs on SQLite and on PostgreSQL.
    let table = [
        ("vpn", "Connect to the VPN from home"),
        ("How do I reset my password?", "Reset your password"),
        ("pass", "Reset your password"),
        ("printing", "Add a printer and print securely"),
        ("wi-fi guest network", "Connect to the office Wi-Fi"),
        ("I got a phishing email", "Report a phishing email"),
        ("teams audio", "Fix Microsoft Teams audio and video"),
        ("my laptop is broken", "Replace a broken or old laptop"),
        ("map the shared drive", "Map a shared drive"),
        ("recover a deleted file", "Recover a deleted file"),
        (
            "authenticator app",
            "Set up multi-factor authentication (MFA)",
        ),
        ("mail on my phone", "Set up work email on your phone"),
        ("request software", "Request new software"),
    ];
    for (q, first) in table {
        let hits = search(&app, &carol, q).await;
        assert_eq!(
            titles(&hits).first(),
            Some(&first),
            "{q:?}: {:?}",
            titles(&hits)
        );
    }
    // The snippet of the first result marks the words that matched, stemmed ("disconnects"
    // marked for "disconnecting").
    for (q, marked) in [
        ("vpn", "vpn"),
        ("phishing", "phishing"),
        ("disconnecting", "disconnect"),
        ("backup codes", "code"),
    ] {
        let hits = search(&app, &carol, q).await;
        let found = marks(&hits[0]);
        assert!(
            found.iter().any(|m| m.starts_with(marked)),
            "{q:?}: marked {found:?} in {}",
            hits[0]["snippet"]
        );
    }
    // Stemming: "printers" and "printing" find the same article; the snippet marks the word.
    let hits = search(&app, &carol, "printers ").await;
    assert_eq!(titles(&hits)[0], "Add a printer and print securely");
    assert!(
        marks(&hits[0]).iter().any(|m| m.starts_with("print")),
        "{:?}",
        hits[0]["snippet"]
    );
    // Nothing but common words, or nothing known: nothing.
    assert!(search(&app, &carol, "how do I the").await.is_empty());
    assert!(search(&app, &carol, "zyxwvut").await.is_empty());
    // Query syntax is never passed through.
    assert!(search(&app, &carol, "\"vpn OR *) NEAR(").await.len() <= 12);
    // Without a search: the newest first, with the opening words unmarked.
    let all: Vec<Value> = get_json(&carol, app.url("/api/kb/articles?limit=50"))
        .await
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(all.len(), 12);
    assert!(all.iter().all(|h| marks(h).is_empty()));
    let (status, code, _) = error_of(
        carol
            .get(app.url("/api/kb/articles?limit=0"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
    );
}

async fn create_draft(app: &TestApp, who: &Client, title: &str, body: &str) -> Value {
    let answer = post_json(
        who,
        app.url("/api/kb/articles"),
        &json!({"client_id": format!("draft-{title}"), "title": title, "body": body, "category": "Network"}),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::CREATED);
    answer.json().await.unwrap()
}

async fn patch(app: &TestApp, who: &Client, number: &str, body: &Value) -> reqwest::Response {
    who.patch(app.url(&format!("/api/kb/articles/{number}")))
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn drafts_are_for_staff_and_managers_publish() {
    let app = TestApp::spawn().await;
    let (alice, dana, carol) = (
        app.signed_in("alice").await,
        app.signed_in("dana").await,
        app.signed_in("carol").await,
    );
    let draft = create_draft(
        &app,
        &alice,
        "Zebra label printer setup",
        "Install the **zebra** driver.\n\n<script>alert(1)</script>",
    )
    .await;
    let number = draft["number"].as_str().unwrap().to_owned();
    assert_eq!(number, "KB0010013");
    assert_eq!(draft["state"], "draft");
    assert!(!draft["html"].as_str().unwrap().contains("<script"));
    assert!(
        draft["html"]
            .as_str()
            .unwrap()
            .contains("<strong>zebra</strong>")
    );
    // A repeated create answers with the original.
    let again = post_json(
        &alice,
        app.url("/api/kb/articles"),
        &json!({"client_id": "draft-Zebra label printer setup", "title": "x", "body": "y", "category": "z"}),
    )
    .await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        again.json::<Value>().await.unwrap()["number"],
        number.as_str()
    );

    // Customers never see a draft: not by number, id, search, or asking for drafts.
    for key in [number.clone(), draft["id"].as_str().unwrap().to_owned()] {
        let answer = carol
            .get(app.url(&format!("/api/kb/articles/{key}")))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    }
    assert!(search(&app, &carol, "zebra").await.is_empty());
    let (status, ..) = error_of(
        carol
            .get(app.url("/api/kb/articles?state=draft"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Staff find it among drafts.
    let drafts = get_json(&alice, app.url("/api/kb/articles?state=draft&q=zebra")).await;
    assert_eq!(drafts[0]["number"], number.as_str());

    // An agent edits the draft, but publishes nothing.
    let edited = patch(
        &app,
        &alice,
        &number,
        &json!({"version": 1, "title": "Set up a Zebra label printer"}),
    )
    .await;
    assert_eq!(edited.status(), StatusCode::OK);
    assert_eq!(edited.json::<Value>().await.unwrap()["version"], 2);
    let (status, code, _) = error_of(
        patch(
            &app,
            &alice,
            &number,
            &json!({"version": 2, "state": "published"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    // A change made on an old version names who changed it.
    let (status, code, message) = error_of(
        patch(
            &app,
            &dana,
            &number,
            &json!({"version": 1, "state": "published"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "changed"));
    assert!(message.contains("Alice Agent"), "{message}");
    let answer = patch(&app, &dana, &number, &json!({"version": 2, "title": "  "})).await;
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["field"], "title");
    // The manager publishes: customers read and find it.
    let published = patch(
        &app,
        &dana,
        &number,
        &json!({"version": 2, "state": "published"}),
    )
    .await;
    assert_eq!(published.status(), StatusCode::OK);
    let published: Value = published.json().await.unwrap();
    assert!(published["published_at"].is_string());
    let read = get_json(&carol, app.url(&format!("/api/kb/articles/{number}"))).await;
    assert_eq!(read["title"], "Set up a Zebra label printer");
    assert_eq!(
        titles(&search(&app, &carol, "zebra").await),
        vec!["Set up a Zebra label printer"]
    );
    // A published article is the manager's to change; retired, it is gone for customers.
    let (status, ..) = error_of(
        patch(
            &app,
            &alice,
            &number,
            &json!({"version": 3, "body": "changed"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let retired = patch(
        &app,
        &dana,
        &number,
        &json!({"version": 3, "state": "retired"}),
    )
    .await;
    assert_eq!(retired.status(), StatusCode::OK);
    let gone = carol
        .get(app.url(&format!("/api/kb/articles/{number}")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert!(search(&app, &carol, "zebra").await.is_empty());
    // Customers write nothing.
    let refused = post_json(
        &carol,
        app.url("/api/kb/articles"),
        &json!({"client_id": "c1", "title": "t", "body": "b", "category": "c"}),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_preview_is_rendered_and_sanitised() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let answer = post_json(
        &alice,
        app.url("/api/kb/preview"),
        &json!({"body": "# Title\n\n[x](javascript:alert(1)) [ok](https://example.com) <img src=x onerror=alert(1)>"}),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let html = answer.json::<Value>().await.unwrap()["html"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(html.contains("<h1>Title</h1>"), "{html}");
    assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    assert!(
        !html.contains("javascript:") && !html.contains("<img"),
        "{html}"
    );
    let carol = app.signed_in("carol").await;
    let refused = post_json(&carol, app.url("/api/kb/preview"), &json!({"body": "x"})).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_agent_is_offered_articles_from_the_customers_words_and_shares_one() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let (_, conv) = start(&app, &carol, "Hi, I can't connect to the VPN from home").await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let accepted = alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    let suggested = get_json(
        &alice,
        app.url(&format!("/api/conversations/{id}/kb-suggestions")),
    )
    .await;
    let suggested = suggested.as_array().unwrap();
    assert_eq!(titles(suggested)[0], "Connect to the VPN from home");
    let vpn = suggested[0]["number"].as_str().unwrap().to_owned();
    // The customer gets no suggestions (staff only), nor does anyone for a session they may
    // not see.
    let refused = carol
        .get(app.url(&format!("/api/conversations/{id}/kb-suggestions")))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let share = |client_id: &str, article: &str| {
        let (alice, url) = (
            alice.clone(),
            app.url(&format!("/api/conversations/{id}/kb-share")),
        );
        let body = json!({"client_id": client_id, "article": article});
        async move { post_json(&alice, url, &body).await }
    };
    let shared = share("share-1", &vpn).await;
    assert_eq!(shared.status(), StatusCode::CREATED);
    let entry: Value = shared.json().await.unwrap();
    assert_eq!(entry["kind"], "comment");
    let body = entry["body"].as_str().unwrap();
    assert!(
        body.starts_with("Connect to the VPN from home — ")
            && body.ends_with(&format!("/kb/{vpn}")),
        "{body}"
    );
    // Once per client id.
    let again = share("share-1", &vpn).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().await.unwrap()["seq"], entry["seq"]);
    // Carol sees the comment, and opens the article it names.
    let seen = entries(&app, &carol, &id).await;
    assert!(
        seen.iter()
            .any(|e| e["seq"] == entry["seq"] && e["body"] == entry["body"])
    );
    let read = get_json(&carol, app.url(&format!("/api/kb/articles/{vpn}"))).await;
    assert_eq!(read["title"], "Connect to the VPN from home");

    // A draft is not shared: it would be a link the customer cannot open.
    let draft = create_draft(
        &app,
        &alice,
        "VPN split tunnel notes",
        "Internal notes on the VPN.",
    )
    .await;
    let refused = share("share-2", draft["number"].as_str().unwrap()).await;
    let (status, code, _) = error_of(refused).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
    );
    let unknown = share("share-3", "KB0099999").await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Only who may comment shares: a colleague of the group is not the assignee.
    let bob = app.signed_in("bob").await;
    let by_bob = post_json(
        &bob,
        app.url(&format!("/api/conversations/{id}/kb-share")),
        &json!({"client_id": "bob-1", "article": vpn}),
    )
    .await;
    assert_eq!(by_bob.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn knowledge_pages_are_for_everyone_signed_in() {
    let app = TestApp::spawn().await;
    let anonymous = app.client();
    let answer = anonymous
        .get(app.url("/kb/KB0010001"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        answer.headers()["location"].to_str().unwrap(),
        "/?next=%2Fkb%2FKB0010001"
    );
    let carol = app.signed_in("carol").await;
    for path in ["/kb", "/kb/KB0010001"] {
        let page = carol.get(app.url(path)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
    }
}
