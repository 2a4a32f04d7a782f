//! A queue's figures for the live view: how many sessions started, were accepted, abandoned,
//! timed out and ended since a time, the median times to accept and to handle, and the
//! satisfaction ratings, for the queue and per agent (the agent who held each session last).

use std::collections::{BTreeMap, HashMap};

use super::session::CloseReason;
use super::{ConversationId, Timestamp, UserId};

/// When a session started, was first accepted (a session taken again after it came back keeps
/// its first Accept) and closed, and who held it last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTimes {
    pub id: ConversationId,
    pub assignee: Option<UserId>,
    pub created: Timestamp,
    pub accepted: Option<Timestamp>,
    pub closed: Option<Timestamp>,
    pub reason: Option<CloseReason>,
}

/// Survey answers: how many, and their mean (none without any).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rating {
    pub count: u32,
    pub average: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentFigures {
    pub agent: UserId,
    pub accepted: u32,
    pub ended: u32,
    pub median_handling_secs: Option<u64>,
    pub rating: Rating,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub started: u32,
    pub accepted: u32,
    pub abandoned: u32,
    pub timed_out: u32,
    pub ended: u32,
    pub median_accept_secs: Option<u64>,
    pub median_handling_secs: Option<u64>,
    pub rating: Rating,
    /// By agent id.
    pub per_agent: Vec<AgentFigures>,
}

/// The median of whole seconds (of an even count, the mean of the middle two, rounded down).
pub fn median(mut values: Vec<u64>) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    })
}

fn rating(values: &[u8]) -> Rating {
    if values.is_empty() {
        return Rating::default();
    }
    let sum: u32 = values.iter().map(|v| u32::from(*v)).sum();
    let count = u32::try_from(values.len()).unwrap_or(u32::MAX);
    Rating {
        count,
        average: Some(f64::from(sum) / f64::from(count)),
    }
}

fn secs(from: Timestamp, to: Timestamp) -> u64 {
    from.until(to).as_secs()
}

/// The figures of `sessions` with their survey `ratings` (by session).
pub fn figures(sessions: &[SessionTimes], ratings: &HashMap<ConversationId, u8>) -> Figures {
    let mut f = Figures::default();
    let mut accept_times = Vec::new();
    let mut handling_times = Vec::new();
    let mut all_ratings = Vec::new();
    #[derive(Default)]
    struct Agent {
        accepted: u32,
        ended: u32,
        handling: Vec<u64>,
        ratings: Vec<u8>,
    }
    let mut agents: BTreeMap<i64, Agent> = BTreeMap::new();
    for s in sessions {
        f.started += 1;
        let agent = s
            .assignee
            .filter(|_| s.accepted.is_some())
            .map(|a| agents.entry(a.0).or_default());
        if let Some(accepted) = s.accepted {
            f.accepted += 1;
            accept_times.push(secs(s.created, accepted));
        }
        match s.reason {
            // Left before any agent joined (not one who left after a hand back).
            Some(CloseReason::Abandoned) if s.accepted.is_none() => f.abandoned += 1,
            Some(CloseReason::TimedOut) => f.timed_out += 1,
            _ => {}
        }
        let handled = match (s.accepted, s.closed) {
            (Some(accepted), Some(closed)) => Some(secs(accepted, closed)),
            _ => None,
        };
        if s.closed.is_some() {
            f.ended += 1;
        }
        if let Some(h) = handled {
            handling_times.push(h);
        }
        let rated = ratings.get(&s.id).copied();
        if let Some(r) = rated {
            all_ratings.push(r);
        }
        if let Some(agent) = agent {
            agent.accepted += 1;
            if s.closed.is_some() {
                agent.ended += 1;
            }
            agent.handling.extend(handled);
            agent.ratings.extend(rated);
        }
    }
    f.median_accept_secs = median(accept_times);
    f.median_handling_secs = median(handling_times);
    f.rating = rating(&all_ratings);
    f.per_agent = agents
        .into_iter()
        .map(|(id, a)| AgentFigures {
            agent: UserId(id),
            accepted: a.accepted,
            ended: a.ended,
            median_handling_secs: median(a.handling),
            rating: rating(&a.ratings),
        })
        .collect();
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp(secs * 1000)
    }

    fn session(
        id: i64,
        assignee: Option<i64>,
        created: i64,
        accepted: Option<i64>,
        closed: Option<(i64, CloseReason)>,
    ) -> SessionTimes {
        SessionTimes {
            id: ConversationId(id),
            assignee: assignee.map(UserId),
            created: at(created),
            accepted: accepted.map(at),
            closed: closed.map(|(t, _)| at(t)),
            reason: closed.map(|(_, r)| r),
        }
    }

    #[test]
    fn medians_take_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5]), Some(5));
        assert_eq!(median(vec![9, 1, 5]), Some(5));
        assert_eq!(median(vec![10, 1, 4, 30]), Some(7));
    }

    #[test]
    fn figures_count_each_outcome_and_credit_the_agent_who_held_it_last() {
        let sessions = [
            // Alice took it after 10 s, ended it 100 s later; rated 4.
            session(
                1,
                Some(2),
                0,
                Some(10),
                Some((110, CloseReason::EndedByAgent)),
            ),
            // Bob took it after 30 s, it timed out 200 s later; rated 2.
            session(2, Some(3), 0, Some(30), Some((230, CloseReason::TimedOut))),
            // The customer left before anyone took it.
            session(3, None, 0, None, Some((50, CloseReason::Abandoned))),
            // Waiting now.
            session(4, None, 100, None, None),
            // Alice holds it now (20 s to accept).
            session(5, Some(2), 100, Some(120), None),
            // Taken, handed back, and the customer left while waiting again: not abandoned.
            session(6, None, 200, Some(210), Some((300, CloseReason::Abandoned))),
        ];
        let ratings = HashMap::from([(ConversationId(1), 4), (ConversationId(2), 2)]);
        let f = figures(&sessions, &ratings);
        assert_eq!(
            (f.started, f.accepted, f.abandoned, f.timed_out, f.ended),
            (6, 4, 1, 1, 4)
        );
        assert_eq!(f.median_accept_secs, Some(15));
        assert_eq!(f.median_handling_secs, Some(100));
        assert_eq!(f.rating.count, 2);
        assert_eq!(f.rating.average, Some(3.0));
        assert_eq!(
            f.per_agent,
            vec![
                AgentFigures {
                    agent: UserId(2),
                    accepted: 2,
                    ended: 1,
                    median_handling_secs: Some(100),
                    rating: Rating {
                        count: 1,
                        average: Some(4.0)
                    },
                },
                AgentFigures {
                    agent: UserId(3),
                    accepted: 1,
                    ended: 1,
                    median_handling_secs: Some(200),
                    rating: Rating {
                        count: 1,
                        average: Some(2.0)
                    },
                },
            ]
        );
        assert_eq!(figures(&[], &HashMap::new()), Figures::default());
    }
}
