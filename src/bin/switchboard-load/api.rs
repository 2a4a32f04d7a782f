//! The clients: HTTP calls with a signed-in user's cookie, sockets that say `hello` and wait for
//! `ready`, and the set-up of a run's users and sessions (in parallel, as far as the server's
//! password hashing lets it).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use futures_util::{SinkExt, StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Requests of the set-up at once: the server hashes a few passwords at a time and makes the
/// rest wait (then 503), so more would only queue there.
pub const SETUP_AT_ONCE: usize = 4;
/// The longest an HTTP request, or a socket's opening until `ready`, may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// An HTTP client signed in as one user.
#[derive(Clone)]
pub struct Person {
    pub http: reqwest::Client,
    pub cookie: String,
    /// The user as the sign-in answered (`User` of docs/protocol.md).
    pub user: Value,
}

/// One server (a node): its base URL.
#[derive(Clone)]
pub struct Api {
    pub base: String,
}

impl Api {
    pub fn new(url: &str) -> Api {
        Api {
            base: url.trim_end_matches('/').to_owned(),
        }
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> anyhow::Result<Person> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        let mut tries = 0;
        loop {
            let response = http
                .post(format!("{}/api/session", self.base))
                .json(&json!({"username": username, "password": password}))
                .send()
                .await?;
            if response.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE && tries < 50 {
                // The server's password hashers are busy: it said when to come back.
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            let status = response.status();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let cookie = response
                .headers()
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .unwrap_or_default()
                .to_owned();
            let body: Value = response.json().await.unwrap_or_default();
            if !status.is_success() {
                let message = body["error"]["message"].as_str().unwrap_or_default();
                let wait = retry_after.map_or(String::new(), |s| format!(" (again in {s} s)"));
                bail!("sign-in of {username}: {status} {message}{wait}");
            }
            return Ok(Person {
                http,
                cookie,
                user: body["user"].clone(),
            });
        }
    }

    pub async fn call(
        &self,
        who: &Person,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let mut tries = 0;
        loop {
            let mut request = who
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .header("cookie", &who.cookie);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await?;
            let status = response.status();
            if status == reqwest::StatusCode::SERVICE_UNAVAILABLE && tries < 50 {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            let text = response.text().await?;
            ensure!(status.is_success(), "{method} {path}: {status} {text}");
            return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
        }
    }

    /// A socket of `who` that said `hello` with these positions and got `ready`; with the
    /// frames that came before `ready` (the catch-up).
    pub async fn socket_from(
        &self,
        who: &Person,
        positions: &HashMap<String, i64>,
        source: Option<IpAddr>,
    ) -> anyhow::Result<(Socket, Vec<Value>)> {
        tokio::time::timeout(REQUEST_TIMEOUT, self.open(who, positions, source))
            .await
            .context("the socket was not ready within 60 s")?
    }

    async fn open(
        &self,
        who: &Person,
        positions: &HashMap<String, i64>,
        source: Option<IpAddr>,
    ) -> anyhow::Result<(Socket, Vec<Value>)> {
        let url = self.base.replacen("http", "ws", 1) + "/api/ws";
        let mut request = url.into_client_request()?;
        request.headers_mut().insert("cookie", who.cookie.parse()?);
        let mut socket = match source {
            // From another loopback address: each has its own ephemeral ports, so more sockets
            // than one address has ports can be open at once.
            Some(ip) => {
                let host = request.uri().authority().context("no host")?.as_str();
                let target: std::net::SocketAddr = host.parse().context("the server's address")?;
                let tcp = if ip.is_ipv4() {
                    tokio::net::TcpSocket::new_v4()?
                } else {
                    tokio::net::TcpSocket::new_v6()?
                };
                tcp.bind(std::net::SocketAddr::new(ip, 0))?;
                let stream = tcp.connect(target).await?;
                stream.set_nodelay(true)?;
                let (socket, _) = tokio_tungstenite::client_async(
                    request,
                    tokio_tungstenite::MaybeTlsStream::Plain(stream),
                )
                .await?;
                socket
            }
            None => tokio_tungstenite::connect_async(request).await?.0,
        };
        socket
            .send(Message::text(
                json!({"type": "hello", "positions": positions}).to_string(),
            ))
            .await?;
        let mut before = Vec::new();
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    let frame: Value = serde_json::from_str(&text).unwrap_or_default();
                    if frame["type"] == "ready" {
                        return Ok((socket, before));
                    }
                    before.push(frame);
                }
                Some(Ok(_)) => {}
                other => bail!("socket ended before ready: {other:?}"),
            }
        }
    }

    /// A socket from the start of every log.
    pub async fn socket(&self, who: &Person) -> anyhow::Result<Socket> {
        Ok(self.socket_from(who, &HashMap::new(), None).await?.0)
    }
}

/// Sessions and agents of a run, ready to send.
pub struct Desk {
    pub customers: Vec<Person>,
    pub agents: Vec<Person>,
    /// Session ids, one per customer, in order.
    pub sessions: Vec<String>,
    /// The agent of each session (index into `agents`).
    pub agent_of: Vec<usize>,
}

/// The admin and manager of a server, signed in, and the queue and group the load uses.
pub struct Staff {
    pub admin: Person,
    pub manager: Person,
    pub queue: String,
    pub group: String,
    /// Names unique to this run, so runs against one server do not collide.
    pub run: String,
}

pub async fn staff(api: &Api, admin: &str, manager: &str) -> anyhow::Result<Staff> {
    let (admin_name, admin_password) = split_pair(admin)?;
    let (manager_name, manager_password) = split_pair(manager)?;
    let admin = api.sign_in(admin_name, admin_password).await?;
    let manager = api.sign_in(manager_name, manager_password).await?;
    // Refused before anything is created: the admin creates the users, the manager adds the
    // agents to the queue's group.
    let has = |who: &Person, role: &str| {
        who.user["roles"]
            .as_array()
            .is_some_and(|roles| roles.iter().any(|r| r == role))
    };
    ensure!(has(&admin, "admin"), "--admin {admin_name} is not an admin");
    ensure!(
        has(&manager, "manager") || has(&manager, "admin"),
        "--manager {manager_name} is neither a manager nor an admin"
    );
    let queues = api
        .call(&manager, reqwest::Method::GET, "/api/queues", None)
        .await?;
    let queue = queues[0]["id"].as_str().context("no queue")?.to_owned();
    let group = queues[0]["group"]["id"]
        .as_str()
        .context("no group")?
        .to_owned();
    let run = run_name()?;
    Ok(Staff {
        admin,
        manager,
        queue,
        group,
        run,
    })
}

/// A name unique to this run, so runs against one server do not collide.
pub fn run_name() -> anyhow::Result<String> {
    Ok(format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis()
            % 0xff_ffff
    ))
}

fn split_pair(pair: &str) -> anyhow::Result<(&str, &str)> {
    pair.split_once(':')
        .context("credentials are given as username:password")
}

/// Creates `count` users of a role (named after the run) and signs each in.
pub async fn people(
    api: &Api,
    staff: &Staff,
    role: &'static str,
    count: usize,
) -> anyhow::Result<Vec<(String, Person)>> {
    let letter = &role[..1];
    stream::iter(0..count)
        .map(|i| async move {
            let name = format!("load{}{letter}{i}", staff.run);
            let password = format!("{name}-password");
            let created = api
                .call(
                    &staff.admin,
                    reqwest::Method::POST,
                    "/api/admin/users",
                    Some(json!({"username": name, "display_name": name,
                                "password": password, "roles": [role]})),
                )
                .await?;
            let id = created["id"].as_str().unwrap_or_default().to_owned();
            let person = api.sign_in(&name, &password).await?;
            anyhow::Ok((id, person))
        })
        .buffered(SETUP_AT_ONCE)
        .try_collect()
        .await
}

/// `sessions` customers each with a session, accepted by `ceil(sessions / per_agent)` agents of
/// the queue's group. `agent_api` is the node the agents work on.
pub async fn desk(
    api: &Api,
    agent_api: &Api,
    staff: &Staff,
    sessions: usize,
    per_agent: usize,
) -> anyhow::Result<Desk> {
    let agent_count = sessions.div_ceil(per_agent);
    eprintln!(
        "setting up {sessions} customers and {agent_count} agents on {}…",
        api.base
    );
    let agents = people(api, staff, "agent", agent_count).await?;
    for (id, _) in &agents {
        api.call(
            &staff.manager,
            reqwest::Method::PUT,
            &format!("/api/groups/{}/members/{id}", staff.group),
            None,
        )
        .await?;
    }
    let agents: Vec<Person> = agents.into_iter().map(|(_, p)| p).collect();
    let customers: Vec<Person> = people(api, staff, "customer", sessions)
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let agent_of: Vec<usize> = (0..sessions).map(|c| c / per_agent).collect();
    let ids: Vec<String> = stream::iter(customers.iter().zip(&agent_of))
        .map(|(customer, agent)| {
            let agent = &agents[*agent];
            async move {
                let conv = api
                    .call(
                        customer,
                        reqwest::Method::POST,
                        &format!("/api/queues/{}/sessions", staff.queue),
                        Some(json!({"client_id": "start"})),
                    )
                    .await?;
                let id = conv["id"].as_str().context("no session id")?.to_owned();
                agent_api
                    .call(
                        agent,
                        reqwest::Method::POST,
                        &format!("/api/conversations/{id}/accept"),
                        None,
                    )
                    .await?;
                anyhow::Ok(id)
            }
        })
        .buffered(SETUP_AT_ONCE)
        .try_collect()
        .await?;
    Ok(Desk {
        customers,
        agents,
        sessions: ids,
        agent_of,
    })
}

/// The numbers of the load's comments in a session's log, in log order (read by page).
pub async fn logged_numbers(
    api: &Api,
    reader: &Person,
    session: &str,
) -> anyhow::Result<Vec<usize>> {
    let prefix = format!("load {session} ");
    let mut numbers = Vec::new();
    let mut after = 0;
    loop {
        let page = api
            .call(
                reader,
                reqwest::Method::GET,
                &format!("/api/conversations/{session}/entries?after={after}&limit=500"),
                None,
            )
            .await?;
        for e in page["entries"].as_array().into_iter().flatten() {
            if let Some(n) = e["body"]
                .as_str()
                .and_then(|b| b.strip_prefix(&prefix))
                .and_then(|n| n.parse::<usize>().ok())
            {
                numbers.push(n);
            }
        }
        match page["next_after"].as_i64() {
            Some(next) if next > after => after = next,
            _ => return Ok(numbers),
        }
    }
}

/// Of the comment numbers found in a session's log (in log order): how many of those that
/// were acknowledged (`acked`) are missing, how many appear more than once, and how many steps
/// go backwards or repeat. (A comment sent but never acknowledged may be there or not.)
pub fn check_log(numbers: &[usize], acked: &[usize]) -> (usize, usize, usize) {
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for n in numbers {
        *seen.entry(*n).or_default() += 1;
    }
    let lost = acked.iter().filter(|n| !seen.contains_key(n)).count();
    let doubled = seen.values().filter(|c| **c > 1).count();
    let misordered = numbers.windows(2).filter(|w| w[1] <= w[0]).count();
    (lost, doubled, misordered)
}

/// The numbers 0..n: what a run that sent n comments in order expects in the log.
pub fn first(n: usize) -> Vec<usize> {
    (0..n).collect()
}

/// Refuses a server that is not on a loopback address (the URL read as a browser would: a
/// user name before `@` is not the host).
pub fn check_loopback(url: &str) -> anyhow::Result<()> {
    let parsed = reqwest::Url::parse(url)
        .with_context(|| format!("{url} is not a URL: e.g. http://127.0.0.1:8080"))?;
    ensure!(
        matches!(parsed.scheme(), "http" | "https"),
        "{url}: the server's URL is http:// or https://"
    );
    let host = parsed.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost" || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    ensure!(
        loopback,
        "{} is not a loopback address: pass --allow-remote to load another machine",
        parsed.host_str().unwrap_or(url)
    );
    Ok(())
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
            "127.0.0.1:8080",
            "http://[::1]@0.0.0.0:33109",
            "http://127.0.0.1:x@0.0.0.0/",
            "http://localhost@desk.example.com/",
            "ftp://127.0.0.1/",
        ] {
            assert!(check_loopback(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_log_check_finds_lost_doubled_and_misordered_comments() {
        assert_eq!(check_log(&[0, 1, 2, 3], &first(4)), (0, 0, 0));
        assert_eq!(check_log(&[0, 1, 3], &first(4)), (1, 0, 0));
        assert_eq!(check_log(&[0, 1, 1, 2, 3], &first(4)), (0, 1, 1));
        assert_eq!(check_log(&[0, 2, 1, 3], &first(4)), (0, 0, 1));
        assert_eq!(check_log(&[], &first(3)), (3, 0, 0));
        assert_eq!(check_log(&[0, 1, 2, 5], &first(3)), (0, 0, 0));
        // Only what was acknowledged must be there: 3 was sent, never acknowledged.
        assert_eq!(check_log(&[0, 1], &[0, 1]), (0, 0, 0));
        assert_eq!(check_log(&[0, 1], &[0, 2]), (1, 0, 0));
    }
}
