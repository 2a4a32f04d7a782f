//! `switchboard-load`: drives a running Switchboard through its public API only (HTTP and the
//! WebSocket, as docs/protocol.md describes them) with real clients — customers and agents
//! signing in, starting sessions, accepting, sending comments with client ids — and reports
//! send→ack latency, customer-send→agent-receive latency, throughput, errors, and the entries
//! lost, doubled or out of order (checked against each session's log afterwards), with the
//! server's CPU time and memory when its process ids are known (read from /proc).
//!
//! Scenarios: S1 `one-chat`, S2 `desk` (closed loop, or open loop with `--rate`), S3 `idle`
//! (memory per idle socket), S4 `storm` (every client drops at once and resumes), S5 any of
//! them with `--nodes 2` on PostgreSQL (customers on one node, agents on the other), `smoke`
//! for the test suite; and `--target matrix` runs S1/S2 against a Matrix homeserver.
//!
//! Bounded: at most 5,000 sessions, 100,000 messages each, 100,000 idle sockets, a time limit,
//! loopback addresses only unless `--allow-remote`. Ctrl+C stops the sends and reports what
//! was measured so far.
//!
//! ```text
//! cargo build --release --features load --bins
//! target/release/switchboard-load --url http://127.0.0.1:8080 --scenario desk --sessions 200
//! target/release/switchboard-load --spawn --scenario one-chat --messages 2000
//! target/release/switchboard-load --spawn --postgres postgres://postgres@127.0.0.1/postgres \
//!     --nodes 2 --scenario one-chat
//! ```

mod api;
mod desk;
mod idle;
mod matrix;
mod plot;
mod report;
mod spawn;
mod storm;

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, ensure};
use clap::{Parser, ValueEnum};
use serde::Serialize;

use crate::api::Api;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// S1: one customer and one agent, sequential sends.
    OneChat,
    /// S2: many sessions at once, agents with several each (closed loop, or open loop with
    /// `--rate`).
    Desk,
    /// S3: `--connections` sockets opened and left idle; the server's memory per socket.
    Idle,
    /// S4: every customer and agent drops at once (after a comment not yet acknowledged), then
    /// all reconnect, resume from where they were and send that comment again.
    Storm,
    /// A small, fast run for the test suite: fails only on errors or lost, doubled or
    /// misordered entries.
    Smoke,
}

/// What is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Switchboard, through docs/protocol.md.
    Switchboard,
    /// A Matrix homeserver (Synapse, Conduit) through the client-server API, with the same
    /// workload (S1 one-chat, S2 desk): a room per session, sends with a txnId, `/sync`.
    Matrix,
}

#[derive(Parser, Debug)]
#[command(version, about = "Load generator for a running Switchboard")]
pub struct Args {
    /// The server's address (customers, and agents unless --agent-url).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Another node of the same cluster, for the agents (S5: the customer on one node, the
    /// agent on the other).
    #[arg(long)]
    agent_url: Option<String>,
    /// Start the server(s) as processes of their own (the `switchboard` binary beside this
    /// one, or --server-bin) on a fresh durable SQLite file — or a fresh PostgreSQL database
    /// with --postgres — with the demo data, and drive them over loopback like any other.
    #[arg(long)]
    spawn: bool,
    /// With --spawn: the server binary.
    #[arg(long)]
    server_bin: Option<std::path::PathBuf>,
    /// With --spawn: PostgreSQL to create the run's database on (dropped afterwards), e.g.
    /// `postgres://postgres@127.0.0.1:5432/postgres`.
    #[arg(long)]
    postgres: Option<String>,
    /// With --spawn --postgres: nodes to start (customers on the first, agents on the last).
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    #[arg(long, value_enum, default_value_t = Scenario::Desk)]
    scenario: Scenario,
    /// What --url is: Switchboard, or a Matrix homeserver (S1 and S2 only; it must allow
    /// registration without verification and not rate-limit the load's users).
    #[arg(long, value_enum, default_value_t = Target::Switchboard)]
    target: Target,
    /// Sessions at once (S2, S4; S1 has one, the smoke run four).
    #[arg(long, default_value_t = 200)]
    sessions: usize,
    /// Comments each customer sends.
    #[arg(long, default_value_t = 100)]
    messages: usize,
    /// Sessions each agent holds.
    #[arg(long, default_value_t = 5)]
    per_agent: usize,
    /// Open loop: comments per second offered in all (spread over the sessions, each on its
    /// schedule whatever the acks do; latency from the scheduled time). 0: closed loop, each
    /// customer sends when the last comment was acknowledged.
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// S3: idle sockets to open.
    #[arg(long, default_value_t = 10_000)]
    connections: usize,
    /// S3: sockets per customer (the server allows 16 by default; --spawn allows this many).
    #[arg(long, default_value_t = 16)]
    sockets_per_user: usize,
    /// Stop sending after this many seconds and report what was measured.
    #[arg(long, default_value_t = 300)]
    max_seconds: u64,
    /// The server's process ids on this machine: their CPU time and memory are read from /proc.
    #[arg(long, value_delimiter = ',')]
    server_pid: Vec<u32>,
    /// Write the report as JSON to this file too.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
    /// Draw the latency curves (send → ack, send → agent) as an SVG to this file.
    #[arg(long)]
    plot: Option<std::path::PathBuf>,
    /// No run: draw the latency curves of earlier runs' JSON reports into --plot
    /// (`LABEL=FILE`, repeated).
    #[arg(long, value_name = "LABEL=FILE")]
    plot_from: Vec<String>,
    /// An admin's username and password (to create the load's users).
    #[arg(long, default_value = "admin:admin")]
    admin: String,
    /// A manager's username and password (to add the load's agents to the queue's group).
    #[arg(long, default_value = "dana:dana")]
    manager: String,
    /// Allow a server that is not on a loopback address.
    #[arg(long)]
    allow_remote: bool,
}

const MAX_SESSIONS: usize = 5_000;
const MAX_MESSAGES: usize = 100_000;
const MAX_CONNECTIONS: usize = 100_000;

/// Where the clients go and which processes are the server.
pub struct Run {
    pub customer_api: Api,
    pub agent_api: Api,
    pub server_pids: Vec<u32>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = Args::parse();
    if !args.plot_from.is_empty() {
        return plot_earlier(&args);
    }
    listen_for_ctrl_c();
    match args.scenario {
        Scenario::OneChat => {
            args.sessions = 1;
            args.per_agent = 1;
        }
        Scenario::Smoke => {
            args.sessions = 4;
            args.messages = args.messages.min(25);
            args.per_agent = 2;
        }
        Scenario::Storm => args.messages = 2,
        Scenario::Desk | Scenario::Idle => {}
    }
    ensure!(
        (1..=MAX_SESSIONS).contains(&args.sessions)
            && (1..=MAX_MESSAGES).contains(&args.messages)
            && (1..=MAX_CONNECTIONS).contains(&args.connections)
            && (1..=10_000).contains(&args.sockets_per_user)
            && args.per_agent >= 1,
        "sessions 1–{MAX_SESSIONS}, messages 1–{MAX_MESSAGES}, connections 1–{MAX_CONNECTIONS}, \
         sockets per user 1–10,000, per agent at least 1"
    );
    ensure!(
        args.rate == 0.0 || (0.1..=1_000_000.0).contains(&args.rate),
        "--rate is 0 (closed loop) or 0.1 to 1,000,000 messages per second"
    );
    ensure!(
        args.spawn || (args.postgres.is_none() && args.server_bin.is_none() && args.nodes == 1),
        "--postgres, --server-bin and --nodes go with --spawn"
    );
    ensure!(
        !args.spawn || (args.agent_url.is_none() && args.server_pid.is_empty()),
        "with --spawn the tool knows its servers: --agent-url and --server-pid are for servers \
         started otherwise"
    );
    ensure!(
        args.target == Target::Switchboard || !args.spawn,
        "--spawn starts Switchboard; start the Matrix homeserver yourself (docs/benchmarks.md)"
    );
    ensure!(
        args.nodes == 1 || (args.postgres.is_some() && (2..=4).contains(&args.nodes)),
        "--nodes 2–4 needs --spawn and --postgres (several nodes share one PostgreSQL database)"
    );

    let spawned = if args.spawn {
        let bin = args
            .server_bin
            .clone()
            .unwrap_or_else(spawn::default_server_bin);
        Some(
            spawn::start(spawn::Plan {
                server_bin: &bin,
                nodes: args.nodes,
                postgres: args.postgres.as_deref(),
                max_sockets_per_user: args.sockets_per_user.max(16) as u32,
            })
            .await?,
        )
    } else {
        None
    };
    let run = match &spawned {
        Some(s) => Run {
            customer_api: Api::new(&s.urls[0]),
            agent_api: Api::new(s.urls.last().unwrap_or(&s.urls[0])),
            server_pids: s.pids.clone(),
        },
        None => {
            for url in std::iter::once(&args.url).chain(&args.agent_url) {
                if !args.allow_remote {
                    api::check_loopback(url)?;
                }
            }
            Run {
                customer_api: Api::new(&args.url),
                agent_api: Api::new(args.agent_url.as_deref().unwrap_or(&args.url)),
                server_pids: args.server_pid.clone(),
            }
        }
    };
    let scenario = async {
        match (args.target, args.scenario) {
            (Target::Matrix, Scenario::OneChat | Scenario::Desk | Scenario::Smoke) => {
                matrix::run(&args, &run).await
            }
            (Target::Matrix, _) => Err(anyhow::anyhow!(
                "against a Matrix homeserver only one-chat, desk and smoke run"
            )),
            (Target::Switchboard, Scenario::OneChat | Scenario::Desk | Scenario::Smoke) => {
                desk::run(&args, &run).await
            }
            (Target::Switchboard, Scenario::Idle) => idle::run(&args, &run).await,
            (Target::Switchboard, Scenario::Storm) => storm::run(&args, &run).await,
        }
    };
    // Ctrl+C before the measured part began (setting up, or a scenario without one): nothing
    // to report; the servers are stopped all the same.
    let result = tokio::select! {
        r = scenario => r,
        () = interrupted_outside_measuring() => Err(anyhow::anyhow!("interrupted before anything was measured")),
    };
    // The servers stop (and the PostgreSQL database is dropped) whatever the run's outcome.
    let (backend, fsync) = spawned.as_ref().map_or((None, None), |s| {
        (Some(s.backend.to_owned()), s.fsync.clone())
    });
    let stopped = match spawned {
        Some(s) => s.stop().await,
        None => Ok(()),
    };
    if LEAVING.load(Ordering::Relaxed) {
        // The signal's task ends the process once it has cleaned up.
        std::future::pending::<()>().await;
    }
    let mut report = result?;
    report.nodes = if args.agent_url.is_some() {
        2
    } else {
        args.nodes
    };
    report.backend = backend;
    report.fsync = fsync;
    if let Err(e) = stopped {
        report.errors.push(format!("stopping the servers: {e:#}"));
    }
    report.print();
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.plot {
        let title = format!("{} {:?}", report.target, report.scenario);
        let runs = [(String::new(), serde_json::to_value(&report)?)];
        std::fs::write(path, plot::svg(&title, &runs))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    ensure!(
        report.ok(),
        "errors, or lost, doubled or misordered entries"
    );
    Ok(())
}

/// `--plot-from`: the curves of earlier reports in one plot.
fn plot_earlier(args: &Args) -> anyhow::Result<()> {
    let path = args
        .plot
        .as_ref()
        .context("--plot-from draws into --plot FILE")?;
    let mut runs = Vec::new();
    for item in &args.plot_from {
        let (label, file) = item
            .split_once('=')
            .context("--plot-from takes LABEL=FILE")?;
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
        runs.push((label.to_owned(), serde_json::from_str(&text)?));
    }
    std::fs::write(path, plot::svg("Latency by percentile", &runs))
        .with_context(|| format!("writing {}", path.display()))?;
    println!("plotted {} runs into {}", runs.len(), path.display());
    Ok(())
}

/// A line on the terminal (only when stderr is one) with how far the run got.
pub fn progress(done: Arc<AtomicU64>, total: usize, what: &'static str) -> Option<Progress> {
    std::io::stderr().is_terminal().then(|| {
        Progress(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let n = done.load(Ordering::Relaxed);
                let bar = "#".repeat((n as usize * 30 / total.max(1)).min(30));
                eprint!("\r[{bar:<30}] {n} of {total} {what}");
            }
        }))
    })
}

/// The progress line's task: ended (and the line closed) when dropped.
pub struct Progress(tokio::task::JoinHandle<()>);

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.abort();
        eprintln!();
    }
}

/// Ctrl+C, once pressed (the listener is installed at the start, so the tool never dies of it
/// mid-run with its servers left behind).
static INTERRUPT: std::sync::OnceLock<tokio::sync::watch::Receiver<bool>> =
    std::sync::OnceLock::new();
/// Set when the tool leaves at once: what the run reports after it is not to be believed.
static LEAVING: AtomicBool = AtomicBool::new(false);

/// Whether the measured part has begun (a Ctrl+C then stops the sends and reports).
static MEASURING: AtomicBool = AtomicBool::new(false);

/// Completes on a Ctrl+C pressed while nothing is being measured.
async fn interrupted_outside_measuring() {
    let Some(mut interrupt) = INTERRUPT.get().cloned() else {
        return std::future::pending().await;
    };
    let _ = interrupt.wait_for(|p| *p).await;
    if MEASURING.load(Ordering::Relaxed) {
        std::future::pending::<()>().await;
    }
}

/// Listens for Ctrl+C: the first stops the sends (what was measured is reported), a second —
/// or a SIGTERM — stops the servers the tool started, drops their database and leaves.
fn listen_for_ctrl_c() {
    let (pressed, interrupt) = tokio::sync::watch::channel(false);
    let _ = INTERRUPT.set(interrupt);
    tokio::spawn(async move {
        let Ok(mut terminate) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            return;
        };
        loop {
            let again = tokio::select! {
                r = tokio::signal::ctrl_c() => r.is_err() || *pressed.borrow(),
                _ = terminate.recv() => true,
            };
            if again {
                LEAVING.store(true, Ordering::Relaxed);
                eprintln!("\nstopping the servers and leaving");
                spawn::clean_up_now().await;
                std::process::exit(130);
            }
            eprintln!("\ninterrupted: reporting what was measured (Ctrl+C again to leave now)");
            pressed.send_replace(true);
        }
    });
}

/// Sets `stop` on Ctrl+C (also pressed before the measured part began) or after `limit`
/// seconds.
pub struct Watchdog {
    task: tokio::task::JoinHandle<()>,
    fired: Arc<AtomicBool>,
}

pub fn watchdog(stop: Arc<AtomicBool>, limit: u64) -> Watchdog {
    MEASURING.store(true, Ordering::Relaxed);
    let fired = Arc::new(AtomicBool::new(false));
    let mut interrupt = INTERRUPT.get().cloned();
    let task = {
        let fired = fired.clone();
        tokio::spawn(async move {
            let pressed = async {
                match &mut interrupt {
                    Some(rx) => {
                        let _ = rx.wait_for(|p| *p).await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = pressed => {}
                () = tokio::time::sleep(Duration::from_secs(limit)) => {}
            }
            fired.store(true, Ordering::Relaxed);
            stop.store(true, Ordering::Relaxed);
        })
    };
    Watchdog { task, fired }
}

impl Watchdog {
    /// Ends the watch; whether it fired (the run was interrupted).
    pub fn finish(self) -> bool {
        self.task.abort();
        self.fired.load(Ordering::Relaxed)
    }
}
