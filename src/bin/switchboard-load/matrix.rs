//! The Matrix client-server adapter: S1 one chat, S2 a desk and the smoke run against a Matrix
//! homeserver (spec v3), the same workload as `desk.rs` drives against Switchboard.
//!
//! Each session is a private room: the customer creates it inviting its agent, the agent joins.
//! The customer sends `m.room.message` events with `PUT /rooms/{id}/send/…/{txnId}` (the 200
//! with an `event_id` is the ack); the agent receives them through a `/sync` long-poll (a
//! `limited` timeline is counted and its gap read with `/messages`). Afterwards every room's
//! timeline is read from the start and checked for lost, doubled and misordered messages.
//!
//! HTTP has no order between requests in flight, so a sender has one send in flight at a time,
//! as Matrix clients do to keep a room in order. In the open loop (`--rate`) each message is
//! due on its schedule; one that is due while the last is still in flight goes as soon as that
//! one is acknowledged, its latency still counted from when it was due.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::api;
use crate::report::{Latency, Report, Server, proc_usage};
use crate::{Args, Run};

/// The timeline events a sync returns per room (Synapse caps it at `filter_timeline_limit`,
/// 100 by default; more than that since the last sync comes back `limited`).
const TIMELINE_LIMIT: usize = 100;
/// The long-poll's wait, in milliseconds.
const SYNC_TIMEOUT_MS: u64 = 30_000;
/// How long a send may wait for its ack (as desk.rs waits for acks).
const ACK_TIMEOUT: Duration = Duration::from_secs(30);
/// Retries of a request the homeserver rate-limited (429), each after the wait it asked for.
const MAX_THROTTLED_RETRIES: u32 = 20;
/// Pages of `/messages` read for one room at most (1,000 events each).
const MAX_PAGES: usize = 1_000;

/// A user's client: its own keep-alive HTTP connections and access token.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    user_id: String,
    /// Requests the homeserver answered with 429, over all clients of the run.
    throttled: Arc<AtomicU64>,
}

impl Client {
    /// A request with the access token; retried after the wait a 429 asks for. The JSON body
    /// of a success, or what went wrong (never a panic on a bad answer).
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        timeout: Duration,
    ) -> anyhow::Result<Value> {
        let mut tries = 0;
        loop {
            let mut request = self
                .http
                .request(
                    method.clone(),
                    format!("{}/_matrix/client/v3{path}", self.base),
                )
                .bearer_auth(&self.token)
                .timeout(timeout);
            if !query.is_empty() {
                request = request.query(query);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request
                .send()
                .await
                .with_context(|| format!("{method} {path}"))?;
            let status = response.status();
            let header_wait = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            let text = response
                .text()
                .await
                .with_context(|| format!("{method} {path}: reading the answer"))?;
            let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if status == reqwest::StatusCode::TOO_MANY_REQUESTS && tries < MAX_THROTTLED_RETRIES {
                tries += 1;
                self.throttled.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(retry_after(&value, header_wait)).await;
                continue;
            }
            if !status.is_success() {
                bail!("{method} {path}: {status} {}", short(&text));
            }
            return Ok(value);
        }
    }

    /// Sends one message; its event id (the ack).
    async fn send(&self, room: &str, txn: &str, body: &str) -> anyhow::Result<String> {
        let path = format!(
            "/rooms/{}/send/m.room.message/{}",
            encode(room),
            encode(txn)
        );
        let content = json!({"msgtype": "m.text", "body": body});
        let answer = self
            .call(
                reqwest::Method::PUT,
                &path,
                &[],
                Some(&content),
                ACK_TIMEOUT,
            )
            .await?;
        answer["event_id"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("PUT {path}: no event_id in {}", short(&answer.to_string())))
    }

    /// One `/sync` from `since` (none: the initial one), waiting up to `wait_ms` for news.
    async fn sync(&self, since: Option<&str>, wait_ms: u64) -> anyhow::Result<Value> {
        let mut query = vec![
            ("filter", sync_filter().to_string()),
            ("timeout", wait_ms.to_string()),
        ];
        if let Some(since) = since {
            query.push(("since", since.to_owned()));
        }
        self.call(
            reqwest::Method::GET,
            "/sync",
            &query,
            None,
            Duration::from_millis(wait_ms) + Duration::from_secs(30),
        )
        .await
    }

    /// One page of a room's `m.room.message` events from `from` (none: the start with
    /// `dir=f`), up to `to`.
    async fn messages(
        &self,
        room: &str,
        dir: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> anyhow::Result<Value> {
        let mut query = vec![
            ("dir", dir.to_owned()),
            ("limit", "1000".to_owned()),
            ("filter", json!({"types": ["m.room.message"]}).to_string()),
        ];
        if let Some(from) = from {
            query.push(("from", from.to_owned()));
        }
        if let Some(to) = to {
            query.push(("to", to.to_owned()));
        }
        self.call(
            reqwest::Method::GET,
            &format!("/rooms/{}/messages", encode(room)),
            &query,
            None,
            Duration::from_secs(60),
        )
        .await
    }
}

/// The first 300 characters of an answer, for an error message.
fn short(text: &str) -> String {
    text.chars().take(300).collect()
}

/// How long a 429 asks to wait: `retry_after_ms` in its body, or the Retry-After header in
/// seconds; a second when it says neither. At most 10 s.
fn retry_after(body: &Value, header_seconds: Option<u64>) -> Duration {
    let wait = body["retry_after_ms"]
        .as_u64()
        .map(Duration::from_millis)
        .or(header_seconds.map(Duration::from_secs))
        .unwrap_or(Duration::from_secs(1));
    wait.min(Duration::from_secs(10))
}

/// A path segment percent-encoded (room ids hold `!` and `:`).
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len() * 3);
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The agents' sync filter: only `m.room.message` timeline events, enough of them per room that
/// a long-poll rarely comes back `limited`; no presence, account data, receipts or state.
fn sync_filter() -> Value {
    let nothing = json!({"not_types": ["*"]});
    json!({
        "presence": nothing,
        "account_data": nothing,
        "room": {
            "timeline": {"limit": TIMELINE_LIMIT, "types": ["m.room.message"]},
            "state": nothing,
            "ephemeral": nothing,
            "account_data": nothing,
        },
    })
}

/// What the registration endpoint answered.
#[derive(Debug, PartialEq)]
enum Registration {
    /// Registered: the user id, and the access token unless the server did not log in.
    Done {
        user_id: String,
        token: Option<String>,
    },
    /// User-interactive auth: repeat with the dummy stage and this session.
    Dummy {
        session: String,
    },
    Refused(String),
}

/// Reads an answer of `POST /register` (status and JSON body).
fn registration(status: u16, body: &Value) -> Registration {
    match status {
        200 => match body["user_id"].as_str() {
            Some(user_id) => Registration::Done {
                user_id: user_id.to_owned(),
                token: body["access_token"].as_str().map(str::to_owned),
            },
            None => Registration::Refused(format!("registered, but no user_id in {body}")),
        },
        401 if body["errcode"].is_null() || body.get("flows").is_some() => {
            let dummy_alone = body["flows"].as_array().into_iter().flatten().any(|f| {
                f["stages"]
                    .as_array()
                    .is_some_and(|s| !s.is_empty() && s.iter().all(|x| x == "m.login.dummy"))
            });
            match (body["session"].as_str(), dummy_alone) {
                (Some(session), true) => Registration::Dummy {
                    session: session.to_owned(),
                },
                (_, false) => Registration::Refused(format!(
                    "registration needs more than m.login.dummy (turn verification off): {}",
                    body["flows"]
                )),
                (None, true) => Registration::Refused(format!("no auth session in {body}")),
            }
        }
        _ => Registration::Refused(format!(
            "{status} {} {}",
            body["errcode"].as_str().unwrap_or("(no errcode)"),
            body["error"].as_str().unwrap_or_default()
        )),
    }
}

/// Registers `name` on `base` (the dummy auth stage if asked), logging in if registration did
/// not; a client of its own.
async fn register(base: &str, name: &str, throttled: &Arc<AtomicU64>) -> anyhow::Result<Client> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let password = format!("{name}-password");
    let url = format!("{base}/_matrix/client/v3/register");
    let mut session: Option<String> = None;
    let mut tries = 0;
    let (user_id, token) = loop {
        tries += 1;
        if tries > MAX_THROTTLED_RETRIES {
            bail!("registration of {name}: no answer but 401 or 429 after {tries} tries");
        }
        let mut auth = json!({"type": "m.login.dummy"});
        if let Some(s) = &session {
            auth["session"] = json!(s);
        }
        let response = http
            .post(&url)
            .json(
                &json!({"username": name, "password": password, "auth": auth,
                          "initial_device_display_name": "switchboard-load"}),
            )
            .send()
            .await
            .with_context(|| format!("registration of {name}"))?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status == 429 {
            throttled.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(retry_after(&body, None)).await;
            continue;
        }
        match registration(status, &body) {
            Registration::Done { user_id, token } => break (user_id, token),
            Registration::Dummy { session: s } if session.as_deref() != Some(s.as_str()) => {
                session = Some(s);
            }
            Registration::Dummy { .. } => {
                bail!(
                    "registration of {name}: the dummy stage was not accepted: {}",
                    short(&text)
                )
            }
            Registration::Refused(why) => bail!("registration of {name}: {why}"),
        }
    };
    let token = match token {
        Some(t) => t,
        None => {
            let answer: Value = http
                .post(format!("{base}/_matrix/client/v3/login"))
                .json(&json!({"type": "m.login.password",
                              "identifier": {"type": "m.id.user", "user": name},
                              "password": password}))
                .send()
                .await
                .with_context(|| format!("login of {name}"))?
                .json()
                .await
                .with_context(|| format!("login of {name}"))?;
            answer["access_token"]
                .as_str()
                .with_context(|| format!("login of {name}: no access token in {answer}"))?
                .to_owned()
        }
    };
    Ok(Client {
        http,
        base: base.to_owned(),
        token,
        user_id,
        throttled: throttled.clone(),
    })
}

/// The `m.room.message` events of a sync answer.
#[derive(Debug, Default, PartialEq)]
struct Synced {
    next_batch: Option<String>,
    /// (room id, body) in each room's timeline order.
    messages: Vec<(String, String)>,
    /// Rooms whose timeline was `limited` (events left out), with its `prev_batch`.
    limited: Vec<(String, Option<String>)>,
}

fn parse_sync(answer: &Value) -> Synced {
    let mut out = Synced {
        next_batch: answer["next_batch"].as_str().map(str::to_owned),
        ..Synced::default()
    };
    let Some(rooms) = answer["rooms"]["join"].as_object() else {
        return out;
    };
    for (room, joined) in rooms {
        let timeline = &joined["timeline"];
        out.messages
            .extend(bodies(&timeline["events"]).map(|b| (room.clone(), b)));
        if timeline["limited"] == true {
            out.limited.push((
                room.clone(),
                timeline["prev_batch"].as_str().map(str::to_owned),
            ));
        }
    }
    out
}

/// The bodies of the `m.room.message` events in a list of events (a timeline or a `chunk`).
fn bodies(events: &Value) -> impl Iterator<Item = String> + '_ {
    events
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"] == "m.room.message")
        .filter_map(|e| e["content"]["body"].as_str().map(str::to_owned))
}

/// A page of `/messages`: its bodies, and the token to go on from (none at the end).
fn parse_page(answer: &Value) -> (Vec<String>, Option<String>) {
    let chunk: Vec<String> = bodies(&answer["chunk"]).collect();
    let empty = answer["chunk"].as_array().is_none_or(|c| c.is_empty());
    let end = answer["end"].as_str().filter(|_| !empty).map(str::to_owned);
    (chunk, end)
}

/// The number of a load message of `room` (`load {room} {n}`).
fn number_in(body: &str, room: &str) -> Option<usize> {
    body.strip_prefix("load ")?
        .strip_prefix(room)?
        .strip_prefix(' ')?
        .parse()
        .ok()
}

/// What an agent's sync loop reports.
enum Heard {
    Message(String, Instant),
    Limited,
    Error(String),
}

/// What one customer's sender measured.
#[derive(Default)]
struct Sent {
    sent: usize,
    acks: Vec<Duration>,
    errors: Vec<String>,
}

type SentAt = Arc<std::sync::Mutex<HashMap<String, Instant>>>;

pub async fn run(args: &Args, run: &Run) -> anyhow::Result<Report> {
    let (base, agent_base) = (&run.customer_api.base, &run.agent_api.base);
    let name = api::run_name()?;
    let agent_count = args.sessions.div_ceil(args.per_agent);
    eprintln!(
        "setting up {} customers and {agent_count} agents on the Matrix homeserver {base}…",
        args.sessions
    );
    let throttled = Arc::new(AtomicU64::new(0));
    let users = |base: &str, letter: char, count: usize| {
        let (name, throttled, base) = (&name, &throttled, base.to_owned());
        stream::iter(0..count)
            .map(move |i| {
                let base = base.clone();
                async move { register(&base, &format!("load{name}{letter}{i}"), throttled).await }
            })
            .buffered(api::SETUP_AT_ONCE)
            .try_collect::<Vec<Client>>()
    };
    let agents = users(agent_base, 'a', agent_count).await?;
    let customers = users(base, 'c', args.sessions).await?;
    let agent_of: Vec<usize> = (0..args.sessions).map(|c| c / args.per_agent).collect();
    let name = &name;
    let rooms: Vec<String> = stream::iter(customers.iter().zip(&agent_of).enumerate())
        .map(|(i, (customer, a))| {
            let agent = &agents[*a];
            async move {
                let created = customer
                    .call(
                        reqwest::Method::POST,
                        "/createRoom",
                        &[],
                        Some(&json!({"preset": "private_chat", "invite": [agent.user_id],
                                     "name": format!("load {name} session {i}")})),
                        Duration::from_secs(60),
                    )
                    .await?;
                let room = created["room_id"]
                    .as_str()
                    .with_context(|| format!("createRoom: no room_id in {created}"))?
                    .to_owned();
                agent
                    .call(
                        reqwest::Method::POST,
                        &format!("/join/{}", encode(&room)),
                        &[],
                        Some(&json!({})),
                        Duration::from_secs(60),
                    )
                    .await?;
                anyhow::Ok(room)
            }
        })
        .buffered(api::SETUP_AT_ONCE)
        .try_collect()
        .await?;

    // Agents listen from where their initial sync left off: (body, received at).
    let stop = Arc::new(AtomicBool::new(false));
    let (finished, senders_done) = tokio::sync::watch::channel(false);
    let (heard_tx, mut heard_rx) = mpsc::unbounded_channel();
    let mut listeners = Vec::new();
    for (a, agent) in agents.iter().enumerate() {
        let first = agent
            .sync(None, 0)
            .await
            .context("the agent's first sync")?;
        let since = parse_sync(&first).next_batch.with_context(|| {
            format!(
                "no next_batch in the first sync: {}",
                short(&first.to_string())
            )
        })?;
        let expected = args.messages * agent_of.iter().filter(|x| **x == a).count();
        listeners.push(tokio::spawn(listen(
            agent.clone(),
            since,
            expected,
            senders_done.clone(),
            heard_tx.clone(),
        )));
    }
    drop(heard_tx);

    let setup_throttled = throttled.load(Ordering::Relaxed);
    let usage_before = proc_usage(&run.server_pids);
    let acked = Arc::new(AtomicU64::new(0));
    let sent_at: SentAt = Arc::default();
    let (go, started) = tokio::sync::watch::channel(false);
    let mut senders = Vec::new();
    for (i, (customer, room)) in customers.iter().zip(&rooms).enumerate() {
        let plan = crate::desk::schedule(args.rate, rooms.len(), i);
        let (customer, room, messages) = (customer.clone(), room.clone(), args.messages);
        let (sent_at, mut started, stop, acked) = (
            sent_at.clone(),
            started.clone(),
            stop.clone(),
            acked.clone(),
        );
        senders.push(tokio::spawn(async move {
            let _ = started.wait_for(|go| *go).await;
            send_all(customer, room, messages, plan, sent_at, stop, acked).await
        }));
    }
    let total = args.sessions * args.messages;
    let progress = crate::progress(acked.clone(), total, "acknowledged");
    let begin = Instant::now();
    go.send_replace(true);
    let watchdog = crate::watchdog(stop.clone(), args.max_seconds);
    let mut sent = Sent::default();
    for s in senders {
        match s.await {
            Ok(part) => {
                sent.sent += part.sent;
                sent.acks.extend(part.acks);
                sent.errors.extend(part.errors);
            }
            Err(e) => sent.errors.push(format!("a sender ended: {e}")),
        }
    }
    let seconds = begin.elapsed().as_secs_f64();
    let interrupted = watchdog.finish();
    stop.store(true, Ordering::Relaxed);
    finished.send_replace(true);
    drop(progress);
    let usage_after = proc_usage(&run.server_pids);
    let measured_throttled = throttled.load(Ordering::Relaxed) - setup_throttled;

    // The agents get a while for what is still on its way (they end on their own once they have
    // everything, or a few seconds after the senders when something is missing).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    for mut l in listeners {
        if tokio::time::timeout_at(deadline, &mut l).await.is_err() {
            l.abort();
        }
    }
    let sent_at = sent_at.lock().map(|m| m.clone()).unwrap_or_default();
    let mut delivery = Vec::new();
    let mut limited = 0;
    let mut listen_errors = Vec::new();
    while let Some(heard) = heard_rx.recv().await {
        match heard {
            Heard::Message(body, at) => {
                if let Some(sent) = sent_at.get(&body) {
                    delivery.push(at.saturating_duration_since(*sent));
                }
            }
            Heard::Limited => limited += 1,
            Heard::Error(e) => listen_errors.push(e),
        }
    }
    if limited > 0 {
        eprintln!(
            "{limited} room timelines came back limited from /sync; their gaps were read with /messages"
        );
    }
    if setup_throttled > 0 {
        eprintln!("the homeserver rate-limited {setup_throttled} set-up requests (429)");
    }

    // The truth is each room's timeline: every message sent and acknowledged is there exactly
    // once, in order.
    let mut report = Report::new(args.scenario);
    report.target = "matrix".into();
    for (room, customer) in rooms.iter().zip(&customers) {
        let numbers = match logged_numbers(customer, room, args.messages).await {
            Ok((numbers, strays)) => {
                if strays > 0 {
                    report.errors.push(format!(
                        "{strays} messages in {room} that the load did not send"
                    ));
                }
                numbers
            }
            Err(e) => {
                report.errors.push(format!("reading {room}: {e:#}"));
                continue;
            }
        };
        let expected = if interrupted {
            numbers.iter().max().map_or(0, |m| m + 1)
        } else {
            args.messages
        };
        let (l, d, m) = api::check_log(&numbers, &api::first(expected));
        report.lost += l;
        report.doubled += d;
        report.misordered += m;
    }
    let acknowledged = sent.acks.len();
    report.sessions = args.sessions;
    report.messages_per_session = args.messages;
    report.agents = agents.len();
    report.open_loop_rate = (args.rate > 0.0).then_some(args.rate);
    report.interrupted = interrupted;
    report.sent = sent.sent;
    report.acknowledged = acknowledged;
    report.seconds = seconds;
    report.per_second = acknowledged as f64 / seconds.max(1e-9);
    report.ack = Latency::of(sent.acks);
    report.delivery = Latency::of(delivery);
    report.errors.splice(0..0, sent.errors);
    report.errors.extend(listen_errors);
    if measured_throttled > 0 {
        report.errors.push(format!(
            "the homeserver rate-limited {measured_throttled} requests (429) while measuring: \
             raise its rc_message limit (scripts/synapse.sh does)"
        ));
    }
    report.server = Server::between(usage_before, usage_after, acknowledged);
    Ok(report)
}

/// An agent's sync loop: the load messages it receives, with when, until it has `expected` of
/// them (or nothing more comes for a while once the senders finished).
async fn listen(
    agent: Client,
    mut since: String,
    expected: usize,
    mut senders_done: tokio::sync::watch::Receiver<bool>,
    heard: mpsc::UnboundedSender<Heard>,
) {
    let mut seen = HashSet::with_capacity(expected);
    let mut failures = 0;
    while seen.len() < expected {
        let stopping = *senders_done.borrow();
        let wait = if stopping { 2_000 } else { SYNC_TIMEOUT_MS };
        let request = agent.sync(Some(&since), wait);
        let outcome = if stopping {
            request.await
        } else {
            // A long-poll still waiting 2 s after the senders finished is given up for a
            // short one from the same token (which loses nothing: `since` did not move).
            let grace = async {
                if senders_done.wait_for(|done| *done).await.is_err() {
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            };
            tokio::select! {
                outcome = request => outcome,
                () = grace => continue,
            }
        };
        let answer = match outcome {
            Ok(a) => {
                failures = 0;
                a
            }
            Err(e) => {
                let _ = heard.send(Heard::Error(format!("sync of {}: {e:#}", agent.user_id)));
                failures += 1;
                if failures >= 5 || stopping {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        let now = Instant::now();
        let synced = parse_sync(&answer);
        let mut new = 0;
        for (_, body) in synced.messages {
            if body.starts_with("load ") && seen.insert(body.clone()) {
                new += 1;
                let _ = heard.send(Heard::Message(body, now));
            }
        }
        for (room, prev_batch) in synced.limited {
            let _ = heard.send(Heard::Limited);
            match gap(&agent, &room, prev_batch.as_deref(), &since).await {
                Ok(bodies) => {
                    let now = Instant::now();
                    for body in bodies {
                        if body.starts_with("load ") && seen.insert(body.clone()) {
                            new += 1;
                            let _ = heard.send(Heard::Message(body, now));
                        }
                    }
                }
                Err(e) => {
                    let _ = heard.send(Heard::Error(format!("the gap in {room}: {e:#}")));
                }
            }
        }
        match synced.next_batch {
            Some(next) => since = next,
            None => {
                let _ = heard.send(Heard::Error(format!(
                    "sync of {}: no next_batch in {}",
                    agent.user_id,
                    short(&answer.to_string())
                )));
                return;
            }
        }
        if stopping && new == 0 {
            return;
        }
    }
}

/// The messages a `limited` sync left out: back from its `prev_batch` to the last sync's token.
async fn gap(
    agent: &Client,
    room: &str,
    prev_batch: Option<&str>,
    since: &str,
) -> anyhow::Result<Vec<String>> {
    let mut from = prev_batch
        .context("a limited timeline without prev_batch")?
        .to_owned();
    let mut out = Vec::new();
    for _ in 0..MAX_PAGES {
        let page = agent.messages(room, "b", Some(&from), Some(since)).await?;
        let (bodies, end) = parse_page(&page);
        out.extend(bodies);
        match end {
            Some(end) if end != from => from = end,
            _ => return Ok(out),
        }
    }
    bail!("more than {MAX_PAGES} pages")
}

/// A room's load message numbers in timeline order, read forwards from its start; and how many
/// bodies were not the load's `0..messages`.
async fn logged_numbers(
    reader: &Client,
    room: &str,
    messages: usize,
) -> anyhow::Result<(Vec<usize>, usize)> {
    let (mut numbers, mut strays) = (Vec::new(), 0);
    let mut from: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = reader.messages(room, "f", from.as_deref(), None).await?;
        let (bodies, end) = parse_page(&page);
        for body in bodies {
            match number_in(&body, room) {
                Some(n) if n < messages => numbers.push(n),
                _ => strays += 1,
            }
        }
        match end {
            Some(end) if from.as_deref() != Some(end.as_str()) => from = Some(end),
            _ => return Ok((numbers, strays)),
        }
    }
    bail!("more than {MAX_PAGES} pages")
}

/// One customer sends `messages` messages into `room`, one in flight at a time: each when the
/// last was acknowledged (closed loop) or when due on `plan` (every so long from an offset),
/// latency then counted from when it was due.
async fn send_all(
    customer: Client,
    room: String,
    messages: usize,
    plan: Option<(Duration, Duration)>,
    sent_at: SentAt,
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicU64>,
) -> Sent {
    let mut out = Sent::default();
    let start = Instant::now() + plan.map_or(Duration::ZERO, |(_, offset)| offset);
    for n in 0..messages {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let at = match plan {
            Some((every, _)) => {
                let due = start + every.mul_f64(n as f64);
                tokio::time::sleep_until(due.into()).await;
                due
            }
            None => Instant::now(),
        };
        let body = format!("load {room} {n}");
        if let Ok(mut m) = sent_at.lock() {
            m.insert(body.clone(), at);
        }
        out.sent += 1;
        match customer.send(&room, &format!("m{n}"), &body).await {
            Ok(_event_id) => {
                out.acks.push(at.elapsed());
                acked.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                out.errors.push(format!("send {n} on {room}: {e:#}"));
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_follows_the_dummy_stage_and_refuses_the_rest() {
        let challenge = json!({"session": "abc", "flows": [{"stages": ["m.login.dummy"]}],
                               "params": {}});
        assert_eq!(
            registration(401, &challenge),
            Registration::Dummy {
                session: "abc".into()
            }
        );
        // Verification by email or a captcha is not for a load run.
        let email = json!({"session": "abc", "flows": [{"stages": ["m.login.email.identity"]},
                                                       {"stages": ["m.login.recaptcha", "m.login.dummy"]}]});
        assert!(matches!(
            registration(401, &email),
            Registration::Refused(_)
        ));
        let no_session = json!({"flows": [{"stages": ["m.login.dummy"]}]});
        assert!(matches!(
            registration(401, &no_session),
            Registration::Refused(_)
        ));
        assert_eq!(
            registration(
                200,
                &json!({"user_id": "@a:localhost", "access_token": "t", "device_id": "D"})
            ),
            Registration::Done {
                user_id: "@a:localhost".into(),
                token: Some("t".into())
            }
        );
        assert_eq!(
            registration(200, &json!({"user_id": "@a:localhost"})),
            Registration::Done {
                user_id: "@a:localhost".into(),
                token: None
            }
        );
        assert!(matches!(
            registration(200, &Value::Null),
            Registration::Refused(_)
        ));
        let Registration::Refused(why) = registration(
            400,
            &json!({"errcode": "M_USER_IN_USE", "error": "User ID already taken."}),
        ) else {
            panic!("a taken name is refused");
        };
        assert!(why.contains("M_USER_IN_USE"), "{why}");
        // A 401 that is an error (a bad token), not a challenge.
        assert!(matches!(
            registration(401, &json!({"errcode": "M_UNKNOWN_TOKEN"})),
            Registration::Refused(_)
        ));
        assert!(matches!(
            registration(502, &Value::Null),
            Registration::Refused(_)
        ));
    }

    #[test]
    fn a_sync_gives_each_rooms_messages_in_order_and_its_gaps() {
        let answer = json!({
            "next_batch": "s72_5",
            "rooms": {
                "join": {
                    "!a:localhost": {"timeline": {"events": [
                        {"type": "m.room.message", "content": {"msgtype": "m.text", "body": "load !a:localhost 0"}},
                        {"type": "m.room.member", "content": {"membership": "join"}},
                        {"type": "m.room.message", "content": {"msgtype": "m.text", "body": "load !a:localhost 1"}},
                        {"type": "m.room.message", "content": {"msgtype": "m.image"}},
                    ], "limited": false, "prev_batch": "p1"}},
                    "!b:localhost": {"timeline": {"events": [
                        {"type": "m.room.message", "content": {"body": "load !b:localhost 7"}},
                    ], "limited": true, "prev_batch": "p2"}},
                    "!c:localhost": {"timeline": {"limited": true}},
                },
                "invite": {"!d:localhost": {}},
            },
        });
        let synced = parse_sync(&answer);
        assert_eq!(synced.next_batch.as_deref(), Some("s72_5"));
        assert_eq!(
            synced.messages,
            vec![
                ("!a:localhost".to_owned(), "load !a:localhost 0".to_owned()),
                ("!a:localhost".to_owned(), "load !a:localhost 1".to_owned()),
                ("!b:localhost".to_owned(), "load !b:localhost 7".to_owned()),
            ]
        );
        assert_eq!(
            synced.limited,
            vec![
                ("!b:localhost".to_owned(), Some("p2".to_owned())),
                ("!c:localhost".to_owned(), None),
            ]
        );
        // Nothing new, or nonsense: no messages, and no panic.
        assert_eq!(
            parse_sync(&json!({"next_batch": "s73"})),
            Synced {
                next_batch: Some("s73".into()),
                ..Synced::default()
            }
        );
        assert_eq!(parse_sync(&json!([1, 2])), Synced::default());
        assert_eq!(
            parse_sync(&json!({"rooms": {"join": {"!x": {"timeline": {"events": "no"}}}}})),
            Synced::default()
        );
    }

    #[test]
    fn pages_end_where_the_timeline_does() {
        let page = json!({"chunk": [
            {"type": "m.room.message", "content": {"body": "load !r:l 0"}},
            {"type": "m.room.message", "content": {"body": "load !r:l 1"}},
        ], "start": "t1", "end": "t2"});
        assert_eq!(
            parse_page(&page),
            (
                vec!["load !r:l 0".to_owned(), "load !r:l 1".to_owned()],
                Some("t2".to_owned())
            )
        );
        // Synapse may give an `end` with an empty chunk: that is the end too.
        assert_eq!(
            parse_page(&json!({"chunk": [], "start": "t2", "end": "t3"})),
            (vec![], None)
        );
        assert_eq!(
            parse_page(
                &json!({"chunk": [{"type": "m.room.message", "content": {"body": "x"}}], "start": "t2"})
            ),
            (vec!["x".to_owned()], None)
        );
        assert_eq!(parse_page(&Value::Null), (vec![], None));
    }

    #[test]
    fn only_the_rooms_own_load_messages_are_numbered() {
        assert_eq!(
            number_in("load !abc:localhost 12", "!abc:localhost"),
            Some(12)
        );
        assert_eq!(number_in("load !abc:localhost 12", "!ab:localhost"), None);
        assert_eq!(number_in("load !abc:localhost12", "!abc:localhost"), None);
        assert_eq!(number_in("load !abc:localhost x", "!abc:localhost"), None);
        assert_eq!(number_in("load !abc:localhost -1", "!abc:localhost"), None);
        assert_eq!(number_in("hello", "!abc:localhost"), None);
    }

    #[test]
    fn room_ids_and_txn_ids_are_encoded_as_one_path_segment() {
        assert_eq!(encode("!AbC:localhost"), "%21AbC%3Alocalhost");
        assert_eq!(encode("m12"), "m12");
        assert_eq!(encode("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(encode("é"), "%C3%A9");
    }

    #[test]
    fn a_429_waits_as_long_as_asked_within_bounds() {
        assert_eq!(
            retry_after(
                &json!({"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 250}),
                Some(3)
            ),
            Duration::from_millis(250)
        );
        assert_eq!(retry_after(&Value::Null, Some(3)), Duration::from_secs(3));
        assert_eq!(retry_after(&Value::Null, None), Duration::from_secs(1));
        assert_eq!(
            retry_after(&json!({"retry_after_ms": 3_600_000}), None),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn open_loop_schedules_are_spread_over_one_interval() {
        assert_eq!(crate::desk::schedule(0.0, 10, 3), None);
        let (every, offset) = crate::desk::schedule(100.0, 10, 0).expect("open loop");
        assert_eq!(every, Duration::from_millis(100));
        assert_eq!(offset, Duration::ZERO);
        let (every, offset) = crate::desk::schedule(100.0, 10, 5).expect("open loop");
        assert_eq!(every, Duration::from_millis(100));
        assert_eq!(offset, Duration::from_millis(50));
        assert_eq!(crate::desk::schedule(100.0, 0, 0), None);
    }

    #[test]
    fn the_sync_filter_keeps_only_message_timelines() {
        let f = sync_filter();
        assert_eq!(f["room"]["timeline"]["types"], json!(["m.room.message"]));
        assert_eq!(f["room"]["timeline"]["limit"], json!(TIMELINE_LIMIT));
        assert_eq!(f["presence"]["not_types"], json!(["*"]));
        assert_eq!(f["room"]["state"]["not_types"], json!(["*"]));
    }
}
