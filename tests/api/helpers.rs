//! `TestApp`: a real Switchboard server on port 0 with a fresh database (a SQLite file, or a
//! PostgreSQL database with `SWITCHBOARD_TEST_BACKEND=postgres`: see `pg.rs`) and a manual clock.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use switchboard::clock::ManualClock;
use switchboard::domain::Timestamp;
use switchboard::{Config, ServerError};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// 2026-01-05T09:00:00Z: a Monday morning at the service desk.
pub const START: Timestamp = Timestamp(1_767_603_600_000);

pub struct TestApp {
    pub addr: SocketAddr,
    pub clock: Arc<ManualClock>,
    pub dir: Arc<TempDir>,
    /// The PostgreSQL database of this test, dropped with the last handle.
    pub postgres: Option<Arc<crate::pg::TestDatabase>>,
    pub config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<Result<(), ServerError>>>,
}

impl TestApp {
    /// A server with the demo data.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A server with the demo data and the configuration changed by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let mut config = Config::defaults();
        config.database_url = format!("sqlite://{}", dir.path().join("switchboard.db").display());
        let postgres = if crate::pg::on_postgres() {
            let db = crate::pg::TestDatabase::create().await;
            config.database_url = db.url.clone();
            Some(Arc::new(db))
        } else {
            None
        };
        config.demo = true;
        adjust(&mut config);
        Self::start(config, dir, postgres, Arc::new(ManualClock::new(START))).await
    }

    async fn start(
        config: Config,
        dir: Arc<TempDir>,
        postgres: Option<Arc<crate::pg::TestDatabase>>,
        clock: Arc<ManualClock>,
    ) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(switchboard::run_with_clock(
            config.clone(),
            clock.clone(),
            listener,
            async {
                let _ = rx.await;
            },
        ));
        let app = TestApp {
            addr,
            clock,
            dir,
            postgres,
            config,
            shutdown: Some(tx),
            handle: Some(handle),
        };
        // The listener is bound before the server starts, so requests queue until it serves.
        let ready = app
            .client()
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("server up");
        assert_eq!(ready.status(), StatusCode::OK, "healthz after start");
        app
    }

    /// Another node of the same cluster: a second server on this one's database and clock.
    pub async fn another_node(&self) -> TestApp {
        Self::start(
            self.config.clone(),
            self.dir.clone(),
            self.postgres.clone(),
            self.clock.clone(),
        )
        .await
    }

    /// [`TestApp::another_node`] with its own settings adjusted (say, a timer that never runs).
    pub async fn another_node_with(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = self.config.clone();
        adjust(&mut config);
        Self::start(
            config,
            self.dir.clone(),
            self.postgres.clone(),
            self.clock.clone(),
        )
        .await
    }

    /// Stops the server gracefully and starts a new one on the same database file.
    pub async fn restart(mut self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        self.stop().await;
        let mut config = self.config.clone();
        adjust(&mut config);
        Self::start(
            config,
            self.dir.clone(),
            self.postgres.clone(),
            self.clock.clone(),
        )
        .await
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            let result = tokio::time::timeout(Duration::from_secs(10), handle).await;
            result
                .expect("server stops within 10 s")
                .expect("server task")
                .expect("server ran cleanly");
        }
    }

    /// Signals the server to stop, without waiting (see [`TestApp::finished`]).
    pub fn begin_stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Waits (at most 10 s) for the server to end by itself or after [`TestApp::begin_stop`],
    /// and returns how it ended.
    pub async fn finished(&mut self) -> Result<(), ServerError> {
        let handle = self.handle.take().expect("the server is running");
        tokio::time::timeout(Duration::from_secs(10), handle)
            .await
            .expect("the server ends within 10 s")
            .expect("server task")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }

    pub fn db_file(&self) -> std::path::PathBuf {
        self.dir.path().join("switchboard.db")
    }

    /// How many rounds the timer worker has completed (a metric).
    pub async fn timer_rounds(&self) -> u64 {
        metrics_text(self)
            .await
            .lines()
            .find_map(|l| l.strip_prefix("switchboard_timer_rounds_total "))
            .and_then(|n| n.trim().parse().ok())
            .expect("timer rounds metric")
    }

    /// Returns once the timer worker has completed two more rounds (so one began after now).
    pub async fn two_timer_rounds(&self) {
        let from = self.timer_rounds().await;
        while self.timer_rounds().await < from + 2 {
            tokio::task::yield_now().await;
        }
    }

    /// Moves the injected clock to the real time (a node in its own process runs on the real
    /// clock; it would purge this node's web sessions as idle for months otherwise).
    pub fn clock_to_real_time(&self) {
        let real_now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis();
        let now = u128::try_from(switchboard::clock::Clock::now(self.clock.as_ref()).0)
            .expect("positive");
        self.clock.advance(Duration::from_millis(
            u64::try_from(real_now.saturating_sub(now)).expect("fits"),
        ));
    }

    /// A second handle on the server's database (whichever backend).
    pub async fn db(&self) -> switchboard::storage::Db {
        switchboard::storage::Db::connect(&self.config.database_url)
            .await
            .expect("second handle on the database")
    }

    /// A client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    pub async fn try_sign_in(&self, client: &Client, username: &str, password: &str) -> Response {
        client
            .post(self.url("/api/session"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("sign-in request")
    }

    /// A client signed in as a demo user (password = username).
    pub async fn signed_in(&self, username: &str) -> Client {
        let client = self.client();
        let response = self.try_sign_in(&client, username, username).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "demo sign-in of {username}"
        );
        client
    }

    /// The session cookie value a sign-in sets (for raw WebSocket clients).
    pub async fn session_cookie(&self, username: &str) -> String {
        let response = self.try_sign_in(&self.client(), username, username).await;
        assert_eq!(response.status(), StatusCode::OK, "sign-in of {username}");
        let set_cookie = response.headers()["set-cookie"]
            .to_str()
            .expect("ascii cookie");
        set_cookie.split(';').next().expect("name=value").to_owned()
    }

    /// The id of a demo user, looked up by an admin.
    pub async fn user_id(&self, username: &str) -> String {
        let admin = self.signed_in("admin").await;
        let users: Value = admin
            .get(self.url("/api/admin/users"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        users
            .as_array()
            .expect("user list")
            .iter()
            .find(|u| u["username"] == username)
            .and_then(|u| u["id"].as_str())
            .unwrap_or_else(|| panic!("no user {username}"))
            .to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Status and the `{"error": {"code", "message"}}` body of a failed request.
pub async fn error_of(response: Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("JSON error body");
    let code = body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_owned();
    let message = body["error"]["message"]
        .as_str()
        .expect("error.message")
        .to_owned();
    (status, code, message)
}

/// The JSON body of a GET by `client`.
pub async fn get_json(client: &Client, url: impl reqwest::IntoUrl) -> Value {
    client
        .get(url)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("a JSON body")
}

/// The answer to a POST of `body` as JSON by `client`.
pub async fn post_json(client: &Client, url: impl reqwest::IntoUrl, body: &Value) -> Response {
    client.post(url).json(body).send().await.expect("POST")
}

/// The Prometheus text of `/metrics`.
pub async fn metrics_text(app: &TestApp) -> String {
    app.client()
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("text")
}
