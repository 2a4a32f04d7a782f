//! Older history by page: `GET /api/conversations/{id}/entries?before=SEQ&limit=N`.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, get_json, post_json};
use crate::sessions::{post, start};

/// A session of `customer` accepted by alice, with `n` posts after the opening: every third a
/// work note. Returns its id and the seqs of its work notes.
async fn session_with_notes(app: &TestApp, customer: &str, n: usize) -> (String, Vec<i64>) {
    let who = app.signed_in(customer).await;
    let (_, conv) = start(app, &who, &format!("{customer} is stuck")).await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let alice = app.signed_in("alice").await;
    let accepted = alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    let mut notes = Vec::new();
    for i in 0..n {
        let kind = if i % 3 == 0 { "work_note" } else { "comment" };
        let response = post(
            app,
            &alice,
            &id,
            kind,
            &format!("{kind} {i}"),
            &format!("h-{i}"),
        )
        .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let entry: Value = response.json().await.unwrap();
        if kind == "work_note" {
            notes.push(entry["seq"].as_i64().unwrap());
        }
    }
    (id, notes)
}

async fn page(app: &TestApp, who: &Client, id: &str, query: &str) -> Value {
    get_json(
        who,
        app.url(&format!("/api/conversations/{id}/entries?{query}")),
    )
    .await
}

fn seqs(page: &Value) -> Vec<i64> {
    page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect()
}

/// Reads the whole log backwards from `before` by pages of `limit`: the seqs seen, in order,
/// and the `next_before` of each page.
async fn walk_back(
    app: &TestApp,
    who: &Client,
    id: &str,
    before: i64,
    limit: i64,
) -> (Vec<i64>, Vec<Option<i64>>) {
    let mut seen = Vec::new();
    let mut nexts = Vec::new();
    let mut before = Some(before);
    while let Some(b) = before {
        let p = page(app, who, id, &format!("before={b}&limit={limit}")).await;
        let got = seqs(&p);
        assert!(got.windows(2).all(|w| w[0] < w[1]), "ascending: {got:?}");
        assert!(got.iter().all(|&s| s < b), "all before {b}: {got:?}");
        let mut older = got;
        older.extend(seen);
        seen = older;
        before = p["next_before"].as_i64();
        nexts.push(before);
        assert!(nexts.len() < 100, "the walk ends");
    }
    (seen, nexts)
}

#[tokio::test]
async fn earlier_pages_go_back_to_the_start_in_order_and_show_each_caller_what_they_may_see() {
    let app = TestApp::spawn().await;
    let (carols, carol_notes) = session_with_notes(&app, "carol", 10).await;
    let (ivans, ivan_notes) = session_with_notes(&app, "ivan", 10).await;
    let alice = app.signed_in("alice").await;
    let all: Vec<i64> = seqs(&page(&app, &alice, &carols, "after=0").await);
    let last = *all.last().unwrap();
    assert_eq!(
        all,
        (1..=last).collect::<Vec<_>>(),
        "the agent reads every seq"
    );
    assert!(carol_notes.len() >= 3);

    // The newest `limit` read from the log, ascending; next_before the smallest seq read.
    let newest = page(
        &app,
        &alice,
        &carols,
        &format!("before={}&limit=4", last + 1),
    )
    .await;
    assert_eq!(seqs(&newest), vec![last - 3, last - 2, last - 1, last]);
    assert_eq!(newest["next_before"], json!(last - 3));
    assert!(newest.get("next_after").is_none(), "{newest}");
    let (walked, nexts) = walk_back(&app, &alice, &carols, last + 1, 4).await;
    assert_eq!(
        walked, all,
        "the pages join up with nothing missed or doubled"
    );
    assert_eq!(*nexts.last().unwrap(), None, "null at the start of the log");
    // A page that ends exactly at seq 1 says so at once.
    let start = page(&app, &alice, &carols, "before=5&limit=4").await;
    assert_eq!(
        (seqs(&start), &start["next_before"]),
        (vec![1, 2, 3, 4], &Value::Null)
    );
    // Default limit 100: the whole of this short log, and the start reached.
    let whole = page(&app, &alice, &carols, &format!("before={}", last + 1)).await;
    assert_eq!(
        (seqs(&whole), &whole["next_before"]),
        (all.clone(), &Value::Null)
    );
    // A `before` beyond the log is the newest page.
    let beyond = page(&app, &alice, &carols, "before=100000&limit=2").await;
    assert_eq!(seqs(&beyond), vec![last - 1, last]);

    // The visibility matrix: the customer without ITIL never gets a work note, on any page
    // size (the pages still count the hidden seqs, so they join up); with ITIL she does.
    let carol = app.signed_in("carol").await;
    for limit in [1, 2, 3, 500] {
        let (walked, _) = walk_back(&app, &carol, &carols, last + 1, limit).await;
        let expected: Vec<i64> = all
            .iter()
            .copied()
            .filter(|s| !carol_notes.contains(s))
            .collect();
        assert_eq!(walked, expected, "carol, limit {limit}");
    }
    let only_note = page(
        &app,
        &carol,
        &carols,
        &format!("before={}&limit=1", carol_notes[1] + 1),
    )
    .await;
    assert_eq!(
        (seqs(&only_note), &only_note["next_before"]),
        (vec![], &json!(carol_notes[1])),
        "a page holding only a work note is empty for her, and goes on"
    );
    let ivan = app.signed_in("ivan").await;
    let (walked, _) = walk_back(&app, &ivan, &ivans, 1000, 3).await;
    let ivan_all = seqs(&page(&app, &alice, &ivans, "after=0").await);
    assert_eq!(walked, ivan_all, "a customer with ITIL sees the work notes");
    assert!(ivan_notes.iter().all(|n| walked.contains(n)));
    let (walked, _) = walk_back(&app, &app.signed_in("bob").await, &carols, 1000, 5).await;
    assert_eq!(walked, all, "another agent of the group sees everything");

    // Another customer's conversation is not found, as for one that does not exist.
    let response = ivan
        .get(app.url(&format!("/api/conversations/{carols}/entries?before=5")))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn earlier_pages_are_bounded_and_not_mixed_with_after() {
    let app = TestApp::spawn().await;
    let carol = app.signed_in("carol").await;
    let (_, conv) = start(&app, &carol, "Bounds").await;
    let id = conv["id"].as_str().unwrap();
    for query in [
        "before=5&after=0",
        "after=0&before=5",
        "before=1&limit=0",
        "before=1&limit=501",
        "before=0",
        "before=-3",
        "before=x",
        "before=5&limit=-1",
        "limit=abc",
        "limit=",
        "after=99999999999999999999999",
    ] {
        let response = carol
            .get(app.url(&format!("/api/conversations/{id}/entries?{query}")))
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            "{query}"
        );
        // Said in the client's terms, never the parser's.
        for internal in ["digit", "parse", "target type", "u32", "i64"] {
            assert!(!message.contains(internal), "{query}: {message}");
        }
    }
    let edge = page(&app, &carol, id, "before=1&limit=500").await;
    assert_eq!(edge, json!({"entries": [], "next_before": null}));
    // The after form is unchanged.
    let after = page(&app, &carol, id, "after=0").await;
    assert_eq!(after["next_after"], Value::Null);
    assert!(after.get("next_before").is_none());
    // Posting a message is unaffected by paging (a sanity check of the fixture session).
    let posted = post_json(
        &carol,
        app.url(&format!("/api/conversations/{id}/entries")),
        &json!({"client_id": "b-1", "kind": "comment", "body": "still here"}),
    )
    .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
}
