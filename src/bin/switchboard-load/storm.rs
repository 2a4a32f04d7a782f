//! S4, a reconnect storm: every customer (each with a session) and every agent is connected;
//! each customer's comment 0 is acknowledged; then each customer sends comment 1 and at that
//! very moment every socket drops. All reconnect at once, say `hello` with the last seq they
//! saw, and each customer sends comment 1 again with the same client id. Measured: the time
//! until every client is resumed (`ready`, and for a customer the ack of comment 1); checked:
//! no client gets an entry twice across its two sockets, every agent gets both comments of
//! each of its sessions, and each log holds 0 and 1 once, in order.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt, stream};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::api::{self, Api, Person, Socket};
use crate::report::{Latency, Report, Server, Storm, proc_usage};
use crate::{Args, Run};

/// Sockets opened at once before the storm (the storm itself opens all at once).
const OPEN_AT_ONCE: usize = 128;
/// How long one client may take to resume before it counts as failed.
const RESUME_LIMIT: Duration = Duration::from_secs(60);

/// What one client saw: the entries (conversation, seq) on all its sockets, the last seq per
/// conversation, and the load comments' bodies.
#[derive(Default)]
struct Seen {
    entries: Vec<(String, i64)>,
    positions: HashMap<String, i64>,
    bodies: HashSet<String>,
}

impl Seen {
    fn take(&mut self, frame: &Value) {
        if frame["type"] != "entry" {
            return;
        }
        let (Some(conv), Some(seq)) = (frame["conversation"].as_str(), frame["seq"].as_i64())
        else {
            return;
        };
        self.entries.push((conv.to_owned(), seq));
        let at = self.positions.entry(conv.to_owned()).or_default();
        *at = (*at).max(seq);
        if let Some(body) = frame["body"].as_str().filter(|b| b.starts_with("load ")) {
            self.bodies.insert(body.to_owned());
        }
    }

    /// Entries received more than once.
    fn twice(&self) -> usize {
        let mut seen = HashSet::new();
        self.entries.iter().filter(|e| !seen.insert(*e)).count()
    }
}

fn comment(id: &str, n: usize) -> Message {
    Message::text(
        json!({"type": "send", "ref": n.to_string(), "conversation": id,
               "client_id": format!("m{n}"), "kind": "comment", "body": format!("load {id} {n}")})
        .to_string(),
    )
}

/// Reads frames into `seen` until `until` holds for one of them (true), or the socket ends.
async fn read_until(
    socket: &mut Socket,
    seen: &mut Seen,
    until: impl Fn(&Value) -> bool,
) -> anyhow::Result<()> {
    while let Some(message) = socket.next().await {
        if let Message::Text(text) = message? {
            let frame: Value = serde_json::from_str(&text).unwrap_or_default();
            if frame["type"] == "error" {
                bail!("error frame: {}", frame["error"]);
            }
            seen.take(&frame);
            if until(&frame) {
                return Ok(());
            }
        }
    }
    bail!("the socket ended")
}

fn is_ack(frame: &Value, n: usize) -> bool {
    frame["type"] == "ack" && frame["ref"].as_str().and_then(|r| r.parse().ok()) == Some(n)
}

pub async fn run(args: &Args, run: &Run) -> anyhow::Result<Report> {
    let (api, agent_api) = (&run.customer_api, &run.agent_api);
    let staff = api::staff(api, &args.admin, &args.manager).await?;
    let desk = api::desk(api, agent_api, &staff, args.sessions, args.per_agent).await?;
    let clients = desk.customers.len() + desk.agents.len();
    eprintln!("connecting {clients} clients…");

    // Everyone connected; each customer's comment 0 acknowledged.
    let (drop_now, dropped) = tokio::sync::watch::channel(false);
    let agent_tasks: Vec<_> = stream::iter(desk.agents.iter().cloned())
        .map(|agent| async move {
            let (socket, before) = agent_api.socket_from(&agent, &HashMap::new(), None).await?;
            anyhow::Ok((agent, socket, before))
        })
        .buffered(OPEN_AT_ONCE)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .map(|r| {
            let mut dropped = dropped.clone();
            tokio::spawn(async move {
                let (agent, mut socket, before) = r?;
                let mut seen = Seen::default();
                before.iter().for_each(|f| seen.take(f));
                // Read until told to drop, then drop the socket as it is.
                tokio::select! {
                    r = read_until(&mut socket, &mut seen, |_| false) => r?,
                    _ = dropped.wait_for(|d| *d) => {}
                }
                drop(socket);
                anyhow::Ok((agent, seen))
            })
        })
        .collect();
    let customer_tasks: Vec<_> =
        stream::iter(desk.customers.iter().cloned().zip(desk.sessions.clone()))
            .map(|(customer, id)| async move {
                let (mut socket, before) =
                    api.socket_from(&customer, &HashMap::new(), None).await?;
                let mut seen = Seen::default();
                before.iter().for_each(|f| seen.take(f));
                socket.send(comment(&id, 0)).await?;
                read_until(&mut socket, &mut seen, |f| is_ack(f, 0)).await?;
                anyhow::Ok((customer, id, socket, seen))
            })
            .buffered(OPEN_AT_ONCE)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .map(|r| {
                let mut dropped = dropped.clone();
                tokio::spawn(async move {
                    let (customer, id, mut socket, mut seen) = r?;
                    tokio::select! {
                        r = read_until(&mut socket, &mut seen, |_| false) => r?,
                        _ = dropped.wait_for(|d| *d) => {}
                    }
                    // Comment 1 goes out, and the connection drops before its ack can come.
                    let _ = socket.send(comment(&id, 1)).await;
                    drop(socket);
                    anyhow::Ok((customer, id, seen))
                })
            })
            .collect();

    // The storm.
    eprintln!("measuring: every socket drops…");
    let before = proc_usage(&run.server_pids);
    drop_now.send_replace(true);
    let mut report = Report::new(args.scenario);
    let mut agents = Vec::new();
    for t in agent_tasks {
        match t.await? {
            Ok(a) => agents.push(a),
            Err(e) => report.errors.push(format!("agent before the storm: {e:#}")),
        }
    }
    let mut customers = Vec::new();
    for t in customer_tasks {
        match t.await? {
            Ok(c) => customers.push(c),
            Err(e) => report
                .errors
                .push(format!("customer before the storm: {e:#}")),
        }
    }
    let resumed_count = Arc::new(AtomicU64::new(0));
    let progress = crate::progress(resumed_count.clone(), clients, "resumed");
    let begin = Instant::now();
    let agent_back: Vec<_> = agents
        .into_iter()
        .map(|(agent, seen)| {
            let (api, resumed_count) = (agent_api.clone(), resumed_count.clone());
            tokio::spawn(resume_agent(api, agent, seen, resumed_count))
        })
        .collect();
    let customer_back: Vec<_> = customers
        .into_iter()
        .map(|(customer, id, seen)| {
            let (api, resumed_count) = (api.clone(), resumed_count.clone());
            tokio::spawn(resume_customer(api, customer, id, seen, resumed_count))
        })
        .collect();
    let mut times = Vec::new();
    let mut storm = Storm {
        clients,
        ..Storm::default()
    };
    let mut agent_bodies = Vec::new();
    for t in agent_back {
        match t.await? {
            Ok((took, seen)) => {
                times.push(took);
                report.delivered_twice += seen.twice();
                agent_bodies.push(seen.bodies);
            }
            Err(e) => {
                report.errors.push(format!("agent resuming: {e:#}"));
                agent_bodies.push(HashSet::new());
            }
        }
    }
    let mut acks = Vec::new();
    for t in customer_back {
        match t.await? {
            Ok((took, seen)) => {
                times.push(took);
                acks.push(took);
                report.delivered_twice += seen.twice();
            }
            Err(e) => report.errors.push(format!("customer resuming: {e:#}")),
        }
    }
    storm.all_resumed_seconds = begin.elapsed().as_secs_f64();
    drop(progress);
    let after = proc_usage(&run.server_pids);
    storm.resumed = times.len();
    storm.resume = Latency::of(times);

    // Every agent got both comments of each of its sessions (before or after the storm), and
    // each log holds them once, in order.
    for (id, agent) in desk.sessions.iter().zip(&desk.agent_of) {
        let bodies = &agent_bodies[*agent];
        report.never_delivered += (0..2)
            .filter(|n| !bodies.contains(&format!("load {id} {n}")))
            .count();
        let numbers = api::logged_numbers(api, &desk.agents[*agent], id).await?;
        let (l, d, m) = api::check_log(&numbers, &[0, 1]);
        report.lost += l;
        report.doubled += d;
        report.misordered += m;
    }
    report.errors.truncate(100);
    report.sessions = desk.sessions.len();
    report.messages_per_session = 2;
    report.agents = desk.agents.len();
    report.sent = desk.sessions.len();
    // The comments sent again after the storm, each acknowledged once.
    report.acknowledged = acks.len();
    report.seconds = storm.all_resumed_seconds;
    report.per_second = acks.len() as f64 / storm.all_resumed_seconds.max(1e-9);
    report.server = Server::between(before, after, 0);
    report.storm = Some(storm);
    Ok(report)
}

/// An agent reconnects from where it was; resumed at `ready`. It then reads on until it has
/// comment 1 of each of its sessions (sent again by the customers).
async fn resume_agent(
    api: Api,
    agent: Person,
    mut seen: Seen,
    resumed: Arc<AtomicU64>,
) -> anyhow::Result<(Duration, Seen)> {
    let begin = Instant::now();
    let (mut socket, before) = tokio::time::timeout(
        RESUME_LIMIT,
        api.socket_from(&agent, &seen.positions.clone(), None),
    )
    .await
    .context("not resumed within 60 s")??;
    let took = begin.elapsed();
    resumed.fetch_add(1, Ordering::Relaxed);
    before.iter().for_each(|f| seen.take(f));
    let sessions: Vec<String> = seen
        .bodies
        .iter()
        .filter_map(|b| b.strip_suffix(" 0"))
        .map(str::to_owned)
        .collect();
    let have_all = |seen: &Seen| {
        sessions
            .iter()
            .all(|s| seen.bodies.contains(&format!("{s} 1")))
    };
    if !have_all(&seen) {
        let _ = tokio::time::timeout(RESUME_LIMIT, async {
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Text(text) = message {
                    seen.take(&serde_json::from_str(&text).unwrap_or_default());
                    if have_all(&seen) {
                        break;
                    }
                }
            }
        })
        .await;
    }
    Ok((took, seen))
}

/// A customer reconnects from where it was and sends comment 1 again (the same client id);
/// resumed at its ack.
async fn resume_customer(
    api: Api,
    customer: Person,
    id: String,
    mut seen: Seen,
    resumed: Arc<AtomicU64>,
) -> anyhow::Result<(Duration, Seen)> {
    let begin = Instant::now();
    tokio::time::timeout(RESUME_LIMIT, async {
        let (mut socket, before) = api
            .socket_from(&customer, &seen.positions.clone(), None)
            .await?;
        before.iter().for_each(|f| seen.take(f));
        socket.send(comment(&id, 1)).await?;
        read_until(&mut socket, &mut seen, |f| is_ack(f, 1)).await
    })
    .await
    .context("not resumed within 60 s")??;
    resumed.fetch_add(1, Ordering::Relaxed);
    Ok((begin.elapsed(), seen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_on_both_sockets_counts_as_delivered_twice() {
        let mut seen = Seen::default();
        for (conv, seq) in [("a", 1), ("a", 2), ("b", 1), ("a", 2)] {
            seen.take(&json!({"type": "entry", "conversation": conv, "seq": seq, "body": "x"}));
        }
        seen.take(&json!({"type": "conversation", "conversation": "a", "seq": 9}));
        assert_eq!(seen.twice(), 1);
        assert_eq!(seen.positions["a"], 2);
        assert_eq!(seen.positions["b"], 1);
        assert!(seen.bodies.is_empty());
    }
}
