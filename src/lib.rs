//! Switchboard: a self-hosted live-support chat for IT service desks.
//!
//! [`run`] is the whole server: give it a configuration, a bound listener and a shutdown
//! signal. `main.rs` only parses the configuration, sets up logging and calls it; tests call
//! [`run_with_clock`] on port 0 with a fresh database and a manual clock.

pub mod assets;
pub mod clock;
pub mod cluster;
pub mod config;
pub mod credentials;
pub mod demo;
pub mod demo_articles;
pub mod domain;
pub mod http;
pub mod hub;
pub mod metrics;
pub mod presence;
pub mod service;
pub mod storage;
pub mod timers;
pub mod wire;
pub mod ws;

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Uri;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use clock::{Clock, SystemClock};
pub use config::Config;
use service::{AppState, WebSettings};
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
    /// A task the server cannot run without (the database writer, the timer worker) stopped.
    #[error("the {0} stopped")]
    TaskDied(&'static str),
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
    tracing::info!(location = %db.location(), "database ready");

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

    let hashers = config.password_hashers as usize;
    let state = AppState::new(
        db.clone(),
        clock,
        web,
        credentials::Hashers::new(hashers, HASH_WAITING_PER_HASHER * hashers),
    );
    let stop_timers = CancellationToken::new();
    // On PostgreSQL, this node signals the others and listens to them.
    let mut state = state;
    let cluster_part = (db.kind() == storage::BackendKind::Postgres).then(cluster::Cluster::new);
    // Nobody is connected yet: whoever holds a session and does not come back within the grace
    // gives it back to the queue. Not while other nodes serve: their agents are connected (the
    // timer's sweep finds whoever is gone).
    let others = match &cluster_part {
        Some((cluster, _)) => state.db.other_nodes_alive(cluster.node()).await?,
        None => false,
    };
    if !others {
        match state.db.mark_all_absent(state.clock.now()).await {
            Ok(0) => {}
            Ok(absent) => tracing::info!(
                sessions = absent,
                "active sessions wait for their agents to come back"
            ),
            // The sweep gives them their grace instead.
            Err(e) => tracing::warn!(error = %e, "counting the grace of active sessions"),
        }
    }
    match state.sweep_stale_uploads().await {
        Ok(0) => {}
        Ok(removed) => tracing::info!(
            removed,
            "uploads a stopped server left half-written removed"
        ),
        Err(e) => tracing::warn!(error = %e, "sweeping half-written uploads"),
    }
    let mut cluster_task = if let Some((cluster, outbound)) = cluster_part {
        state.cluster = Some(cluster.clone());
        // Listening before serving, so the node is ready when it starts answering (if it
        // cannot listen now, it keeps trying and /readyz says so).
        let listening = cluster::listen(&config.database_url).await;
        Some(tokio::spawn(cluster::run(
            state.clone(),
            cluster,
            config.database_url.clone(),
            listening,
            outbound,
            stop_timers.clone(),
        )))
    } else {
        None
    };
    let state = state;
    let mut timers = Some(tokio::spawn(timers::run(
        state.clone(),
        Duration::from_millis(config.timer_poll_ms),
        stop_timers.clone(),
    )));
    let app = http::router(state.clone());
    let listener = listener.tap_io(|tcp| {
        // Small frames must not wait for Nagle's algorithm.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "TCP_NODELAY not set");
        }
    });
    // The caller's signal starts the shutdown; so does a server task that dies.
    let stopping = state.shutdown.clone();
    tokio::spawn(async move {
        tokio::select! {
            () = shutdown => stopping.cancel(),
            () = stopping.cancelled() => {}
        }
    });
    tracing::info!(address = %local, "listening");
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(state.shutdown.clone().cancelled_owned())
    .into_future();
    tokio::pin!(server);
    // Supervision: the writer and the timer worker run as long as the server does.
    let died = tokio::select! {
        served = &mut server => {
            served?;
            None
        }
        ended = async { timers.as_mut().expect("the timer worker is running").await } => {
            timers = None;
            if let Err(e) = ended {
                tracing::error!(error = %e, "the timer worker failed");
            }
            Some("timer worker")
        }
        () = db.writer_stopped() => Some("database writer"),
        ended = async {
            match cluster_task.as_mut() {
                Some(task) => task.await,
                None => std::future::pending().await,
            }
        } => {
            cluster_task = None;
            if let Err(e) = ended {
                tracing::error!(error = %e, "the cluster task failed");
            }
            Some("cluster task")
        }
    };
    if let Some(task) = died {
        tracing::error!(task, "a server task stopped; shutting down");
        state.mark_broken(task);
        state.shutdown.cancel();
        (&mut server).await?;
    }
    // Sockets have been told to reconnect (1012); commands in flight finish before the
    // database closes.
    state.tasks.close();
    if tokio::time::timeout(DRAIN, state.tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("work still in flight after {DRAIN:?}; closing anyway");
    }
    stop_timers.cancel();
    if let Some(timers) = timers {
        let _ = timers.await;
    }
    if let Some(cluster) = cluster_task {
        let _ = cluster.await;
    }
    db.close().await;
    match died {
        Some(task) => Err(ServerError::TaskDied(task)),
        None => {
            tracing::info!("stopped");
            Ok(())
        }
    }
}

/// Password checks that may wait for a free hasher, per hasher.
const HASH_WAITING_PER_HASHER: usize = 8;
/// How long a stopping server waits for sockets and commands in flight.
const DRAIN: Duration = Duration::from_secs(10);

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
    let mut frame_origins = allowed.clone();
    for portal in &config.portal_origins {
        frame_origins.push(origin_of(portal)?);
    }
    Ok(WebSettings {
        frame_origins,
        allowed_origins: allowed,
        secure_cookies,
        session_idle: Duration::from_secs(u64::from(config.session_idle_minutes) * 60),
        trusted_proxies: config.trusted_proxies.clone(),
        socket_frames_per_second: config.socket_frames_per_second,
        socket_flood: Duration::from_secs(u64::from(config.socket_flood_seconds)),
        socket_ping: Duration::from_millis(config.socket_ping_ms),
        max_sockets_per_user: config.max_sockets_per_user as usize,
        socket_buffer: config.socket_buffer as usize,
        attachment_max_bytes: config.attachment_max_bytes,
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
