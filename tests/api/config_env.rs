//! The real binary, configured only through `SWITCHBOARD_*` environment variables.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

/// Kills the child when the test ends, however it ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_takes_its_configuration_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested").join("desk.db");
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .env_clear()
            .env("SWITCHBOARD_LISTEN", "127.0.0.1:0")
            .env(
                "SWITCHBOARD_DATABASE_URL",
                format!("sqlite://{}", db.display()),
            )
            .env("SWITCHBOARD_DEMO", "true")
            .env("SWITCHBOARD_LOG_FORMAT", "json")
            .env("SWITCHBOARD_LOG", "info")
            .env("SWITCHBOARD_PUBLIC_URL", "https://desk.example.com")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the binary"),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut base = None;
    let mut json_lines = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while base.is_none() || json_lines == 0 {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .expect("output within 30 s");
        if let Some(url) = line.strip_prefix("Switchboard listening on ") {
            base = Some(url.to_owned());
        } else if serde_json::from_str::<serde_json::Value>(&line).is_ok() {
            json_lines += 1;
        }
    }
    let base = base.unwrap();
    assert!(
        db.exists(),
        "the database was created in a new folder from SWITCHBOARD_DATABASE_URL"
    );

    let client = reqwest::Client::new();
    let response = client
        .post(format!("{base}/api/session"))
        .json(&json!({"username": "alice", "password": "alice"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "SWITCHBOARD_DEMO loaded the demo users"
    );
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("Secure"),
        "SWITCHBOARD_PUBLIC_URL is https: {cookie}"
    );
    let foreign = client
        .post(format!("{base}/api/session"))
        .header("origin", &base)
        .json(&json!({"username": "alice", "password": "alice"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        foreign.status(),
        StatusCode::FORBIDDEN,
        "only the public URL's origin is allowed"
    );
}

#[test]
fn a_bad_environment_value_is_refused_clearly() {
    // (variable, value, the flag the refusal names)
    let cases = [
        ("SWITCHBOARD_LISTEN", "not an address", "--listen"),
        (
            "SWITCHBOARD_TRUSTED_PROXIES",
            "10.0.0.0/8,10.0.0.0/33",
            "--trusted-proxies",
        ),
        (
            "SWITCHBOARD_TRUSTED_PROXIES",
            "proxy.internal",
            "--trusted-proxies",
        ),
    ];
    for (variable, value, flag) in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .env_clear()
            .env(variable, value)
            .output()
            .expect("run the binary");
        assert!(!output.status.success(), "{variable}={value:?} is refused");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let bad_part = value.rsplit(',').next().unwrap_or(value);
        assert!(
            stderr.contains(flag) && stderr.contains(bad_part),
            "{variable}={value:?}: the refusal names {flag} and {bad_part:?}: {stderr}"
        );
    }
}
