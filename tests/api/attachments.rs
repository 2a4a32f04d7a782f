//! Attachments, the stale-view send guard and unsend, end to end over HTTP and the socket, on
//! both backends: who may fetch a file (by URL too), its type judged by its bytes, the limits,
//! a streamed upload's memory; a send held while newer messages exist; a withdrawn message on
//! every read path and its audit record.

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, get_json, post_json};
use crate::sessions::{entries, post, start};
use crate::socket::Ws;

/// A 1×1 PNG.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

/// Uploads `bytes` as `name` into `conv` by `who`, as a `kind` with `extra` text fields.
pub async fn upload(
    app: &TestApp,
    who: &Client,
    conv: &str,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
    extra: &[(&str, String)],
) -> reqwest::Response {
    let mut form = Form::new()
        .text("client_id", format!("up-{name}-{kind}"))
        .text("kind", kind.to_owned());
    for (field, value) in extra {
        form = form.text(field.to_string(), value.clone());
    }
    form = form.part("file", Part::bytes(bytes).file_name(name.to_owned()));
    who.post(app.url(&format!("/api/conversations/{conv}/attachments")))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

/// carol starts a session and alice accepts it; both signed in.
async fn accepted(app: &TestApp, message: &str) -> (Client, Client, String) {
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

/// `username`'s socket, past `ready` (an agent online keeps their session while the clock moves).
async fn online(app: &TestApp, username: &str) -> Ws {
    let mut socket = Ws::open(app, username).await;
    socket.send(json!({"type": "hello", "positions": {}})).await;
    socket.find(|f| f["type"] == "ready").await;
    socket
}

/// `who` posts a comment `body` with `seen` (the stale-view guard).
async fn post_seen(
    app: &TestApp,
    who: &Client,
    conv: &str,
    client_id: &str,
    body: &str,
    seen: i64,
) -> reqwest::Response {
    post_json(
        who,
        app.url(&format!("/api/conversations/{conv}/entries")),
        &json!({"client_id": client_id, "kind": "comment", "body": body, "seen": seen}),
    )
    .await
}

async fn fetch(app: &TestApp, who: &Client, url: &str) -> reqwest::Response {
    who.get(app.url(url)).send().await.unwrap()
}

#[tokio::test]
async fn a_pasted_screenshot_reaches_who_may_see_it_and_nobody_else() {
    let app = TestApp::spawn().await;
    let (carol, alice, id) = accepted(&app, "My screen shows an error").await;
    let response = upload(
        &app,
        &carol,
        &id,
        "comment",
        "Screenshot 1.png",
        PNG.to_vec(),
        &[("body", "This one".into())],
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let entry: Value = response.json().await.unwrap();
    assert_eq!(entry["kind"], "comment");
    assert_eq!(entry["body"], "This one");
    let attachment = &entry["attachment"];
    assert_eq!(attachment["name"], "Screenshot 1.png");
    assert_eq!(attachment["type"], "image/png");
    assert_eq!(attachment["size"], PNG.len());
    let url = attachment["url"].as_str().unwrap().to_owned();

    // The agent sees it in the history and fetches the same bytes, inline, safely typed.
    let seen = entries(&app, &alice, &id).await;
    assert!(seen.iter().any(|e| e["attachment"]["url"] == url.as_str()));
    let got = fetch(&app, &alice, &url).await;
    assert_eq!(got.status(), StatusCode::OK);
    let h = got.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
    assert_eq!(
        h["content-disposition"],
        "inline; filename=\"Screenshot 1.png\"; filename*=UTF-8''Screenshot%201.png"
    );
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG);
    let download = fetch(&app, &alice, &format!("{url}?download=1")).await;
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    // The ETag answers a revalidation with 304, after the same check.
    let etag = h["etag"].to_str().unwrap().to_owned();
    let again = alice
        .get(app.url(&url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // Another customer, an agent outside the group, and nobody signed in: as if there were none.
    let ivan = app.signed_in("ivan").await;
    let (erin, _) = crate::chats::erin(&app).await;
    for (who, client) in [("ivan", &ivan), ("erin", &erin)] {
        let (status, code, _) = error_of(fetch(&app, client, &url).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{who}"
        );
        let revalidate = client
            .get(app.url(&url))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(
            revalidate.status(),
            StatusCode::NOT_FOUND,
            "{who} with the ETag"
        );
    }
    assert_eq!(
        fetch(&app, &app.client(), &url).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (status, _, _) = error_of(fetch(&app, &alice, "/api/attachments/99999").await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A repeated upload with the same client id is the same entry.
    let repeat = upload(
        &app,
        &carol,
        &id,
        "comment",
        "Screenshot 1.png",
        PNG.to_vec(),
        &[("body", "This one".into())],
    )
    .await;
    assert_eq!(repeat.status(), StatusCode::OK);
    let repeat: Value = repeat.json().await.unwrap();
    assert_eq!(
        (repeat["seq"].clone(), repeat["attachment"]["id"].clone()),
        (entry["seq"].clone(), attachment["id"].clone())
    );
    // Another customer cannot upload into the session.
    let (status, _, _) =
        error_of(upload(&app, &ivan, &id, "comment", "x.png", PNG.to_vec(), &[]).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_attachment_on_a_work_note_is_invisible_to_a_customer_without_itil_also_by_url() {
    let app = TestApp::spawn().await;
    let (carol, alice, id) = accepted(&app, "VPN drops").await;
    let note = upload(
        &app,
        &alice,
        &id,
        "work_note",
        "gateway.log",
        b"10:42 tunnel rekey failed\n".to_vec(),
        &[],
    )
    .await;
    assert_eq!(note.status(), StatusCode::CREATED);
    let note: Value = note.json().await.unwrap();
    assert_eq!(note["kind"], "work_note");
    assert_eq!(note["attachment"]["type"], "text/plain");
    let url = note["attachment"]["url"].as_str().unwrap().to_owned();
    let (status, _, _) = error_of(fetch(&app, &carol, &url).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "carol has no ITIL");
    assert!(
        entries(&app, &carol, &id)
            .await
            .iter()
            .all(|e| e["seq"] != note["seq"])
    );
    let text = fetch(&app, &alice, &url).await;
    assert_eq!(text.headers()["content-type"], "text/plain; charset=utf-8");
    assert!(
        text.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    // A customer may not post a work note, with a file or without.
    let (status, _, _) =
        error_of(upload(&app, &carol, &id, "work_note", "x.png", PNG.to_vec(), &[]).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn types_are_judged_by_content_and_limits_hold() {
    let app = TestApp::spawn_with(|c| c.attachment_max_bytes = 64 * 1024).await;
    let (carol, alice, id) = accepted(&app, "Files").await;
    let before = entries(&app, &alice, &id).await.len();
    // A renamed executable, an ELF, a zip: refused, nothing stored.
    for (name, bytes) in [
        (
            "photo.png",
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0\xb8\0\0\0".to_vec(),
        ),
        (
            "tool.txt",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0".to_vec(),
        ),
        ("docs.pdf", b"PK\x03\x04\x14\0\0\0\x08\0".to_vec()),
        (
            "mixed.log",
            [b"fine text ".repeat(10), vec![0, 1, 2]].concat(),
        ),
    ] {
        let (status, code, message) =
            error_of(upload(&app, &carol, &id, "comment", name, bytes, &[]).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "unsupported_type"),
            "{name}"
        );
        assert!(message.contains("PNG, JPEG, GIF, WebP"), "{message}");
    }
    // Over the limit: 413, nothing stored.
    let (status, code, message) = error_of(
        upload(
            &app,
            &carol,
            &id,
            "comment",
            "big.log",
            vec![b'a'; 64 * 1024 + 1],
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    );
    assert_eq!(message, "An attachment is at most 64 KiB.");
    // Exactly the limit is fine; HTML is only ever text.
    let html = b"<html><script>alert(1)</script></html>".to_vec();
    let ok = upload(&app, &carol, &id, "comment", "page.html", html, &[]).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let ok: Value = ok.json().await.unwrap();
    assert_eq!(ok["attachment"]["type"], "text/plain");
    assert_eq!(ok["attachment"]["name"], "page.html.txt");
    let served = fetch(&app, &alice, ok["attachment"]["url"].as_str().unwrap()).await;
    assert_eq!(
        served.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    let limit = upload(
        &app,
        &carol,
        &id,
        "comment",
        "limit.log",
        vec![b'b'; 64 * 1024],
        &[],
    )
    .await;
    assert_eq!(limit.status(), StatusCode::CREATED);
    // A browser escapes quotes in a file name: the stored name has none.
    let quoted = upload(
        &app,
        &carol,
        &id,
        "comment",
        "report %22final%22.txt",
        b"ok".to_vec(),
        &[],
    )
    .await;
    let quoted: Value = quoted.json().await.unwrap();
    assert_eq!(quoted["attachment"]["name"], "report final.txt");
    assert_eq!(entries(&app, &alice, &id).await.len(), before + 3);
    // A form without a file, without a client id, an empty file, an unknown field, not a form.
    let no_file = carol
        .post(app.url(&format!("/api/conversations/{id}/attachments")))
        .multipart(Form::new().text("client_id", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(no_file).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let no_id = carol
        .post(app.url(&format!("/api/conversations/{id}/attachments")))
        .multipart(Form::new().part("file", Part::bytes(PNG.to_vec()).file_name("a.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(no_id).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) =
        error_of(upload(&app, &carol, &id, "comment", "empty.txt", Vec::new(), &[]).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = error_of(
        upload(
            &app,
            &carol,
            &id,
            "comment",
            "a.png",
            PNG.to_vec(),
            &[("colour", "red".into())],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) =
        error_of(upload(&app, &carol, &id, "sticker", "a.png", PNG.to_vec(), &[]).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let json_body = post_json(
        &carol,
        app.url(&format!("/api/conversations/{id}/attachments")),
        &json!({"client_id": "x"}),
    )
    .await;
    let (status, code, message) = error_of(json_body).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    assert!(message.contains("multipart/form-data"), "{message}");
    assert_eq!(
        entries(&app, &alice, &id).await.len(),
        before + 3,
        "nothing more stored"
    );
    // No upload is left behind in the folder an upload streams to (SQLite: beside the data).
    if app.postgres.is_none() {
        let incoming = app.dir.path().join("attachments/incoming");
        assert_eq!(std::fs::read_dir(incoming).unwrap().count(), 0);
    }
}

/// Peak resident memory of this process (nextest runs each test in a process of its own).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// Sends a multipart upload of `size` bytes of text over a raw connection, a small buffer at a
/// time, so the client holds none of it; answers the status line.
async fn raw_upload(
    app: &TestApp,
    cookie: &str,
    conv: &str,
    client_id: &str,
    size: usize,
) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let boundary = "switchboard-boundary-7f3a";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\n{client_id}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.log\"\r\n\
         Content-Type: text/plain\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let length = head.len() + size + tail.len();
    let mut socket = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let request = format!(
        "POST /api/conversations/{conv}/attachments HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\
         Connection: close\r\n\r\n{head}",
        app.addr
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let line = b"0123456789 the VPN log of a very long day, again and again\n".repeat(1024);
    let mut left = size;
    while left > 0 {
        let n = left.min(line.len());
        socket.write_all(&line[..n]).await.unwrap();
        left -= n;
    }
    socket.write_all(tail.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_streamed_upload_is_never_held_whole_in_memory() {
    const SIZE: usize = 9 * 1024 * 1024;
    const AT_ONCE: usize = 6;
    let app = TestApp::spawn().await;
    let (_carol, _alice, id) = accepted(&app, "Logs").await;
    let cookie = app.session_cookie("carol").await;
    // Warm up every path once (allocator arenas, pools, the blob folder).
    assert!(
        raw_upload(&app, &cookie, &id, "warm", 256 * 1024)
            .await
            .contains("201")
    );
    let before = peak_rss_kib();
    let uploads = (0..AT_ONCE).map(|i| {
        let (app, cookie, id) = (&app, cookie.clone(), id.clone());
        async move { raw_upload(app, &cookie, &id, &format!("big-{i}"), SIZE + i).await }
    });
    for status in futures_util::future::join_all(uploads).await {
        assert!(status.contains("201"), "{status}");
    }
    let grown_mib = (peak_rss_kib() - before) / 1024;
    // Held whole, six 9 MiB uploads at once would add at least 54 MiB.
    assert!(
        grown_mib < 20,
        "peak memory grew by {grown_mib} MiB for {AT_ONCE} uploads of 9 MiB"
    );
}

#[tokio::test]
async fn a_send_is_held_while_newer_messages_exist_and_goes_once_when_sent_again() {
    let app = TestApp::spawn().await;
    let (carol, alice, id) = accepted(&app, "Printer jam").await;
    let last = |e: &[Value]| e.last().unwrap()["seq"].as_i64().unwrap();
    let shown = last(&entries(&app, &alice, &id).await);
    // alice starts typing; carol writes twice meanwhile.
    for (n, text) in ["It is the 3rd floor printer", "Tray 2"].iter().enumerate() {
        assert_eq!(
            post(&app, &carol, &id, "comment", text, &format!("c{n}"))
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    let send = |seen: i64, client_id: &'static str| {
        post_seen(&app, &alice, &id, client_id, "Please restart it", seen)
    };
    let held = send(shown, "a1").await;
    assert_eq!(held.status(), StatusCode::CONFLICT);
    let body: Value = held.json().await.unwrap();
    assert_eq!(body["error"]["code"], "stale_view");
    assert_eq!(body["error"]["newer"], 2);
    assert_eq!(
        body["error"]["message"],
        "2 new messages since you started typing"
    );
    let now = entries(&app, &alice, &id).await;
    assert!(
        now.iter().all(|e| e["body"] != "Please restart it"),
        "nothing stored"
    );
    // Send anyway: the same client id with what is shown now.
    let sent = send(last(&now), "a1").await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent: Value = sent.json().await.unwrap();
    // A repeat replays whatever `seen` says.
    let repeat = send(shown, "a1").await;
    assert_eq!(repeat.status(), StatusCode::OK);
    assert_eq!(repeat.json::<Value>().await.unwrap()["seq"], sent["seq"]);
    let once = entries(&app, &carol, &id).await;
    assert_eq!(
        once.iter()
            .filter(|e| e["body"] == "Please restart it")
            .count(),
        1
    );

    // Her own messages and work notes do not count for her; a colleague's work note does; for
    // carol (no ITIL) work notes never count.
    let seen_now = last(&entries(&app, &alice, &id).await);
    assert_eq!(
        post(&app, &alice, &id, "work_note", "Ticket the printer", "w1")
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(send(seen_now, "a2").await.status(), StatusCode::CREATED);
    let dana = app.signed_in("dana").await;
    let seen_now = last(&entries(&app, &alice, &id).await);
    assert_eq!(
        post(&app, &dana, &id, "work_note", "Known fault", "d1")
            .await
            .status(),
        StatusCode::CREATED
    );
    let (status, code, message) = error_of(send(seen_now, "a3").await).await;
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (
            StatusCode::CONFLICT,
            "stale_view",
            "1 new message since you started typing"
        )
    );
    // A message sent and withdrawn meanwhile is nothing new to read.
    let seen_now = last(&entries(&app, &alice, &id).await);
    let taken_back: Value = post(&app, &dana, &id, "work_note", "Wrong session", "d2")
        .await
        .json()
        .await
        .unwrap();
    let withdrawn = dana
        .post(app.url(&format!(
            "/api/conversations/{id}/entries/{}/withdraw",
            taken_back["seq"]
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), StatusCode::OK);
    assert_eq!(send(seen_now, "a3").await.status(), StatusCode::CREATED);
    let carol_seen = last(&entries(&app, &carol, &id).await);
    assert_eq!(
        post(&app, &alice, &id, "work_note", "Escalating", "w2")
            .await
            .status(),
        StatusCode::CREATED
    );
    let from_carol = post_seen(&app, &carol, &id, "c9", "ok", carol_seen).await;
    assert_eq!(from_carol.status(), StatusCode::CREATED);
    // A negative seen is refused.
    let (status, _, _) = error_of(send(-1, "a4").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_socket_send_and_an_upload_take_the_guard_too() {
    let app = TestApp::spawn().await;
    let (carol, alice_http, id) = accepted(&app, "Mail").await;
    let mut alice = online(&app, "alice").await;
    let shown = entries(&app, &alice_http, &id).await.last().unwrap()["seq"]
        .as_i64()
        .unwrap();
    assert_eq!(
        post(&app, &carol, &id, "comment", "Outlook asks again", "c1")
            .await
            .status(),
        StatusCode::CREATED
    );
    alice
        .send(json!({"type": "send", "ref": "r1", "conversation": id, "client_id": "s1", "kind": "comment", "body": "Try again", "seen": shown}))
        .await;
    let error = alice
        .find(|f| f["type"] == "error" && f["ref"] == "r1")
        .await;
    assert_eq!(error["error"]["code"], "stale_view");
    assert_eq!(error["error"]["newer"], 1);
    alice
        .send(json!({"type": "send", "ref": "r2", "conversation": id, "client_id": "s1", "kind": "comment", "body": "Try again", "seen": shown + 1}))
        .await;
    let ack = alice.find(|f| f["type"] == "ack" && f["ref"] == "r2").await;
    assert_eq!(ack["seq"], shown + 2);
    // An upload with a stale `seen`.
    assert_eq!(
        post(&app, &carol, &id, "comment", "Still asking", "c2")
            .await
            .status(),
        StatusCode::CREATED
    );
    let (status, code, _) = error_of(
        upload(
            &app,
            &alice_http,
            &id,
            "comment",
            "steps.png",
            PNG.to_vec(),
            &[("seen", (shown + 2).to_string())],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "stale_view")
    );
}

#[tokio::test]
async fn racing_sends_never_store_a_reply_past_an_unseen_message() {
    let app = TestApp::spawn().await;
    let (carol, alice, id) = accepted(&app, "Race").await;
    let mut held = 0;
    for round in 0..20 {
        let shown = entries(&app, &alice, &id).await.last().unwrap()["seq"]
            .as_i64()
            .unwrap();
        let (text, client_id) = (format!("carol {round}"), format!("c{round}"));
        let (reply, reply_id) = (format!("alice {round}"), format!("a{round}"));
        let (from_carol, from_alice) = tokio::join!(
            post(&app, &carol, &id, "comment", &text, &client_id),
            post_seen(&app, &alice, &id, &reply_id, &reply, shown),
        );
        assert_eq!(from_carol.status(), StatusCode::CREATED);
        match from_alice.status() {
            StatusCode::CREATED => {
                // Stored: carol's message of this round came after it.
                let seq = from_alice.json::<Value>().await.unwrap()["seq"]
                    .as_i64()
                    .unwrap();
                let log = entries(&app, &alice, &id).await;
                let carols = log
                    .iter()
                    .find(|e| e["body"] == format!("carol {round}").as_str())
                    .unwrap();
                assert!(
                    carols["seq"].as_i64().unwrap() > seq,
                    "round {round}: stored past an unseen message"
                );
            }
            StatusCode::CONFLICT => held += 1,
            other => panic!("round {round}: {other}"),
        }
    }
    eprintln!("{held} of 20 sends held");
}

#[tokio::test]
async fn a_chat_message_takes_the_guard() {
    let app = TestApp::spawn().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let bob_id = app.user_id("bob").await;
    let chat: Value = post_json(&alice, app.url("/api/chats"), &json!({"members": [bob_id]}))
        .await
        .json()
        .await
        .unwrap();
    let id = chat["id"].as_str().unwrap().to_owned();
    let shown = entries(&app, &alice, &id).await.last().unwrap()["seq"]
        .as_i64()
        .unwrap();
    assert_eq!(
        post(&app, &bob, &id, "comment", "Lunch?", "b1")
            .await
            .status(),
        StatusCode::CREATED
    );
    let held = post_seen(&app, &alice, &id, "a1", "Coffee?", shown).await;
    assert_eq!(error_of(held).await.1, "stale_view");
}

/// `who` withdraws entry `seq` of `conv`.
async fn withdraw(app: &TestApp, who: &Client, conv: &str, seq: &Value) -> reqwest::Response {
    who.post(app.url(&format!("/api/conversations/{conv}/entries/{seq}/withdraw")))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_agent_takes_back_a_comment_and_every_read_path_shows_it_withdrawn() {
    let app = TestApp::spawn().await;
    let (carol, alice, id) = accepted(&app, "Password expired").await;
    let mut carol_ws = online(&app, "carol").await;
    let sent: Value = post(
        &app,
        &alice,
        &id,
        "comment",
        "Your password is Winter2026",
        "a1",
    )
    .await
    .json()
    .await
    .unwrap();
    carol_ws
        .entry_with(&id, "Your password is Winter2026")
        .await;
    let unread_before: Value = get_json(&carol, app.url(&format!("/api/conversations/{id}"))).await;
    let _alice_online = online(&app, "alice").await;
    app.clock.advance(Duration::from_secs(119));
    let answer = withdraw(&app, &alice, &id, &sent["seq"]).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let shown: Value = answer.json().await.unwrap();
    assert_eq!(shown["body"], "");
    assert_eq!(shown["withdrawn"]["by"]["display_name"], "Alice Agent");
    // Live: carol's socket gets the marker naming the seq.
    let marker = carol_ws
        .find(|f| f["type"] == "entry" && f["event"] == "withdrawn")
        .await;
    assert_eq!(marker["withdraws"], sent["seq"]);
    assert_eq!(marker["kind"], "comment");
    assert_eq!(marker["body"], "Alice Agent withdrew a message.");
    // History, resume from before it, the conversation's preview: the body is gone everywhere.
    for who in [&carol, &alice] {
        let log = entries(&app, who, &id).await;
        let e = log.iter().find(|e| e["seq"] == sent["seq"]).unwrap();
        assert_eq!(
            (e["body"].as_str(), e["withdrawn"].is_object()),
            (Some(""), true)
        );
        assert!(
            log.iter()
                .all(|e| !e["body"].as_str().unwrap().contains("Winter2026"))
        );
    }
    let (_, frames) = Ws::connect(&app, "carol", json!({ id.clone(): 0 })).await;
    let text = serde_json::to_string(&frames).unwrap();
    assert!(!text.contains("Winter2026"), "resume");
    assert!(
        frames
            .iter()
            .any(|f| f["seq"] == sent["seq"] && f["withdrawn"].is_object())
    );
    let listed: Value = get_json(&carol, app.url(&format!("/api/conversations/{id}"))).await;
    assert_eq!(listed["preview"]["body"], "Alice Agent withdrew a message.");
    // Neither the marker nor the withdrawn message is a message to read any more.
    assert_eq!(
        listed["unread"].as_i64().unwrap(),
        unread_before["unread"].as_i64().unwrap() - 1
    );
    // The audit record: managers only.
    let dana = app.signed_in("dana").await;
    let audit: Value = get_json(
        &dana,
        app.url(&format!("/api/conversations/{id}/withdrawals")),
    )
    .await;
    assert_eq!(audit[0]["body"], "Your password is Winter2026");
    assert_eq!(audit[0]["seq"], sent["seq"]);
    assert_eq!(audit[0]["author"]["display_name"], "Alice Agent");
    assert_eq!(audit[0]["withdrawn_by"]["display_name"], "Alice Agent");
    for (who, client, status) in [
        ("alice", &alice, StatusCode::FORBIDDEN),
        ("carol", &carol, StatusCode::FORBIDDEN),
    ] {
        let r = client
            .get(app.url(&format!("/api/conversations/{id}/withdrawals")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{who}");
    }
    // A repeat answers the same; nothing more is stored.
    let last = entries(&app, &alice, &id).await.len();
    assert_eq!(
        withdraw(&app, &alice, &id, &sent["seq"]).await.status(),
        StatusCode::OK
    );
    assert_eq!(entries(&app, &alice, &id).await.len(), last);
}

#[tokio::test]
async fn unsend_has_its_window_its_author_and_no_customers() {
    let app = TestApp::spawn().await;
    let (carol, alice, id) = accepted(&app, "Teams audio").await;
    let _alice_online = online(&app, "alice").await;
    let sent: Value = post(&app, &alice, &id, "comment", "Try the headset", "a1")
        .await
        .json()
        .await
        .unwrap();
    let mine: Value = post(&app, &carol, &id, "comment", "Which one?", "c1")
        .await
        .json()
        .await
        .unwrap();
    // A customer cannot unsend; nor can a colleague take back alice's message.
    let (status, _, message) = error_of(withdraw(&app, &carol, &id, &mine["seq"]).await).await;
    assert_eq!(
        (status, message.as_str()),
        (
            StatusCode::FORBIDDEN,
            "Customers cannot take back a message."
        )
    );
    let dana = app.signed_in("dana").await;
    assert_eq!(
        error_of(withdraw(&app, &dana, &id, &sent["seq"]).await)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    // A system entry; no such seq; another customer's view of it.
    let log = entries(&app, &alice, &id).await;
    let joined = log.iter().find(|e| e["event"] == "accepted").unwrap();
    assert_eq!(
        error_of(withdraw(&app, &alice, &id, &joined["seq"]).await)
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        error_of(withdraw(&app, &alice, &id, &json!(999)).await)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let ivan = app.signed_in("ivan").await;
    assert_eq!(
        error_of(withdraw(&app, &ivan, &id, &sent["seq"]).await)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Past the window (120 s by default): refused, the message stays.
    app.clock.advance(Duration::from_millis(120_001));
    let (status, code, message) = error_of(withdraw(&app, &alice, &id, &sent["seq"]).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "unsend_expired")
    );
    assert!(message.contains("2 minutes"), "{message}");
    assert!(
        entries(&app, &carol, &id)
            .await
            .iter()
            .any(|e| e["body"] == "Try the headset")
    );
    // The queue's window: 0 turns it off.
    let queue = crate::sessions::queue_id(&app).await;
    let patched = dana
        .patch(app.url(&format!("/api/queues/{queue}")))
        .json(&json!({"unsend_seconds": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.json::<Value>().await.unwrap()["unsend_seconds"], 0);
    let fresh: Value = post(&app, &alice, &id, "comment", "One more thing", "a2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        error_of(withdraw(&app, &alice, &id, &fresh["seq"]).await)
            .await
            .1,
        "unsend_expired"
    );
    let too_long = dana
        .patch(app.url(&format!("/api/queues/{queue}")))
        .json(&json!({"unsend_seconds": 3601}))
        .send()
        .await
        .unwrap();
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_withdrawn_work_note_and_its_file_stay_hidden_from_a_customer_and_leave_the_url() {
    let app = TestApp::spawn().await;
    let (carol, alice, id) = accepted(&app, "Laptop").await;
    let mut carol_ws = online(&app, "carol").await;
    let note: Value = upload(
        &app,
        &alice,
        &id,
        "work_note",
        "asset.png",
        PNG.to_vec(),
        &[("body", "Asset tag".into())],
    )
    .await
    .json()
    .await
    .unwrap();
    let url = note["attachment"]["url"].as_str().unwrap().to_owned();
    assert_eq!(
        withdraw(&app, &alice, &id, &note["seq"]).await.status(),
        StatusCode::OK
    );
    // A comment after it: carol's socket shows it, and never the work note's marker.
    post(&app, &alice, &id, "comment", "Done here", "a9").await;
    let frames = carol_ws
        .until(|f| f["type"] == "entry" && f["body"] == "Done here")
        .await;
    assert!(
        frames
            .iter()
            .all(|f| f["event"] != "withdrawn" && f["kind"] != "work_note"),
        "{frames:?}"
    );
    assert!(
        entries(&app, &carol, &id)
            .await
            .iter()
            .all(|e| e["kind"] != "work_note")
    );
    // The file left with the note: 404 for its author too; managers read it in the audit.
    assert_eq!(
        fetch(&app, &alice, &url).await.status(),
        StatusCode::NOT_FOUND
    );
    let dana = app.signed_in("dana").await;
    assert_eq!(fetch(&app, &dana, &url).await.status(), StatusCode::OK);
    let audit: Value = get_json(
        &dana,
        app.url(&format!("/api/conversations/{id}/withdrawals")),
    )
    .await;
    assert_eq!(audit[0]["kind"], "work_note");
    assert_eq!(audit[0]["body"], "Asset tag");
    assert_eq!(audit[0]["attachment"]["url"], url.as_str());
    let log = entries(&app, &alice, &id).await;
    let shown = log.iter().find(|e| e["seq"] == note["seq"]).unwrap();
    assert!(shown.get("attachment").is_none() && shown["body"] == "");
}

#[tokio::test]
async fn a_user_attaches_at_most_twenty_of_the_largest_files_an_hour() {
    let app = TestApp::spawn_with(|c| c.attachment_max_bytes = 4096).await;
    // The session stays open through the hour: its inactivity warning is a day away.
    let dana = app.signed_in("dana").await;
    let queue = crate::sessions::queue_id(&app).await;
    let patched = dana
        .patch(app.url(&format!("/api/queues/{queue}")))
        .json(&json!({"inactivity_warning_seconds": 86400}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), StatusCode::OK);
    let (carol, _alice, id) = accepted(&app, "Many files").await;
    // Uploads whose post is refused (a customer's work note) count too: nothing of them is
    // kept as an entry, but their bytes were read and stored.
    for n in 0..10 {
        let name = format!("note-{n}.log");
        let refused = upload(&app, &carol, &id, "work_note", &name, vec![b'x'; 4096], &[]).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{name}");
    }
    for n in 0..10 {
        let name = format!("part-{n}.log");
        let ok = upload(&app, &carol, &id, "comment", &name, vec![b'x'; 4096], &[]).await;
        assert_eq!(ok.status(), StatusCode::CREATED, "{name}");
    }
    let refused = upload(
        &app,
        &carol,
        &id,
        "comment",
        "one-more.log",
        b"x".to_vec(),
        &[],
    )
    .await;
    assert!(refused.headers().contains_key("retry-after"));
    let (status, code, message) = error_of(refused).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert!(message.contains("80 KiB"), "{message}");
    // An hour later it is fine again.
    app.clock.advance(Duration::from_secs(3600));
    let later = upload(
        &app,
        &carol,
        &id,
        "comment",
        "later.log",
        b"x".to_vec(),
        &[],
    )
    .await;
    assert_eq!(later.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_nul_character_is_refused_in_a_message_a_caption_and_a_file_name_loses_direction_marks() {
    let app = TestApp::spawn().await;
    let (carol, _alice, id) = accepted(&app, "Odd input").await;
    let (status, _, _) = error_of(post(&app, &carol, &id, "comment", "a\u{0}b", "n1").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = error_of(
        upload(
            &app,
            &carol,
            &id,
            "comment",
            "x.png",
            PNG.to_vec(),
            &[("body", "cap\u{0}tion".into())],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let named: Value = upload(
        &app,
        &carol,
        &id,
        "comment",
        "photo\u{202e}gnp.exe",
        PNG.to_vec(),
        &[],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(named["attachment"]["name"], "photognp.exe.png");
}

#[tokio::test]
async fn a_restart_sweeps_uploads_left_half_written_an_hour_ago_or_more() {
    let app = TestApp::spawn().await;
    if app.postgres.is_some() {
        // PostgreSQL's uploads stream to the machine's shared temporary folder.
        return;
    }
    let incoming = app.dir.path().join("attachments/incoming");
    std::fs::create_dir_all(&incoming).unwrap();
    let stale = incoming.join("upload-1-stale");
    let fresh = incoming.join("upload-2-fresh");
    let other = incoming.join("notes.txt");
    for path in [&stale, &fresh, &other] {
        std::fs::write(path, b"half").unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    for path in [&stale, &other] {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    let _app = app.restart(|_| {}).await;
    assert!(
        !stale.exists(),
        "an upload left an hour ago or more is swept"
    );
    assert!(fresh.exists(), "one that may still be streaming is not");
    assert!(other.exists(), "nothing but uploads is touched");
}
