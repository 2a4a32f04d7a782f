//! S1 one chat, S2 a desk at peak (closed or open loop), S5 the same across two nodes, and the
//! smoke run: customers send comments with client ids, agents receive them; then every
//! session's log is read back for lost, doubled or misordered comments.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::api::{self, Socket};
use crate::report::{Latency, Report, Server, proc_usage};
use crate::{Args, Run};

/// Open loop: session `i` of `sessions` sends every `sessions / rate` seconds, the sessions'
/// schedules spread over one interval (not in step): (every, offset); `None` for the closed
/// loop.
pub fn schedule(rate: f64, sessions: usize, i: usize) -> Option<(Duration, Duration)> {
    (rate > 0.0 && sessions > 0).then(|| {
        let every = Duration::from_secs_f64(sessions as f64 / rate);
        (every, every.mul_f64(i as f64 / sessions as f64))
    })
}

/// What one customer's sender measured.
#[derive(Default)]
struct Sent {
    sent: usize,
    acks: Vec<Duration>,
    /// The numbers of the comments acknowledged.
    acked: Vec<usize>,
    errors: Vec<String>,
}

type SentAt = Arc<std::sync::Mutex<HashMap<String, Instant>>>;

pub async fn run(args: &Args, run: &Run) -> anyhow::Result<Report> {
    let (api, agent_api) = (&run.customer_api, &run.agent_api);
    let staff = api::staff(api, &args.admin, &args.manager).await?;
    let desk = api::desk(api, agent_api, &staff, args.sessions, args.per_agent).await?;

    // Agents listen: (body, received at) for every load comment.
    let stop = Arc::new(AtomicBool::new(false));
    let mut listeners = Vec::new();
    for (a, person) in desk.agents.iter().enumerate() {
        let socket = agent_api.socket(person).await?;
        let expected = args.messages * desk.agent_of.iter().filter(|x| **x == a).count();
        listeners.push(tokio::spawn(listen(socket, expected, stop.clone())));
    }

    let usage_before = proc_usage(&run.server_pids);
    let acked = Arc::new(AtomicU64::new(0));
    let sent_at: SentAt = Arc::default();
    let (go, started) = tokio::sync::watch::channel(false);
    let mut senders = Vec::new();
    for (i, (customer, id)) in desk.customers.iter().zip(&desk.sessions).enumerate() {
        let socket = api.socket(customer).await?;
        let schedule = schedule(args.rate, desk.sessions.len(), i);
        let (id, messages) = (id.clone(), args.messages);
        let (sent_at, mut started, stop, acked) = (
            sent_at.clone(),
            started.clone(),
            stop.clone(),
            acked.clone(),
        );
        senders.push(tokio::spawn(async move {
            let _ = started.wait_for(|go| *go).await;
            send_all(socket, id, messages, schedule, sent_at, stop, acked).await
        }));
    }
    let total = args.sessions * args.messages;
    let progress = crate::progress(acked.clone(), total, "acknowledged");
    eprintln!("measuring…");
    let begin = Instant::now();
    go.send_replace(true);
    let watchdog = crate::watchdog(stop.clone(), args.max_seconds);
    let mut sent = Sent::default();
    // The comments of each session that were acknowledged (they must be in its log).
    let mut acked_in: Vec<Vec<usize>> = Vec::with_capacity(senders.len());
    for s in senders {
        match s.await {
            Ok(part) => {
                sent.sent += part.sent;
                sent.acks.extend(part.acks);
                sent.errors.extend(part.errors);
                acked_in.push(part.acked);
            }
            Err(e) => {
                sent.errors.push(format!("a sender failed: {e}"));
                acked_in.push(Vec::new());
            }
        }
    }
    let seconds = begin.elapsed().as_secs_f64();
    let interrupted = watchdog.finish();
    stop.store(true, Ordering::Relaxed);
    drop(progress);
    let usage_after = proc_usage(&run.server_pids);

    // What the agents received, and when, against when it was sent; each acknowledged comment
    // exactly once.
    let mut report = Report::new(args.scenario);
    let sent_at = sent_at.lock().map(|m| m.clone()).unwrap_or_default();
    let mut delivery = Vec::new();
    let mut received: HashMap<String, usize> = HashMap::new();
    for l in listeners {
        for (body, at) in l.await? {
            if let Some(sent) = sent_at.get(&body) {
                delivery.push(at.saturating_duration_since(*sent));
            }
            *received.entry(body).or_default() += 1;
        }
    }
    report.delivered_twice = received.values().filter(|n| **n > 1).count();
    for (session, acked) in desk.sessions.iter().zip(&acked_in) {
        report.never_delivered += acked
            .iter()
            .filter(|n| !received.contains_key(&format!("load {session} {n}")))
            .count();
    }

    // The truth is the log: each comment acknowledged is there exactly once, in order.
    for ((session, agent), acked) in desk.sessions.iter().zip(&desk.agent_of).zip(&acked_in) {
        match api::logged_numbers(api, &desk.agents[*agent], session).await {
            Ok(numbers) => {
                let (l, d, m) = api::check_log(&numbers, acked);
                report.lost += l;
                report.doubled += d;
                report.misordered += m;
            }
            Err(e) => sent
                .errors
                .push(format!("reading the log of {session}: {e:#}")),
        }
    }
    let acknowledged = sent.acks.len();
    report.sessions = args.sessions;
    report.messages_per_session = args.messages;
    report.agents = desk.agents.len();
    report.open_loop_rate = (args.rate > 0.0).then_some(args.rate);
    report.interrupted = interrupted;
    report.sent = sent.sent;
    report.acknowledged = acknowledged;
    report.seconds = seconds;
    report.per_second = acknowledged as f64 / seconds.max(1e-9);
    report.ack = Latency::of(sent.acks);
    report.delivery = Latency::of(delivery);
    report.errors = sent.errors;
    report.errors.truncate(100);
    report.server = Server::between(usage_before, usage_after, acknowledged);
    Ok(report)
}

/// An agent's socket: the load comments it receives, with when, until it has `expected` of
/// them (or nothing comes for a while once the senders stopped).
async fn listen(
    mut socket: Socket,
    expected: usize,
    stop: Arc<AtomicBool>,
) -> Vec<(String, Instant)> {
    let mut got = Vec::with_capacity(expected);
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
}

/// One customer sends `messages` comments on `id`: in a closed loop (each after the last ack),
/// or on a schedule (`schedule`: every so long, from an offset), latency then counted from the
/// scheduled time.
async fn send_all(
    socket: Socket,
    id: String,
    messages: usize,
    schedule: Option<(Duration, Duration)>,
    sent_at: SentAt,
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
                // Waits for its time, but hears a stop at once (a slow rate, Ctrl+C).
                while Instant::now() < due && !stop.load(Ordering::Relaxed) {
                    let rest = due.saturating_duration_since(Instant::now());
                    tokio::time::sleep(rest.min(Duration::from_millis(100))).await;
                }
                if stop.load(Ordering::Relaxed) {
                    break;
                }
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
            let outcome = tokio::time::timeout(Duration::from_secs(30), acks_rx.recv())
                .await
                .ok()
                .flatten();
            if !take_ack(&mut out, outcome, &scheduled, &acked, &id) {
                break;
            }
        }
    }
    // Open loop: collect the acks of everything sent.
    while interval.is_some() && out.acks.len() < out.sent {
        let outcome = tokio::time::timeout(Duration::from_secs(30), acks_rx.recv())
            .await
            .ok()
            .flatten();
        let timed_out = outcome.is_none();
        take_ack(&mut out, outcome, &scheduled, &acked, &id);
        if timed_out {
            break;
        }
    }
    reader.abort();
    out
}

/// Counts an ack (its latency from when the comment was sent or due); false on an error or when
/// none came.
fn take_ack(
    out: &mut Sent,
    outcome: Option<Result<(usize, Instant), String>>,
    scheduled: &[Option<Instant>],
    acked: &AtomicU64,
    id: &str,
) -> bool {
    match outcome {
        Some(Ok((m, when))) => {
            if let Some(Some(t)) = scheduled.get(m) {
                out.acks.push(when.saturating_duration_since(*t));
                out.acked.push(m);
                acked.fetch_add(1, Ordering::Relaxed);
            }
            true
        }
        Some(Err(e)) => {
            out.errors.push(format!("on {id}: {e}"));
            false
        }
        None => {
            out.errors.push(format!("acks missing on {id} after 30 s"));
            false
        }
    }
}
