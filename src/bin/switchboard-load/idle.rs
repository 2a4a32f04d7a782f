//! S3: sockets opened (signed-in customers, `hello`, `ready`) and left idle; the server's
//! resident memory growth per socket.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::ensure;
use futures_util::{StreamExt, stream};

use crate::api;
use crate::report::{Idle, Report, Server, proc_usage};
use crate::{Args, Run};

/// Sockets opened at once.
const OPEN_AT_ONCE: usize = 256;
/// Sockets from one loopback source address (it has about 28,000 ephemeral ports).
const PER_SOURCE: usize = 20_000;

pub async fn run(args: &Args, run: &Run) -> anyhow::Result<Report> {
    let n = args.connections;
    let limit = open_files_limit().unwrap_or(u64::MAX);
    ensure!(
        (n as u64) + 256 <= limit,
        "{n} sockets need more open files than this process may have ({limit}): raise it, \
         e.g. `ulimit -n {}` (the server needs as many)",
        n + 1024
    );
    let api = &run.customer_api;
    let staff = api::staff(api, &args.admin, &args.manager).await?;
    let users = n.div_ceil(args.sockets_per_user);
    eprintln!(
        "setting up {users} customers for {n} idle sockets on {}…",
        api.base
    );
    let people = api::people(api, &staff, "customer", users).await?;
    // Several source addresses when one has too few ports (only towards an IPv4 loopback).
    let spread = n > PER_SOURCE && api.base.contains("://127.");

    let before = proc_usage(&run.server_pids);
    let opened = Arc::new(AtomicU64::new(0));
    let progress = crate::progress(opened.clone(), n, "sockets open");
    let begin = Instant::now();
    let no_positions = HashMap::new();
    let results: Vec<anyhow::Result<api::Socket>> = stream::iter(0..n)
        .map(|i| {
            let who = &people[i / args.sockets_per_user].1;
            let source =
                spread.then(|| IpAddr::V4(Ipv4Addr::new(127, 0, 1, (1 + i / PER_SOURCE) as u8)));
            let (opened, no_positions) = (opened.clone(), &no_positions);
            async move {
                let (socket, _) = api.socket_from(who, no_positions, source).await?;
                opened.fetch_add(1, Ordering::Relaxed);
                Ok(socket)
            }
        })
        .buffer_unordered(OPEN_AT_ONCE)
        .collect()
        .await;
    let open_seconds = begin.elapsed().as_secs_f64();
    drop(progress);
    let after = proc_usage(&run.server_pids);
    let mut sockets = Vec::with_capacity(n);
    let mut report = Report::new(args.scenario);
    for r in results {
        match r {
            Ok(s) => sockets.push(s),
            Err(e) => report.errors.push(format!("{e:#}")),
        }
    }
    report.errors.truncate(100);
    let open = sockets.len();
    report.idle = Some(Idle {
        connections: open,
        users,
        open_seconds,
        bytes_per_connection: match (before, after) {
            (Some(b), Some(a)) if open > 0 => {
                Some((a.rss_kib as f64 - b.rss_kib as f64) * 1024.0 / open as f64)
            }
            _ => None,
        },
    });
    report.server = Server::between(before, after, 0);
    drop(sockets);
    Ok(report)
}

/// This process's soft limit of open files, from /proc.
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_open_files(&limits)
}

fn parse_open_files(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.trim_start_matches("Max open files")
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_open_files_limit_is_read_from_proc() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max cpu time              unlimited            unlimited            seconds\n\
                      Max open files            20000                20000                files\n";
        assert_eq!(super::parse_open_files(limits), Some(20_000));
        assert_eq!(super::parse_open_files("nothing"), None);
    }
}
