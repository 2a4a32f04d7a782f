//! Canned messages: prepared texts with placeholders such as `{customer.first_name}`, filled in
//! when an agent posts one.

use super::DirectoryError;
use super::directory::validate_name;

/// The placeholders a canned message may use.
pub const PLACEHOLDERS: [&str; 6] = [
    "customer.first_name",
    "customer.name",
    "agent.first_name",
    "agent.name",
    "queue.name",
    "incident.number",
];

/// The longest canned message body, in characters as sent.
pub const BODY_MAX: usize = 5_000;

/// Why a canned message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CannedError {
    #[error(
        "Unknown placeholder {{{0}}}; use one of {{customer.first_name}}, {{customer.name}}, {{agent.first_name}}, {{agent.name}}, {{queue.name}}, {{incident.number}}."
    )]
    UnknownPlaceholder(String),
    #[error(
        "This canned message names {{incident.number}}: create an incident from this session first."
    )]
    NoIncident,
    #[error("A placeholder opened with '{{' is not closed with '}}'.")]
    Unclosed,
    #[error("A canned message body is 1 to {BODY_MAX} characters.")]
    BadBody,
    #[error(transparent)]
    Title(#[from] DirectoryError),
}

/// A canned message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canned {
    pub id: super::CannedId,
    pub queue: super::QueueId,
    pub title: String,
    pub body: String,
}

/// Checks a title and body; every placeholder must be known.
pub fn validate(title: &str, body: &str) -> Result<(String, String), CannedError> {
    let title = validate_name(title)?;
    // The limit applies to the body as sent, as the API document states it.
    if body.chars().count() > BODY_MAX {
        return Err(CannedError::BadBody);
    }
    let body = body.trim();
    if body.is_empty() {
        return Err(CannedError::BadBody);
    }
    for name in placeholders(body) {
        let name = name?;
        if !PLACEHOLDERS.contains(&name) {
            return Err(CannedError::UnknownPlaceholder(name.to_owned()));
        }
    }
    Ok((title, body.to_owned()))
}

/// What the placeholders stand for when a message is posted.
#[derive(Debug, Clone)]
pub struct FillContext<'a> {
    pub customer_name: &'a str,
    pub agent_name: &'a str,
    pub queue_name: &'a str,
    /// The newest incident created from the session, if any.
    pub incident_number: Option<&'a str>,
}

/// Whether `body` names the session's incident (it needs one to be posted).
pub fn names_incident(body: &str) -> bool {
    placeholders(body).any(|p| p == Ok("incident.number"))
}

/// The body with every placeholder replaced. Text that is not a known placeholder stays as it
/// is (a stored body has been validated, so that only happens for literal braces).
pub fn fill(body: &str, ctx: &FillContext<'_>) -> String {
    let first = |name: &str| name.split_whitespace().next().unwrap_or(name).to_owned();
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let value = match &after[..close] {
            "customer.first_name" => first(ctx.customer_name),
            "customer.name" => ctx.customer_name.to_owned(),
            "agent.first_name" => first(ctx.agent_name),
            "agent.name" => ctx.agent_name.to_owned(),
            "queue.name" => ctx.queue_name.to_owned(),
            "incident.number" => match ctx.incident_number {
                Some(number) => number.to_owned(),
                None => "{incident.number}".to_owned(),
            },
            other => format!("{{{other}}}"),
        };
        out.push_str(&value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The placeholder names of `body`, in order.
fn placeholders(body: &str) -> impl Iterator<Item = Result<&str, CannedError>> {
    let mut rest = body;
    std::iter::from_fn(move || {
        let open = rest.find('{')?;
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                rest = &after[close + 1..];
                Some(Ok(&after[..close]))
            }
            None => {
                rest = "";
                Some(Err(CannedError::Unclosed))
            }
        }
    })
}

/// Whether `order` names each of `current` exactly once (a new order of the same messages).
pub fn is_reordering(current: &[super::CannedId], order: &[super::CannedId]) -> bool {
    let mut a = current.to_vec();
    let mut b = order.to_vec();
    a.sort_unstable_by_key(|c| c.0);
    b.sort_unstable_by_key(|c| c.0);
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_checked_when_saved() {
        let cases: &[(&str, Result<(), CannedError>)] = &[
            ("Hi {customer.first_name}, {agent.name} here.", Ok(())),
            ("No placeholders at all", Ok(())),
            (
                "Hi {customer.nickname}",
                Err(CannedError::UnknownPlaceholder("customer.nickname".into())),
            ),
            ("Hi {customer.first_name", Err(CannedError::Unclosed)),
            ("Your ticket: {incident.number}", Ok(())),
            ("   ", Err(CannedError::BadBody)),
        ];
        for (body, want) in cases {
            assert_eq!(validate("Greeting", body).map(|_| ()), *want, "{body:?}");
        }
        assert!(validate(" ", "Hello").is_err(), "a title is needed");
        assert!(names_incident("Ticket {incident.number}"));
        assert!(!names_incident("Hi {customer.name}"));
    }

    #[test]
    fn placeholders_are_filled_when_posted() {
        let ctx = FillContext {
            customer_name: "Carol Customer",
            agent_name: "Alice Agent",
            queue_name: "IT Service Desk",
            incident_number: Some("INC0010001"),
        };
        let cases = [
            (
                "Hi {customer.first_name}, this is {agent.first_name}.",
                "Hi Carol, this is Alice.",
            ),
            (
                "{customer.name} / {agent.name} / {queue.name}",
                "Carol Customer / Alice Agent / IT Service Desk",
            ),
            ("Braces {unknown} stay", "Braces {unknown} stay"),
            (
                "Your ticket is {incident.number}.",
                "Your ticket is INC0010001.",
            ),
            ("Open { brace", "Open { brace"),
        ];
        for (body, want) in cases {
            assert_eq!(fill(body, &ctx), want, "{body:?}");
        }
    }

    #[test]
    fn a_new_order_names_every_message_once() {
        use super::super::CannedId;
        let ids = |v: &[i64]| v.iter().map(|i| CannedId(*i)).collect::<Vec<_>>();
        assert!(is_reordering(&ids(&[1, 2, 3]), &ids(&[3, 1, 2])));
        assert!(is_reordering(&ids(&[]), &ids(&[])));
        assert!(!is_reordering(&ids(&[1, 2, 3]), &ids(&[3, 1])));
        assert!(!is_reordering(&ids(&[1, 2, 3]), &ids(&[3, 1, 1])));
        assert!(!is_reordering(&ids(&[1, 2]), &ids(&[1, 2, 9])));
        assert!(!is_reordering(&ids(&[1, 2, 3]), &ids(&[1, 2, 3, 3])));
    }
}
