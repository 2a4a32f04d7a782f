//! Load generator: starts Switchboard in-process on 127.0.0.1 with a fresh SQLite file (durable:
//! WAL, synchronous=FULL), opens `--conversations` accepted support sessions, and has every
//! customer send `--messages` comments over the socket, each waiting for its ack (a closed loop
//! per conversation, all conversations at once). It checks that every agent received every
//! message exactly once and in order, and prints throughput and latency.
//!
//! `cargo run --release --example loadgen -- --conversations 50 --messages 200`

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Parser, Debug)]
struct Args {
    /// Support sessions running at once.
    #[arg(long, default_value_t = 50)]
    conversations: usize,
    /// Comments each customer sends.
    #[arg(long, default_value_t = 200)]
    messages: usize,
    /// Sessions each agent handles.
    #[arg(long, default_value_t = 5)]
    per_agent: usize,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.conversations > 0 && args.messages > 0 && args.per_agent > 0,
        "counts must be positive"
    );
    let begin = Instant::now();
    let dir = tempfile::tempdir()?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut config = switchboard::Config::defaults();
    config.database_url = format!("sqlite://{}", dir.path().join("load.db").display());
    config.demo = true;
    config.socket_frames_per_second = 1_000_000;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(switchboard::run(config, listener, async {
        let _ = stopped.await;
    }));
    let base = format!("http://{addr}");
    let http = reqwest::Client::new();

    let admin = sign_in(&http, &base, "admin", "admin").await?;
    let dana = sign_in(&http, &base, "dana", "dana").await?;
    let queue: Value = get(&http, &base, "/api/queues", &dana).await?;
    let queue = queue[0]["id"].as_str().unwrap_or_default().to_owned();
    let groups: Value = get(&http, &base, "/api/groups", &dana).await?;
    let group = groups[0]["id"].as_str().unwrap_or_default().to_owned();

    let agents = args.conversations.div_ceil(args.per_agent);
    eprintln!(
        "setting up {} customers and {agents} agents…",
        args.conversations
    );
    let mut agent_cookies = Vec::new();
    for a in 0..agents {
        let name = format!("load-agent-{a}");
        let id = create_user(&http, &base, &admin, &name, "agent").await?;
        let put = http
            .put(format!("{base}/api/groups/{group}/members/{id}"))
            .header("cookie", &dana)
            .send()
            .await?;
        anyhow::ensure!(
            put.status().is_success(),
            "adding {name} to the group: {}",
            put.status()
        );
        agent_cookies.push(sign_in(&http, &base, &name, &format!("{name}-password")).await?);
    }
    let mut sessions = Vec::new();
    for c in 0..args.conversations {
        let name = format!("load-customer-{c}");
        create_user(&http, &base, &admin, &name, "customer").await?;
        let customer = sign_in(&http, &base, &name, &format!("{name}-password")).await?;
        let conv: Value = http
            .post(format!("{base}/api/queues/{queue}/sessions"))
            .header("cookie", &customer)
            .json(&json!({"client_id": "start"}))
            .send()
            .await?
            .json()
            .await?;
        let id = conv["id"].as_str().unwrap_or_default().to_owned();
        let agent = agent_cookies[c / args.per_agent].clone();
        let accepted = http
            .post(format!("{base}/api/conversations/{id}/accept"))
            .header("cookie", &agent)
            .send()
            .await?;
        anyhow::ensure!(
            accepted.status().is_success(),
            "accept: {}",
            accepted.status()
        );
        sessions.push((id, customer, c / args.per_agent));
    }

    // Agents listen; each records (conversation, body, received at) for customer comments.
    let (go, started) = tokio::sync::watch::channel(false);
    let mut listeners = Vec::new();
    for cookie in &agent_cookies {
        let mut socket = connect(addr, cookie).await?;
        let expected = args.messages
            * sessions
                .iter()
                .filter(|s| agent_cookies[s.2] == *cookie)
                .count();
        listeners.push(tokio::spawn(async move {
            let mut got: Vec<(String, String, Instant)> = Vec::with_capacity(expected);
            while got.len() < expected {
                match tokio::time::timeout(Duration::from_secs(60), socket.next()).await {
                    Ok(Some(Ok(Message::Text(text)))) => {
                        let frame: Value = serde_json::from_str(&text).unwrap_or_default();
                        let body = frame["body"].as_str().unwrap_or_default();
                        if frame["type"] == "entry" && body.starts_with("load ") {
                            got.push((
                                frame["conversation"]
                                    .as_str()
                                    .unwrap_or_default()
                                    .to_owned(),
                                body.to_owned(),
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

    let sent_at: Arc<std::sync::Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut senders = Vec::new();
    for (id, cookie, _) in &sessions {
        let mut socket = connect(addr, cookie).await?;
        let (id, messages, sent_at, mut started) =
            (id.clone(), args.messages, sent_at.clone(), started.clone());
        senders.push(tokio::spawn(async move {
            let _ = started.wait_for(|go| *go).await;
            let mut acks = Vec::with_capacity(messages);
            for n in 0..messages {
                let reference = n.to_string();
                let body = format!("load {id} {n}");
                let sent = Instant::now();
                sent_at.lock().map(|mut m| m.insert(body.clone(), sent)).ok();
                let frame = json!({"type": "send", "ref": reference, "conversation": id, "client_id": format!("m{n}"), "kind": "comment", "body": body});
                if socket.send(Message::text(frame.to_string())).await.is_err() {
                    break;
                }
                loop {
                    match socket.next().await {
                        Some(Ok(Message::Text(text))) => {
                            let frame: Value = serde_json::from_str(&text).unwrap_or_default();
                            if frame["type"] == "ack" && frame["ref"].as_str() == Some(reference.as_str()) {
                                acks.push(sent.elapsed());
                                break;
                            }
                            if frame["type"] == "error" {
                                eprintln!("error: {frame}");
                                return acks;
                            }
                        }
                        Some(Ok(_)) => {}
                        _ => return acks,
                    }
                }
            }
            acks
        }));
    }
    let begin_sends = Instant::now();
    go.send_replace(true);
    let mut ack_latencies = Vec::new();
    for s in senders {
        ack_latencies.extend(s.await?);
    }
    let send_time = begin_sends.elapsed();
    let mut delivery = Vec::new();
    let mut order_ok = true;
    let mut received = 0;
    let sent_at = sent_at.lock().map(|m| m.clone()).unwrap_or_default();
    for l in listeners {
        let got = l.await?;
        received += got.len();
        let mut next: HashMap<String, usize> = HashMap::new();
        for (conv, body, at) in got {
            let n: usize = body
                .rsplit(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX);
            let want = next.entry(conv).or_insert(0);
            order_ok &= n == *want;
            *want += 1;
            if let Some(sent) = sent_at.get(&body) {
                delivery.push(at.duration_since(*sent));
            }
        }
    }
    let total = args.conversations * args.messages;
    println!(
        "conversations {}, messages per customer {}, agents {agents}",
        args.conversations, args.messages
    );
    println!(
        "acknowledged {} of {total} comments in {:.2} s: {:.0} comments/s (setup took {:.1} s)",
        ack_latencies.len(),
        send_time.as_secs_f64(),
        ack_latencies.len() as f64 / send_time.as_secs_f64(),
        (begin_sends - begin).as_secs_f64()
    );
    println!("ack latency      {}", percentiles(&mut ack_latencies));
    println!("delivery latency {}", percentiles(&mut delivery));
    println!(
        "agents received {received} of {total}, each once and in order: {}",
        order_ok && received == total
    );
    let _ = stop.send(());
    server.await??;
    anyhow::ensure!(
        order_ok && received == total && ack_latencies.len() == total,
        "lost, doubled or reordered messages"
    );
    Ok(())
}

fn percentiles(v: &mut [Duration]) -> String {
    if v.is_empty() {
        return "n/a".into();
    }
    v.sort();
    let at = |p: f64| v[((v.len() - 1) as f64 * p) as usize].as_secs_f64() * 1000.0;
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.95),
        at(0.99),
        at(1.0)
    )
}

async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
) -> anyhow::Result<String> {
    let response = http
        .post(format!("{base}/api/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "sign-in of {user}: {}",
        response.status()
    );
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Ok(cookie.split(';').next().unwrap_or_default().to_owned())
}

async fn get(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    cookie: &str,
) -> anyhow::Result<Value> {
    Ok(http
        .get(format!("{base}{path}"))
        .header("cookie", cookie)
        .send()
        .await?
        .json()
        .await?)
}

async fn create_user(
    http: &reqwest::Client,
    base: &str,
    admin: &str,
    name: &str,
    role: &str,
) -> anyhow::Result<String> {
    let user: Value = http
        .post(format!("{base}/api/admin/users"))
        .header("cookie", admin)
        .json(&json!({"username": name, "display_name": name, "password": format!("{name}-password"), "roles": [role]}))
        .send()
        .await?
        .json()
        .await?;
    Ok(user["id"].as_str().unwrap_or_default().to_owned())
}

async fn connect(addr: std::net::SocketAddr, cookie: &str) -> anyhow::Result<Socket> {
    let mut request = format!("ws://{addr}/api/ws").into_client_request()?;
    request.headers_mut().insert("cookie", cookie.parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    socket
        .send(Message::text(json!({"type": "hello"}).to_string()))
        .await?;
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) if text.contains("\"ready\"") => return Ok(socket),
            Some(Ok(_)) => {}
            other => anyhow::bail!("socket ended before ready: {other:?}"),
        }
    }
}
