//! Switchboard: a self-hosted live-support chat for IT service desks.
//!
//! [`run`] is the whole server: give it a configuration, a bound listener and a shutdown
//! signal. `main.rs` only parses the configuration, sets up logging and calls it; tests call
//! [`run_with_clock`] on port 0 with a fresh database and a manual clock.

pub mod assets;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod demo;
pub mod domain;
pub mod http;
pub mod hub;
pub mod metrics;
pub mod presence;
pub mod sessions;
pub mod storage;
pub mod timers;
pub mod wire;
pub mod ws;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Uri;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;

use clock::{Clock, SystemClock};
pub use config::Config;
use http::{AppState, WebSettings};
use storage::{Db, StorageError};

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs the server on `listener` until `shutdown` completes, then drains connections and
/// closes the database.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    run_with_clock(config, Arc::new(SystemClock), listener, shutdown).await
}

/// [`run`] with an injected clock.
pub async fn run_with_clock(
    config: Config,
    clock: Arc<dyn Clock>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let local = listener.local_addr()?;
    let web = web_settings(&config, local)?;
    let db = Db::connect(&config.database_url).await?;
    tracing::info!(file = %db.file().display(), "database ready");

    if config.demo {
        if demo::load_if_empty(&db, clock.now()).await? {
            let names: Vec<&str> = demo::DEMO_USERS.iter().map(|u| u.0).collect();
            tracing::warn!(
                "demo data loaded; demo sign-ins (password = username): {}",
                names.join(", ")
            );
        } else {
            tracing::info!("database already has users; demo data not loaded");
        }
    }

    let state = AppState::new(db.clone(), clock, web);
    let timers = timers::spawn(state.clone(), Duration::from_millis(config.timer_poll_ms));
    let app = http::router(state);
    let listener = listener.tap_io(|tcp| {
        // Small frames must not wait for Nagle's algorithm.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "TCP_NODELAY not set");
        }
    });
    tracing::info!(address = %local, "listening");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    timers.abort();
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Which origins may make browser requests, and whether cookies need `Secure`.
fn web_settings(config: &Config, local: SocketAddr) -> Result<WebSettings, ServerError> {
    let mut allowed = Vec::new();
    let mut secure_cookies = false;
    match &config.public_url {
        Some(url) => {
            let origin = origin_of(url)?;
            secure_cookies = origin.starts_with("https://");
            allowed.push(origin);
        }
        None => {
            let port = local.port();
            allowed.extend([
                format!("http://127.0.0.1:{port}"),
                format!("http://localhost:{port}"),
                format!("http://[::1]:{port}"),
            ]);
            if !local.ip().is_loopback() {
                tracing::warn!(
                    "listening beyond loopback without --public-url: only loopback origins are allowed"
                );
            }
        }
    }
    for extra in &config.allowed_origins {
        allowed.push(origin_of(extra)?);
    }
    Ok(WebSettings {
        allowed_origins: allowed,
        secure_cookies,
        session_idle: Duration::from_secs(u64::from(config.session_idle_minutes) * 60),
        trusted_proxies: config.trusted_proxies.clone(),
        socket_frames_per_second: config.socket_frames_per_second,
    })
}

/// `scheme://host[:port]` of an http(s) URL.
fn origin_of(url: &str) -> Result<String, ServerError> {
    let bad = || {
        ServerError::Config(format!(
            "{url:?} is not an http(s) URL like https://desk.example.com"
        ))
    };
    let uri: Uri = url.trim().parse().map_err(|_| bad())?;
    let scheme = uri
        .scheme_str()
        .filter(|s| *s == "http" || *s == "https")
        .ok_or_else(bad)?;
    let authority = uri.authority().ok_or_else(bad)?;
    Ok(format!("{scheme}://{authority}").to_lowercase())
}
