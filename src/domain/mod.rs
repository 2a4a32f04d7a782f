//! The pure core of Switchboard: ids, roles, the directory's rules, sign-in throttling and time
//! as data. Nothing here does I/O, knows serde or SQL; every function is deterministic given
//! its arguments (time is passed in, never read).

pub mod directory;
pub mod ids;
pub mod roles;
pub mod signin;
pub mod time;

pub use directory::{DirectoryError, Group, NewQueue, NewUser, Queue, QueueSettings, User};
pub use ids::{GroupId, QueueId, UserId};
pub use roles::{Role, RoleSet};
pub use time::Timestamp;
