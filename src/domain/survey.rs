//! The satisfaction survey: when a session of a queue that asks ends, its customer rates it
//! (1–5, an optional comment), once.

use super::User;
use super::incident::FieldError;
use super::session::{Conversation, ConversationKind, Refusal, SessionState};

/// The longest comment, in characters.
pub const COMMENT_MAX_CHARS: usize = 1000;

/// An answer as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub rating: u8,
    pub comment: Option<String>,
}

/// Whether `user` is asked to rate `conv` now: its customer, a session of a queue that asks
/// (`survey_on`), closed after an agent took it.
pub fn is_asked(conv: &Conversation, user: &User, survey_on: bool) -> bool {
    survey_on
        && conv.kind == ConversationKind::Support
        && conv.state == SessionState::Closed
        && conv.accepted_at.is_some()
        && conv.customer.as_ref().is_some_and(|c| c.id == user.id)
}

/// Checks an answer of `user` on `conv`: only when asked ([`is_asked`]), a rating of 1 to 5,
/// a comment of at most [`COMMENT_MAX_CHARS`] (blank: none).
pub fn check_answer(
    conv: &Conversation,
    user: &User,
    survey_on: bool,
    rating: i64,
    comment: Option<String>,
) -> Result<Answer, Refusal> {
    if conv.customer.as_ref().is_none_or(|c| c.id != user.id) {
        return Err(Refusal::Forbidden("Only the session's customer rates it."));
    }
    if !is_asked(conv, user, survey_on) {
        return Err(Refusal::Forbidden(
            "This session asks for no rating (it is still open, nobody took it, or its queue does not ask).",
        ));
    }
    let rating = u8::try_from(rating)
        .ok()
        .filter(|r| (1..=5).contains(r))
        .ok_or_else(|| {
            Refusal::Field(FieldError {
                field: "rating",
                message: "`rating` is a whole number from 1 to 5.".into(),
            })
        })?;
    let comment = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.contains('\0')) {
        return Err(Refusal::Field(FieldError {
            field: "comment",
            message: "A comment cannot hold a NUL character.".into(),
        }));
    }
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > COMMENT_MAX_CHARS)
    {
        return Err(Refusal::Field(FieldError {
            field: "comment",
            message: format!("A comment is at most {COMMENT_MAX_CHARS} characters."),
        }));
    }
    Ok(Answer { rating, comment })
}
