//! `switchboard-load`: drives a running Switchboard through its public API only (HTTP and the
//! WebSocket, as docs/protocol.md describes them) with real clients — customers and agents
//! signing in, starting sessions, accepting, sending comments with client ids — and reports
//! send→ack latency, customer-send→agent-receive latency, throughput, errors, and the entries
//! lost, doubled or out of order (checked against each session's log afterwards), with the
//! server's CPU time and memory when its process id is given (read from /proc).
//!
//! Bounded: at most 5,000 sessions and 100,000 messages each, a time limit, loopback addresses
//! only unless `--allow-remote`. Ctrl+C stops the sends and reports what was measured so far.
//!
//! ```text
//! cargo build --release --features load --bin switchboard-load
//! target/release/switchboard-load --url http://127.0.0.1:8080 --scenario desk --sessions 200
//! target/release/switchboard-load --spawn --scenario one-chat --messages 2000
//! ```

use std::collections::HashMap;
use std::io::IsTerminal;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use clap::{Parser, ValueEnum};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Debug, Clone, Copy, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Scenario {
    /// S1: one customer and one agent, sequential sends.
    OneChat,
    /// S2: many sessions at once, agents with several each (closed loop, or open loop with
    /// `--rate`).
    Desk,
    /// A small, fast run for the test suite: fails only on errors or lost, doubled or
    /// misordered entries.
    Smoke,
}

#[derive(Parser, Debug)]
#[command(version, about = "Load generator for a running Switchboard")]
struct Args {
    /// The server's address.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Start a server in this process on a fresh SQLite file (durable: WAL, synchronous=FULL)
    /// with the demo data, and drive it over loopback like any other.
    #[arg(long)]
    spawn: bool,
    #[arg(long, value_enum, default_value_t = Scenario::Desk)]
    scenario: Scenario,
    /// Sessions at once (S2; S1 has one, the smoke run four).
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
    /// Stop sending after this many seconds and report what was measured.
    #[arg(long, default_value_t = 300)]
    max_seconds: u64,
    /// The server's process id on this machine: its CPU time and memory are read from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Write the report as JSON to this file too.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
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

#[derive(Debug, Default, Serialize)]
struct Latency {
    count: usize,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

impl Latency {
    fn of(mut v: Vec<Duration>) -> Latency {
        if v.is_empty() {
            return Latency::default();
        }
        v.sort();
        let at = |p: f64| {
            let i = ((v.len() - 1) as f64 * p).round() as usize;
            v[i].as_secs_f64() * 1000.0
        };
        Latency {
            count: v.len(),
            p50_ms: at(0.5),
            p90_ms: at(0.9),
            p99_ms: at(0.99),
            max_ms: at(1.0),
        }
    }
}

#[derive(Debug, Default, Serialize)]
struct Server {
    cpu_seconds: Option<f64>,
    cpu_us_per_message: Option<f64>,
    rss_kib_before: Option<u64>,
    rss_kib_after: Option<u64>,
}

#[derive(Debug, Serialize)]
struct Report {
    scenario: Scenario,
    /// The disk's `fdatasync` of a 4 KiB write, measured where the database lives (`--spawn`).
    fsync: Option<Latency>,
    sessions: usize,
    messages_per_session: usize,
    agents: usize,
    open_loop_rate: Option<f64>,
    interrupted: bool,
    sent: usize,
    acknowledged: usize,
    seconds: f64,
    per_second: f64,
    ack: Latency,
    delivery: Latency,
    errors: Vec<String>,
    lost: usize,
    doubled: usize,
    misordered: usize,
    server: Server,
}

impl Report {
    fn ok(&self) -> bool {
        self.errors.is_empty() && self.lost == 0 && self.doubled == 0 && self.misordered == 0
    }

    fn print(&self) {
        let mode = match self.open_loop_rate {
            Some(rate) => format!("open loop at {rate:.0}/s"),
            None => "closed loop".to_owned(),
        };
        println!(
            "scenario {:?}: {} sessions × {} comments, {} agents, {mode}{}",
            self.scenario,
            self.sessions,
            self.messages_per_session,
            self.agents,
            if self.interrupted {
                " (interrupted)"
            } else {
                ""
            }
        );
        println!(
            "acknowledged {} of {} sent in {:.2} s: {:.0} comments/s",
            self.acknowledged, self.sent, self.seconds, self.per_second
        );
        println!("| latency | count | p50 ms | p90 ms | p99 ms | max ms |");
        println!("|---|---|---|---|---|---|");
        for (name, l) in [("send → ack", &self.ack), ("send → agent", &self.delivery)] {
            println!(
                "| {name} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
                l.count, l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms
            );
        }
        println!(
            "log check: lost {}, doubled {}, out of order {}; errors {}",
            self.lost,
            self.doubled,
            self.misordered,
            self.errors.len()
        );
        if let Some(f) = &self.fsync {
            println!(
                "the disk's fdatasync: p50 {:.3} ms, p99 {:.3} ms",
                f.p50_ms, f.p99_ms
            );
        }
        for e in self.errors.iter().take(5) {
            println!("  error: {e}");
        }
        if let Some(cpu) = self.server.cpu_seconds {
            println!(
                "server CPU {cpu:.2} s ({:.1} µs per message), RSS {} → {} KiB",
                self.server.cpu_us_per_message.unwrap_or(0.0),
                self.server.rss_kib_before.unwrap_or(0),
                self.server.rss_kib_after.unwrap_or(0)
            );
        }
    }
}

/// The disk's `fdatasync` after a 4 KiB write in `dir`, 200 times.
fn fsync_probe(dir: &std::path::Path) -> anyhow::Result<Latency> {
    use std::io::Write;
    let path = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&path)?;
    let block = [0u8; 4096];
    let mut times = Vec::with_capacity(200);
    for _ in 0..200 {
        file.write_all(&block)?;
        let begin = Instant::now();
        file.sync_data()?;
        times.push(begin.elapsed());
    }
    std::fs::remove_file(&path)?;
    Ok(Latency::of(times))
}

/// CPU seconds (user + system) and resident memory of a process, from /proc.
fn proc_usage(pid: u32) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())?;
    // The kernel's clock ticks per second (USER_HZ) are 100 on Linux.
    Some((ticks / 100.0, rss))
}

fn check_loopback(url: &str) -> anyhow::Result<()> {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .context("the URL has no host")?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.split(']').next())
        .unwrap_or_else(|| host.rsplit_once(':').map_or(host, |(h, _)| h));
    let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    ensure!(
        loopback,
        "{host} is not a loopback address: pass --allow-remote to load another machine"
    );
    Ok(())
}

/// An HTTP client signed in as one user (its cookie jar holds the session).
struct Person {
    http: reqwest::Client,
    cookie: String,
}

struct Api {
    base: String,
}

impl Api {
    async fn sign_in(&self, username: &str, password: &str) -> anyhow::Result<Person> {
        let http = reqwest::Client::new();
        let response = http
            .post(format!("{}/api/session", self.base))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await?;
        ensure!(
            response.status().is_success(),
            "sign-in of {username}: {}",
            response.status()
        );
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
            .to_owned();
        Ok(Person { http, cookie })
    }

    async fn call(
        &self,
        who: &Person,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let mut request = who
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .header("cookie", &who.cookie);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        ensure!(status.is_success(), "{method} {path}: {status} {text}");
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn socket(&self, who: &Person) -> anyhow::Result<Socket> {
        let url = self.base.replacen("http", "ws", 1) + "/api/ws";
        let mut request = url.into_client_request()?;
        request.headers_mut().insert("cookie", who.cookie.parse()?);
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
        socket
            .send(Message::text(
                json!({"type": "hello", "positions": {}}).to_string(),
            ))
            .await?;
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) if text.contains("\"ready\"") => return Ok(socket),
                Some(Ok(_)) => {}
                other => bail!("socket ended before ready: {other:?}"),
            }
        }
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn split_pair(pair: &str) -> anyhow::Result<(&str, &str)> {
    pair.split_once(':')
        .context("credentials are given as username:password")
}

/// One session of the load: its id, the customer's client, the index of its agent.
struct Session {
    id: String,
    customer: Person,
    agent: usize,
}

/// What one customer's sender measured.
#[derive(Default)]
struct Sent {
    sent: usize,
    acks: Vec<Duration>,
    errors: Vec<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = Args::parse();
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
        Scenario::Desk => {}
    }
    ensure!(
        (1..=MAX_SESSIONS).contains(&args.sessions)
            && (1..=MAX_MESSAGES).contains(&args.messages)
            && args.per_agent >= 1,
        "sessions 1–{MAX_SESSIONS}, messages 1–{MAX_MESSAGES}, per agent at least 1"
    );
    ensure!(
        args.rate >= 0.0 && args.rate.is_finite(),
        "--rate is 0 or more"
    );

    // In-process server, if asked for: a fresh durable SQLite file with the demo data.
    let mut spawned = None;
    let _dir;
    let mut fsync = None;
    if args.spawn {
        let dir = tempfile::tempdir()?;
        fsync = Some(fsync_probe(dir.path())?);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        args.url = format!("http://{}", listener.local_addr()?);
        let mut config = switchboard::Config::defaults();
        config.database_url = format!("sqlite://{}", dir.path().join("load.db").display());
        config.demo = true;
        config.socket_frames_per_second = 1_000_000;
        config.max_sockets_per_user = 64;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(switchboard::run(config, listener, async {
            let _ = stopped.await;
        }));
        spawned = Some((stop, server));
        args.server_pid = Some(std::process::id());
        _dir = Some(dir);
    } else {
        _dir = None;
        if !args.allow_remote {
            check_loopback(&args.url)?;
        }
    }
    let result = drive(&args).await;
    if let Some((stop, server)) = spawned {
        let _ = stop.send(());
        server.await??;
    }
    let mut report = result?;
    report.fsync = fsync;
    report.print();
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    ensure!(
        report.ok(),
        "errors, or lost, doubled or misordered entries"
    );
    Ok(())
}

async fn drive(args: &Args) -> anyhow::Result<Report> {
    let api = Arc::new(Api {
        base: args.url.trim_end_matches('/').to_owned(),
    });
    let (admin_name, admin_password) = split_pair(&args.admin)?;
    let (manager_name, manager_password) = split_pair(&args.manager)?;
    let admin = api.sign_in(admin_name, admin_password).await?;
    let manager = api.sign_in(manager_name, manager_password).await?;
    let queues = api
        .call(&manager, reqwest::Method::GET, "/api/queues", None)
        .await?;
    let queue = queues[0]["id"].as_str().context("no queue")?.to_owned();
    let group = queues[0]["group"]["id"]
        .as_str()
        .context("no group")?
        .to_owned();
    // Names unique to this run, so runs against one server do not collide.
    let run = format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis()
            % 0xff_ffff
    );
    let agents = args.sessions.div_ceil(args.per_agent);
    eprintln!(
        "setting up {} customers and {agents} agents on {}…",
        args.sessions, api.base
    );
    let make = |name: String, role: &'static str| {
        let api = api.clone();
        let admin = &admin;
        async move {
            let created = api
                .call(
                    admin,
                    reqwest::Method::POST,
                    "/api/admin/users",
                    Some(json!({"username": name, "display_name": name,
                                "password": format!("{name}-password"), "roles": [role]})),
                )
                .await?;
            anyhow::Ok((created["id"].as_str().unwrap_or_default().to_owned(), name))
        }
    };
    let mut agent_people = Vec::new();
    for a in 0..agents {
        let (id, name) = make(format!("load{run}a{a}"), "agent").await?;
        api.call(
            &manager,
            reqwest::Method::PUT,
            &format!("/api/groups/{group}/members/{id}"),
            None,
        )
        .await?;
        agent_people.push(api.sign_in(&name, &format!("{name}-password")).await?);
    }
    let mut sessions = Vec::new();
    for c in 0..args.sessions {
        let (_, name) = make(format!("load{run}c{c}"), "customer").await?;
        let customer = api.sign_in(&name, &format!("{name}-password")).await?;
        let conv = api
            .call(
                &customer,
                reqwest::Method::POST,
                &format!("/api/queues/{queue}/sessions"),
                Some(json!({"client_id": "start"})),
            )
            .await?;
        let id = conv["id"].as_str().context("no session id")?.to_owned();
        let agent = c / args.per_agent;
        api.call(
            &agent_people[agent],
            reqwest::Method::POST,
            &format!("/api/conversations/{id}/accept"),
            None,
        )
        .await?;
        sessions.push(Session {
            id,
            customer,
            agent,
        });
    }

    // Agents listen: (conversation, body, received at) for every load comment.
    let total = args.sessions * args.messages;
    let stop = Arc::new(AtomicBool::new(false));
    let mut listeners = Vec::new();
    for (a, person) in agent_people.iter().enumerate() {
        let mut socket = api.socket(person).await?;
        let expected = args.messages * sessions.iter().filter(|s| s.agent == a).count();
        let stop = stop.clone();
        listeners.push(tokio::spawn(async move {
            let mut got: Vec<(String, String, Instant)> = Vec::with_capacity(expected);
            while got.len() < expected {
                let wait = if stop.load(Ordering::Relaxed) {
                    Duration::from_secs(2)
                } else {
                    Duration::from_secs(60)
                };
                match tokio::time::timeout(wait, socket.next()).await {
                    Ok(Some(Ok(Message::Text(text)))) => {
                        if !text.contains("\"load ") {
                            continue;
                        }
                        let frame: Value = serde_json::from_str(&text).unwrap_or_default();
                        if frame["type"] == "entry" {
                            got.push((
                                frame["conversation"]
                                    .as_str()
                                    .unwrap_or_default()
                                    .to_owned(),
                                frame["body"].as_str().unwrap_or_default().to_owned(),
                                Instant::now(),
                            ));
                        }
                    }
                    Ok(Some(Ok(_))) => {}
                    _ => break,
                }
            }
            got
        }));
    }

    let usage_before = args.server_pid.and_then(proc_usage);
    let acked = Arc::new(AtomicU64::new(0));
    let sent_at: Arc<std::sync::Mutex<HashMap<String, Instant>>> = Arc::default();
    let (go, started) = tokio::sync::watch::channel(false);
    let per_session_interval =
        (args.rate > 0.0).then(|| Duration::from_secs_f64(args.sessions as f64 / args.rate));
    let mut senders = Vec::new();
    for (i, s) in sessions.iter().enumerate() {
        let socket = api.socket(&s.customer).await?;
        // Open loop: the sessions' schedules are spread over one interval, not in step.
        let offset = per_session_interval.map_or(Duration::ZERO, |every| {
            every.mul_f64(i as f64 / sessions.len() as f64)
        });
        let (id, messages) = (s.id.clone(), args.messages);
        let (sent_at, mut started, stop, acked) = (
            sent_at.clone(),
            started.clone(),
            stop.clone(),
            acked.clone(),
        );
        senders.push(tokio::spawn(async move {
            let _ = started.wait_for(|go| *go).await;
            let schedule = per_session_interval.map(|every| (every, offset));
            send_all(socket, id, messages, schedule, sent_at, stop, acked).await
        }));
    }
    let progress = std::io::stderr().is_terminal().then(|| {
        let acked = acked.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                eprint!(
                    "\r{} of {total} acknowledged",
                    acked.load(Ordering::Relaxed)
                );
            }
        })
    });
    let begin = Instant::now();
    go.send_replace(true);
    // Ctrl+C or the time limit: the senders stop after their current comment.
    let interrupted = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (stop, interrupted, limit) = (stop.clone(), interrupted.clone(), args.max_seconds);
        tokio::spawn(async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                () = tokio::time::sleep(Duration::from_secs(limit)) => {}
            }
            interrupted.store(true, Ordering::Relaxed);
            stop.store(true, Ordering::Relaxed);
        })
    };
    let mut sent = Sent::default();
    for s in senders {
        if let Ok(part) = s.await {
            sent.sent += part.sent;
            sent.acks.extend(part.acks);
            sent.errors.extend(part.errors);
        }
    }
    let seconds = begin.elapsed().as_secs_f64();
    watchdog.abort();
    stop.store(true, Ordering::Relaxed);
    let interrupted = interrupted.load(Ordering::Relaxed);
    if let Some(p) = progress {
        p.abort();
        eprintln!();
    }
    let usage_after = args.server_pid.and_then(proc_usage);

    // What the agents received, and when, against when it was sent.
    let sent_at = sent_at.lock().map(|m| m.clone()).unwrap_or_default();
    let mut delivery = Vec::new();
    for l in listeners {
        for (_, body, at) in l.await? {
            if let Some(sent) = sent_at.get(&body) {
                delivery.push(at.saturating_duration_since(*sent));
            }
        }
    }

    // The truth is the log: each comment sent and acknowledged is there exactly once, in order.
    let (mut lost, mut doubled, mut misordered) = (0, 0, 0);
    for session in &sessions {
        let mut numbers = Vec::new();
        let mut after = 0;
        loop {
            let page = api
                .call(
                    &agent_people[session.agent],
                    reqwest::Method::GET,
                    &format!(
                        "/api/conversations/{}/entries?after={after}&limit=500",
                        session.id
                    ),
                    None,
                )
                .await?;
            let entries = page["entries"].as_array().cloned().unwrap_or_default();
            for e in &entries {
                if let Some(n) = e["body"]
                    .as_str()
                    .and_then(|b| b.strip_prefix(&format!("load {} ", session.id)))
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    numbers.push(n);
                }
            }
            match page["next_after"].as_i64() {
                Some(next) if next > after => after = next,
                _ => break,
            }
        }
        // Interrupted: what was sent is what the log should hold (an unacknowledged last one
        // may be there or not).
        let expected = if interrupted {
            numbers.iter().max().map_or(0, |m| m + 1)
        } else {
            args.messages
        };
        let (l, d, m) = check_log(&numbers, expected);
        lost += l;
        doubled += d;
        misordered += m;
    }
    let acknowledged = sent.acks.len();
    let cpu = match (usage_before, usage_after) {
        (Some((a, _)), Some((b, _))) => Some(b - a),
        _ => None,
    };
    Ok(Report {
        scenario: args.scenario,
        fsync: None,
        sessions: args.sessions,
        messages_per_session: args.messages,
        agents,
        open_loop_rate: (args.rate > 0.0).then_some(args.rate),
        interrupted,
        sent: sent.sent,
        acknowledged,
        seconds,
        per_second: acknowledged as f64 / seconds.max(1e-9),
        ack: Latency::of(sent.acks),
        delivery: Latency::of(delivery),
        errors: sent.errors,
        lost,
        doubled,
        misordered,
        server: Server {
            cpu_seconds: cpu,
            cpu_us_per_message: cpu.map(|c| c * 1e6 / acknowledged.max(1) as f64),
            rss_kib_before: usage_before.map(|u| u.1),
            rss_kib_after: usage_after.map(|u| u.1),
        },
    })
}

/// Of the comment numbers found in a session's log (in log order), how many of `0..expected`
/// are missing, how many appear more than once, and how many steps go backwards or repeat.
fn check_log(numbers: &[usize], expected: usize) -> (usize, usize, usize) {
    let mut seen = vec![0usize; expected.max(numbers.iter().max().map_or(0, |m| m + 1))];
    for n in numbers {
        seen[*n] += 1;
    }
    let lost = seen.iter().take(expected).filter(|c| **c == 0).count();
    let doubled = seen.iter().filter(|c| **c > 1).count();
    let misordered = numbers.windows(2).filter(|w| w[1] <= w[0]).count();
    (lost, doubled, misordered)
}

/// One customer sends `messages` comments on `id`: in a closed loop (each after the last ack),
/// or on a schedule (`schedule`: every so long, from an offset), latency then counted from the
/// scheduled time.
async fn send_all(
    socket: Socket,
    id: String,
    messages: usize,
    schedule: Option<(Duration, Duration)>,
    sent_at: Arc<std::sync::Mutex<HashMap<String, Instant>>>,
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicU64>,
) -> Sent {
    let (mut sink, mut stream) = socket.split();
    let (acks_tx, mut acks_rx) = mpsc::unbounded_channel::<Result<(usize, Instant), String>>();
    let reader = tokio::spawn(async move {
        while let Some(Ok(message)) = stream.next().await {
            let Message::Text(text) = message else {
                continue;
            };
            if !text.contains("\"ack\"") && !text.contains("\"error\"") {
                continue;
            }
            let frame: Value = serde_json::from_str(&text).unwrap_or_default();
            let reference = frame["ref"].as_str().and_then(|r| r.parse::<usize>().ok());
            let outcome = match (frame["type"].as_str(), reference) {
                (Some("ack"), Some(n)) => Ok((n, Instant::now())),
                (Some("error"), _) => Err(frame["error"].to_string()),
                _ => continue,
            };
            if acks_tx.send(outcome).is_err() {
                break;
            }
        }
    });
    let mut out = Sent::default();
    let mut scheduled: Vec<Option<Instant>> = vec![None; messages];
    let interval = schedule.map(|(every, _)| every);
    let start = Instant::now() + schedule.map_or(Duration::ZERO, |(_, offset)| offset);
    for n in 0..messages {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let at = match interval {
            Some(every) => {
                let due = start + every.mul_f64(n as f64);
                tokio::time::sleep_until(due.into()).await;
                due
            }
            None => Instant::now(),
        };
        let body = format!("load {id} {n}");
        if let Ok(mut m) = sent_at.lock() {
            m.insert(body.clone(), at);
        }
        scheduled[n] = Some(at);
        let frame = json!({"type": "send", "ref": n.to_string(), "conversation": id,
                           "client_id": format!("m{n}"), "kind": "comment", "body": body});
        if let Err(e) = sink.send(Message::text(frame.to_string())).await {
            out.errors.push(format!("send on {id}: {e}"));
            break;
        }
        out.sent += 1;
        if interval.is_none() {
            // Closed loop: the next waits for this one's ack.
            match tokio::time::timeout(Duration::from_secs(30), acks_rx.recv()).await {
                Ok(Some(Ok((m, when)))) => {
                    if let Some(Some(t)) = scheduled.get(m) {
                        out.acks.push(when.saturating_duration_since(*t));
                        acked.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Ok(Some(Err(e))) => {
                    out.errors.push(format!("on {id}: {e}"));
                    break;
                }
                _ => {
                    out.errors.push(format!("no ack on {id} within 30 s"));
                    break;
                }
            }
        }
    }
    if interval.is_some() {
        // Open loop: collect the acks of everything sent.
        while out.acks.len() < out.sent {
            match tokio::time::timeout(Duration::from_secs(30), acks_rx.recv()).await {
                Ok(Some(Ok((m, when)))) => {
                    if let Some(Some(t)) = scheduled.get(m) {
                        out.acks.push(when.saturating_duration_since(*t));
                        acked.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Ok(Some(Err(e))) => out.errors.push(format!("on {id}: {e}")),
                _ => {
                    out.errors.push(format!("acks missing on {id} after 30 s"));
                    break;
                }
            }
        }
    }
    reader.abort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_servers_are_loaded_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:80/",
            "http://[::1]:8080",
            "http://127.3.4.5",
        ] {
            assert!(check_loopback(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://10.0.0.1:8080",
            "http://desk.example.com",
            "nonsense",
        ] {
            assert!(check_loopback(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_log_check_finds_lost_doubled_and_misordered_comments() {
        assert_eq!(check_log(&[0, 1, 2, 3], 4), (0, 0, 0));
        assert_eq!(check_log(&[0, 1, 3], 4), (1, 0, 0));
        assert_eq!(check_log(&[0, 1, 1, 2, 3], 4), (0, 1, 1));
        assert_eq!(check_log(&[0, 2, 1, 3], 4), (0, 0, 1));
        assert_eq!(check_log(&[], 3), (3, 0, 0));
        assert_eq!(check_log(&[0, 1, 2, 5], 3), (0, 0, 0));
    }

    #[test]
    fn percentiles_come_from_the_sorted_samples() {
        let l = Latency::of((1..=100).map(Duration::from_millis).collect());
        assert_eq!(l.count, 100);
        assert!((l.p50_ms - 51.0).abs() < 1e-9 || (l.p50_ms - 50.0).abs() < 1e-9);
        assert!((l.p99_ms - 99.0).abs() < 1.01);
        assert!((l.max_ms - 100.0).abs() < 1e-9);
        assert_eq!(Latency::of(Vec::new()).count, 0);
    }
}
