//! The directory: users, assignment groups and chat queues, and the rules their fields obey.

use super::ids::{GroupId, QueueId, UserId};
use super::roles::RoleSet;
use super::time::Timestamp;

/// Why a directory change was refused. Each message is written for the person who made it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    #[error(
        "A username is 1 to {USERNAME_MAX} characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit."
    )]
    BadUsername,
    #[error(
        "A display name is 1 to {NAME_MAX} characters, not only spaces, without control characters."
    )]
    BadDisplayName,
    #[error("A password is {min} to {max} characters.", min = PASSWORD_MIN, max = PASSWORD_MAX)]
    BadPassword,
    #[error("A user needs at least one role.")]
    NoRoles,
    #[error("A name is 1 to {NAME_MAX} characters, not only spaces, without control characters.")]
    BadName,
    #[error("A greeting is at most {GREETING_MAX} characters.")]
    GreetingTooLong,
    #[error("{field} must be between {min} and {max} seconds.", min = TIMER_MIN_SECS, max = TIMER_MAX_SECS)]
    BadTimer { field: &'static str },
    #[error("`unsend_seconds` must be 0 to 3600.")]
    BadUnsendWindow,
    #[error("`max_sessions_per_agent` must be 0 (no limit) to 100.")]
    BadCapacity,
    #[error("{field} must be 0 (off) to {GUARD_MAX_SECS} seconds.")]
    BadGuard { field: &'static str },
}

/// Limits in characters, as sent (the OpenAPI document states them; surrounding spaces count).
pub const USERNAME_MAX: usize = 64;
pub const NAME_MAX: usize = 100;
pub const GREETING_MAX: usize = 1000;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 256;
pub const TIMER_MIN_SECS: u32 = 1;
pub const TIMER_MAX_SECS: u32 = 86_400;
pub const DEFAULT_WARNING_SECS: u32 = 120;
pub const DEFAULT_AUTO_CLOSE_SECS: u32 = 60;
/// How long the assignee of an active session may be offline before it goes back to the queue.
pub const DEFAULT_ASSIGNEE_GRACE_SECS: u32 = 60;
/// Routing guards: how long an offer may wait for an Accept, and an accepted session for its
/// agent's first comment, before the alerts (0: off; at most [`GUARD_MAX_SECS`]).
pub const DEFAULT_OFFER_ALERT_SECS: u32 = 60;
pub const DEFAULT_REPLY_ALERT_SECS: u32 = 120;
pub const GUARD_MAX_SECS: u32 = 3600;

/// A user as the rest of the system sees it (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub roles: RoleSet,
    /// Holds the ITIL role: may see work notes. Staff hold it implicitly.
    pub itil: bool,
    pub disabled: bool,
    pub created_at: Timestamp,
}

impl User {
    /// Whether this user sees work notes: staff always, anyone else with the ITIL role.
    pub fn has_itil(&self) -> bool {
        self.itil || self.roles.is_staff()
    }
}

/// A user about to be created, already validated (see [`NewUser::validate`]).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub roles: RoleSet,
    pub itil: bool,
}

impl NewUser {
    /// Checks the fields and normalises the username (trimmed, lowercase).
    pub fn validate(
        username: &str,
        display_name: &str,
        roles: RoleSet,
        itil: bool,
    ) -> Result<NewUser, DirectoryError> {
        Ok(NewUser {
            username: normalize_username(username)?,
            display_name: validate_display_name(display_name)?,
            roles: validate_roles(roles)?,
            itil,
        })
    }
}

/// Trims and lowercases a username and checks its characters.
pub fn normalize_username(raw: &str) -> Result<String, DirectoryError> {
    let name = raw.trim().to_lowercase();
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if first_ok && rest_ok && raw.chars().count() <= USERNAME_MAX {
        Ok(name)
    } else {
        Err(DirectoryError::BadUsername)
    }
}

pub fn validate_display_name(raw: &str) -> Result<String, DirectoryError> {
    validate_name(raw).map_err(|_| DirectoryError::BadDisplayName)
}

/// At most 100 characters as sent, no control characters (not even a tab or newline at an
/// end), not blank; stored trimmed.
pub fn validate_name(raw: &str) -> Result<String, DirectoryError> {
    let name = raw.trim();
    if name.is_empty() || raw.chars().count() > NAME_MAX || raw.chars().any(char::is_control) {
        Err(DirectoryError::BadName)
    } else {
        Ok(name.to_owned())
    }
}

pub fn validate_roles(roles: RoleSet) -> Result<RoleSet, DirectoryError> {
    if roles.is_empty() {
        Err(DirectoryError::NoRoles)
    } else {
        Ok(roles)
    }
}

/// The password policy for passwords set through the API.
pub fn validate_password(password: &str) -> Result<(), DirectoryError> {
    let n = password.chars().count();
    if (PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
        Ok(())
    } else {
        Err(DirectoryError::BadPassword)
    }
}

/// An assignment group; its members are the agents of the queues it is assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
}

/// The highest `max_sessions_per_agent` a queue may set.
pub const MAX_SESSIONS_PER_AGENT: u32 = 100;

/// The settings of a queue that a manager may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSettings {
    pub name: String,
    pub group: GroupId,
    pub greeting: String,
    /// Customer silence before the inactivity warning.
    pub inactivity_warning_secs: u32,
    /// Further silence after the warning before the session closes itself.
    pub auto_close_secs: u32,
    /// How long the assignee of an active session may be offline (no socket) before the
    /// session goes back to the front of the queue.
    pub assignee_grace_secs: u32,
    /// How long after sending staff may withdraw their own message (0: never); at most
    /// [`crate::domain::unsend::MAX_WINDOW_SECS`].
    pub unsend_secs: u32,
    /// The most sessions of this queue one agent holds at once (0: no limit); enforced by the
    /// database at Accept and Transfer.
    pub max_sessions_per_agent: u32,
    /// Whether the customer is asked to rate a session when it ends.
    pub survey: bool,
    /// Routing guard: a waiting session nobody accepts within this long alerts the managers
    /// and is offered again, louder (0: off).
    pub offer_alert_secs: u32,
    /// Routing guard: an agent who has not commented this long after taking a session is
    /// alerted; as long again, and it goes back to the queue (0: off).
    pub reply_alert_secs: u32,
}

impl QueueSettings {
    /// Checks every field; the queue's settings are only ever stored in this validated form.
    pub fn validate(self) -> Result<QueueSettings, DirectoryError> {
        if self.greeting.chars().count() > GREETING_MAX {
            return Err(DirectoryError::GreetingTooLong);
        }
        let greeting = self.greeting.trim().to_owned();
        for (field, secs) in [
            ("inactivity_warning_seconds", self.inactivity_warning_secs),
            ("auto_close_seconds", self.auto_close_secs),
            ("assignee_grace_seconds", self.assignee_grace_secs),
        ] {
            if !(TIMER_MIN_SECS..=TIMER_MAX_SECS).contains(&secs) {
                return Err(DirectoryError::BadTimer { field });
            }
        }
        if self.unsend_secs > crate::domain::unsend::MAX_WINDOW_SECS {
            return Err(DirectoryError::BadUnsendWindow);
        }
        if self.max_sessions_per_agent > MAX_SESSIONS_PER_AGENT {
            return Err(DirectoryError::BadCapacity);
        }
        for (field, secs) in [
            ("offer_alert_seconds", self.offer_alert_secs),
            ("reply_alert_seconds", self.reply_alert_secs),
        ] {
            if secs > GUARD_MAX_SECS {
                return Err(DirectoryError::BadGuard { field });
            }
        }
        Ok(QueueSettings {
            name: validate_name(&self.name)?,
            greeting,
            ..self
        })
    }
}

/// A queue to create: its settings, validated.
pub type NewQueue = QueueSettings;

/// A chat queue with the name of its assignment group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub id: QueueId,
    pub settings: QueueSettings,
    pub group_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::roles::Role;

    #[test]
    fn usernames_are_normalised_or_refused() {
        let cases: &[(&str, Option<&str>)] = &[
            ("alice", Some("alice")),
            ("  Alice ", Some("alice")),
            ("j.doe-2_x", Some("j.doe-2_x")),
            ("", None),
            ("-alice", None),
            ("al ice", None),
            ("ålice", None),
            (&"a".repeat(64), Some(&"a".repeat(64))),
            (&"a".repeat(65), None),
            (&format!(" {} ", "a".repeat(63)), None),
        ];
        for (raw, want) in cases {
            assert_eq!(
                normalize_username(raw).ok().as_deref(),
                *want,
                "username {raw:?}"
            );
        }
    }

    #[test]
    fn names_and_passwords_have_bounds() {
        assert!(validate_name("  ").is_err(), "blank name");
        assert!(validate_name("IT\u{0007}").is_err(), "control character");
        assert!(
            validate_name("IT chat\n").is_err(),
            "a newline, even at the end"
        );
        assert_eq!(validate_name(" ITSD_chat ").as_deref(), Ok("ITSD_chat"));
        assert!(validate_password("short").is_err(), "7 chars or fewer");
        assert!(validate_password("long enough").is_ok(), "8+ chars");
        assert!(validate_password(&"x".repeat(257)).is_err(), "over 256");
        let padded = format!(" {} ", "x".repeat(NAME_MAX));
        assert!(
            validate_name(&padded).is_err(),
            "the limit counts surrounding spaces, as the API document states it"
        );
    }

    #[test]
    fn a_user_needs_a_role() {
        let err = NewUser::validate("x", "X", RoleSet::default(), false).unwrap_err();
        assert_eq!(err, DirectoryError::NoRoles);
        let ok = NewUser::validate("X", "X", RoleSet::of(&[Role::Customer]), true).unwrap();
        assert_eq!(ok.username, "x");
    }

    #[test]
    fn queue_timers_are_bounded() {
        let base = QueueSettings {
            name: "IT Service Desk".into(),
            group: GroupId(1),
            greeting: " Hi ".into(),
            inactivity_warning_secs: DEFAULT_WARNING_SECS,
            auto_close_secs: DEFAULT_AUTO_CLOSE_SECS,
            assignee_grace_secs: DEFAULT_ASSIGNEE_GRACE_SECS,
            unsend_secs: 120,
            max_sessions_per_agent: 0,
            survey: true,
            offer_alert_secs: 60,
            reply_alert_secs: 120,
        };
        assert_eq!(base.clone().validate().unwrap().greeting, "Hi");
        let cases = [
            (0, 60, false),
            (1, 1, true),
            (86_400, 86_400, true),
            (120, 86_401, false),
        ];
        for (warn, close, ok) in cases {
            let s = QueueSettings {
                inactivity_warning_secs: warn,
                auto_close_secs: close,
                ..base.clone()
            };
            assert_eq!(s.validate().is_ok(), ok, "warning {warn}, close {close}");
        }
        for (grace, ok) in [(0, false), (1, true), (86_400, true), (86_401, false)] {
            let s = QueueSettings {
                assignee_grace_secs: grace,
                ..base.clone()
            };
            assert_eq!(s.validate().is_ok(), ok, "grace {grace}");
        }
    }

    #[test]
    fn staff_hold_itil_implicitly() {
        let mut u = User {
            id: UserId(1),
            username: "carol".into(),
            display_name: "Carol".into(),
            roles: RoleSet::of(&[Role::Customer]),
            itil: false,
            disabled: false,
            created_at: Timestamp(0),
        };
        assert!(!u.has_itil());
        u.itil = true;
        assert!(u.has_itil());
        u.itil = false;
        u.roles = RoleSet::of(&[Role::Agent]);
        assert!(u.has_itil());
    }
}
