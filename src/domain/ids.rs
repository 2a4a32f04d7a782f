//! Identifier newtypes, so a user id can never be passed where a queue id is expected.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    };
}

id_type!(
    /// A user: customer, agent, manager or admin.
    UserId
);
id_type!(
    /// An assignment group such as `ITSD_chat`.
    GroupId
);
id_type!(
    /// A chat queue.
    QueueId
);
id_type!(
    /// An incident (its number, `INC0010001`, is what people read).
    IncidentId
);
id_type!(
    /// A conversation: a support session, a connect chat or a record's timeline.
    ConversationId
);
id_type!(
    /// A canned message.
    CannedId
);
id_type!(
    /// A knowledge article (its number, `KB0010001`, is what people read).
    ArticleId
);
id_type!(
    /// A file attached to an entry.
    AttachmentId
);
