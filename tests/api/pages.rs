//! The web app's pages: sign-in at `/`, the agent app and the support page behind sign-in.

use reqwest::StatusCode;

use crate::helpers::TestApp;

async fn get(client: &reqwest::Client, url: String) -> (StatusCode, String, String) {
    let response = client.get(url).send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status(), location, kind)
}

#[tokio::test]
async fn pages_redirect_to_sign_in_and_back_by_role() {
    let app = TestApp::spawn().await;
    let anonymous = app.client();
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    // (client, path, status, location)
    let cases = [
        (
            &anonymous,
            "/agent",
            StatusCode::SEE_OTHER,
            "/?next=%2Fagent",
        ),
        (
            &anonymous,
            "/agent/workspace/7",
            StatusCode::SEE_OTHER,
            "/?next=%2Fagent%2Fworkspace%2F7",
        ),
        (
            &anonymous,
            "/support",
            StatusCode::SEE_OTHER,
            "/?next=%2Fsupport",
        ),
        (&carol, "/agent", StatusCode::SEE_OTHER, "/support"),
        (&carol, "/support", StatusCode::OK, ""),
        (&alice, "/agent", StatusCode::OK, ""),
        (&alice, "/agent/workspace/7", StatusCode::OK, ""),
        (&anonymous, "/", StatusCode::OK, ""),
    ];
    for (client, path, status, location) in cases {
        let (got_status, got_location, kind) = get(client, app.url(path)).await;
        assert_eq!(
            (got_status, got_location.as_str()),
            (status, location),
            "GET {path}"
        );
        if status == StatusCode::OK {
            assert!(
                kind.starts_with("text/html"),
                "GET {path} is a page (is the web app built? `make web`): {kind}"
            );
        }
    }
}

#[tokio::test]
async fn built_assets_are_served_with_long_caching() {
    let app = TestApp::spawn().await;
    let page = app
        .client()
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let asset = page
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with(".js"))
        .unwrap_or_else(|| panic!("the sign-in page links a script under /assets/:\n{page}"));
    let response = app.client().get(app.url(asset)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{asset}");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
}
