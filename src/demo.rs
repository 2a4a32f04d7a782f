//! Demo data: the IT Service Desk queue with six canned messages, its group `ITSD_chat`,
//! a dozen published knowledge articles,
//! agents, a manager, an admin and two customers, each with the password equal to the username.
//! Loaded only into an empty database.

use crate::credentials;
use crate::demo_articles::DEMO_ARTICLES;
use crate::domain::directory::{
    DEFAULT_ASSIGNEE_GRACE_SECS, DEFAULT_AUTO_CLOSE_SECS, DEFAULT_WARNING_SECS,
};
use crate::domain::kb::{ArticleFields, ArticleState};
use crate::domain::{GroupId, NewUser, QueueSettings, Role, RoleSet, Timestamp};
use crate::storage::{Db, DirectorySeed, StorageError};

/// The demo sign-ins as `(username, display name, roles, ITIL)`.
pub const DEMO_USERS: [(&str, &str, &[Role], bool); 6] = [
    ("alice", "Alice Agent", &[Role::Agent], false),
    ("bob", "Bob Agent", &[Role::Agent], false),
    ("dana", "Dana Manager", &[Role::Manager, Role::Agent], false),
    ("admin", "Admin", &[Role::Admin], false),
    ("carol", "Carol Customer", &[Role::Customer], false),
    ("ivan", "Ivan Customer", &[Role::Customer], true),
];

pub const DEMO_GROUP: &str = "ITSD_chat";
pub const DEMO_QUEUE: &str = "IT Service Desk";

/// The demo queue's canned messages as (title, body).
pub const DEMO_CANNED: [(&str, &str); 6] = [
    (
        "Greeting",
        "Hi {customer.first_name}, this is {agent.first_name} from the {queue.name}. How can I help you today?",
    ),
    (
        "Asset tag",
        "Could you tell me the asset tag of your device? It is on a sticker on the bottom or back, starting with \"IT-\".",
    ),
    (
        "Let me check",
        "Thanks, {customer.first_name}. Let me check that for you; this may take a minute or two.",
    ),
    (
        "Escalation",
        "I am passing this to a specialist team. You will get an incident number so you can follow it.",
    ),
    (
        "Closing",
        "Is there anything else I can help you with, {customer.first_name}? If not, have a good day!",
    ),
    (
        "Still there?",
        "Are you still there, {customer.first_name}? I will close this chat soon if I don't hear back.",
    ),
];

/// The demo Knowledge Base, published, written by the demo manager.
pub fn demo_articles() -> Vec<(String, ArticleFields)> {
    DEMO_ARTICLES
        .iter()
        .map(|a| {
            let fields = ArticleFields {
                title: a.title.into(),
                body: a.body.into(),
                category: a.category.into(),
                state: ArticleState::Published,
            };
            ("dana".to_owned(), fields)
        })
        .collect()
}

/// Loads the demo data if the database is empty; returns whether it did.
pub async fn load_if_empty(db: &Db, now: Timestamp) -> Result<bool, StorageError> {
    if db.count_users().await? > 0 {
        return Ok(false);
    }
    let hashes = tokio::task::spawn_blocking(|| {
        DEMO_USERS.map(|(name, ..)| credentials::hash_password(name).unwrap_or_default())
    })
    .await
    .unwrap_or_default();
    let users = DEMO_USERS
        .iter()
        .zip(hashes)
        .map(|((username, display_name, roles, itil), hash)| {
            let user = NewUser {
                username: (*username).into(),
                display_name: (*display_name).into(),
                roles: RoleSet::of(roles),
                itil: *itil,
            };
            (user, hash)
        })
        .collect();
    let queue = QueueSettings {
        name: DEMO_QUEUE.into(),
        group: GroupId(0),
        greeting: "Hi, thanks for contacting the IT Service Desk. How can I help you today?".into(),
        inactivity_warning_secs: DEFAULT_WARNING_SECS,
        auto_close_secs: DEFAULT_AUTO_CLOSE_SECS,
        assignee_grace_secs: DEFAULT_ASSIGNEE_GRACE_SECS,
        unsend_secs: crate::domain::unsend::DEFAULT_WINDOW_SECS,
        max_sessions_per_agent: 0,
        survey: true,
        offer_alert_secs: crate::domain::directory::DEFAULT_OFFER_ALERT_SECS,
        reply_alert_secs: crate::domain::directory::DEFAULT_REPLY_ALERT_SECS,
    };
    let seed = DirectorySeed {
        users,
        groups: vec![(
            DEMO_GROUP.into(),
            vec!["alice".into(), "bob".into(), "dana".into()],
        )],
        queues: vec![(queue, DEMO_GROUP.into())],
        canned: DEMO_CANNED
            .iter()
            .map(|(t, b)| (DEMO_QUEUE.into(), (*t).into(), (*b).into()))
            .collect(),
        articles: demo_articles(),
    };
    db.seed_if_empty(&seed, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_articles_keep_the_rules() {
        for (_, mut fields) in demo_articles() {
            let title = fields.title.clone();
            crate::domain::kb::check_fields(&mut fields).unwrap();
            assert_eq!(fields.title, title, "titles are stored as written");
        }
    }

    #[test]
    fn demo_canned_messages_use_only_known_placeholders() {
        for (title, body) in DEMO_CANNED {
            assert!(
                crate::domain::canned::validate(title, body).is_ok(),
                "{title}"
            );
        }
    }
}
