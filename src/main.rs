//! The `switchboard` binary: parse the configuration, set up logging, run the server until
//! SIGINT or SIGTERM.

use anyhow::Context;
use clap::Parser;
use switchboard::Config;
use switchboard::config::{LogFormat, Task};
use switchboard::storage::Db;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log_level).context("--log-level")?;
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match config.log_format {
        LogFormat::Pretty => logs.init(),
        LogFormat::Json => logs.json().init(),
    }

    match &config.command {
        Some(Task::Migrate) => {
            let db = Db::connect(&config.database_url)
                .await
                .context("applying migrations")?;
            println!("Migrations applied: {}", db.location());
            db.close().await;
            return Ok(());
        }
        Some(Task::Backup { file }) => {
            Db::backup(&config.database_url, file)
                .await
                .with_context(|| format!("backing up to {}", file.display()))?;
            println!("Backed up to {}", file.display());
            return Ok(());
        }
        None => {}
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let address = listener.local_addr()?;
    // Scripts (and the browser tests) read the real port from this line.
    println!("Switchboard listening on http://{address}");
    switchboard::run(config, listener, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
