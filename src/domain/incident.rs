//! Incidents: ITSM records numbered `INC0010001` …, their fields and rules (the priority
//! matrix, the state rules, who may see and change them), and the field-change lines their
//! activity stream records. Pure: the store reads the facts (users, groups, the incident as it
//! is) in its transaction and asks here.

use super::session::{Person, PostKind, Refusal};
use super::{ConversationId, GroupId, Timestamp, User, UserId};

/// The longest short description, in characters.
pub const SHORT_MAX: usize = 160;
/// The longest description (a chat transcript, cut to fit), in characters: as many 4-byte
/// characters still fit in a request body.
pub const DESCRIPTION_MAX: usize = 15_000;
/// The longest resolution notes, in characters.
pub const RESOLUTION_MAX: usize = 10_000;
/// The longest message left when nobody is available, in characters.
pub const MESSAGE_MAX: usize = 4_000;
/// How many messages a customer may leave (when nobody is available) in an hour.
pub const MESSAGES_PER_HOUR: usize = 5;
/// Incident numbers start after this (the first is `INC0010001`).
const NUMBER_BASE: i64 = 10_000;

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $word:literal / $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and wire word.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// The word people read.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(word: &str) -> Option<$name> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

word_enum!(
    /// Where an incident is in its life.
    IncidentState {
        New = "new" / "New",
        InProgress = "in_progress" / "In Progress",
        OnHold = "on_hold" / "On Hold",
        Resolved = "resolved" / "Resolved",
        Closed = "closed" / "Closed",
        Canceled = "canceled" / "Canceled",
    }
);

word_enum!(
    /// What an incident is about.
    Category {
        Inquiry = "inquiry" / "Inquiry / Help",
        Software = "software" / "Software",
        Hardware = "hardware" / "Hardware",
        Network = "network" / "Network",
        Database = "database" / "Database",
    }
);

word_enum!(
    /// How the caller reached the service desk.
    ContactType {
        Chat = "chat" / "Chat",
        Email = "email" / "Email",
        Phone = "phone" / "Phone",
        SelfService = "self_service" / "Self-service",
        WalkIn = "walk_in" / "Walk-in",
    }
);

impl IncidentState {
    /// Closed and canceled incidents change no more.
    pub fn is_final(self) -> bool {
        matches!(self, IncidentState::Closed | IncidentState::Canceled)
    }

    /// Still to be worked: not resolved, closed or canceled.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            IncidentState::New | IncidentState::InProgress | IncidentState::OnHold
        )
    }
}

/// The ITIL priority matrix: impact and urgency (1 high … 3 low) give priority 1 (critical) to
/// 5 (planning).
pub fn priority(impact: u8, urgency: u8) -> u8 {
    impact + urgency - 1
}

/// The words of a priority.
pub fn priority_label(priority: u8) -> &'static str {
    match priority {
        1 => "1 - Critical",
        2 => "2 - High",
        3 => "3 - Moderate",
        4 => "4 - Low",
        _ => "5 - Planning",
    }
}

/// The words of an impact or urgency.
pub fn level_label(level: u8) -> &'static str {
    match level {
        1 => "1 - High",
        2 => "2 - Medium",
        _ => "3 - Low",
    }
}

/// The number of the `counter`-th incident: `INC0010001` for the first.
pub fn number(counter: i64) -> String {
    format!("INC{:07}", NUMBER_BASE + counter)
}

/// The incident number a text names with its prefix: `INC0010001` (any case).
pub fn number_of(text: &str) -> Option<String> {
    let text = text.trim();
    let prefix = text.get(..3).filter(|p| p.eq_ignore_ascii_case("INC"))?;
    number_in(&text[prefix.len()..])
}

/// The incident number a search text names, if it names one: `INC0010001` (any case) or just
/// `10001`.
pub fn number_in(text: &str) -> Option<String> {
    let text = text.trim();
    let digits = text
        .get(..3)
        .filter(|p| p.eq_ignore_ascii_case("INC"))
        .map_or(text, |p| &text[p.len()..]);
    if digits.is_empty() || digits.len() > 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(format!("INC{n:07}"))
}

/// An incident as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: IncidentId,
    pub number: String,
    pub caller: Person,
    pub short_description: String,
    pub description: String,
    pub category: Category,
    pub contact_type: ContactType,
    pub impact: u8,
    pub urgency: u8,
    pub priority: u8,
    pub state: IncidentState,
    pub resolution_notes: Option<String>,
    pub assignment_group: Option<(GroupId, String)>,
    pub assigned_to: Option<Person>,
    /// The support session it was created from.
    pub session: Option<ConversationId>,
    /// Its activity stream (a conversation of kind record).
    pub activity: ConversationId,
    pub created_by: Person,
    pub created_at: Timestamp,
    pub updated_by: Person,
    pub updated_at: Timestamp,
    pub version: i64,
}

pub use super::ids::IncidentId;

/// The fields a person sets (on create, or the whole set after a change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub caller: UserId,
    pub short_description: String,
    pub description: String,
    pub category: Category,
    pub contact_type: ContactType,
    pub impact: u8,
    pub urgency: u8,
    pub state: IncidentState,
    pub resolution_notes: Option<String>,
    pub assignment_group: Option<GroupId>,
    pub assigned_to: Option<UserId>,
}

impl Fields {
    /// The fields of `incident` as they are.
    pub fn of(incident: &Incident) -> Fields {
        Fields {
            caller: incident.caller.id,
            short_description: incident.short_description.clone(),
            description: incident.description.clone(),
            category: incident.category,
            contact_type: incident.contact_type,
            impact: incident.impact,
            urgency: incident.urgency,
            state: incident.state,
            resolution_notes: incident.resolution_notes.clone(),
            assignment_group: incident.assignment_group.as_ref().map(|(id, _)| *id),
            assigned_to: incident.assigned_to.as_ref().map(|p| p.id),
        }
    }
}

/// One field refused, named for the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// Why a create or a change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncidentRefusal {
    #[error(transparent)]
    Field(#[from] FieldError),
    /// Closed or canceled: nothing changes any more.
    #[error("{0} is {1}: it changes no more.")]
    Final(String, &'static str),
    /// The version the change was made on is not the current one.
    #[error("Changed by {by} at {at} — reload to see the change, then make yours.")]
    Changed { by: String, at: String },
    #[error("Only service desk staff may do this.")]
    Forbidden,
    /// Too many messages left in the last hour.
    #[error(
        "You have left {MESSAGES_PER_HOUR} messages in the last hour; try again in {retry_after_secs} s or start a chat."
    )]
    TooMany { retry_after_secs: u64 },
}

/// What the store read about the users and group the fields name, in its transaction.
#[derive(Debug, Clone, Default)]
pub struct References {
    /// The caller as stored (none: no such user).
    pub caller: Option<User>,
    /// The assignment group's name, when the one named exists.
    pub group: Option<String>,
    /// The assignee as stored, and whether they are a member of the assignment group.
    pub assignee: Option<(User, bool)>,
}

/// Checks `fields` (trimmed) against the rules, with the facts the store read. For a change,
/// `before` is the incident's fields as they are: the people and group it names are checked
/// only when they change (a caller disabled since, or an assignee who left the group, does not
/// keep the rest of the incident from changing).
pub fn check_fields(
    fields: &mut Fields,
    refs: &References,
    before: Option<&Fields>,
) -> Result<(), FieldError> {
    // The limit holds for the text as sent, as the API document states it.
    let sent = fields.short_description.chars().count();
    fields.short_description = fields.short_description.trim().to_owned();
    if fields.short_description.is_empty() {
        return Err(field("short_description", "Give a short description."));
    }
    if sent > SHORT_MAX {
        return Err(field(
            "short_description",
            format!("A short description is at most {SHORT_MAX} characters."),
        ));
    }
    if fields.description.chars().count() > DESCRIPTION_MAX {
        return Err(field(
            "description",
            format!("A description is at most {DESCRIPTION_MAX} characters."),
        ));
    }
    for (name, value) in [("impact", fields.impact), ("urgency", fields.urgency)] {
        if !(1..=3).contains(&value) {
            return Err(field(name, format!("`{name}` is 1, 2 or 3.")));
        }
    }
    if fields
        .resolution_notes
        .as_ref()
        .is_some_and(|notes| notes.chars().count() > RESOLUTION_MAX)
    {
        return Err(field(
            "resolution_notes",
            format!("Resolution notes are at most {RESOLUTION_MAX} characters."),
        ));
    }
    fields.resolution_notes = fields
        .resolution_notes
        .take()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if matches!(
        fields.state,
        IncidentState::Resolved | IncidentState::Closed
    ) && fields.resolution_notes.is_none()
    {
        return Err(field(
            "resolution_notes",
            "Say how it was resolved: resolution notes are needed to resolve or close.",
        ));
    }
    let changed = |same: fn(&Fields, &Fields) -> bool| before.is_none_or(|b| !same(b, fields));
    if changed(|a, b| a.caller == b.caller) {
        match &refs.caller {
            Some(caller) if !caller.disabled => {}
            _ => return Err(field("caller", "Choose a caller: an enabled user.")),
        }
    }
    if fields.assignment_group.is_some() && refs.group.is_none() {
        return Err(field("assignment_group", "No such assignment group."));
    }
    let assignment_changed =
        changed(|a, b| a.assigned_to == b.assigned_to && a.assignment_group == b.assignment_group);
    if let Some(assignee) = fields.assigned_to.filter(|_| assignment_changed) {
        if fields.assignment_group.is_none() {
            return Err(field(
                "assigned_to",
                "Choose the assignment group first: the assignee is one of its members.",
            ));
        }
        match &refs.assignee {
            Some((user, member)) if user.id == assignee => {
                if user.disabled || !user.roles.is_staff() || !member {
                    return Err(field(
                        "assigned_to",
                        format!(
                            "{} is not a staff member of the assignment group.",
                            user.display_name
                        ),
                    ));
                }
            }
            _ => return Err(field("assigned_to", "No such user.")),
        }
    }
    Ok(())
}

/// A new incident: the fields' rules, and a state it may start in (closed only after
/// resolving, canceled never). Staff create incidents; anyone else only the one a message they
/// left becomes (`left_by_caller`: they are its caller, it is new and nobody's yet).
pub fn check_create(
    actor: &User,
    fields: &mut Fields,
    refs: &References,
    left_by_caller: bool,
) -> Result<(), IncidentRefusal> {
    let allowed = if left_by_caller {
        !actor.disabled
            && actor.id == fields.caller
            && fields.state == IncidentState::New
            && fields.assigned_to.is_none()
    } else {
        may_edit(actor)
    };
    if !allowed {
        return Err(IncidentRefusal::Forbidden);
    }
    check_fields(fields, refs, None)?;
    if fields.state.is_final() {
        return Err(field(
            "state",
            format!(
                "A new incident cannot start {}.",
                fields.state.label().to_lowercase()
            ),
        )
        .into());
    }
    Ok(())
}

/// A change of `before` into `after`, made on `version`.
pub fn check_change(
    actor: &User,
    before: &Incident,
    version: i64,
    after: &mut Fields,
    refs: &References,
) -> Result<(), IncidentRefusal> {
    if !may_edit(actor) {
        return Err(IncidentRefusal::Forbidden);
    }
    if before.state.is_final() {
        return Err(IncidentRefusal::Final(
            before.number.clone(),
            if before.state == IncidentState::Closed {
                "closed"
            } else {
                "canceled"
            },
        ));
    }
    if version != before.version {
        return Err(IncidentRefusal::Changed {
            by: before.updated_by.display_name.clone(),
            at: before.updated_at.clock_utc(),
        });
    }
    check_fields(after, refs, Some(&Fields::of(before)))?;
    if after.state == IncidentState::Closed && before.state != IncidentState::Resolved {
        return Err(field(
            "state",
            "Resolve it first: only a resolved incident is closed.",
        )
        .into());
    }
    Ok(())
}

/// Whether `user` may see and change incidents (every one): staff.
pub fn may_edit(user: &User) -> bool {
    !user.disabled && user.roles.is_staff()
}

/// Whether `user` may see `incident`: staff, and its caller.
pub fn may_view(incident: &Incident, user: &User) -> bool {
    may_view_activity(incident.caller.id, user)
}

/// Whether `user` may see the activity of an incident whose caller is `caller`: staff, and the
/// caller.
pub fn may_view_activity(caller: UserId, user: &User) -> bool {
    !user.disabled && (user.roles.is_staff() || caller == user.id)
}

/// Whether `user` may post `kind` to the activity of an incident in `state` whose caller is
/// `caller`: staff post comments and work notes, the caller comments; nobody posts to a closed
/// or canceled one.
pub fn may_post(
    state: IncidentState,
    caller: UserId,
    user: &User,
    kind: PostKind,
) -> Result<(), Refusal> {
    if !may_view_activity(caller, user) {
        return Err(Refusal::NotFound);
    }
    let staff = user.roles.is_staff();
    if state.is_final() {
        return Err(Refusal::IncidentClosed);
    }
    if !staff && kind == PostKind::WorkNote {
        return Err(Refusal::Forbidden(
            "Only service desk staff write work notes.",
        ));
    }
    Ok(())
}

impl References {
    /// The names a change line shows.
    pub fn names(&self) -> Names {
        Names {
            caller: self
                .caller
                .as_ref()
                .map_or_else(String::new, |u| u.display_name.clone()),
            assignment_group: self.group.clone(),
            assigned_to: self.assignee.as_ref().map(|(u, _)| u.display_name.clone()),
        }
    }
}

/// The names a change line shows for the users and group of a set of fields.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub caller: String,
    pub assignment_group: Option<String>,
    pub assigned_to: Option<String>,
}

fn shown(value: Option<&str>) -> String {
    value.map_or_else(|| "(empty)".to_owned(), |v| format!("\u{201c}{v}\u{201d}"))
}

/// The activity lines of a change from `before` to `after` (one per changed field, in form
/// order), seen by everyone who sees the incident. Long texts are not repeated: "Description
/// changed".
pub fn change_lines(before: &Incident, after: &Fields, names: &Names) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = |text: String| lines.push(text);
    if before.caller.id != after.caller {
        line(format!(
            "Caller: {} \u{2192} {}",
            before.caller.display_name, names.caller
        ));
    }
    if before.short_description != after.short_description {
        line(format!(
            "Short description: {} \u{2192} {}",
            shown(Some(&before.short_description)),
            shown(Some(&after.short_description))
        ));
    }
    if before.description != after.description {
        line("Description changed".to_owned());
    }
    if before.category != after.category {
        line(format!(
            "Category: {} \u{2192} {}",
            before.category.label(),
            after.category.label()
        ));
    }
    if before.contact_type != after.contact_type {
        line(format!(
            "Contact type: {} \u{2192} {}",
            before.contact_type.label(),
            after.contact_type.label()
        ));
    }
    if before.impact != after.impact {
        line(format!(
            "Impact: {} \u{2192} {}",
            level_label(before.impact),
            level_label(after.impact)
        ));
    }
    if before.urgency != after.urgency {
        line(format!(
            "Urgency: {} \u{2192} {}",
            level_label(before.urgency),
            level_label(after.urgency)
        ));
    }
    let after_priority = priority(after.impact, after.urgency);
    if before.priority != after_priority {
        line(format!(
            "Priority: {} \u{2192} {}",
            priority_label(before.priority),
            priority_label(after_priority)
        ));
    }
    if before.state != after.state {
        line(format!(
            "State: {} \u{2192} {}",
            before.state.label(),
            after.state.label()
        ));
    }
    if before.resolution_notes != after.resolution_notes {
        line(format!(
            "Resolution notes: {}",
            after
                .resolution_notes
                .as_deref()
                .map_or_else(|| "(cleared)".to_owned(), str::to_owned)
        ));
    }
    if before.assignment_group.as_ref().map(|(id, _)| *id) != after.assignment_group {
        line(format!(
            "Assignment group: {} \u{2192} {}",
            before
                .assignment_group
                .as_ref()
                .map_or("(empty)", |(_, n)| n.as_str()),
            names.assignment_group.as_deref().unwrap_or("(empty)")
        ));
    }
    if before.assigned_to.as_ref().map(|p| p.id) != after.assigned_to {
        line(format!(
            "Assigned to: {} \u{2192} {}",
            before
                .assigned_to
                .as_ref()
                .map_or("(empty)", |p| p.display_name.as_str()),
            names.assigned_to.as_deref().unwrap_or("(empty)")
        ));
    }
    lines
}

/// Whether one more message may be left now, given when the customer's messages of the last
/// hour were left (oldest first): at most [`MESSAGES_PER_HOUR`] an hour.
pub fn check_message_rate(left: &[Timestamp], now: Timestamp) -> Result<(), IncidentRefusal> {
    let hour = std::time::Duration::from_secs(3600);
    let recent: Vec<Timestamp> = left
        .iter()
        .copied()
        .filter(|at| at.plus(hour) > now)
        .collect();
    if recent.len() < MESSAGES_PER_HOUR {
        return Ok(());
    }
    let oldest = recent.iter().min().copied().unwrap_or(now);
    Err(IncidentRefusal::TooMany {
        retry_after_secs: now.until(oldest.plus(hour)).as_secs().max(1),
    })
}

/// The line a session shows when an incident is created from it.
pub fn created_for_you(number: &str) -> String {
    format!("Incident {number} was created for you.")
}

/// The short description of a message left when nobody was available: its first line, cut to
/// [`SHORT_MAX`] characters.
pub fn short_of_message(body: &str) -> String {
    let first = body.trim().lines().next().unwrap_or("").trim();
    if first.is_empty() {
        return "Message left for the service desk".to_owned();
    }
    if first.chars().count() <= SHORT_MAX {
        return first.to_owned();
    }
    // Cut at the last space that leaves room for the ellipsis (mid-word only if there is none).
    let room: String = first.chars().take(SHORT_MAX - 1).collect();
    let cut = match room.rfind(' ') {
        Some(at) if at > SHORT_MAX / 2 => room[..at].trim_end(),
        _ => room.as_str(),
    };
    format!("{cut}\u{2026}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, RoleSet};

    #[test]
    fn the_priority_matrix() {
        // (impact, urgency) → priority: the ITIL table.
        let table = [
            (1, 1, 1),
            (1, 2, 2),
            (1, 3, 3),
            (2, 1, 2),
            (2, 2, 3),
            (2, 3, 4),
            (3, 1, 3),
            (3, 2, 4),
            (3, 3, 5),
        ];
        for (impact, urgency, expected) in table {
            assert_eq!(priority(impact, urgency), expected, "{impact}/{urgency}");
        }
        assert_eq!(priority_label(1), "1 - Critical");
        assert_eq!(priority_label(5), "5 - Planning");
    }

    #[test]
    fn numbers_and_searches_for_them() {
        assert_eq!(number(1), "INC0010001");
        assert_eq!(number(42), "INC0010042");
        assert_eq!(number_in("INC0010001").as_deref(), Some("INC0010001"));
        assert_eq!(number_in(" inc0010001 ").as_deref(), Some("INC0010001"));
        assert_eq!(number_in("10001").as_deref(), Some("INC0010001"));
        assert_eq!(number_in("printer"), None);
        assert_eq!(number_in("INC"), None);
        assert_eq!(number_in("Inc0010001").as_deref(), Some("INC0010001"));
        assert_eq!(number_of("inc0010001").as_deref(), Some("INC0010001"));
        assert_eq!(
            number_of("10001"),
            None,
            "a key without its prefix is an id"
        );
        assert_eq!(number_in("123456789"), None);
    }

    fn user(id: i64, role: Role) -> User {
        User {
            id: UserId(id),
            username: format!("u{id}"),
            display_name: format!("User {id}"),
            roles: RoleSet::of(&[role]),
            itil: false,
            disabled: false,
            created_at: Timestamp(0),
        }
    }

    fn fields() -> Fields {
        Fields {
            caller: UserId(1),
            short_description: "  VPN drops  ".into(),
            description: String::new(),
            category: Category::Network,
            contact_type: ContactType::Chat,
            impact: 2,
            urgency: 2,
            state: IncidentState::New,
            resolution_notes: None,
            assignment_group: Some(GroupId(1)),
            assigned_to: Some(UserId(2)),
        }
    }

    fn refs(member: bool) -> References {
        References {
            caller: Some(user(1, Role::Customer)),
            group: Some("Desk".into()),
            assignee: Some((user(2, Role::Agent), member)),
        }
    }

    #[test]
    fn fields_are_checked_and_each_refusal_names_its_field() {
        let mut ok = fields();
        assert_eq!(check_fields(&mut ok, &refs(true), None), Ok(()));
        assert_eq!(ok.short_description, "VPN drops", "trimmed");
        let refused = |change: &dyn Fn(&mut Fields), refs: References| {
            let mut f = fields();
            change(&mut f);
            check_fields(&mut f, &refs, None).map_err(|e| e.field)
        };
        assert_eq!(
            refused(&|f| f.short_description = " ".into(), refs(true)),
            Err("short_description")
        );
        assert_eq!(
            refused(&|f| f.short_description = "x".repeat(161), refs(true)),
            Err("short_description")
        );
        assert_eq!(refused(&|f| f.impact = 4, refs(true)), Err("impact"));
        assert_eq!(refused(&|f| f.urgency = 0, refs(true)), Err("urgency"));
        assert_eq!(
            refused(&|f| f.state = IncidentState::Resolved, refs(true)),
            Err("resolution_notes")
        );
        assert_eq!(
            refused(
                &|f| {
                    f.state = IncidentState::Resolved;
                    f.resolution_notes = Some("  ".into());
                },
                refs(true)
            ),
            Err("resolution_notes")
        );
        assert_eq!(refused(&|_| {}, refs(false)), Err("assigned_to"));
        assert_eq!(
            refused(&|f| f.assignment_group = None, refs(true)),
            Err("assigned_to")
        );
        let mut no_caller = refs(true);
        no_caller.caller = None;
        assert_eq!(refused(&|_| {}, no_caller), Err("caller"));
        let mut customer_assignee = refs(true);
        customer_assignee.assignee = Some((user(2, Role::Customer), true));
        assert_eq!(refused(&|_| {}, customer_assignee), Err("assigned_to"));
        // A change that leaves them as they are does not check them again: an assignee who
        // left the group, a caller disabled since.
        let before = fields();
        let mut gone = refs(false);
        if let Some(caller) = gone.caller.as_mut() {
            caller.disabled = true;
        }
        let mut resolved = fields();
        resolved.state = IncidentState::Resolved;
        resolved.resolution_notes = Some("Done".into());
        assert_eq!(check_fields(&mut resolved, &gone, Some(&before)), Ok(()));
        let mut moved = fields();
        moved.assigned_to = Some(UserId(2));
        moved.assignment_group = Some(GroupId(2));
        assert_eq!(
            check_fields(&mut moved, &gone, Some(&before)).map_err(|e| e.field),
            Err("assigned_to"),
            "a changed assignment is checked"
        );
    }

    fn incident(state: IncidentState) -> Incident {
        Incident {
            id: IncidentId(1),
            number: number(1),
            caller: Person {
                id: UserId(1),
                display_name: "Carol".into(),
            },
            short_description: "VPN drops".into(),
            description: String::new(),
            category: Category::Network,
            contact_type: ContactType::Chat,
            impact: 2,
            urgency: 2,
            priority: 3,
            state,
            resolution_notes: None,
            assignment_group: Some((GroupId(1), "Desk".into())),
            assigned_to: Some(Person {
                id: UserId(2),
                display_name: "Bob".into(),
            }),
            session: None,
            activity: ConversationId(9),
            created_by: Person {
                id: UserId(2),
                display_name: "Bob".into(),
            },
            created_at: Timestamp(0),
            updated_by: Person {
                id: UserId(3),
                display_name: "Alice Agent".into(),
            },
            updated_at: Timestamp(38_520_000),
            version: 4,
        }
    }

    #[test]
    fn state_rules_and_versions() {
        let agent = user(2, Role::Agent);
        let change = |before: &Incident, version, to: IncidentState, notes: Option<&str>| {
            let mut after = Fields::of(before);
            after.state = to;
            after.resolution_notes = notes.map(str::to_owned);
            check_change(&agent, before, version, &mut after, &refs(true))
        };
        let open = incident(IncidentState::InProgress);
        assert_eq!(
            change(&open, 4, IncidentState::Resolved, Some("Reset")),
            Ok(())
        );
        assert!(matches!(
            change(&open, 4, IncidentState::Closed, Some("Reset")),
            Err(IncidentRefusal::Field(FieldError { field: "state", .. }))
        ));
        assert_eq!(
            change(&open, 3, IncidentState::OnHold, None),
            Err(IncidentRefusal::Changed {
                by: "Alice Agent".into(),
                at: "10:42 UTC".into()
            })
        );
        let resolved = incident(IncidentState::Resolved);
        assert_eq!(
            change(&resolved, 4, IncidentState::Closed, Some("Reset")),
            Ok(())
        );
        for done in [IncidentState::Closed, IncidentState::Canceled] {
            assert!(matches!(
                change(&incident(done), 4, IncidentState::InProgress, None),
                Err(IncidentRefusal::Final(..))
            ));
        }
        let customer = user(1, Role::Customer);
        let mut after = Fields::of(&open);
        assert_eq!(
            check_change(&customer, &open, 4, &mut after, &refs(true)),
            Err(IncidentRefusal::Forbidden)
        );
        let mut new = fields();
        new.state = IncidentState::Canceled;
        assert!(check_create(&agent, &mut new, &refs(true), false).is_err());
        let customer = user(1, Role::Customer);
        let mut theirs = fields();
        theirs.assigned_to = None;
        assert_eq!(
            check_create(&customer, &mut theirs.clone(), &refs(true), true),
            Ok(())
        );
        assert_eq!(
            check_create(&customer, &mut theirs, &refs(true), false),
            Err(IncidentRefusal::Forbidden),
            "a customer creates only the incident of a message they left"
        );
    }

    #[test]
    fn who_may_post_to_the_activity() {
        let (agent, caller, other) = (
            user(2, Role::Agent),
            user(1, Role::Customer),
            user(5, Role::Customer),
        );
        let open = IncidentState::New;
        assert_eq!(
            may_post(open, UserId(1), &agent, PostKind::WorkNote),
            Ok(())
        );
        assert_eq!(
            may_post(open, UserId(1), &caller, PostKind::Comment),
            Ok(())
        );
        assert!(matches!(
            may_post(open, UserId(1), &caller, PostKind::WorkNote),
            Err(Refusal::Forbidden(_))
        ));
        assert_eq!(
            may_post(open, UserId(1), &other, PostKind::Comment),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            may_post(IncidentState::Closed, UserId(1), &agent, PostKind::Comment),
            Err(Refusal::IncidentClosed)
        );
    }

    #[test]
    fn a_change_is_told_field_by_field() {
        let before = incident(IncidentState::New);
        let mut after = Fields::of(&before);
        after.state = IncidentState::InProgress;
        after.urgency = 1;
        after.assigned_to = None;
        let names = Names {
            caller: "Carol".into(),
            assignment_group: Some("Desk".into()),
            assigned_to: None,
        };
        let lines = change_lines(&before, &after, &names);
        assert_eq!(
            lines,
            vec![
                "Urgency: 2 - Medium \u{2192} 1 - High",
                "Priority: 3 - Moderate \u{2192} 2 - High",
                "State: New \u{2192} In Progress",
                "Assigned to: Bob \u{2192} (empty)",
            ]
        );
        assert!(change_lines(&before, &Fields::of(&before), &names).is_empty());
    }

    #[test]
    fn a_customer_leaves_at_most_five_messages_an_hour() {
        let now = Timestamp(10_000_000);
        let minutes = |m: i64| Timestamp(now.0 - m * 60_000);
        let four = [minutes(50), minutes(40), minutes(30), minutes(20)];
        assert_eq!(check_message_rate(&four, now), Ok(()));
        let five = [
            minutes(50),
            minutes(40),
            minutes(30),
            minutes(20),
            minutes(10),
        ];
        assert_eq!(
            check_message_rate(&five, now),
            Err(IncidentRefusal::TooMany {
                retry_after_secs: 600
            }),
            "the oldest leaves the hour in 10 minutes"
        );
        let old = [
            minutes(70),
            minutes(40),
            minutes(30),
            minutes(20),
            minutes(10),
        ];
        assert_eq!(
            check_message_rate(&old, now),
            Ok(()),
            "one is over an hour old"
        );
    }

    #[test]
    fn a_message_left_gives_its_first_line() {
        assert_eq!(
            short_of_message("  Printer on fire\nmore"),
            "Printer on fire"
        );
        assert_eq!(
            short_of_message(&"a".repeat(300)).chars().count(),
            SHORT_MAX
        );
        assert_eq!(short_of_message("   "), "Message left for the service desk");
        let words = "word ".repeat(60);
        let short = short_of_message(&words);
        assert!(
            short.ends_with("word\u{2026}"),
            "cut between words: {short}"
        );
        assert!(short.chars().count() <= SHORT_MAX);
    }
}
