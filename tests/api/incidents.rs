//! Incidents: Create Incident from a session (the customer is told the number), numbering under
//! concurrent creates, the priority matrix, state rules, optimistic concurrency, visibility of
//! the activity's work notes, follow and unfollow, the canned `{incident.number}`, and a message
//! left when nobody is available. On both backends.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, get_json, post_json};
use crate::sessions::{entries, post, queue_id, start};
use crate::socket::Ws;

/// The demo group's id (the queue's assignment group).
async fn group_id(app: &TestApp) -> String {
    let groups = get_json(&app.signed_in("dana").await, app.url("/api/groups")).await;
    groups[0]["id"].as_str().expect("demo group").to_owned()
}

/// A session of carol's accepted by alice: (carol, alice, session id).
async fn accepted_session(app: &TestApp, message: &str) -> (Client, Client, String) {
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let (_, conv) = start(app, &carol, message).await;
    let id = conv["id"].as_str().unwrap().to_owned();
    let accepted = alice
        .post(app.url(&format!("/api/conversations/{id}/accept")))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    (carol, alice, id)
}

/// The body of a new incident for `caller` in the demo group, assigned to alice.
async fn input(app: &TestApp, client_id: &str, short: &str) -> Value {
    json!({
        "client_id": client_id,
        "caller": app.user_id("carol").await,
        "short_description": short,
        "description": "carol: it broke",
        "category": "network",
        "contact_type": "chat",
        "impact": 2,
        "urgency": 3,
        "assignment_group": group_id(app).await,
        "assigned_to": app.user_id("alice").await,
    })
}

async fn create(app: &TestApp, who: &Client, body: &Value) -> reqwest::Response {
    post_json(who, app.url("/api/incidents"), body).await
}

/// `who` creates the incident `body` (201 expected): its JSON.
async fn created(app: &TestApp, who: &Client, body: &Value) -> Value {
    let answer = create(app, who, body).await;
    assert_eq!(answer.status(), StatusCode::CREATED);
    answer.json().await.unwrap()
}

/// The id and the activity of an incident's JSON.
fn id_and_activity(incident: &Value) -> (String, String) {
    (
        incident["id"].as_str().expect("id").to_owned(),
        incident["activity"].as_str().expect("activity").to_owned(),
    )
}

async fn patch(app: &TestApp, who: &Client, id: &str, body: &Value) -> reqwest::Response {
    who.patch(app.url(&format!("/api/incidents/{id}")))
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn create_incident_from_a_session_tells_the_customer_its_number() {
    let app = TestApp::spawn().await;
    let (carol, alice, session) = accepted_session(&app, "VPN drops every hour").await;
    let mut customer_socket = Ws::open(&app, "carol").await;
    let mut agent_socket = Ws::open(&app, "alice").await;
    let mut body = input(&app, "form-1", "VPN drops every hour").await;
    body["session"] = json!(session);
    let created = create(&app, &alice, &body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let incident: Value = created.json().await.unwrap();
    assert_eq!(incident["number"], "INC0010001");
    assert_eq!(incident["priority"], 4, "impact 2, urgency 3");
    assert_eq!(incident["state"], "new");
    assert_eq!(incident["session"], json!(session));
    assert_eq!(incident["following"], true, "the creator follows it");
    assert_eq!(incident["version"], 1);
    // The customer's timeline says so, live and in the history.
    customer_socket
        .entry_with(&session, "Incident INC0010001 was created for you.")
        .await;
    // The creator follows it: its record comes to her sidebar live.
    agent_socket
        .find(|f| {
            f["type"] == "conversation"
                && f["kind"] == "record"
                && f["record"]["number"] == "INC0010001"
        })
        .await;
    let told = entries(&app, &carol, &session).await;
    let last = told.last().unwrap();
    assert_eq!(last["event"], "incident_created");
    assert_eq!(last["kind"], "system");
    // A second Save of the same form creates nothing new.
    let again = create(&app, &alice, &body).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], incident["id"]);
    assert_eq!(
        entries(&app, &carol, &session).await.len(),
        told.len(),
        "the session is told once"
    );
    // An incident for someone else from the same session is not announced to carol.
    let mut other = input(&app, "form-2", "Ivan's printer").await;
    other["session"] = json!(session);
    other["caller"] = json!(app.user_id("ivan").await);
    assert_eq!(
        create(&app, &alice, &other).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        entries(&app, &carol, &session).await.len(),
        told.len(),
        "carol is told only of hers"
    );
    // The session's incidents, by id and by number; carol sees hers, read-only.
    let of_session = get_json(
        &alice,
        app.url(&format!("/api/conversations/{session}/incidents")),
    )
    .await;
    assert_eq!(of_session.as_array().unwrap().len(), 2);
    let by_number = get_json(&carol, app.url("/api/incidents/INC0010001")).await;
    assert_eq!(by_number["id"], incident["id"]);
    let mine = get_json(&carol, app.url("/api/incidents")).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "only hers: {mine}");
    let refused = patch(
        &app,
        &carol,
        "INC0010001",
        &json!({"version": 1, "impact": 1}),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // Someone else's incident is no one's business.
    let ivan = app.signed_in("ivan").await;
    let hidden = ivan
        .get(app.url("/api/incidents/INC0010001"))
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let his = get_json(&ivan, app.url("/api/incidents")).await;
    let numbers: Vec<&str> = his
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["INC0010002"], "only his own");
}

#[tokio::test]
async fn concurrent_creates_get_distinct_consecutive_numbers() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.signed_in("alice").await, app.signed_in("bob").await);
    let mut bodies = Vec::new();
    for n in 0..12 {
        bodies.push(input(&app, &format!("c{n}"), &format!("Printer {n}")).await);
    }
    let creates = bodies.iter().enumerate().map(|(n, body)| {
        let who = if n % 2 == 0 { &alice } else { &bob };
        create(&app, who, body)
    });
    let answers = futures_util::future::join_all(creates).await;
    let mut numbers = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), StatusCode::CREATED);
        let incident: Value = answer.json().await.unwrap();
        numbers.push(incident["number"].as_str().unwrap().to_owned());
    }
    numbers.sort();
    let expected: Vec<String> = (1..=12).map(|n| format!("INC{:07}", 10_000 + n)).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn priority_follows_the_itil_matrix() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let table = [
        (1, 1, 1),
        (1, 2, 2),
        (1, 3, 3),
        (2, 1, 2),
        (2, 2, 3),
        (2, 3, 4),
        (3, 1, 3),
        (3, 2, 4),
        (3, 3, 5),
    ];
    for (impact, urgency, priority) in table {
        let mut body = input(&app, &format!("p{impact}{urgency}"), "Matrix").await;
        body["impact"] = json!(impact);
        body["urgency"] = json!(urgency);
        let incident: Value = create(&app, &alice, &body).await.json().await.unwrap();
        assert_eq!(incident["priority"], priority, "{impact}/{urgency}");
    }
    let mut body = input(&app, "p-bad", "Matrix").await;
    body["impact"] = json!(4);
    let (status, code, _) = error_of(create(&app, &alice, &body).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
    );
}

#[tokio::test]
async fn refused_fields_are_named_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    // (field set, its value, resolution notes, the field the refusal names)
    let cases = [
        ("short_description", json!("   "), None, "short_description"),
        ("category", json!("plumbing"), None, "category"),
        ("caller", json!("999999"), None, "caller"),
        (
            "assigned_to",
            json!(app.user_id("carol").await),
            None,
            "assigned_to",
        ),
        ("state", json!("closed"), Some("Done"), "state"),
        ("state", json!("resolved"), None, "resolution_notes"),
    ];
    for (n, (field, value, notes, named)) in cases.into_iter().enumerate() {
        let mut body = input(&app, &format!("bad{n}"), "Refused").await;
        body[field] = value;
        if let Some(notes) = notes {
            body["resolution_notes"] = json!(notes);
        }
        let answer = create(&app, &alice, &body).await;
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let error: Value = answer.json().await.unwrap();
        assert_eq!(error["error"]["field"], named, "{error}");
    }
    let all = get_json(&alice, app.url("/api/incidents?view=all")).await;
    assert_eq!(all, json!([]), "nothing stored");
    // The next incident still gets the first number.
    let first: Value = created(&app, &alice, &input(&app, "ok", "Fine").await).await;
    assert_eq!(first["number"], "INC0010001");
}

#[tokio::test]
async fn states_versions_and_the_activity_of_changes() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.signed_in("alice").await, app.signed_in("bob").await);
    let incident: Value = created(&app, &alice, &input(&app, "s1", "Laptop slow").await).await;
    let id = incident["id"].as_str().unwrap();
    let activity = incident["activity"].as_str().unwrap();
    // bob and alice both read version 1; bob saves first.
    let bobs = patch(
        &app,
        &bob,
        id,
        &json!({"version": 1, "state": "in_progress", "urgency": 1}),
    )
    .await;
    assert_eq!(bobs.status(), StatusCode::OK);
    let bobs: Value = bobs.json().await.unwrap();
    assert_eq!(
        (bobs["version"].as_i64(), bobs["priority"].as_i64()),
        (Some(2), Some(2))
    );
    let alices = patch(
        &app,
        &alice,
        id,
        &json!({"version": 1, "short_description": "Mine"}),
    )
    .await;
    let (status, code, message) = error_of(alices).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "changed"));
    assert!(message.contains("Bob Agent"), "{message}");
    let now = get_json(&alice, app.url(&format!("/api/incidents/{id}"))).await;
    assert_eq!(
        now["short_description"], "Laptop slow",
        "alice's change stored nothing"
    );
    // Closing needs resolving first, and resolving needs notes.
    let close = patch(
        &app,
        &alice,
        id,
        &json!({"version": 2, "state": "closed", "resolution_notes": "x"}),
    )
    .await;
    assert_eq!(close.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let resolve = patch(
        &app,
        &alice,
        id,
        &json!({"version": 2, "state": "resolved"}),
    )
    .await;
    let error: Value = resolve.json().await.unwrap();
    assert_eq!(error["error"]["field"], "resolution_notes");
    let resolved = patch(
        &app,
        &alice,
        id,
        &json!({"version": 2, "state": "resolved", "resolution_notes": "Replaced the disk"}),
    )
    .await;
    assert_eq!(resolved.status(), StatusCode::OK);
    let closed = patch(&app, &alice, id, &json!({"version": 3, "state": "closed"})).await;
    assert_eq!(closed.status(), StatusCode::OK);
    let reopened = patch(
        &app,
        &alice,
        id,
        &json!({"version": 4, "state": "in_progress"}),
    )
    .await;
    let (status, code, _) = error_of(reopened).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "incident_closed")
    );
    // The activity tells each change, field by field, with who made it.
    let log = entries(&app, &alice, activity).await;
    let lines: Vec<&str> = log.iter().map(|e| e["body"].as_str().unwrap()).collect();
    assert_eq!(
        lines,
        vec![
            "Alice Agent created INC0010001.",
            "Urgency: 3 - Low \u{2192} 1 - High",
            "Priority: 4 - Low \u{2192} 2 - High",
            "State: New \u{2192} In Progress",
            "State: In Progress \u{2192} Resolved",
            "Resolution notes: Replaced the disk",
            "State: Resolved \u{2192} Closed",
        ]
    );
    assert!(log.iter().skip(1).all(|e| e["event"] == "field_changed"));
    // Nobody writes to a closed incident's activity.
    let late = post(&app, &alice, activity, "comment", "one more thing", "late").await;
    let (status, code, _) = error_of(late).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "incident_closed")
    );
}

#[tokio::test]
async fn the_activity_keeps_work_notes_from_a_caller_without_itil() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let carol = app.signed_in("carol").await;
    let incident: Value = created(&app, &alice, &input(&app, "v1", "Mail bounces").await).await;
    let activity = incident["activity"].as_str().unwrap().to_owned();
    let mut carol_socket = Ws::open(&app, "carol").await;
    carol_socket
        .send(json!({"type": "watch", "conversation": activity}))
        .await;
    let note = post(
        &app,
        &alice,
        &activity,
        "work_note",
        "CANARY-incident-note",
        "n1",
    )
    .await;
    assert_eq!(note.status(), StatusCode::CREATED);
    let comment = post(&app, &alice, &activity, "comment", "We are on it", "c1").await;
    assert_eq!(comment.status(), StatusCode::CREATED);
    carol_socket.entry_with(&activity, "We are on it").await;
    let seen = entries(&app, &carol, &activity).await;
    assert!(
        seen.iter().all(|e| e["kind"] != "work_note"),
        "carol (no ITIL) reads no work note: {seen:?}"
    );
    assert!(seen.iter().any(|e| e["body"] == "We are on it"));
    // She comments; she may not write a work note.
    let hers = post(&app, &carol, &activity, "comment", "Thanks", "cc1").await;
    assert_eq!(hers.status(), StatusCode::CREATED);
    let repeat = post(&app, &carol, &activity, "comment", "Thanks", "cc1").await;
    assert_eq!(
        repeat.status(),
        StatusCode::OK,
        "a repeated send is the original"
    );
    let forbidden = post(&app, &carol, &activity, "work_note", "psst", "cc2").await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    // Ivan (another customer) does not see it at all.
    let ivan = app.signed_in("ivan").await;
    let hidden = ivan
        .get(app.url(&format!("/api/conversations/{activity}/entries")))
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    // Her socket read everything up to her own comment: the note, sent before, is not there.
    carol_socket.entry_with(&activity, "Thanks").await;
    let frames = carol_socket.pending_text();
    assert!(
        !frames.contains("CANARY"),
        "no work note reached carol's socket: {frames}"
    );
}

#[tokio::test]
async fn followers_get_the_activity_in_their_sidebar_and_unfollowing_stops_it() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.signed_in("alice").await, app.signed_in("bob").await);
    let incident: Value = created(&app, &alice, &input(&app, "f1", "Printer jam").await).await;
    let id = incident["id"].as_str().unwrap().to_owned();
    let activity = incident["activity"].as_str().unwrap().to_owned();
    // alice created it: it is in her list, with its record.
    let listed = get_json(&alice, app.url("/api/conversations")).await;
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == json!(activity))
        .cloned()
        .expect("the creator follows it");
    assert_eq!(row["kind"], "record");
    assert_eq!(row["record"]["number"], "INC0010001");
    // bob follows it, and sees what is written there live, with an unread count.
    let mut bob_socket = Ws::open(&app, "bob").await;
    let followed = bob
        .put(app.url(&format!("/api/incidents/{id}/follow")))
        .send()
        .await
        .unwrap();
    assert_eq!(followed.status(), StatusCode::NO_CONTENT);
    let sent = post(&app, &alice, &activity, "comment", "Toner ordered", "t1").await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    bob_socket.entry_with(&activity, "Toner ordered").await;
    // A change of state reaches the sidebar's record at once.
    let started = patch(
        &app,
        &alice,
        &id,
        &json!({"version": 1, "state": "in_progress"}),
    )
    .await;
    assert_eq!(started.status(), StatusCode::OK);
    bob_socket
        .find(|f| {
            f["type"] == "conversation"
                && f["id"] == json!(activity)
                && f["record"]["state"] == "in_progress"
        })
        .await;
    let bobs = get_json(&bob, app.url("/api/conversations")).await;
    let row = bobs
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == json!(activity))
        .cloned()
        .expect("followed: in bob's list");
    assert_eq!(row["unread"], 3, "created, the comment, the change: {row}");
    let got = get_json(&bob, app.url(&format!("/api/incidents/{id}"))).await;
    assert_eq!(got["following"], true);
    // Unfollowed: gone from his list.
    let gone = bob
        .delete(app.url(&format!("/api/incidents/{id}/follow")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let bobs = get_json(&bob, app.url("/api/conversations")).await;
    assert!(
        bobs.as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != json!(activity)),
        "{bobs}"
    );
    // A new assignee follows by themselves.
    let reassigned = patch(
        &app,
        &alice,
        &id,
        &json!({"version": 2, "assigned_to": app.user_id("bob").await}),
    )
    .await;
    assert_eq!(reassigned.status(), StatusCode::OK);
    let got = get_json(&bob, app.url(&format!("/api/incidents/{id}"))).await;
    assert_eq!(got["following"], true);
}

#[tokio::test]
async fn lists_filter_by_view_state_and_search() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.signed_in("alice").await, app.signed_in("bob").await);
    let first: Value = created(&app, &alice, &input(&app, "l1", "VPN drops").await).await;
    let mut unassigned = input(&app, "l2", "Printer on fire").await;
    unassigned["assigned_to"] = Value::Null;
    unassigned["description"] = json!("Third floor, near the kitchen");
    create(&app, &bob, &unassigned).await;
    let numbers = |list: Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|i| i["number"].as_str().unwrap().to_owned())
            .collect()
    };
    let get = |q: &'static str| {
        let (alice, url) = (alice.clone(), app.url(&format!("/api/incidents{q}")));
        async move { get_json(&alice, url).await }
    };
    assert_eq!(numbers(get("?view=mine").await), ["INC0010001"]);
    assert_eq!(numbers(get("").await), ["INC0010002", "INC0010001"]);
    assert_eq!(numbers(get("?view=group").await).len(), 2);
    assert_eq!(numbers(get("?q=INC0010002").await), ["INC0010002"]);
    assert_eq!(numbers(get("?q=10001").await), ["INC0010001"]);
    assert_eq!(numbers(get("?q=KITCHEN%20third").await), ["INC0010002"]);
    assert_eq!(numbers(get("?q=100%25").await), Vec::<String>::new());
    assert_eq!(
        numbers(get("?state=in_progress").await),
        Vec::<String>::new()
    );
    let id = first["id"].as_str().unwrap();
    patch(
        &app,
        &alice,
        id,
        &json!({"version": 1, "state": "resolved", "resolution_notes": "Fixed"}),
    )
    .await;
    assert_eq!(numbers(get("").await), ["INC0010002"], "open: not resolved");
    assert_eq!(
        numbers(get("?view=mine").await),
        ["INC0010001"],
        "mine: resolved still mine"
    );
    assert_eq!(
        numbers(get("?state=resolved&view=all").await),
        ["INC0010001"]
    );
    let bad = alice
        .get(app.url("/api/incidents?view=everything"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = alice
        .get(app.url("/api/incidents?state=done"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_canned_incident_number_is_the_sessions_newest() {
    let app = TestApp::spawn().await;
    let (carol, alice, session) = accepted_session(&app, "Excel crashes").await;
    let queue = queue_id(&app).await;
    let dana = app.signed_in("dana").await;
    let canned: Value = post_json(
        &dana,
        app.url(&format!("/api/queues/{queue}/canned")),
        &json!({"title": "Ticket", "body": "Your ticket is {incident.number}."}),
    )
    .await
    .json()
    .await
    .unwrap();
    let canned_id = canned["id"].as_str().unwrap();
    let url = app.url(&format!("/api/conversations/{session}/canned/{canned_id}"));
    let early = post_json(&alice, url.clone(), &json!({"client_id": "k1"})).await;
    let (status, code, message) = error_of(early).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
    );
    assert!(message.contains("create an incident"), "{message}");
    let mut body = input(&app, "k-inc", "Excel crashes").await;
    body["session"] = json!(session);
    create(&app, &alice, &body).await;
    let posted = post_json(&alice, url, &json!({"client_id": "k2"})).await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let seen = entries(&app, &carol, &session).await;
    assert_eq!(seen.last().unwrap()["body"], "Your ticket is INC0010001.");
}

#[tokio::test]
async fn nobody_available_a_message_left_becomes_an_incident() {
    let app = TestApp::spawn().await;
    let queue = queue_id(&app).await;
    let carol = app.signed_in("carol").await;
    let availability = get_json(
        &carol,
        app.url(&format!("/api/queues/{queue}/availability")),
    )
    .await;
    assert_eq!(availability["available"], 0, "nobody connected");
    let mut alice_socket = Ws::open(&app, "alice").await;
    let availability = get_json(
        &carol,
        app.url(&format!("/api/queues/{queue}/availability")),
    )
    .await;
    assert_eq!(availability["available"], 1, "alice is there");
    alice_socket
        .send(json!({"type": "presence", "status": "away"}))
        .await;
    alice_socket
        .find(|f| f["type"] == "presence" && f["status"] == "away")
        .await;
    let availability = get_json(
        &carol,
        app.url(&format!("/api/queues/{queue}/availability")),
    )
    .await;
    assert_eq!(availability["available"], 0, "away is not available");
    let url = app.url(&format!("/api/queues/{queue}/messages"));
    let left = post_json(
        &carol,
        url.clone(),
        &json!({"client_id": "m1", "body": "My laptop will not start\nIt beeps three times."}),
    )
    .await;
    assert_eq!(left.status(), StatusCode::CREATED);
    let incident: Value = left.json().await.unwrap();
    assert_eq!(incident["number"], "INC0010001");
    assert_eq!(incident["short_description"], "My laptop will not start");
    assert_eq!(incident["contact_type"], "self_service");
    assert_eq!(incident["caller"]["display_name"], "Carol Customer");
    assert_eq!(
        incident["assignment_group"]["id"],
        json!(group_id(&app).await)
    );
    let again = post_json(
        &carol,
        url.clone(),
        &json!({"client_id": "m1", "body": "My laptop will not start\nIt beeps three times."}),
    )
    .await;
    assert_eq!(again.status(), StatusCode::OK);
    let hers = get_json(&carol, app.url("/api/conversations")).await;
    assert!(
        hers.as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] != "record"),
        "a customer follows nothing: {hers}"
    );
    let empty = post_json(
        &carol,
        url.clone(),
        &json!({"client_id": "m2", "body": "  "}),
    )
    .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let staff = post_json(
        &app.signed_in("alice").await,
        url,
        &json!({"client_id": "m3", "body": "x"}),
    )
    .await;
    assert_eq!(staff.status(), StatusCode::FORBIDDEN);
    let group_list = get_json(
        &app.signed_in("bob").await,
        app.url("/api/incidents?view=group"),
    )
    .await;
    assert_eq!(
        group_list.as_array().unwrap().len(),
        1,
        "the queue's group has it"
    );
}

/// The caller of an incident sees its activity; when the caller changes, the new one does and
/// the old one no longer does, on every path.
#[tokio::test]
async fn a_new_caller_sees_the_activity_and_the_old_one_no_longer_does() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let (carol, ivan) = (app.signed_in("carol").await, app.signed_in("ivan").await);
    let incident: Value = created(&app, &alice, &input(&app, "cc", "Wrong caller").await).await;
    let (id, activity) = id_and_activity(&incident);
    let entries_url = app.url(&format!("/api/conversations/{activity}/entries"));
    assert_eq!(
        carol
            .get(entries_url.clone())
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let changed = patch(
        &app,
        &alice,
        &id,
        &json!({"version": 1, "caller": app.user_id("ivan").await}),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let after = post(&app, &alice, &activity, "comment", "For Ivan now", "c-ivan").await;
    assert_eq!(after.status(), StatusCode::CREATED);
    for path in [
        format!("/api/conversations/{activity}/entries"),
        format!("/api/conversations/{activity}"),
        format!("/api/incidents/{id}"),
    ] {
        let old = carol.get(app.url(&path)).send().await.unwrap();
        assert_eq!(old.status(), StatusCode::NOT_FOUND, "carol, {path}");
        let new = ivan.get(app.url(&path)).send().await.unwrap();
        assert_eq!(new.status(), StatusCode::OK, "ivan, {path}");
    }
    let refused = post(&app, &carol, &activity, "comment", "Still mine?", "c-carol").await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    // Her socket: a hello naming it and a watch give her nothing of it.
    let mut socket = Ws::open(&app, "carol").await;
    socket
        .send(json!({"type": "watch", "conversation": activity}))
        .await;
    let error = socket
        .find(|f| f["type"] == "error" && f["conversation"] == json!(activity))
        .await;
    assert_eq!(error["error"]["code"], "not_found");
    assert!(!socket.pending_text().contains("For Ivan now"));
    let sessions = get_json(
        &alice,
        app.url(&format!(
            "/api/users/{}/sessions",
            app.user_id("ivan").await
        )),
    )
    .await;
    assert!(
        sessions
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] == "support"),
        "a customer's sessions are support sessions: {sessions}"
    );
}

/// Unfollowing stops the activity on the socket at once, not only in the list.
#[tokio::test]
async fn an_unfollowed_activity_stops_reaching_the_socket() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.signed_in("alice").await, app.signed_in("bob").await);
    let first: Value = created(&app, &alice, &input(&app, "u1", "First").await).await;
    let mut second_body = input(&app, "u2", "Second").await;
    second_body["assigned_to"] = json!(app.user_id("bob").await);
    let second: Value = created(&app, &alice, &second_body).await;
    let (first_id, first_activity, second_activity) = (
        first["id"].as_str().unwrap().to_owned(),
        first["activity"].as_str().unwrap().to_owned(),
        second["activity"].as_str().unwrap().to_owned(),
    );
    let mut bob_socket = Ws::open(&app, "bob").await;
    let url = app.url(&format!("/api/incidents/{first_id}/follow"));
    assert_eq!(
        bob.put(url.clone()).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    post(
        &app,
        &alice,
        &first_activity,
        "comment",
        "while followed",
        "w1",
    )
    .await;
    bob_socket
        .entry_with(&first_activity, "while followed")
        .await;
    assert_eq!(
        bob.delete(url).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    post(
        &app,
        &alice,
        &first_activity,
        "comment",
        "after unfollowing",
        "w2",
    )
    .await;
    // bob still follows the second (its assignee): what is posted there after arrives, and
    // nothing of the first came before it.
    post(&app, &alice, &second_activity, "comment", "sentinel", "w3").await;
    bob_socket.entry_with(&second_activity, "sentinel").await;
    assert!(
        !bob_socket.pending_text().contains("after unfollowing"),
        "{}",
        bob_socket.pending_text()
    );
}

#[tokio::test]
async fn digits_search_numbers_and_texts_and_null_is_refused_for_a_required_field() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let mut body = input(&app, "d1", "Budget sheet 2024 corrupt").await;
    body["description"] = json!("The 2024 file");
    let incident: Value = create(&app, &alice, &body).await.json().await.unwrap();
    let found = get_json(&alice, app.url("/api/incidents?q=2024")).await;
    assert_eq!(
        found.as_array().unwrap().len(),
        1,
        "digits found in the text: {found}"
    );
    let found = get_json(&alice, app.url("/api/incidents?q=10001")).await;
    assert_eq!(
        found.as_array().unwrap().len(),
        1,
        "and as a number: {found}"
    );
    let id = incident["id"].as_str().unwrap();
    for field in ["short_description", "category", "impact", "state"] {
        let answer = patch(&app, &alice, id, &json!({"version": 1, field: null})).await;
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: null"
        );
    }
    let cleared = patch(
        &app,
        &alice,
        id,
        &json!({"version": 1, "assigned_to": null}),
    )
    .await;
    assert_eq!(
        cleared.status(),
        StatusCode::OK,
        "null clears an optional field"
    );
    let cleared: Value = cleared.json().await.unwrap();
    assert!(cleared.get("assigned_to").is_none());
}

/// Staff find a caller by part of a name or username; customers may not look people up.
#[tokio::test]
async fn staff_find_a_caller_by_name() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let names = |found: Value| -> Vec<String> {
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["display_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let found = get_json(&alice, app.url("/api/users?q=CUST")).await;
    assert_eq!(names(found), ["Carol Customer", "Ivan Customer"]);
    let found = get_json(&alice, app.url("/api/users?q=iva")).await;
    assert_eq!(names(found), ["Ivan Customer"]);
    let found = get_json(&alice, app.url("/api/users?q=%25")).await;
    assert_eq!(
        names(found),
        Vec::<String>::new(),
        "% is a character, not a wildcard"
    );
    for bad in ["/api/users", "/api/users?q=", "/api/users?q=%20%20"] {
        let answer = alice.get(app.url(bad)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let carol = app.signed_in("carol").await;
    let refused = carol.get(app.url("/api/users?q=a")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // A disabled user is not offered.
    let admin = app.signed_in("admin").await;
    let ivan = app.user_id("ivan").await;
    let disabled = admin
        .patch(app.url(&format!("/api/admin/users/{ivan}")))
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), StatusCode::OK);
    let found = get_json(&alice, app.url("/api/users?q=iva")).await;
    assert_eq!(names(found), Vec::<String>::new());
}

/// A customer leaves at most five messages an hour (a repeat of one is still its original);
/// the next gets 429 with when to try again, and an hour later they may again.
#[tokio::test]
async fn messages_left_are_bounded_per_hour() {
    let app = TestApp::spawn().await;
    let queue = queue_id(&app).await;
    let carol = app.signed_in("carol").await;
    let url = app.url(&format!("/api/queues/{queue}/messages"));
    let leave = |n: usize| {
        let (carol, url) = (carol.clone(), url.clone());
        async move {
            let body = json!({"client_id": format!("m{n}"), "body": format!("Message {n}")});
            post_json(&carol, url, &body).await
        }
    };
    for n in 0..5 {
        assert_eq!(leave(n).await.status(), StatusCode::CREATED, "message {n}");
        app.clock.advance(std::time::Duration::from_secs(60));
    }
    assert_eq!(
        leave(4).await.status(),
        StatusCode::OK,
        "a repeat is its original"
    );
    let refused = leave(5).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry, 3600 - 5 * 60, "when the first leaves the hour");
    let (_, code, message) = error_of(refused).await;
    assert_eq!(code, "rate_limited");
    assert!(message.contains("start a chat"), "{message}");
    app.clock.advance(std::time::Duration::from_secs(retry));
    assert_eq!(
        leave(5).await.status(),
        StatusCode::CREATED,
        "an hour after the first"
    );
}
