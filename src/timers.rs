//! The timer worker: fires stored inactivity deadlines, routing guards and absences (an assignee offline past
//! the grace: the session goes back to the queue) once they are due (by the injected
//! clock), announces agents whose presence grace period ran out, and purges expired web
//! sessions and forgotten sign-in failures. Firing is a conditional write in storage, so any
//! number of workers (or nodes) fire each deadline exactly once. One failing deadline is logged
//! and the round goes on.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::domain::Timestamp;
use crate::domain::signin::FORGET_AFTER;
use crate::hub::Status;
use crate::service::AppState;

/// How many due deadlines one round fires at most.
const BATCH: i64 = 200;
/// How often (by the injected clock) expired web sessions and old sign-in failures are purged.
pub const PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

/// The worker: a round every `poll` until `stop` is cancelled.
pub async fn run(state: AppState, poll: Duration, stop: CancellationToken) {
    let mut last_sweep = state.clock.now();
    let mut last_purge: Option<Timestamp> = None;
    loop {
        if let Err(e) = state.sweep_absences().await {
            tracing::warn!(error = %e, "looking for sessions of agents gone offline");
        }
        let fired = fire_due(&state).await;
        state.metrics.deadlines_fired.inc_by(fired as u64);
        let now = state.clock.now();
        for user in state.presence.gone_offline(last_sweep, now) {
            match state.db.user(user).await {
                // Gone from this node; another node's word (if they are there) stands.
                Ok(Some(user)) => match state.online_anywhere(user.id).await {
                    Ok(false) => state.announce_presence((&user).into(), Status::Offline, None),
                    Ok(true) => {}
                    Err(e) => tracing::warn!(error = %e, "is an agent online elsewhere?"),
                },
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "announcing an agent gone offline"),
            }
        }
        last_sweep = now;
        if last_purge.is_none_or(|at| at.until(now) >= PURGE_EVERY) {
            purge(&state, now).await;
            last_purge = Some(now);
        }
        state.metrics.timer_rounds.inc();
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(poll) => {}
        }
    }
}

/// Fires every deadline due now; returns how many fired. A deadline that fails is logged and
/// left for the next round; the others still fire.
pub async fn fire_due(state: &AppState) -> usize {
    let due = match state.db.due_deadlines(state.clock.now(), BATCH).await {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "reading due deadlines");
            return 0;
        }
    };
    let mut fired = 0;
    match state.db.due_absences(state.clock.now(), BATCH).await {
        Ok(due) => {
            for (conversation, absence) in due {
                match state.fire_absence(conversation, absence).await {
                    Ok(true) => fired += 1,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, conversation = conversation.0, "handing back an absent agent's session");
                    }
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "reading due absences"),
    }
    match state.db.due_guards(state.clock.now(), BATCH).await {
        Ok(due) => {
            for (conversation, guard) in due {
                match state.fire_guard(conversation, guard).await {
                    Ok(true) => fired += 1,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, conversation = conversation.0, "firing a routing guard");
                    }
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "reading due routing guards"),
    }
    for (conversation, deadline) in due {
        match state.fire(conversation, deadline).await {
            Ok(true) => fired += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, conversation = conversation.0, "firing a deadline");
            }
        }
    }
    fired
}

async fn purge(state: &AppState, now: Timestamp) {
    match state
        .db
        .purge_expired(now.minus(state.web.session_idle), now.minus(FORGET_AFTER))
        .await
    {
        Ok(purged) => {
            state.metrics.purged.inc_by(purged);
        }
        Err(e) => tracing::warn!(error = %e, "purging expired sessions"),
    }
}
