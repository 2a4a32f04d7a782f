//! What a command on a session is decided on, read by each backend inside the command's
//! transaction, and the decision taken on it: the same for both backends (only how the facts
//! are read and the decision stored differs).

use crate::domain::session::{
    self, Absence, Command, Conversation, Deadline, DeadlineChange, Decision, Entry, Facts,
    Refusal, Viewer,
};
use crate::domain::{QueueSettings, Timestamp, User, UserId};

use super::{Act, CommandError};

/// What a command on a session is decided on, read inside its transaction.
pub(super) struct SessionFacts {
    pub conv: Conversation,
    pub queue: QueueSettings,
    pub pending: Option<Deadline>,
    /// The acting user as stored now (not as their request found them), and whether they are
    /// a member of the queue's group.
    pub actor: Option<(User, bool)>,
    /// For a post: what this actor already stored under the same client id.
    pub sent_before: Option<Entry>,
    /// For a post with `seen`: the messages by others the actor may see after it.
    pub newer: i64,
}

/// What a timer fired: its row is deleted in the transaction that stores what it produced.
#[derive(Debug, Clone, Copy)]
pub(super) enum Fired {
    Inactivity(Deadline),
    Absence(Absence),
    Guard(crate::domain::guard::Guard),
}

impl SessionFacts {
    /// The facts as the domain reads them at `now`.
    pub fn domain(&self, now: Timestamp) -> Facts<'_> {
        Facts {
            conv: &self.conv,
            queue: &self.queue,
            pending: self.pending,
            sent_before: self.sent_before.as_ref(),
            newer: self.newer,
            now,
        }
    }

    /// The domain's decision on `act`, and what it fires. `to_in_group` is whether the target
    /// of a Transfer is a member of the queue's group, read in the same transaction (membership
    /// is never trusted from the caller); see [`transfer_target`].
    pub fn decide(
        &self,
        act: &Act,
        to_in_group: bool,
        now: Timestamp,
    ) -> Result<(Decision, Option<Fired>), CommandError> {
        let facts = self.domain(now);
        let (mut decision, fired) = match (act, &self.actor) {
            (Act::Unanswered(guard), _) => (
                session::fire_unanswered(&facts, *guard)?,
                Some(Fired::Guard(*guard)),
            ),
            (Act::Absent(absence), _) => (
                session::fire_absence(&facts, *absence)?,
                Some(Fired::Absence(*absence)),
            ),
            (Act::Timer(deadline), _) => (
                session::fire(&facts, *deadline)?,
                Some(Fired::Inactivity(*deadline)),
            ),
            (Act::User(_, command), Some((user, member))) => {
                let command = match command.clone() {
                    Command::Transfer {
                        to,
                        to_online,
                        note,
                        ..
                    } => Command::Transfer {
                        to,
                        to_in_group,
                        to_online,
                        note,
                    },
                    other => other,
                };
                let viewer = Viewer::new(user, *member);
                (session::decide(&facts, &viewer, command)?, None)
            }
            (Act::User(..), None) => return Err(Refusal::NotFound.into()),
        };
        // No deadline was read (and one is only ever set under the session's lock, which this
        // transaction holds): there is nothing to clear, and no statement to run for it.
        if self.pending.is_none() && decision.deadline == DeadlineChange::Clear {
            decision.deadline = DeadlineChange::Keep;
        }
        Ok((decision, fired))
    }
}

/// The user a Transfer in `act` is to, whose membership the backend reads before deciding.
pub(super) fn transfer_target(act: &Act) -> Option<UserId> {
    match act {
        Act::User(_, Command::Transfer { to, .. }) => Some(to.id),
        _ => None,
    }
}

/// The user and command of `act`, as the backends read the facts for them.
pub(super) fn actor_of(act: &Act) -> (Option<&User>, Option<&Command>) {
    match act {
        Act::User(user, command) => (Some(user), Some(command)),
        Act::Timer(_) | Act::Absent(_) | Act::Unanswered(_) => (None, None),
    }
}
