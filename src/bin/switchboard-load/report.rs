//! What a run measured: latency percentiles, the report (a table on stdout, JSON on request),
//! and the server's CPU time and memory read from /proc.

use std::time::Duration;

use serde::Serialize;

use crate::Scenario;

/// Percentiles of a set of latencies, and the samples' distribution for the plot.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Latency {
    pub count: usize,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The latency at each of [`PLOT_PERCENTILES`] (for `--plot`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub curve_ms: Vec<f64>,
}

/// The percentiles a latency curve is drawn through: 0 to 99.99 on a scale that spreads the tail.
pub const PLOT_PERCENTILES: [f64; 12] = [
    0.0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 1.0,
];

impl Latency {
    pub fn of(mut v: Vec<Duration>) -> Latency {
        if v.is_empty() {
            return Latency::default();
        }
        v.sort_unstable();
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
            curve_ms: PLOT_PERCENTILES.iter().map(|p| at(*p)).collect(),
        }
    }
}

/// The server's processes as /proc sees them.
#[derive(Debug, Default, Serialize)]
pub struct Server {
    pub cpu_seconds: Option<f64>,
    pub cpu_us_per_message: Option<f64>,
    pub rss_kib_before: Option<u64>,
    pub rss_kib_after: Option<u64>,
}

impl Server {
    /// From the readings before and after the measured part, for `messages` messages.
    pub fn between(before: Option<Usage>, after: Option<Usage>, messages: usize) -> Server {
        let cpu = match (before, after) {
            (Some(a), Some(b)) => Some(b.cpu_seconds - a.cpu_seconds),
            _ => None,
        };
        Server {
            cpu_seconds: cpu,
            cpu_us_per_message: cpu
                .filter(|_| messages > 0)
                .map(|c| c * 1e6 / messages as f64),
            rss_kib_before: before.map(|u| u.rss_kib),
            rss_kib_after: after.map(|u| u.rss_kib),
        }
    }
}

/// S3: sockets opened and left idle.
#[derive(Debug, Default, Serialize)]
pub struct Idle {
    pub connections: usize,
    pub users: usize,
    pub open_seconds: f64,
    /// The server's resident memory growth per idle socket (after `ready`), in bytes.
    pub bytes_per_connection: Option<f64>,
}

/// S4: every client dropped at once, then all reconnect and resume.
#[derive(Debug, Default, Serialize)]
pub struct Storm {
    pub clients: usize,
    /// From the first reconnect to the last client's `ready` (and, for a customer, the ack of
    /// the comment it sent again).
    pub all_resumed_seconds: f64,
    pub resumed: usize,
    /// Each client's time from its reconnect to resumed.
    pub resume: Latency,
}

#[derive(Debug, Serialize)]
pub struct Report {
    /// `switchboard`, or `matrix` for a Matrix homeserver.
    pub target: String,
    pub scenario: Scenario,
    /// Nodes the clients were spread over (customers on the first, agents on the last).
    pub nodes: usize,
    /// The server's database, when the tool started it: `sqlite` or `postgres`.
    pub backend: Option<String>,
    /// The disk's `fdatasync` of a 4 KiB write, measured where the database lives (`--spawn`).
    pub fsync: Option<Latency>,
    pub sessions: usize,
    pub messages_per_session: usize,
    pub agents: usize,
    pub open_loop_rate: Option<f64>,
    pub interrupted: bool,
    pub sent: usize,
    pub acknowledged: usize,
    pub seconds: f64,
    pub per_second: f64,
    pub ack: Latency,
    pub delivery: Latency,
    pub errors: Vec<String>,
    pub lost: usize,
    pub doubled: usize,
    pub misordered: usize,
    /// Load comments an agent's socket received twice (in a storm: any entry a client received
    /// twice across its two sockets; resume must not repeat one).
    pub delivered_twice: usize,
    /// Acknowledged comments that never reached their agent's socket.
    pub never_delivered: usize,
    pub server: Server,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle: Option<Idle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storm: Option<Storm>,
}

impl Report {
    /// An empty report of a scenario, filled in by the run.
    pub fn new(scenario: Scenario) -> Report {
        Report {
            target: "switchboard".to_owned(),
            scenario,
            nodes: 1,
            backend: None,
            fsync: None,
            sessions: 0,
            messages_per_session: 0,
            agents: 0,
            open_loop_rate: None,
            interrupted: false,
            sent: 0,
            acknowledged: 0,
            seconds: 0.0,
            per_second: 0.0,
            ack: Latency::default(),
            delivery: Latency::default(),
            errors: Vec::new(),
            lost: 0,
            doubled: 0,
            misordered: 0,
            delivered_twice: 0,
            never_delivered: 0,
            server: Server::default(),
            idle: None,
            storm: None,
        }
    }

    pub fn ok(&self) -> bool {
        self.errors.is_empty()
            && self.lost == 0
            && self.doubled == 0
            && self.misordered == 0
            && self.delivered_twice == 0
            && self.never_delivered == 0
    }

    pub fn print(&self) {
        let mode = match self.open_loop_rate {
            Some(rate) => format!("open loop at {rate}/s"),
            None => "closed loop".to_owned(),
        };
        let on = match (&self.backend, self.nodes) {
            (Some(b), 1) => format!(" on {b}"),
            (Some(b), n) => format!(" on {n} nodes, {b}"),
            (None, 1) => String::new(),
            (None, n) => format!(" on {n} nodes"),
        };
        let what = if self.idle.is_some() {
            String::new()
        } else if self.storm.is_some() {
            format!(": {} sessions, {} agents", self.sessions, self.agents)
        } else {
            format!(
                ": {} sessions × {} comments, {} agents, {mode}",
                self.sessions, self.messages_per_session, self.agents
            )
        };
        println!(
            "{} {:?}{on}{what}{}",
            self.target,
            self.scenario,
            if self.interrupted {
                " (interrupted)"
            } else {
                ""
            }
        );
        if self.sent > 0 {
            println!(
                "acknowledged {} of {} sent in {:.2} s: {:.0} messages/s",
                self.acknowledged, self.sent, self.seconds, self.per_second
            );
            println!("| latency | count | p50 ms | p90 ms | p99 ms | max ms |");
            println!("|---|---|---|---|---|---|");
            let rows = match &self.storm {
                Some(storm) => vec![("reconnect → resumed", &storm.resume)],
                None => vec![("send → ack", &self.ack), ("send → agent", &self.delivery)],
            };
            for (name, l) in rows {
                println!(
                    "| {name} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
                    l.count, l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms
                );
            }
            println!(
                "log check: lost {}, doubled {}, out of order {}; delivered twice {}, never \
                 delivered {}; errors {}",
                self.lost,
                self.doubled,
                self.misordered,
                self.delivered_twice,
                self.never_delivered,
                self.errors.len()
            );
        }
        if let Some(storm) = &self.storm {
            println!(
                "storm: {} of {} clients resumed in {:.2} s",
                storm.resumed, storm.clients, storm.all_resumed_seconds,
            );
        }
        if let Some(idle) = &self.idle {
            println!(
                "idle: {} sockets of {} users open in {:.2} s; {} per socket",
                idle.connections,
                idle.users,
                idle.open_seconds,
                idle.bytes_per_connection.map_or(
                    "(server memory unknown)".to_owned(),
                    |b| format!("{:.1} kB", b / 1000.0)
                )
            );
        }
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
                "server CPU {cpu:.2} s ({}), RSS {} → {} KiB",
                self.server
                    .cpu_us_per_message
                    .map_or("no messages".to_owned(), |us| format!(
                        "{us:.1} µs per message"
                    )),
                self.server.rss_kib_before.unwrap_or(0),
                self.server.rss_kib_after.unwrap_or(0)
            );
        }
    }
}

/// One reading of a process (or the sum over several).
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub cpu_seconds: f64,
    pub rss_kib: u64,
}

/// CPU seconds (user + system) and resident memory of the processes, from /proc; `None` when
/// one of them cannot be read.
pub fn proc_usage(pids: &[u32]) -> Option<Usage> {
    if pids.is_empty() {
        return None;
    }
    let mut sum = Usage::default();
    for pid in pids {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let u = parse_proc(
            &stat,
            &std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?,
        )?;
        sum.cpu_seconds += u.cpu_seconds;
        sum.rss_kib += u.rss_kib;
    }
    Some(sum)
}

/// A process's `/proc/PID/stat` and `/proc/PID/status`, read.
fn parse_proc(stat: &str, status: &str) -> Option<Usage> {
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())?;
    // The kernel's clock ticks per second (USER_HZ) are 100 on Linux.
    Some(Usage {
        cpu_seconds: ticks / 100.0,
        rss_kib: rss,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_sorted_samples() {
        let l = Latency::of((1..=100).rev().map(Duration::from_millis).collect());
        assert_eq!(l.count, 100);
        assert!((l.p50_ms - 51.0).abs() < 1e-9 || (l.p50_ms - 50.0).abs() < 1e-9);
        assert!((l.p99_ms - 99.0).abs() < 1.01);
        assert!((l.max_ms - 100.0).abs() < 1e-9);
        assert_eq!(l.curve_ms.len(), PLOT_PERCENTILES.len());
        assert!((l.curve_ms[0] - 1.0).abs() < 1e-9);
        assert!(l.curve_ms.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(Latency::of(Vec::new()).count, 0);
    }

    #[test]
    fn proc_readings_are_parsed_whatever_the_command_is_called() {
        let stat = "4242 (switch board) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 9 0";
        let status = "Name:\tswitchboard\nVmPeak:\t  9000 kB\nVmRSS:\t   12345 kB\nThreads: 9\n";
        let u = parse_proc(stat, status).expect("parsed");
        assert!((u.cpu_seconds - 3.0).abs() < 1e-9);
        assert_eq!(u.rss_kib, 12345);
        assert!(parse_proc("garbage", status).is_none());
        assert!(parse_proc(stat, "Name: x\n").is_none());
    }

    #[test]
    fn a_run_is_ok_only_without_errors_losses_or_repeats() {
        let mut r = Report::new(Scenario::Smoke);
        assert!(r.ok());
        r.doubled = 1;
        assert!(!r.ok());
        r.doubled = 0;
        r.delivered_twice = 1;
        assert!(!r.ok());
        r.delivered_twice = 0;
        r.never_delivered = 1;
        assert!(!r.ok());
        r.never_delivered = 0;
        assert!(r.ok());
        r.errors.push("x".into());
        assert!(!r.ok());
    }
}
