//! The timer worker: fires stored inactivity deadlines once they are due (by the injected
//! clock), and announces agents whose presence grace period ran out. Firing is a conditional
//! write in storage, so any number of workers (or nodes) fire each deadline exactly once.

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::http::AppState;
use crate::hub::Status;

/// How many due deadlines one round fires at most.
const BATCH: i64 = 200;

/// Starts the worker; it checks every `poll` until the task is aborted.
pub fn spawn(state: AppState, poll: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_sweep = state.clock.now();
        loop {
            match fire_due(&state).await {
                Ok(fired) => {
                    state.metrics.deadlines_fired.inc_by(fired as u64);
                }
                Err(e) => tracing::warn!(error = %e, "firing deadlines"),
            };
            let now = state.clock.now();
            for user in state.presence.gone_offline(last_sweep, now) {
                if let Ok(Some(user)) = state.db.user(user).await {
                    state.hub.presence((&user).into(), Status::Offline);
                }
            }
            last_sweep = now;
            state.metrics.timer_rounds.inc();
            tokio::time::sleep(poll).await;
        }
    })
}

/// Fires every deadline due now; returns how many fired.
pub async fn fire_due(state: &AppState) -> Result<usize, crate::http::error::AppError> {
    let mut fired = 0;
    for (conversation, deadline) in state.db.due_deadlines(state.clock.now(), BATCH).await? {
        if state.fire(conversation, deadline).await? {
            fired += 1;
        }
    }
    Ok(fired)
}
