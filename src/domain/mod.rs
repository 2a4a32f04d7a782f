//! The pure core of Switchboard: ids, roles, the directory's rules, sign-in throttling, the
//! client address behind trusted proxies, the support-session state machine and visibility,
//! canned messages, incidents, knowledge articles, and time as data. Nothing here does I/O, knows serde or SQL; every
//! function is deterministic given its arguments (time is passed in, never read).

pub mod address;
pub mod attachment;
pub mod canned;
pub mod chat;
pub mod directory;
pub mod figures;
pub mod guard;
pub mod ids;
pub mod incident;
pub mod kb;
pub mod roles;
pub mod session;
pub mod signin;
pub mod survey;
pub mod time;
pub mod transcript;
pub mod unsend;

pub use directory::{DirectoryError, Group, NewQueue, NewUser, Queue, QueueSettings, User};
pub use ids::{
    ArticleId, AttachmentId, CannedId, ConversationId, GroupId, IncidentId, QueueId, UserId,
};
pub use roles::{Role, RoleSet};
pub use time::Timestamp;
