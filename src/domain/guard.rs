//! Routing guards: a waiting session nobody accepts in time alerts the managers and is offered
//! again, louder; an accepted session whose agent does not comment in time alerts the agent, and
//! as long again later goes back to the queue. Each session has at most one pending guard, set in
//! the transaction that queues, accepts, transfers or closes it ([`change`]); the timer worker
//! fires it once it is due.

use super::directory::QueueSettings;
use super::roles::RoleSet;
use super::session::{Conversation, Decision, EntryKind, SessionState};
use super::{Timestamp, User, UserId};

/// Which guard is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardKind {
    /// Nobody accepted the session yet.
    Offer,
    /// Its agent has not commented since taking it.
    Reply,
    /// The agent was alerted; when due, the session goes back to the queue.
    ReplyReturn,
}

impl GuardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GuardKind::Offer => "offer",
            GuardKind::Reply => "reply",
            GuardKind::ReplyReturn => "reply_return",
        }
    }

    pub fn parse(text: &str) -> Option<GuardKind> {
        match text {
            "offer" => Some(GuardKind::Offer),
            "reply" => Some(GuardKind::Reply),
            "reply_return" => Some(GuardKind::ReplyReturn),
            _ => None,
        }
    }
}

/// A pending guard as stored (a fired offer guard is no longer pending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    pub kind: GuardKind,
    /// The agent a reply guard waits on.
    pub assignee: Option<UserId>,
    pub due: Timestamp,
    /// The queue's setting when the guard was set: it fires with this.
    pub seconds: u32,
}

/// What a decision on a session does to its guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardChange {
    Keep,
    /// It waits in the queue (again): the offer guard starts.
    Offer,
    /// This agent took it: the reply guard starts.
    Reply(UserId),
    /// Its agent commented: no reply guard any more.
    Replied,
    /// It closed.
    Clear,
}

/// The guard change of `decision`, taken on `conv`.
pub fn change(conv: &Conversation, decision: &Decision) -> GuardChange {
    let after = decision.assignee.as_ref().map(|a| a.id);
    let before = conv.assignee.as_ref().map(|a| a.id);
    match decision.state {
        SessionState::Closed if conv.state != SessionState::Closed => GuardChange::Clear,
        SessionState::Queued if conv.state != SessionState::Queued => GuardChange::Offer,
        SessionState::Active if conv.state != SessionState::Active || before != after => {
            after.map_or(GuardChange::Keep, GuardChange::Reply)
        }
        SessionState::Active
            if decision.entries.iter().any(|e| {
                e.kind == EntryKind::Comment
                    && e.event.is_none()
                    && e.author.as_ref().map(|a| a.id) == after
            }) =>
        {
            GuardChange::Replied
        }
        _ => GuardChange::Keep,
    }
}

/// The seconds a guard of `kind` waits in a queue with `settings` (0: off).
pub fn seconds(kind: GuardKind, settings: &QueueSettings) -> u32 {
    match kind {
        GuardKind::Offer => settings.offer_alert_secs,
        GuardKind::Reply | GuardKind::ReplyReturn => settings.reply_alert_secs,
    }
}

/// Which alert a fired guard raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    /// To managers and admins: nobody accepted a waiting session in time.
    Unaccepted,
    /// To the session's agent: no comment since taking it.
    NoReply,
    /// To managers and admins: the agent still did not comment; the session went back.
    ReturnedUnanswered,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Unaccepted => "unaccepted",
            AlertKind::NoReply => "no_reply",
            AlertKind::ReturnedUnanswered => "returned_unanswered",
        }
    }

    pub fn parse(text: &str) -> Option<AlertKind> {
        [
            AlertKind::Unaccepted,
            AlertKind::NoReply,
            AlertKind::ReturnedUnanswered,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// Whether what an alert of `kind` warns of still holds for `conv` (`agent`: the agent the
/// guard waited on): an unaccepted session still waits, an unanswered agent still holds it, a
/// session sent back still waits after coming back from them.
pub fn alert_holds(kind: AlertKind, conv: &Conversation, agent: Option<UserId>) -> bool {
    let held_by =
        |p: &Option<super::session::Person>| agent.is_some() && p.as_ref().map(|p| p.id) == agent;
    match kind {
        AlertKind::Unaccepted => conv.state == SessionState::Queued,
        AlertKind::NoReply => conv.state == SessionState::Active && held_by(&conv.assignee),
        AlertKind::ReturnedUnanswered => {
            conv.state == SessionState::Queued && held_by(&conv.returned_from)
        }
    }
}

/// Managers and admins oversee every queue: the live view, its updates and the managers'
/// alerts are theirs.
pub fn oversees_queues(user: &User) -> bool {
    !user.disabled && RoleSet::can_manage_queues(user.roles)
}

/// Whether `user` hears an alert of `kind` about `conv` (who may view it is checked besides).
pub fn hears_alert(kind: AlertKind, conv: &Conversation, user: &User) -> bool {
    match kind {
        AlertKind::NoReply => {
            !user.disabled && conv.assignee.as_ref().is_some_and(|a| a.id == user.id)
        }
        AlertKind::Unaccepted | AlertKind::ReturnedUnanswered => oversees_queues(user),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::session::{Event, NewEntry, Person};

    fn person(id: i64) -> Person {
        Person {
            id: UserId(id),
            display_name: format!("P{id}"),
        }
    }

    fn conv(state: SessionState, assignee: Option<i64>) -> Conversation {
        use crate::domain::session::ConversationKind;
        use crate::domain::{ConversationId, GroupId, QueueId};
        Conversation {
            id: ConversationId(1),
            kind: ConversationKind::Support,
            state,
            queue: Some(QueueId(1)),
            group: Some(GroupId(1)),
            customer: Some(person(1)),
            assignee: assignee.map(person),
            last_seq: 1,
            last_public_seq: 1,
            closed_reason: None,
            created_at: Timestamp(0),
            accepted_at: None,
            first_message: None,
            returned_from: None,
            returned_at: None,
            record: None,
            title: None,
            members: Vec::new(),
            invited: Vec::new(),
        }
    }

    fn decision(state: SessionState, assignee: Option<i64>, entries: Vec<NewEntry>) -> Decision {
        Decision {
            replay: None,
            entries,
            state,
            assignee: assignee.map(person),
            closed_reason: None,
            deadline: crate::domain::session::DeadlineChange::Keep,
        }
    }

    fn comment(author: i64) -> NewEntry {
        NewEntry {
            kind: EntryKind::Comment,
            author: Some(person(author)),
            body: "hi".into(),
            client_id: Some("c".into()),
            event: None,
            attachment: None,
        }
    }

    #[test]
    fn guards_follow_the_session() {
        use SessionState::{Active, Closed, Queued};
        // Accepted (the greeting is no reply): the reply guard starts for the agent.
        let greeting = NewEntry::system(Event::Accepted, "joined".into());
        assert_eq!(
            change(
                &conv(Queued, None),
                &decision(Active, Some(2), vec![greeting])
            ),
            GuardChange::Reply(UserId(2))
        );
        // Transferred: for the new agent.
        assert_eq!(
            change(&conv(Active, Some(2)), &decision(Active, Some(3), vec![])),
            GuardChange::Reply(UserId(3))
        );
        // The agent's comment answers it; the customer's or a colleague's does not.
        assert_eq!(
            change(
                &conv(Active, Some(2)),
                &decision(Active, Some(2), vec![comment(2)])
            ),
            GuardChange::Replied
        );
        for other in [1, 3] {
            assert_eq!(
                change(
                    &conv(Active, Some(2)),
                    &decision(Active, Some(2), vec![comment(other)])
                ),
                GuardChange::Keep
            );
        }
        // Back in the queue, and closed.
        assert_eq!(
            change(&conv(Active, Some(2)), &decision(Queued, None, vec![])),
            GuardChange::Offer
        );
        assert_eq!(
            change(&conv(Active, Some(2)), &decision(Closed, Some(2), vec![])),
            GuardChange::Clear
        );
        assert_eq!(
            change(&conv(Queued, None), &decision(Closed, None, vec![])),
            GuardChange::Clear
        );
        assert_eq!(
            change(&conv(Queued, None), &decision(Queued, None, vec![])),
            GuardChange::Keep
        );
    }
}
