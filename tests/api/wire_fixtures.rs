//! The JSON fixtures in `tests/fixtures/wire/` parse into the server's wire types and come back
//! unchanged; the web app's type check reads the same files, so both sides agree.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use switchboard::wire;

fn round_trip<T: DeserializeOwned + Serialize>(name: &str) {
    let path = format!("{}/tests/fixtures/wire/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
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
}
