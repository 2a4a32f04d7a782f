//! The live queue view of the managers' console: `GET /api/queues/{id}/live` (managers and
//! admins). Waiting sessions, agents with their presence and sessions, the sessions that need a
//! transfer (their agent left the group), and the figures since a time. Clients read it again
//! on the socket's `queue_activity`.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Manager;
use super::error::AppError;
use super::extract::ApiPath;
use super::openapi as doc;
use crate::domain::session::{self, Person};
use crate::domain::{QueueId, Timestamp, UserId, figures};
use crate::wire::{self, rfc3339};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(queue_live))
}

/// How far back the figures may reach.
const SINCE_MAX: Duration = Duration::from_secs(31 * 86_400);
/// How far ahead of the server's clock a client's `since` may be (and is taken as now).
const CLOCK_SLACK: Duration = Duration::from_secs(5 * 60);
/// The most sessions the figures count.
const FIGURES_MAX: i64 = 20_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct LiveParams {
    /// The figures count sessions started from this time (RFC 3339; default: the start of the
    /// current UTC day; at most 31 days back, not in the future).
    since: Option<String>,
}

/// The start of the UTC day of `now`.
fn start_of_day(now: Timestamp) -> Timestamp {
    Timestamp(now.0 - now.0.rem_euclid(86_400_000))
}

fn person(p: &Person) -> wire::UserRef {
    wire::user_ref(p)
}

/// A support session's customer (every one has one).
fn customer(c: &session::Conversation) -> wire::UserRef {
    c.customer.as_ref().map_or_else(
        || wire::UserRef {
            id: String::new(),
            display_name: String::new(),
        },
        person,
    )
}

/// The live queue view: who waits, who works, and today's figures.
#[utoipa::path(get, path = "/api/queues/{id}/live", tag = "queues",
    params(("id" = String, Path, description = "Queue id"), LiveParams),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::QueueLive),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, description = "`not_found`: no such queue", body = wire::ErrorBody),
        (status = 422, description = "`invalid`: `since` is not an RFC 3339 time, is in the future or more than 31 days back", body = wire::ErrorBody),
    ))]
async fn queue_live(
    State(state): State<AppState>,
    _: Manager,
    ApiPath(id): ApiPath<QueueId>,
    params: Result<Query<LiveParams>, QueryRejection>,
) -> Result<Json<wire::QueueLive>, AppError> {
    let Query(params) = params?;
    let now = state.clock.now();
    let since = match params.since.as_deref() {
        None => start_of_day(now),
        Some(text) => super::extract::instant("since", text)?,
    };
    // A client whose clock runs a little ahead (its midnight not yet the server's): from now.
    let since = if since.0 > now.0 && since.0 <= now.plus(CLOCK_SLACK).0 {
        now
    } else {
        since
    };
    if since.0 > now.0 || since.0 < now.minus(SINCE_MAX).0 {
        return Err(AppError::InvalidField {
            field: "since",
            message: "`since` is a time in the last 31 days.".into(),
        });
    }
    let queue = state
        .db
        .queue(id)
        .await?
        .ok_or_else(|| AppError::not_found("queue"))?;
    let waiting = state.db.queued_sessions(id).await?;
    let alerted = state.db.alerted_offers(id).await?;
    let active = state.db.active_in_queue(id).await?;
    let members = state.db.group_members(queue.settings.group).await?;
    let times = state.db.session_times(id, since, FIGURES_MAX).await?;
    let ratings: HashMap<_, _> = state
        .db
        .survey_answers_between(id, since, now.plus(Duration::from_secs(1)))
        .await?
        .into_iter()
        .map(|(conv, answer)| (conv, answer.rating))
        .collect();
    let figures = figures::figures(&times, &ratings);

    // The agents: the group's staff, then anyone else holding a session of the queue.
    let working: Vec<(UserId, String)> = members
        .iter()
        .filter(|m| session::staff_of_queue(m, true))
        .map(|m| (m.id, m.display_name.clone()))
        .collect();
    let mut holders: BTreeMap<i64, Person> = BTreeMap::new();
    for conv in &active {
        if let Some(a) = &conv.assignee {
            holders.entry(a.id.0).or_insert_with(|| a.clone());
        }
    }
    let mut agents = Vec::new();
    let mut needs_transfer = Vec::new();
    // (who, name, a member of the group, works the queue: staff, enabled and a member)
    let mut listed: Vec<(UserId, String, bool, bool)> = working
        .iter()
        .map(|(id, name)| (*id, name.clone(), true, true))
        .collect();
    for (id, p) in &holders {
        if !working.iter().any(|(w, _)| w.0 == *id) {
            let member = members.iter().any(|m| m.id.0 == *id);
            listed.push((p.id, p.display_name.clone(), member, false));
        }
    }
    for (user, name, in_group, works) in listed {
        let held: Vec<_> = active
            .iter()
            .filter(|c| c.assignee.as_ref().is_some_and(|a| a.id == user))
            .collect();
        let sessions: Vec<wire::HeldSession> = held
            .iter()
            .map(|c| wire::HeldSession {
                id: c.id.to_string(),
                customer: customer(c),
                accepted_at: rfc3339(c.accepted_at.unwrap_or(c.created_at)),
                needs_transfer: !works,
            })
            .collect();
        let me = Person {
            id: user,
            display_name: name,
        };
        if !works {
            for s in &sessions {
                needs_transfer.push(wire::NeedsTransfer {
                    id: s.id.clone(),
                    customer: s.customer.clone(),
                    assignee: person(&me),
                    accepted_at: s.accepted_at.clone(),
                });
            }
        }
        agents.push(wire::LiveAgent {
            user: person(&me),
            status: state.status_anywhere(user).await.into(),
            in_group,
            active: u32::try_from(sessions.len()).unwrap_or(u32::MAX),
            sessions,
        });
    }
    let longest_wait_seconds = waiting
        .iter()
        .map(|c| c.returned_at.unwrap_or(c.created_at).until(now).as_secs())
        .max();
    let waiting: Vec<wire::WaitingSession> = waiting
        .iter()
        .map(|c| wire::WaitingSession {
            id: c.id.to_string(),
            customer: customer(c),
            first_message: c.first_message.clone(),
            waiting_since: rfc3339(c.returned_at.unwrap_or(c.created_at)),
            returned_from: c.returned_from.as_ref().map(person),
            alerted: alerted.contains(&c.id),
        })
        .collect();
    let name_of = |user: UserId| -> wire::UserRef {
        holders
            .get(&user.0)
            .cloned()
            .or_else(|| {
                members.iter().find(|m| m.id == user).map(|m| Person {
                    id: m.id,
                    display_name: m.display_name.clone(),
                })
            })
            .map_or_else(
                || wire::UserRef {
                    id: user.to_string(),
                    display_name: String::new(),
                },
                |p| person(&p),
            )
    };
    let mut per_agent = Vec::new();
    for a in &figures.per_agent {
        let mut user = name_of(a.agent);
        if user.display_name.is_empty()
            && let Some(found) = state.db.user(a.agent).await?
        {
            user.display_name = found.display_name;
        }
        per_agent.push(wire::AgentFigures {
            user,
            accepted: a.accepted,
            ended: a.ended,
            median_handling_seconds: a.median_handling_secs,
            rating: a.rating.into(),
        });
    }
    Ok(Json(wire::QueueLive {
        queue: wire::GroupRef {
            id: queue.id.to_string(),
            name: queue.settings.name.clone(),
        },
        at: rfc3339(now),
        waiting,
        longest_wait_seconds,
        agents,
        needs_transfer,
        figures: wire::QueueFigures {
            since: rfc3339(since),
            started: figures.started,
            accepted: figures.accepted,
            abandoned: figures.abandoned,
            timed_out: figures.timed_out,
            ended: figures.ended,
            median_accept_seconds: figures.median_accept_secs,
            median_handling_seconds: figures.median_handling_secs,
            rating: figures.rating.into(),
            per_agent,
        },
    }))
}
