//! Connect Chat: conversations between colleagues (one to one, or a named group) and a
//! colleague invited into a support session to help. Who may start, join, leave, post and
//! invite is decided here; who may see a chat or a session is [`super::session::can_view`]'s
//! (which reads a conversation's members and invited colleagues). Customers are never in a
//! chat: every member is checked to be enabled staff in the transaction that adds them.

use super::directory::User;
use super::ids::UserId;
use super::incident::FieldError;
use super::session::{Conversation, ConversationKind, PostKind, Refusal, SessionState};

/// The longest group chat title, in characters.
pub const TITLE_MAX: usize = 100;
/// The most people in a group chat (its creator included).
pub const MEMBERS_MAX: usize = 50;

/// Who may chat with colleagues, and be a member of a chat or invited into a session:
/// enabled staff.
pub fn may_chat(user: &User) -> bool {
    !user.disabled && user.roles.is_staff()
}

fn members_error(message: impl Into<String>) -> Refusal {
    Refusal::Field(FieldError {
        field: "members",
        message: message.into(),
    })
}

/// A chat as it will be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChat {
    /// None: a direct chat.
    pub title: Option<String>,
    /// Everyone in it, the creator first.
    pub members: Vec<UserId>,
    /// For a direct chat: the key that makes it the only one of the two.
    pub direct_key: Option<String>,
}

/// The key of the direct chat of `a` and `b` (the same either way round).
pub fn direct_key(a: UserId, b: UserId) -> String {
    let (lo, hi) = if a.0 <= b.0 { (a, b) } else { (b, a) };
    format!("{lo}:{hi}")
}

/// Checks a new chat of `actor` with `others` (as stored; `None` for an id that names
/// nobody) and an optional `title`: without a title and with one other, the direct chat of
/// the two; with a title, a named group.
pub fn check_new(
    actor: &User,
    others: &[(UserId, Option<User>)],
    title: Option<String>,
) -> Result<NewChat, Refusal> {
    if !may_chat(actor) {
        return Err(Refusal::Forbidden(
            "Only service desk staff chat with colleagues.",
        ));
    }
    let mut members = vec![actor.id];
    for (id, user) in others {
        match user {
            Some(user) if may_chat(user) => {
                if !members.contains(&user.id) {
                    members.push(user.id);
                }
            }
            Some(user) => {
                return Err(members_error(format!(
                    "{} is not a colleague on the service desk.",
                    user.display_name
                )));
            }
            None => return Err(members_error(format!("No such user: {id}."))),
        }
    }
    if members.len() < 2 {
        return Err(members_error("Choose at least one colleague."));
    }
    if members.len() > MEMBERS_MAX {
        return Err(members_error(format!(
            "A group chat has at most {MEMBERS_MAX} people."
        )));
    }
    match title {
        None if members.len() == 2 => Ok(NewChat {
            title: None,
            direct_key: Some(direct_key(members[0], members[1])),
            members,
        }),
        None => Err(Refusal::Field(FieldError {
            field: "title",
            message: "Name a group chat of more than two.".into(),
        })),
        Some(title) => Ok(NewChat {
            title: Some(check_title(&title)?),
            members,
            direct_key: None,
        }),
    }
}

/// A group chat's title, trimmed.
pub fn check_title(title: &str) -> Result<String, Refusal> {
    let refused = |message: String| {
        Refusal::Field(FieldError {
            field: "title",
            message,
        })
    };
    if title.chars().count() > TITLE_MAX {
        return Err(refused(format!(
            "A chat's name is at most {TITLE_MAX} characters."
        )));
    }
    let title = title.trim();
    if title.is_empty() {
        return Err(refused("Name the group chat.".into()));
    }
    Ok(title.to_owned())
}

fn is_member(conv: &Conversation, user: UserId) -> bool {
    conv.members.iter().any(|m| m.id == user)
}

/// Whether `actor`, a member of group chat `conv`, may add `colleague` (as stored). `Ok(false)`:
/// they are in it already.
pub fn check_add(conv: &Conversation, actor: &User, colleague: &User) -> Result<bool, Refusal> {
    if conv.kind != ConversationKind::Chat || !may_chat(actor) || !is_member(conv, actor.id) {
        return Err(Refusal::NotFound);
    }
    if conv.title.is_none() {
        return Err(members_error(
            "A direct chat is for two: start a group chat to talk with more.",
        ));
    }
    if !may_chat(colleague) {
        return Err(members_error(format!(
            "{} is not a colleague on the service desk.",
            colleague.display_name
        )));
    }
    if is_member(conv, colleague.id) {
        return Ok(false);
    }
    if conv.members.len() >= MEMBERS_MAX {
        return Err(members_error(format!(
            "A group chat has at most {MEMBERS_MAX} people."
        )));
    }
    Ok(true)
}

/// Whether `actor` may leave chat `conv`: a member of a group chat.
pub fn check_leave(conv: &Conversation, actor: &User) -> Result<(), Refusal> {
    if conv.kind != ConversationKind::Chat || !is_member(conv, actor.id) {
        return Err(Refusal::NotFound);
    }
    if conv.title.is_none() {
        return Err(members_error("A direct chat cannot be left."));
    }
    Ok(())
}

/// Whether `actor` may post `kind` in chat `conv`: its members (staff), messages only.
pub fn check_post(conv: &Conversation, actor: &User, kind: PostKind) -> Result<(), Refusal> {
    if conv.kind != ConversationKind::Chat || !may_chat(actor) || !is_member(conv, actor.id) {
        return Err(Refusal::NotFound);
    }
    if kind == PostKind::WorkNote {
        return Err(Refusal::Field(FieldError {
            field: "kind",
            message: "A chat between colleagues has no work notes: send a comment.".into(),
        }));
    }
    Ok(())
}

/// Whether `actor` may invite `colleague` (as stored) into support session `conv`: the
/// assignee of an active session, or a manager. `Ok(false)`: invited already.
pub fn check_invite(conv: &Conversation, actor: &User, colleague: &User) -> Result<bool, Refusal> {
    if conv.kind != ConversationKind::Support {
        return Err(Refusal::NotFound);
    }
    let assignee = conv.assignee.as_ref().is_some_and(|a| a.id == actor.id);
    if !may_chat(actor) || !(assignee || actor.roles.can_manage_queues()) {
        return Err(Refusal::Forbidden(
            "Only the assigned agent or a manager invites a colleague.",
        ));
    }
    match conv.state {
        SessionState::Active => {}
        SessionState::Closed => return Err(Refusal::SessionClosed),
        SessionState::Queued => return Err(Refusal::NotActive),
    }
    let refused = |message: String| {
        Refusal::Field(FieldError {
            field: "user",
            message,
        })
    };
    if !may_chat(colleague) {
        return Err(refused(format!(
            "{} is not a colleague on the service desk.",
            colleague.display_name
        )));
    }
    if conv.assignee.as_ref().is_some_and(|a| a.id == colleague.id) {
        return Err(refused(format!(
            "{} has the session already.",
            colleague.display_name
        )));
    }
    Ok(!conv.invited.iter().any(|p| p.id == colleague.id))
}

/// The work note that tells the session's staff who was invited.
pub fn invited_note(actor: &User, colleague: &User) -> String {
    format!(
        "{} invited {} to help.",
        actor.display_name, colleague.display_name
    )
}

/// The first line of a new chat: who started it, with whom.
pub fn started_line(actor: &User, others: &[&User], title: Option<&str>) -> String {
    let names: Vec<&str> = others.iter().map(|u| u.display_name.as_str()).collect();
    match title {
        Some(title) => format!(
            "{} created {title} with {}.",
            actor.display_name,
            names.join(", ")
        ),
        None => format!(
            "{} started a chat with {}.",
            actor.display_name,
            names.join(", ")
        ),
    }
}

/// The line of a colleague added to a group chat.
pub fn added_line(actor: &User, colleague: &User) -> String {
    format!("{} added {}.", actor.display_name, colleague.display_name)
}

/// The line of a member who left a group chat.
pub fn left_line(actor: &User) -> String {
    format!("{} left the chat.", actor.display_name)
}

/// Whether a session's invitations end when it goes from `before` to `state` with `assignee`:
/// when it closes, is transferred, or goes back to the queue.
pub fn invitations_end(
    before: &Conversation,
    state: SessionState,
    assignee: Option<UserId>,
) -> bool {
    before.kind == ConversationKind::Support
        && !before.invited.is_empty()
        && (state != SessionState::Active || assignee != before.assignee.as_ref().map(|a| a.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::session::Person;
    use crate::domain::{ConversationId, Role, RoleSet, Timestamp};

    fn user(id: i64, roles: &[Role]) -> User {
        User {
            id: UserId(id),
            username: format!("u{id}"),
            display_name: format!("User {id}"),
            roles: RoleSet::of(roles),
            itil: false,
            disabled: false,
            created_at: Timestamp(0),
        }
    }

    fn person(u: &User) -> Person {
        Person::from(u)
    }

    fn chat(title: Option<&str>, members: &[&User]) -> Conversation {
        Conversation {
            id: ConversationId(1),
            kind: ConversationKind::Chat,
            state: SessionState::Active,
            queue: None,
            group: None,
            customer: None,
            assignee: None,
            last_seq: 0,
            last_public_seq: 0,
            closed_reason: None,
            created_at: Timestamp(0),
            accepted_at: None,
            first_message: None,
            returned_from: None,
            returned_at: None,
            record: None,
            title: title.map(str::to_owned),
            members: members.iter().map(|u| person(u)).collect(),
            invited: Vec::new(),
        }
    }

    #[test]
    fn a_new_chat_is_direct_for_two_and_a_group_with_a_name() {
        let (alice, bob, dana) = (
            user(1, &[Role::Agent]),
            user(2, &[Role::Agent]),
            user(3, &[Role::Manager]),
        );
        let carol = user(4, &[Role::Customer]);
        let direct = check_new(&alice, &[(bob.id, Some(bob.clone()))], None).unwrap();
        assert_eq!(direct.direct_key.as_deref(), Some("1:2"));
        assert_eq!(direct_key(bob.id, alice.id), "1:2");
        let group = check_new(
            &alice,
            &[(bob.id, Some(bob.clone())), (dana.id, Some(dana.clone()))],
            Some("  Printers  ".into()),
        )
        .unwrap();
        assert_eq!(group.title.as_deref(), Some("Printers"));
        assert_eq!(group.members, vec![alice.id, bob.id, dana.id]);
        // Customers are never members, nor do they start chats.
        assert!(matches!(
            check_new(&alice, &[(carol.id, Some(carol.clone()))], None),
            Err(Refusal::Field(FieldError {
                field: "members",
                ..
            }))
        ));
        assert!(matches!(
            check_new(&carol, &[(alice.id, Some(alice.clone()))], None),
            Err(Refusal::Forbidden(_))
        ));
        let mut gone = bob.clone();
        gone.disabled = true;
        assert!(check_new(&alice, &[(gone.id, Some(gone))], None).is_err());
        assert!(check_new(&alice, &[(UserId(9), None)], None).is_err());
        // Alone, or with oneself only: nobody to talk to.
        assert!(check_new(&alice, &[(alice.id, Some(alice.clone()))], None).is_err());
        assert!(
            check_new(
                &alice,
                &[(bob.id, Some(bob.clone())), (dana.id, Some(dana.clone()))],
                None
            )
            .is_err()
        );
        assert!(check_new(&alice, &[(bob.id, Some(bob.clone()))], Some(" ".into())).is_err());
    }

    #[test]
    fn members_post_messages_and_groups_take_more() {
        let (alice, bob, dana) = (
            user(1, &[Role::Agent]),
            user(2, &[Role::Agent]),
            user(3, &[Role::Manager]),
        );
        let carol = user(4, &[Role::Customer]);
        let direct = chat(None, &[&alice, &bob]);
        assert!(check_post(&direct, &alice, PostKind::Comment).is_ok());
        assert!(check_post(&direct, &alice, PostKind::WorkNote).is_err());
        assert_eq!(
            check_post(&direct, &dana, PostKind::Comment),
            Err(Refusal::NotFound)
        );
        assert!(check_add(&direct, &alice, &dana).is_err());
        assert!(check_leave(&direct, &alice).is_err());
        let group = chat(Some("Printers"), &[&alice, &bob]);
        assert_eq!(check_add(&group, &alice, &dana), Ok(true));
        assert_eq!(check_add(&group, &alice, &bob), Ok(false));
        assert!(check_add(&group, &alice, &carol).is_err());
        assert_eq!(check_add(&group, &dana, &bob), Err(Refusal::NotFound));
        assert!(check_leave(&group, &bob).is_ok());
        assert_eq!(check_leave(&group, &dana), Err(Refusal::NotFound));
    }

    #[test]
    fn the_assignee_invites_and_the_invitation_ends_with_the_session_or_its_agent() {
        let (alice, bob, dana) = (
            user(1, &[Role::Agent]),
            user(2, &[Role::Agent]),
            user(3, &[Role::Manager]),
        );
        let carol = user(4, &[Role::Customer]);
        let mut session = chat(None, &[]);
        session.kind = ConversationKind::Support;
        session.customer = Some(person(&carol));
        session.assignee = Some(person(&alice));
        assert_eq!(check_invite(&session, &alice, &bob), Ok(true));
        assert_eq!(check_invite(&session, &dana, &bob), Ok(true));
        assert!(matches!(
            check_invite(&session, &bob, &dana),
            Err(Refusal::Forbidden(_))
        ));
        assert!(check_invite(&session, &alice, &carol).is_err());
        assert!(check_invite(&session, &alice, &alice).is_err());
        session.invited = vec![person(&bob)];
        assert_eq!(check_invite(&session, &alice, &bob), Ok(false));
        assert!(!invitations_end(
            &session,
            SessionState::Active,
            Some(alice.id)
        ));
        assert!(invitations_end(
            &session,
            SessionState::Active,
            Some(dana.id)
        ));
        assert!(invitations_end(
            &session,
            SessionState::Closed,
            Some(alice.id)
        ));
        assert!(invitations_end(&session, SessionState::Queued, None));
        session.state = SessionState::Closed;
        assert_eq!(
            check_invite(&session, &alice, &dana),
            Err(Refusal::SessionClosed)
        );
        session.state = SessionState::Queued;
        assert_eq!(
            check_invite(&session, &alice, &dana),
            Err(Refusal::NotActive)
        );
    }
}
