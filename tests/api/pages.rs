//! The web app's pages: sign-in at `/`, the agent app and the support page behind sign-in.

use std::collections::BTreeMap;

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

/// A Content-Security-Policy as directive → sources.
fn directives(policy: &str) -> BTreeMap<String, Vec<String>> {
    policy
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect()
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    const PORTAL: &str = "https://portal.example.com";
    let app = TestApp::spawn_with(|c| c.allowed_origins = vec![PORTAL.to_owned()]).await;
    let anonymous = app.client();
    let carol = app.signed_in("carol").await;
    let alice = app.signed_in("alice").await;
    let sign_in_page = anonymous.get(app.url("/")).send().await.unwrap();
    let sign_in_page = sign_in_page.text().await.unwrap();
    let asset = sign_in_page
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with(".css"))
        .unwrap_or_else(|| panic!("the sign-in page links a stylesheet:\n{sign_in_page}"))
        .to_owned();

    // (who, path, status, may the widget on the portal frame it)
    let cases = [
        (&anonymous, "/", StatusCode::OK, true),
        (&alice, "/agent", StatusCode::OK, false),
        (&alice, "/agent/workspace/7", StatusCode::OK, false),
        (&carol, "/support", StatusCode::OK, true),
        (&carol, "/support?embed=1&queue=1", StatusCode::OK, true),
        (&anonymous, "/widget-demo", StatusCode::OK, false),
        (&anonymous, "/widget.js", StatusCode::OK, false),
        (&anonymous, asset.as_str(), StatusCode::OK, false),
        (&alice, "/api/me", StatusCode::OK, false),
        (&anonymous, "/api/me", StatusCode::UNAUTHORIZED, false),
        (&anonymous, "/no-such-page", StatusCode::NOT_FOUND, false),
        (&anonymous, "/metrics", StatusCode::OK, false),
    ];
    for (client, path, status, framable) in cases {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), status, "GET {path}");
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .map(|v| v.to_str().expect("ASCII header").to_owned())
        };
        let policy = header("content-security-policy")
            .unwrap_or_else(|| panic!("GET {path}: no Content-Security-Policy"));
        let got = directives(&policy);
        let mut want: BTreeMap<String, Vec<String>> = [
            ("default-src", "'self'"),
            ("script-src", "'self'"),
            ("style-src", "'self'"),
            ("connect-src", "'self'"),
            ("img-src", "'self' data:"),
            ("font-src", "'self'"),
            ("object-src", "'none'"),
            ("base-uri", "'none'"),
            ("form-action", "'self'"),
        ]
        .into_iter()
        .map(|(name, sources)| {
            let sources = sources.split(' ').map(str::to_owned).collect();
            (name.to_owned(), sources)
        })
        .collect();
        let ancestors = if framable {
            let port = app.addr.port();
            vec![
                "'self'".to_owned(),
                format!("http://127.0.0.1:{port}"),
                format!("http://localhost:{port}"),
                // CSP cannot name an IPv6 literal: http://[::1]:{port} is left out.
                PORTAL.to_owned(),
            ]
        } else {
            vec!["'none'".to_owned()]
        };
        want.insert("frame-ancestors".to_owned(), ancestors);
        assert_eq!(got, want, "GET {path}: Content-Security-Policy {policy:?}");
        assert_eq!(
            header("x-frame-options").as_deref(),
            (!framable).then_some("DENY"),
            "GET {path}: X-Frame-Options DENY exactly where no framing is allowed"
        );
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "GET {path}: X-Content-Type-Options"
        );
        assert_eq!(
            header("referrer-policy").as_deref(),
            Some("same-origin"),
            "GET {path}: Referrer-Policy"
        );
    }
}

#[tokio::test]
async fn the_widget_frame_of_a_signed_out_customer_lands_on_a_framable_sign_in_page() {
    let app =
        TestApp::spawn_with(|c| c.allowed_origins = vec!["https://portal.example.com".into()])
            .await;
    let anonymous = app.client();
    // The frame on a portal of another site gets no cookie: the page is served, and signs in
    // with its bearer token (or sends the customer to the sign-in page) itself.
    let (status, _, _) = get(&anonymous, app.url("/support?embed=1&queue=1")).await;
    assert_eq!(status, StatusCode::OK, "the widget's frame gets the page");
    let (status, location, _) = get(&anonymous, app.url("/support?queue=1")).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/?next=%2Fsupport%3Fqueue%3D1"),
        "outside the frame a signed-out customer is sent to sign in"
    );
    let location = "/?next=%2Fsupport%3Fembed%3D1%26queue%3D1";
    let response = anonymous.get(app.url(location)).send().await.unwrap();
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        directives(&policy)["frame-ancestors"].contains(&"https://portal.example.com".to_owned()),
        "the sign-in page shows in the portal's frame: {policy}"
    );
}

#[tokio::test]
async fn the_favicon_is_an_icon() {
    let app = TestApp::spawn().await;
    let response = app
        .client()
        .get(app.url("/favicon.ico"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("image/"), "{kind}");
    let body = response.bytes().await.unwrap();
    // An ICO directory of one image, a PNG.
    assert_eq!(&body[..6], &[0, 0, 1, 0, 1, 0], "an ICO header");
    assert_eq!(&body[22..30], b"\x89PNG\r\n\x1a\n", "holding a PNG");
}
