//! The JSON fixtures in `tests/fixtures/wire/` parse into the server's wire types and come back
//! unchanged; the web app's type check reads the same files, so both sides agree. Every socket
//! frame has one: `client/<type>.json` for each `ClientFrame`, `server/<type>.json` for each
//! `ServerFrame`, and a frame type without its fixture fails here.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use switchboard::wire::{self, ClientFrame, ServerFrame};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire")
}

fn read(name: &str) -> String {
    let path = fixtures().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn round_trip<T: DeserializeOwned + Serialize>(name: &str) {
    let text = read(name);
    let parsed: T = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{name} does not match the wire type: {e}"));
    let original: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        serde_json::to_value(&parsed).unwrap(),
        original,
        "{name} round-trips"
    );
}

#[test]
fn wire_fixtures_match_the_server_types() {
    round_trip::<wire::User>("user.json");
    round_trip::<wire::ErrorBody>("error.json");
    round_trip::<wire::Queue>("queue.json");
    round_trip::<wire::SignInResponse>("sign_in_response.json");
    round_trip::<wire::Entry>("entry.json");
    round_trip::<wire::Conversation>("conversation.json");
    round_trip::<wire::Canned>("canned.json");
    round_trip::<wire::Member>("member.json");
    round_trip::<wire::SignInResponse>("sign_in_token_response.json");
    round_trip::<wire::EarlierEntriesPage>("earlier_entries_page.json");
    round_trip::<wire::Conversation>("record_conversation.json");
    round_trip::<wire::Incident>("incident.json");
    round_trip::<wire::ErrorBody>("field_error.json");
    round_trip::<wire::Conversation>("chat_conversation.json");
    round_trip::<wire::Conversation>("invited_conversation.json");
    round_trip::<wire::Article>("article.json");
    round_trip::<wire::ArticleHit>("article_hit.json");
    round_trip::<wire::Withdrawal>("withdrawal.json");
}

/// Frames of one type in another form than their type's fixture (a `send` of a canned message).
#[test]
fn frame_variants_parse_as_the_server_reads_them() {
    let text = read("variants/client_send_canned.json");
    match ClientFrame::parse(&text) {
        Ok(ClientFrame::Send {
            canned: Some(_),
            kind: None,
            body: None,
            ..
        }) => {}
        other => panic!("variants/client_send_canned.json: {other:?}"),
    }
}

/// The `type` of every variant of a frame enum, as serde knows them: a frame of an unknown
/// type is refused with "unknown variant `…`, expected one of `a`, `b`, …", which is read
/// from the derive itself, so a variant added to `src/wire.rs` is listed here at once.
fn frame_types<T: DeserializeOwned + std::fmt::Debug>() -> BTreeSet<String> {
    let error = serde_json::from_str::<T>(r#"{"type": "no such frame"}"#)
        .expect_err("a frame of an unknown type is refused")
        .to_string();
    let Some((_, expected)) = error.split_once("expected one of ") else {
        panic!("cannot read the frame types from serde's refusal: {error}");
    };
    let types: BTreeSet<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(
        types.len() >= 5,
        "frame types read from serde's refusal: {types:?} ({error})"
    );
    types
}

/// The fixtures in `tests/fixtures/wire/<side>/`, by file stem.
fn frame_fixtures(side: &str) -> BTreeSet<String> {
    let dir = fixtures().join(side);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect()
}

/// The fixture's `type` is its file's name.
fn assert_type_is_name(name: &str, text: &str) {
    let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let stem = name.rsplit('/').next().unwrap().trim_end_matches(".json");
    assert_eq!(value["type"], stem, "{name}: the type is the file's name");
}

#[test]
fn every_frame_type_has_a_fixture() {
    for (side, types) in [
        ("client", frame_types::<ClientFrame>()),
        ("server", frame_types::<ServerFrame>()),
    ] {
        let files = frame_fixtures(side);
        let missing: Vec<&String> = types.difference(&files).collect();
        let unknown: Vec<&String> = files.difference(&types).collect();
        assert!(
            missing.is_empty(),
            "{side} frames without a fixture in tests/fixtures/wire/{side}/: {missing:?}"
        );
        assert!(
            unknown.is_empty(),
            "fixtures in tests/fixtures/wire/{side}/ of no frame type: {unknown:?}"
        );
    }
}

#[test]
fn client_frame_fixtures_parse_as_the_server_reads_them() {
    for stem in frame_fixtures("client") {
        let name = format!("client/{stem}.json");
        let text = read(&name);
        assert_type_is_name(&name, &text);
        if let Err(e) = ClientFrame::parse(&text) {
            panic!("{name} is refused by the server: {e}");
        }
    }
}

#[test]
fn server_frame_fixtures_are_what_the_server_sends() {
    for stem in frame_fixtures("server") {
        let name = format!("server/{stem}.json");
        let text = read(&name);
        assert_type_is_name(&name, &text);
        let frame: ServerFrame = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{name} does not match ServerFrame: {e}"));
        let sent: Value = serde_json::from_str(&frame.to_text().expect("encodes")).unwrap();
        let original: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(sent, original, "{name} is the text the server sends");
    }
}
