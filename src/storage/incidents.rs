//! What both backends share about incidents: the columns of an incident row and their
//! decoding, the list query (built with each backend's placeholders), and the outcomes and
//! errors of the writes. The transactions themselves are in each backend's `incidents.rs`.

use sqlx::{Database, QueryBuilder};

use super::rows::{Columns, decode_error, person};
use super::{Result, StorageError};
use crate::domain::incident::{
    Category, ContactType, Fields, Incident, IncidentRefusal, IncidentState,
};
use crate::domain::session::{Conversation, Entry, EntryKind, Event, NewEntry, Person};
use crate::domain::{ConversationId, GroupId, IncidentId, Timestamp, User, UserId};

/// The columns of an incident, with the names of the people and group it refers to.
pub(super) const INCIDENT_SELECT: &str = "SELECT i.id, i.number, i.caller_id, cu.display_name AS caller_name, \
     i.short_description, i.description, i.category, i.contact_type, i.impact, i.urgency, i.priority, \
     i.state, i.resolution_notes, i.assignment_group_id, g.name AS group_name, i.assigned_to_id, \
     au.display_name AS assigned_name, i.session_id, i.activity_id, i.created_by_id, \
     cb.display_name AS created_by_name, i.created_at, i.updated_by_id, \
     ub.display_name AS updated_by_name, i.updated_at, i.version \
     FROM incidents i JOIN users cu ON cu.id = i.caller_id \
     LEFT JOIN assignment_groups g ON g.id = i.assignment_group_id \
     LEFT JOIN users au ON au.id = i.assigned_to_id \
     JOIN users cb ON cb.id = i.created_by_id JOIN users ub ON ub.id = i.updated_by_id";

fn small(row: &impl Columns, col: &str) -> Result<u8> {
    let v = row.int(col)?;
    u8::try_from(v).map_err(|_| decode_error(col, &v.to_string()))
}

fn word<T>(row: &impl Columns, col: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let text = row.text(col)?;
    parse(&text).ok_or_else(|| decode_error(col, &text))
}

fn required(p: Option<Person>, what: &str) -> Result<Person> {
    p.ok_or_else(|| decode_error(what, "missing"))
}

/// An incident from a row of [`INCIDENT_SELECT`].
pub(super) fn incident_from_row(row: &impl Columns) -> Result<Incident> {
    let group = row
        .opt_int("assignment_group_id")?
        .zip(row.opt_text("group_name")?)
        .map(|(id, name)| (GroupId(id), name));
    Ok(Incident {
        id: IncidentId(row.int("id")?),
        number: row.text("number")?,
        caller: required(person(row, "caller_id", "caller_name")?, "caller")?,
        short_description: row.text("short_description")?,
        description: row.text("description")?,
        category: word(row, "category", Category::parse)?,
        contact_type: word(row, "contact_type", ContactType::parse)?,
        impact: small(row, "impact")?,
        urgency: small(row, "urgency")?,
        priority: small(row, "priority")?,
        state: word(row, "state", IncidentState::parse)?,
        resolution_notes: row.opt_text("resolution_notes")?,
        assignment_group: group,
        assigned_to: person(row, "assigned_to_id", "assigned_name")?,
        session: row.opt_int("session_id")?.map(ConversationId),
        activity: ConversationId(row.int("activity_id")?),
        created_by: required(person(row, "created_by_id", "created_by_name")?, "creator")?,
        created_at: Timestamp(row.int("created_at")?),
        updated_by: required(person(row, "updated_by_id", "updated_by_name")?, "updater")?,
        updated_at: Timestamp(row.int("updated_at")?),
        version: row.int("version")?,
    })
}

/// Which incidents a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Assigned to the viewer, not closed or canceled.
    Mine,
    /// Of the viewer's groups, not closed or canceled.
    Group,
    /// Not resolved, closed or canceled.
    Open,
    All,
    /// Those the viewer is the caller of (a customer's own).
    Caller,
}

/// A list of incidents: whose, in which state, matching what.
#[derive(Debug, Clone)]
pub struct IncidentQuery {
    pub viewer: UserId,
    pub scope: Scope,
    pub state: Option<IncidentState>,
    /// An incident number (exact), and/or words each found in the short description or the
    /// description (any case): an incident matches either.
    pub number: Option<String>,
    pub words: Vec<String>,
    pub limit: i64,
}

/// `text` for a `LIKE … ESCAPE '\'` that finds it anywhere.
pub(super) fn like_anywhere(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The list query for `q`, with the placeholders of backend `DB`; newest first.
pub(super) fn list_query<'a, DB>(q: &'a IncidentQuery) -> QueryBuilder<'a, DB>
where
    DB: Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut b = QueryBuilder::new(INCIDENT_SELECT);
    b.push(" WHERE 1 = 1");
    const NOT_FINAL: &str = " AND i.state NOT IN ('closed', 'canceled')";
    match q.scope {
        Scope::Mine => {
            b.push(" AND i.assigned_to_id = ").push_bind(q.viewer.0);
            b.push(NOT_FINAL);
        }
        Scope::Group => {
            b.push(
                " AND i.assignment_group_id IN (SELECT group_id FROM group_members WHERE user_id = ",
            )
            .push_bind(q.viewer.0)
            .push(")");
            b.push(NOT_FINAL);
        }
        Scope::Open => {
            b.push(" AND i.state IN ('new', 'in_progress', 'on_hold')");
        }
        Scope::All => {}
        Scope::Caller => {
            b.push(" AND i.caller_id = ").push_bind(q.viewer.0);
        }
    }
    if let Some(state) = q.state {
        b.push(" AND i.state = ").push_bind(state.as_str());
    }
    // The number, or every word in the texts (either, when both are given: digits alone).
    if q.number.is_some() || !q.words.is_empty() {
        b.push(" AND (");
        if let Some(number) = &q.number {
            b.push("i.number = ").push_bind(number.as_str());
            if !q.words.is_empty() {
                b.push(" OR ");
            }
        }
        if !q.words.is_empty() {
            b.push("(1 = 1");
            for word in &q.words {
                let pattern = like_anywhere(word);
                b.push(" AND (lower(i.short_description) LIKE ")
                    .push_bind(pattern.clone())
                    .push(" ESCAPE '\\' OR lower(i.description) LIKE ")
                    .push_bind(pattern)
                    .push(" ESCAPE '\\')");
            }
            b.push(")");
        }
        b.push(")");
    }
    b.push(" ORDER BY i.id DESC LIMIT ").push_bind(q.limit);
    b
}

/// A new incident, as asked for.
#[derive(Debug, Clone)]
pub struct NewIncident {
    pub actor: User,
    pub client_id: String,
    pub fields: Fields,
    /// The support session it comes from (the caller checked it may see it).
    pub session: Option<ConversationId>,
    /// A message its caller left when nobody was available (not created by staff).
    pub left_by_caller: bool,
}

/// What creating an incident did.
#[derive(Debug, Clone)]
pub struct Created {
    pub incident: Incident,
    /// False for a repeated client id: `incident` is the original, nothing was stored.
    pub created: bool,
    /// The activity conversation and its first entries.
    pub activity: (Conversation, Vec<Entry>),
    /// The session it came from, and the entry that says so there.
    pub session: Option<(Conversation, Vec<Entry>)>,
}

/// What changing an incident did.
#[derive(Debug, Clone)]
pub struct Updated {
    pub incident: Incident,
    /// The activity conversation after the change, and the field-change entries it stored
    /// (none when nothing changed).
    pub activity: (Conversation, Vec<Entry>),
}

/// Why an incident write stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum IncidentError {
    #[error(transparent)]
    Refused(#[from] IncidentRefusal),
    #[error("No such incident.")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for IncidentError {
    fn from(e: sqlx::Error) -> Self {
        IncidentError::Storage(StorageError::Database(e))
    }
}

impl From<crate::domain::incident::FieldError> for IncidentError {
    fn from(e: crate::domain::incident::FieldError) -> Self {
        IncidentError::Refused(e.into())
    }
}

/// The first entry of an incident's activity.
pub(super) fn created_entry(actor: &User, number: &str) -> NewEntry {
    system_entry(
        actor,
        Event::IncidentCreated,
        format!("{} created {number}.", actor.display_name),
    )
}

/// A system entry of `event` by `actor`.
pub(super) fn system_entry(actor: &User, event: Event, body: String) -> NewEntry {
    NewEntry {
        kind: EntryKind::System,
        author: Some(Person::from(actor)),
        body,
        client_id: None,
        event: Some(event),
        attachment: None,
    }
}

/// The answer to a repeated post to an activity: the original, nothing stored.
pub(super) fn replayed(record: Conversation, original: Entry) -> super::Applied {
    super::Applied {
        previous_state: record.state,
        conversation: record,
        entries: vec![original],
        created: false,
    }
}
