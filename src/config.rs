//! Command-line and environment configuration: every flag is also a `SWITCHBOARD_*` variable.

use std::net::SocketAddr;

use clap::{Parser, Subcommand, ValueEnum};

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

    /// Database URL: `sqlite://path/to/file.db`, or `postgres://user@host:5432/database` for
    /// PostgreSQL (several nodes on one database).
    #[arg(
        long,
        global = true,
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

    /// Company portals (`scheme://host[:port]`, comma-separated) whose pages may show the chat
    /// widget: they may frame the support page and the sign-in page, nothing else. The widget's
    /// frame on a portal of another site signs in for a bearer token (no cookie is sent there).
    #[arg(long, env = "SWITCHBOARD_PORTAL_ORIGINS", value_delimiter = ',')]
    pub portal_origins: Vec<String>,

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

    /// Frames per second a client may send on a socket (after a burst of five times as many).
    /// A faster client is slowed down (its socket is not read until it may send again).
    #[arg(long, env = "SWITCHBOARD_SOCKET_FRAMES_PER_SECOND", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub socket_frames_per_second: u32,

    /// Seconds a client may go on sending faster than allowed while slowed down, before its
    /// socket is closed with 4429.
    #[arg(long, env = "SWITCHBOARD_SOCKET_FLOOD_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub socket_flood_seconds: u32,

    /// How often the server pings each socket, in milliseconds. A socket that has sent nothing
    /// (not even a pong) for two of these is taken for dead and dropped.
    #[arg(long, env = "SWITCHBOARD_SOCKET_PING_MS", default_value_t = 30_000,
          value_parser = clap::value_parser!(u64).range(50..=600_000))]
    pub socket_ping_ms: u64,

    /// The most sockets one user may have open on a node (tabs, devices); one more is closed
    /// with 4409 and the reason `too many sockets`.
    #[arg(long, env = "SWITCHBOARD_MAX_SOCKETS_PER_USER", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_sockets_per_user: u32,

    /// Pushes that may wait for one socket before it is marked lagged and re-reads what it
    /// missed from the database.
    #[arg(long, env = "SWITCHBOARD_SOCKET_BUFFER", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub socket_buffer: u32,

    /// Passwords hashed at once (each takes about 19 MiB for a moment); sign-ins beyond wait
    /// briefly, then get 503 with `Retry-After`.
    #[arg(long, env = "SWITCHBOARD_PASSWORD_HASHERS", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub password_hashers: u32,

    /// The largest attachment (a file or pasted screenshot), in bytes.
    #[arg(long, env = "SWITCHBOARD_ATTACHMENT_MAX_BYTES", default_value_t = crate::domain::attachment::DEFAULT_MAX_BYTES,
          value_parser = clap::value_parser!(u64).range(1..=1_073_741_824))]
    pub attachment_max_bytes: u64,

    /// Without a command: serve.
    #[command(subcommand)]
    pub command: Option<Task>,
}

/// What the binary does instead of serving.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Task {
    /// Apply the database's pending migrations and exit.
    Migrate,
    /// Write a consistent copy of the SQLite database to FILE while the server may be serving
    /// (`VACUUM INTO`); FILE must not exist. For PostgreSQL use `pg_dump`.
    Backup {
        /// Where the copy goes.
        file: std::path::PathBuf,
    },
}

impl Config {
    /// The configuration given by the environment alone, with no flags (for tests and embedding).
    pub fn defaults() -> Config {
        Config::parse_from(["switchboard"])
    }
}
