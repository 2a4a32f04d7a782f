//! What both backends share about Connect Chat: how someone is brought into a conversation (a
//! member of a group chat, or a colleague invited into a support session), and the entries that
//! tell it. The transactions themselves are in each backend's `chats.rs`.

use crate::domain::User;
use crate::domain::chat;
use crate::domain::incident::FieldError;
use crate::domain::session::{Conversation, EntryKind, Event, NewEntry, Person, Refusal};

/// An entry by `actor`.
pub(super) fn line(actor: &User, kind: EntryKind, event: Option<Event>, body: String) -> NewEntry {
    NewEntry {
        kind,
        author: Some(Person::from(actor)),
        body,
        client_id: None,
        event,
        attachment: None,
    }
}

/// How someone comes into a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admission {
    /// Added to a group chat by a member.
    Member,
    /// Invited into a support session to help.
    Invited,
}

impl Admission {
    /// Their role in `conversation_members`.
    pub(super) fn role(self) -> &'static str {
        match self {
            Admission::Member => "member",
            Admission::Invited => "invited",
        }
    }

    /// Whether `actor` may bring `colleague` into `conv`: `Ok(false)` when they are in already.
    pub(super) fn check(
        self,
        conv: &Conversation,
        actor: &User,
        colleague: &User,
    ) -> Result<bool, Refusal> {
        match self {
            Admission::Member => chat::check_add(conv, actor, colleague),
            Admission::Invited => chat::check_invite(conv, actor, colleague),
        }
    }

    /// The entry that tells it: a line everyone in the chat reads, or a work note (the
    /// customer without ITIL learns nothing of an invitation).
    pub(super) fn entry(self, actor: &User, colleague: &User) -> NewEntry {
        match self {
            Admission::Member => line(
                actor,
                EntryKind::System,
                Some(Event::MemberAdded),
                chat::added_line(actor, colleague),
            ),
            Admission::Invited => line(
                actor,
                EntryKind::WorkNote,
                None,
                chat::invited_note(actor, colleague),
            ),
        }
    }

    /// The refusal for a colleague who does not exist.
    pub(super) fn no_such_user(self) -> Refusal {
        let field = match self {
            Admission::Member => "members",
            Admission::Invited => "user",
        };
        Refusal::Field(FieldError {
            field,
            message: "No such user.".into(),
        })
    }
}
