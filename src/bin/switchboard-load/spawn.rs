//! `--spawn`: the servers the tool starts itself, as processes of their own (so their CPU time
//! and memory are theirs alone): one node on a fresh SQLite file, or several nodes on a fresh
//! PostgreSQL database, with the demo data; stopped (and the database dropped) at the end.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sqlx::Connection;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::report::Latency;

/// What a run started, for leaving at once (a second Ctrl+C, SIGTERM) without the usual
/// stop: cleared by [`Spawned::stop`].
#[derive(Default)]
struct Leftovers {
    pids: Vec<u32>,
    database: Option<(String, String)>,
    dir: Option<PathBuf>,
}

static LEFTOVERS: std::sync::Mutex<Leftovers> = std::sync::Mutex::new(Leftovers {
    pids: Vec::new(),
    database: None,
    dir: None,
});

/// Kills the servers the run started, drops their database and removes their folder.
pub async fn clean_up_now() {
    let left = LEFTOVERS
        .lock()
        .map(|mut l| std::mem::take(&mut *l))
        .unwrap_or_default();
    for pid in &left.pids {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    if let Some((admin, name)) = left.database {
        // The killed servers' connections go with them.
        tokio::time::sleep(Duration::from_millis(200)).await;
        if drop_database(&admin, &name).await.is_err() {
            eprintln!("could not drop the database {name}; drop it by hand");
        }
    }
    if let Some(dir) = left.dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The servers of a run.
pub struct Spawned {
    children: Vec<Child>,
    pub urls: Vec<String>,
    pub pids: Vec<u32>,
    pub backend: &'static str,
    /// The disk's `fdatasync` where the SQLite file lives.
    pub fsync: Option<Latency>,
    postgres: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

/// How the servers are started.
pub struct Plan<'a> {
    pub server_bin: &'a Path,
    pub nodes: usize,
    /// The PostgreSQL server to create the database on; `None`: SQLite (one node).
    pub postgres: Option<&'a str>,
    /// The most sockets one user may have (S3 opens many per user).
    pub max_sockets_per_user: u32,
}

/// The `switchboard` binary next to this one (both are built by `make bench`).
pub fn default_server_bin() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("switchboard")))
        .unwrap_or_else(|| PathBuf::from("switchboard"))
}

pub async fn start(plan: Plan<'_>) -> anyhow::Result<Spawned> {
    if !plan.server_bin.is_file() {
        bail!(
            "no server at {}: build it (cargo build --release) or pass --server-bin",
            plan.server_bin.display()
        );
    }
    let dir = tempfile::tempdir()?;
    let (database_url, postgres, fsync) = match plan.postgres {
        Some(admin) => {
            let name = format!("switchboard_load_{}", std::process::id());
            let mut conn = sqlx::PgConnection::connect(admin)
                .await
                .with_context(|| format!("PostgreSQL at {admin}"))?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut conn)
                .await?;
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .await?;
            let _ = conn.close().await;
            (
                database_url(admin, &name)?,
                Some((admin.to_owned(), name)),
                None,
            )
        }
        None => (
            format!("sqlite://{}", dir.path().join("load.db").display()),
            None,
            Some(fsync_probe(dir.path())?),
        ),
    };
    if let Ok(mut left) = LEFTOVERS.lock() {
        left.database = postgres.clone();
        left.dir = Some(dir.path().to_path_buf());
    }
    let mut spawned = Spawned {
        children: Vec::new(),
        urls: Vec::new(),
        pids: Vec::new(),
        backend: if postgres.is_some() {
            "postgres"
        } else {
            "sqlite"
        },
        fsync,
        postgres,
        _dir: dir,
    };
    for _ in 0..plan.nodes {
        // One after the other: the first loads the demo data, the others find it there.
        let mut child = Command::new(plan.server_bin)
            .args([
                "--listen",
                "127.0.0.1:0",
                "--demo",
                "--log-level",
                "warn",
                "--socket-frames-per-second",
                "1000000",
                "--socket-buffer",
                "65536",
            ])
            .arg("--database-url")
            .arg(&database_url)
            .arg("--max-sockets-per-user")
            .arg(plan.max_sockets_per_user.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            // Not in the terminal's process group: Ctrl+C is the tool's to handle (it reads the
            // logs from the servers after stopping the sends).
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", plan.server_bin.display()))?;
        let pid = child.id().context("the server exited at once")?;
        if let Ok(mut left) = LEFTOVERS.lock() {
            left.pids.push(pid);
        }
        let stdout = child.stdout.take().context("no stdout")?;
        spawned.children.push(child);
        let mut lines = BufReader::new(stdout).lines();
        let begin = Instant::now();
        let url = loop {
            let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
                .await
                .context("the server did not say where it listens within 60 s")??
                .context("the server stopped before listening")?;
            if let Some(url) = line.strip_prefix("Switchboard listening on ") {
                break url.trim().to_owned();
            }
        };
        // Keep reading its stdout, so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        eprintln!(
            "started a server at {url} (pid {pid}, {}) in {:.1} s",
            spawned.backend,
            begin.elapsed().as_secs_f64()
        );
        spawned.urls.push(url);
        spawned.pids.push(pid);
    }
    Ok(spawned)
}

impl Spawned {
    /// Stops the servers and drops the PostgreSQL database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Ok(mut left) = LEFTOVERS.lock() {
            *left = Leftovers::default();
        }
        for child in &mut self.children {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
        if let Some((admin, name)) = self.postgres.take() {
            drop_database(&admin, &name).await?;
        }
        Ok(())
    }
}

impl Drop for Spawned {
    /// On a path that did not stop them (an error while starting or running): the servers are
    /// killed (`kill_on_drop`), and the database is dropped on a thread of its own.
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.start_kill();
        }
        if let Some((admin, name)) = self.postgres.take() {
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                // The servers may take a moment to let go of their connections.
                std::thread::sleep(Duration::from_millis(200));
                runtime.block_on(drop_database(&admin, &name))
            })
            .join();
            if !matches!(dropped, Ok(Ok(()))) {
                eprintln!("could not drop the load's database; drop it by hand");
            }
        }
    }
}

async fn drop_database(admin: &str, name: &str) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(admin).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut conn)
        .await?;
    let _ = conn.close().await;
    Ok(())
}

/// The disk's `fdatasync` after a 4 KiB write in `dir`, 200 times.
fn fsync_probe(dir: &Path) -> anyhow::Result<Latency> {
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

/// `admin` (a PostgreSQL URL) with its database replaced by `name`.
fn database_url(admin: &str, name: &str) -> anyhow::Result<String> {
    let (scheme, rest) = admin
        .split_once("://")
        .context("a PostgreSQL URL: postgres://user@host:port/database")?;
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, format!("?{q}")),
        None => (rest, String::new()),
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    Ok(format!("{scheme}://{authority}/{name}{query}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_load_database_replaces_the_admin_one_in_the_url() {
        let url = |a| super::database_url(a, "x").expect("url");
        assert_eq!(
            url("postgres://pg@h:5432/postgres"),
            "postgres://pg@h:5432/x"
        );
        assert_eq!(url("postgres://pg@h:5432"), "postgres://pg@h:5432/x");
        assert_eq!(
            url("postgres://pg@h/db?sslmode=disable"),
            "postgres://pg@h/x?sslmode=disable"
        );
        assert!(super::database_url("nonsense", "x").is_err());
    }
}
