//! The audit log: what each change made through the console and the admin API records, built
//! here once for both backends. Each backend writes the record in the transaction of the change
//! itself (no change without its entry, no entry without its change), and the database refuses
//! to change or delete an entry (the migrations' triggers).
//!
//! `before` and `after` hold the fields as the API shows them (the wire types), an update only
//! the fields that changed; a password set shows as `"password": "set"`, never the password or
//! its hash.

use serde_json::{Map, Value};

use crate::domain::canned::Canned;
use crate::domain::session::Person;
use crate::domain::{CannedId, Group, Queue, QueueId, Timestamp, User, UserId};
use crate::wire;

/// Who makes a change, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audit {
    pub actor: UserId,
    pub at: Timestamp,
}

/// What was changed: the action, its target and the fields before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub action: &'static str,
    pub target_kind: &'static str,
    pub target_id: i64,
    pub target_name: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Every action the log knows (the migrations' CHECK lists the same).
pub const ACTIONS: [&str; 11] = [
    "user.create",
    "user.update",
    "group.create",
    "group.add_member",
    "group.remove_member",
    "queue.create",
    "queue.update",
    "canned.create",
    "canned.update",
    "canned.delete",
    "canned.reorder",
];

/// Every kind of target.
pub const TARGET_KINDS: [&str; 4] = ["user", "group", "queue", "canned"];

/// An entry as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: Person,
    pub action: String,
    pub target_kind: String,
    pub target_id: i64,
    pub target_name: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Which entries to read, newest first; every filter optional.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub actor: Option<UserId>,
    pub action: Option<&'static str>,
    pub target_kind: Option<&'static str>,
    pub target: Option<i64>,
    /// Included.
    pub from: Option<Timestamp>,
    /// Excluded.
    pub to: Option<Timestamp>,
    /// Entries with a smaller id (the next page).
    pub before: Option<i64>,
    pub limit: i64,
}

fn object<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The fields of `before` and `after` that differ, as a pair of objects; none if nothing did.
fn changed(before: Value, after: Value) -> Option<(Value, Value)> {
    let (Value::Object(before), Value::Object(after)) = (before, after) else {
        return None;
    };
    let mut old = Map::new();
    let mut new = Map::new();
    for (key, value) in after {
        let previous = before.get(&key).cloned().unwrap_or(Value::Null);
        if previous != value {
            old.insert(key.clone(), previous);
            new.insert(key, value);
        }
    }
    (!new.is_empty()).then_some((Value::Object(old), Value::Object(new)))
}

pub fn user_created(user: &User) -> Record {
    Record {
        action: "user.create",
        target_kind: "user",
        target_id: user.id.0,
        target_name: user.username.clone(),
        before: None,
        after: Some(object(&wire::AdminUser::from(user))),
    }
}

/// A user changed (`password_set`: a new password was set); none if nothing changed.
pub fn user_updated(before: &User, after: &User, password_set: bool) -> Option<Record> {
    let (mut old, mut new) = changed(
        object(&wire::AdminUser::from(before)),
        object(&wire::AdminUser::from(after)),
    )
    .unwrap_or_else(|| (Value::Object(Map::new()), Value::Object(Map::new())));
    if password_set && let (Value::Object(old), Value::Object(new)) = (&mut old, &mut new) {
        old.insert("password".into(), Value::Null);
        new.insert("password".into(), Value::String("set".into()));
    }
    if old.as_object().is_some_and(Map::is_empty) {
        return None;
    }
    Some(Record {
        action: "user.update",
        target_kind: "user",
        target_id: after.id.0,
        target_name: after.username.clone(),
        before: Some(old),
        after: Some(new),
    })
}

pub fn group_created(group: &Group) -> Record {
    Record {
        action: "group.create",
        target_kind: "group",
        target_id: group.id.0,
        target_name: group.name.clone(),
        before: None,
        after: Some(serde_json::json!({ "name": group.name })),
    }
}

/// `member` joined (`added`) or left `group`.
pub fn membership(group: &Group, member: &Person, added: bool) -> Record {
    let who = Some(serde_json::json!({ "member": wire::user_ref(member) }));
    Record {
        action: if added {
            "group.add_member"
        } else {
            "group.remove_member"
        },
        target_kind: "group",
        target_id: group.id.0,
        target_name: group.name.clone(),
        before: if added { None } else { who.clone() },
        after: if added { who } else { None },
    }
}

pub fn queue_created(queue: &Queue) -> Record {
    Record {
        action: "queue.create",
        target_kind: "queue",
        target_id: queue.id.0,
        target_name: queue.settings.name.clone(),
        before: None,
        after: Some(object(&wire::Queue::from(queue))),
    }
}

/// A queue's settings changed; none if nothing did.
pub fn queue_updated(before: &Queue, after: &Queue) -> Option<Record> {
    let (old, new) = changed(
        object(&wire::Queue::from(before)),
        object(&wire::Queue::from(after)),
    )?;
    Some(Record {
        action: "queue.update",
        target_kind: "queue",
        target_id: after.id.0,
        target_name: after.settings.name.clone(),
        before: Some(old),
        after: Some(new),
    })
}

pub fn canned_created(canned: &Canned) -> Record {
    Record {
        action: "canned.create",
        target_kind: "canned",
        target_id: canned.id.0,
        target_name: canned.title.clone(),
        before: None,
        after: Some(object(&wire::Canned::from(canned))),
    }
}

/// A canned message changed; none if nothing did.
pub fn canned_updated(before: &Canned, after: &Canned) -> Option<Record> {
    let (old, new) = changed(
        object(&wire::Canned::from(before)),
        object(&wire::Canned::from(after)),
    )?;
    Some(Record {
        action: "canned.update",
        target_kind: "canned",
        target_id: after.id.0,
        target_name: after.title.clone(),
        before: Some(old),
        after: Some(new),
    })
}

pub fn canned_deleted(canned: &Canned) -> Record {
    Record {
        action: "canned.delete",
        target_kind: "canned",
        target_id: canned.id.0,
        target_name: canned.title.clone(),
        before: Some(object(&wire::Canned::from(canned))),
        after: None,
    }
}

/// The canned messages of a queue were put in a new order (the target is the queue).
pub fn canned_reordered(
    queue: QueueId,
    queue_name: &str,
    before: &[CannedId],
    after: &[CannedId],
) -> Option<Record> {
    let ids = |list: &[CannedId]| serde_json::json!({ "order": list.iter().map(ToString::to_string).collect::<Vec<_>>() });
    (before != after).then(|| Record {
        action: "canned.reorder",
        target_kind: "queue",
        target_id: queue.0,
        target_name: queue_name.to_owned(),
        before: Some(ids(before)),
        after: Some(ids(after)),
    })
}

/// A row of the audit log as both backends read it: id, at, actor id, actor name, action,
/// target kind, target id, target name, before, after.
pub(super) type EntryRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
);

/// The columns of an [`EntryRow`], in its order (`a`: the log, `u`: the actor).
pub(super) const ENTRY_COLUMNS: &str = "a.id, a.at, a.actor_id, u.display_name, a.action, \
    a.target_kind, a.target_id, a.target_name, a.before, a.after";

impl From<EntryRow> for Entry {
    fn from(
        (id, at, actor, name, action, target_kind, target_id, target_name, before, after): EntryRow,
    ) -> Entry {
        Entry {
            id,
            at: Timestamp(at),
            actor: Person {
                id: UserId(actor),
                display_name: name,
            },
            action,
            target_kind,
            target_id,
            target_name,
            before: parse(before),
            after: parse(after),
        }
    }
}

/// Text for a JSON column.
pub(super) fn text(value: Option<&Value>) -> Option<String> {
    value.map(Value::to_string)
}

/// A JSON column read back (a value that does not parse is kept as a string).
pub(super) fn parse(text: Option<String>) -> Option<Value> {
    text.map(|t| serde_json::from_str(&t).unwrap_or(Value::String(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, RoleSet};

    fn user(roles: &[Role], itil: bool) -> User {
        User {
            id: UserId(7),
            username: "bob".into(),
            display_name: "Bob Agent".into(),
            roles: RoleSet::of(roles),
            itil,
            disabled: false,
            created_at: Timestamp(0),
        }
    }

    #[test]
    fn an_update_records_only_what_changed_and_never_a_password() {
        let before = user(&[Role::Agent], false);
        let after = user(&[Role::Agent, Role::Manager], false);
        let record = user_updated(&before, &after, true).expect("a change");
        assert_eq!(
            record.before,
            Some(serde_json::json!({"roles": ["agent"], "password": null}))
        );
        assert_eq!(
            record.after,
            Some(serde_json::json!({"roles": ["manager", "agent"], "password": "set"}))
        );
        assert!(user_updated(&before, &before, false).is_none());
        let only_password = user_updated(&before, &before, true).expect("a password set");
        assert_eq!(
            only_password.after,
            Some(serde_json::json!({"password": "set"}))
        );
    }
}
