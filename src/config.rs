//! Command-line and environment configuration: every flag is also a `SWITCHBOARD_*` variable.

use std::net::SocketAddr;

use clap::{Parser, ValueEnum};

use crate::domain::address::Cidr;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    Pretty,
    /// One JSON object per line, for a log collector.
    Json,
}

/// Switchboard: live-support chat for IT service desks.
#[derive(Debug, Clone, Parser)]
#[command(name = "switchboard", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "SWITCHBOARD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Database URL: `sqlite://path/to/file.db`.
    #[arg(
        long,
        env = "SWITCHBOARD_DATABASE_URL",
        default_value = "sqlite://./data/switchboard.db"
    )]
    pub database_url: String,

    /// Load the demo queue, agents and customers into an empty database.
    #[arg(long, env = "SWITCHBOARD_DEMO")]
    pub demo: bool,

    /// The URL people reach Switchboard at (e.g. `https://desk.example.com`). Its origin is
    /// allowed for browser requests, and cookies are `Secure` when it is https. Without it,
    /// the loopback origins of the listening port are allowed.
    #[arg(long, env = "SWITCHBOARD_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// More origins allowed to make browser requests, comma-separated. Their pages may also
    /// frame the support page (the widget on the company portal).
    #[arg(long, env = "SWITCHBOARD_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// Reverse proxies whose `X-Forwarded-For` is believed, as comma-separated address ranges
    /// (e.g. `10.0.0.0/8,2001:db8::/32,192.0.2.1`). For a request from one of them, the client
    /// address (for the sign-in slow-down) is the first address of that header, from the right,
    /// that is not a trusted proxy. Without it the header is ignored.
    #[arg(long, env = "SWITCHBOARD_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<Cidr>,

    /// Log line format.
    #[arg(long, env = "SWITCHBOARD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,

    /// Log filter, e.g. `info` or `switchboard=debug,tower_http=info`.
    #[arg(long, env = "SWITCHBOARD_LOG", default_value = "info")]
    pub log_level: String,

    /// Minutes of inactivity after which a web session is signed out.
    #[arg(long, env = "SWITCHBOARD_SESSION_IDLE_MINUTES", default_value_t = 480,
          value_parser = clap::value_parser!(u32).range(1..=525_600))]
    pub session_idle_minutes: u32,

    /// How often the timer worker looks for due inactivity deadlines, in milliseconds.
    #[arg(long, env = "SWITCHBOARD_TIMER_POLL_MS", default_value_t = 250,
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub timer_poll_ms: u64,

    /// Frames per second a client may send on a socket (after a burst of five times as many);
    /// a sustained flood beyond it closes the socket with 1008.
    #[arg(long, env = "SWITCHBOARD_SOCKET_FRAMES_PER_SECOND", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub socket_frames_per_second: u32,
}

impl Config {
    /// The configuration given by the environment alone, with no flags (for tests and embedding).
    pub fn defaults() -> Config {
        Config::parse_from(["switchboard"])
    }
}
