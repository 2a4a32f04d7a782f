//! The support session as a state machine: given a conversation, who acts, a command and the
//! time, [`decide`] says which entries follow and how the state and the inactivity deadline
//! change, or why not. [`can_view`] and [`can_see`] are the one place that decides who sees a
//! conversation and which of its entries; every read path goes through them.
//!
//! ```text
//!  start ──> QUEUED ──accept──> ACTIVE ──end / timeout──> CLOSED
//!              └─ customer leaves ─────────────────────> CLOSED (abandoned)
//!            ACTIVE ──transfer──> ACTIVE (new assignee)
//!            ACTIVE ──hand back / assignee absent past the grace──> QUEUED (front of the queue)
//! ```

use std::time::Duration;

use super::attachment::{Attachment, NewAttachment};
use super::directory::{QueueSettings, User};
use super::ids::{ConversationId, GroupId, QueueId, UserId};
use super::time::Timestamp;

/// The longest entry body, in characters.
pub const BODY_MAX_CHARS: usize = 10_000;
/// The longest client id.
pub const CLIENT_ID_MAX: usize = 100;
/// A customer who is typing is not silent: each typing start holds the pending inactivity
/// deadline (the warning or the close) until at least this long from now...
pub const TYPING_HOLDS: Duration = Duration::from_secs(15);
/// ...but never more than this past the time it was due, so a stuck "typing" cannot keep a
/// session open for ever.
pub const TYPING_HOLDS_AT_MOST: Duration = Duration::from_secs(120);

/// Whether a typing start of `user` holds the inactivity clock of `conv`: only the customer's,
/// only while the session is active (that is when the clock runs).
pub fn typing_holds_clock(conv: &Conversation, user: &User, active: bool) -> bool {
    active
        && conv.state == SessionState::Active
        && conv.customer.as_ref().is_some_and(|c| c.id == user.id)
}

/// What kind of timeline a conversation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationKind {
    Support,
    Chat,
    Record,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Queued,
    Active,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    EndedByAgent,
    EndedByCustomer,
    TimedOut,
    Abandoned,
}

/// A user as a conversation shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: UserId,
    pub display_name: String,
}

impl From<&User> for Person {
    fn from(u: &User) -> Self {
        Person {
            id: u.id,
            display_name: u.display_name.clone(),
        }
    }
}

/// A conversation's current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: ConversationId,
    pub kind: ConversationKind,
    pub state: SessionState,
    pub queue: Option<QueueId>,
    /// The assignment group of the queue (support sessions): whose staff work it.
    pub group: Option<GroupId>,
    pub customer: Option<Person>,
    pub assignee: Option<Person>,
    pub last_seq: i64,
    /// The seq of the newest entry everyone may see (not a work note): what a viewer without
    /// the ITIL role is told the conversation has reached.
    pub last_public_seq: i64,
    pub closed_reason: Option<CloseReason>,
    pub created_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    /// The customer's first message, for queue notifications.
    pub first_message: Option<String>,
    /// The agent the session last came back from (handed back, or gone past the grace), and
    /// when: a returned session waits at the front of its queue.
    pub returned_from: Option<Person>,
    pub returned_at: Option<Timestamp>,
    /// For a record conversation: the incident whose activity it is.
    pub record: Option<RecordRef>,
    /// A group chat's name (a direct chat has none).
    pub title: Option<String>,
    /// A chat's members, by name.
    pub members: Vec<Person>,
    /// A support session's colleagues invited to help, by name.
    pub invited: Vec<Person>,
}

/// The incident a record conversation is the activity of, as a sidebar names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    pub incident: crate::domain::IncidentId,
    pub number: String,
    pub short_description: String,
    pub state: crate::domain::incident::IncidentState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Comment,
    WorkNote,
    System,
}

impl EntryKind {
    pub const ALL: [EntryKind; 3] = [EntryKind::Comment, EntryKind::WorkNote, EntryKind::System];
}

/// What a system entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Accepted,
    Transferred,
    InactivityWarning,
    StillHere,
    Closed,
    /// The assignee left (handed it back, or was offline past the grace): back in the queue.
    HandedBack,
    /// An incident was created (in its activity; in the session it came from, for the customer).
    IncidentCreated,
    /// A field of an incident changed (in its activity).
    FieldChanged,
    /// Someone came into a chat (created it, or was added).
    MemberAdded,
    /// Someone left a group chat.
    MemberLeft,
    /// A marker: its author withdrew the entry `seq`. Of the kind of the entry it withdrew, so
    /// that it reaches exactly who saw that one.
    Withdrawn {
        seq: i64,
    },
}

/// Who may see an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everyone who may see the conversation.
    Everyone,
    /// Staff, and customers holding the ITIL role.
    Itil,
}

/// An entry about to be stored (its seq is assigned by the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub kind: EntryKind,
    pub author: Option<Person>,
    pub body: String,
    pub client_id: Option<String>,
    pub event: Option<Event>,
    /// A file posted as this entry (its bytes stored by hash before the transaction).
    pub attachment: Option<NewAttachment>,
}

impl NewEntry {
    pub fn audience(&self) -> Audience {
        audience_of(self.kind)
    }

    pub(crate) fn system(event: Event, body: String) -> NewEntry {
        NewEntry {
            kind: EntryKind::System,
            author: None,
            body,
            client_id: None,
            event: Some(event),
            attachment: None,
        }
    }
}

/// Who may see what is being typed for a post of this kind.
pub fn audience_of_post(kind: PostKind) -> Audience {
    match kind {
        PostKind::Comment => Audience::Everyone,
        PostKind::WorkNote => Audience::Itil,
    }
}

fn audience_of(kind: EntryKind) -> Audience {
    match kind {
        EntryKind::WorkNote => Audience::Itil,
        EntryKind::Comment | EntryKind::System => Audience::Everyone,
    }
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub conversation: ConversationId,
    pub seq: i64,
    pub kind: EntryKind,
    pub author: Option<Person>,
    /// Empty once withdrawn (the body is then only in the audit record).
    pub body: String,
    pub client_id: Option<String>,
    pub at: Timestamp,
    pub event: Option<Event>,
    /// The file posted as this entry; none once withdrawn.
    pub attachment: Option<Attachment>,
    /// Who withdrew it, and when.
    pub withdrawn: Option<Withdrawn>,
}

/// Who took an entry back, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawn {
    pub by: Person,
    pub at: Timestamp,
}

impl Entry {
    pub fn audience(&self) -> Audience {
        audience_of(self.kind)
    }
}

/// The inactivity deadline pending on a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub due: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// At `due`, warn the customer.
    Warning,
    /// At `due`, close the session.
    Close,
}

/// What happens to the session's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineChange {
    Keep,
    Clear,
    Set(Deadline),
}

/// The one rule of who works a queue: a staff role (agent, manager or admin, as
/// [`crate::domain::RoleSet::is_staff`] says) AND membership of the queue's assignment group,
/// and not disabled. Membership alone is nothing: a member demoted to customer works no queue.
/// Every path (commands, lists, offers, socket registration, live pushes, typing) asks this.
pub fn staff_of_queue(user: &User, member_of_group: bool) -> bool {
    member_of_group && user.roles.is_staff() && !user.disabled
}

/// Whether `user` sees the sessions of a queue: its staff, and managers and admins (who oversee
/// every queue). The queue part of [`can_view`].
pub fn sees_queue(user: &User, member_of_group: bool) -> bool {
    staff_of_queue(user, member_of_group) || (user.roles.can_manage_queues() && !user.disabled)
}

/// An optional text (a first message, a transfer note): its length counts as sent, blanks too;
/// a blank text is then no text.
pub fn optional_text(text: Option<String>) -> Result<Option<String>, Refusal> {
    if text
        .as_ref()
        .is_some_and(|t| t.chars().count() > BODY_MAX_CHARS)
    {
        return Err(Refusal::TooLong);
    }
    Ok(text.filter(|t| !t.trim().is_empty()))
}

/// Whether `user` may use a queue at all: customers any (to start a chat there), managers and
/// admins any, other staff only the queues they work.
pub fn can_use_queue(user: &User, member_of_group: bool) -> bool {
    !user.disabled
        && (user.roles.can_manage_queues()
            || !user.roles.is_staff()
            || staff_of_queue(user, member_of_group))
}

/// The groups whose queues `user` works, given the groups they are a member of.
pub fn queue_groups(user: &User, memberships: &[GroupId]) -> Vec<GroupId> {
    if staff_of_queue(user, true) {
        memberships.to_vec()
    } else {
        Vec::new()
    }
}

/// What a user is to one conversation, as far as permissions go. Built only by [`Viewer::new`],
/// so "in the group" always means [`staff_of_queue`].
#[derive(Debug, Clone)]
pub struct Viewer<'a> {
    pub user: &'a User,
    in_group: bool,
}

impl<'a> Viewer<'a> {
    /// `member_of_group`: whether `user` is a member of the conversation's queue's group.
    pub fn new(user: &'a User, member_of_group: bool) -> Self {
        Viewer {
            user,
            in_group: staff_of_queue(user, member_of_group),
        }
    }

    /// Staff of the conversation's queue.
    pub fn in_group(&self) -> bool {
        self.in_group
    }

    /// The viewer of `conv` for a user who is a member of `memberships`.
    pub fn of(user: &'a User, conv: &Conversation, memberships: &[GroupId]) -> Self {
        Viewer::new(user, conv.group.is_some_and(|g| memberships.contains(&g)))
    }
}

/// Whether `viewer` may see the conversation at all: a customer their own sessions; staff the
/// sessions of queues their group works (and one assigned to them), managers and admins every
/// queue. Nobody disabled sees anything.
pub fn can_view(conv: &Conversation, viewer: &Viewer<'_>) -> bool {
    if viewer.user.disabled {
        return false;
    }
    let is_customer = conv
        .customer
        .as_ref()
        .is_some_and(|c| c.id == viewer.user.id);
    let is_assignee = conv
        .assignee
        .as_ref()
        .is_some_and(|a| a.id == viewer.user.id);
    match conv.kind {
        ConversationKind::Record => {
            // An incident's activity: the incident's rule (its caller is the record's
            // customer, kept so in the transaction that changes the caller).
            return conv.customer.as_ref().is_some_and(|caller| {
                crate::domain::incident::may_view_activity(caller.id, viewer.user)
            }) || crate::domain::incident::may_edit(viewer.user);
        }
        // Colleagues' chats: their members, who are staff (a member demoted to customer sees
        // it no more). Never anyone else, managers included.
        ConversationKind::Chat => {
            return crate::domain::chat::may_chat(viewer.user)
                && conv.members.iter().any(|m| m.id == viewer.user.id);
        }
        ConversationKind::Support => {}
    }
    let invited = is_invited(conv, viewer.user);
    // `in_group` is `staff_of_queue` already; `sees_queue` adds the managers.
    is_customer || is_assignee || invited || viewer.in_group || sees_queue(viewer.user, false)
}

/// Whether `user` is a colleague invited to help in support session `conv` (and still staff).
pub fn is_invited(conv: &Conversation, user: &User) -> bool {
    crate::domain::chat::may_chat(user) && conv.invited.iter().any(|p| p.id == user.id)
}

/// Whether `user` takes part in `conv` (its customer or its assignee): only they have unread
/// messages in it. A colleague who looked in, wrote a work note or handed it on keeps no count
/// that never goes away.
pub fn counts_unread(conv: &Conversation, user: &User) -> bool {
    if conv.kind != ConversationKind::Support {
        // An incident's activity is listed for those who follow it, a chat for its members:
        // they count what is new.
        return true;
    }
    let is = |p: &Option<Person>| p.as_ref().is_some_and(|p| p.id == user.id);
    is(&conv.customer) || is(&conv.assignee) || is_invited(conv, user)
}

/// The kinds of entry `viewer` may see, by [`can_see`]: for queries that read only what a
/// viewer may see (a preview, an unread count) instead of filtering afterwards.
pub fn visible_kinds(viewer: &User) -> Vec<EntryKind> {
    EntryKind::ALL
        .into_iter()
        .filter(|k| can_see(audience_of(*k), viewer))
        .collect()
}

/// The last seq of `conv` that `viewer` may see: work notes beyond it are not even hinted at.
pub fn visible_last_seq(conv: &Conversation, viewer: &User) -> i64 {
    if can_see(Audience::Itil, viewer) {
        conv.last_seq
    } else {
        conv.last_public_seq
    }
}

/// Whether `viewer`, who may view the conversation, may see this entry: work notes only with
/// the ITIL role (staff hold it implicitly). The one place entries are filtered.
pub fn can_see(audience: Audience, viewer: &User) -> bool {
    match audience {
        Audience::Everyone => true,
        Audience::Itil => viewer.has_itil(),
    }
}

/// A command on a support session.
#[derive(Debug, Clone)]
pub enum Command {
    Post(Post),
    Accept,
    Transfer {
        to: User,
        /// Whether `to` is a member of the queue's group (read in the command's transaction).
        to_in_group: bool,
        to_online: bool,
        note: Option<String>,
    },
    End,
    StillHere,
    /// The assignee (or a manager) gives the session back to the front of the queue.
    HandBack,
}

/// A comment or work note sent by a user (to a session, a chat or a record's activity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub kind: PostKind,
    /// The text; for an attachment its caption, which may be empty.
    pub body: String,
    pub client_id: String,
    /// The last seq the sender's view showed: with it, the send is held when newer messages
    /// by others exist ([`check_stale`]).
    pub seen: Option<i64>,
    pub attachment: Option<NewAttachment>,
}

impl Post {
    /// A text post with no stale-view guard.
    pub fn text(kind: PostKind, body: impl Into<String>, client_id: impl Into<String>) -> Post {
        Post {
            kind,
            body: body.into(),
            client_id: client_id.into(),
            seen: None,
            attachment: None,
        }
    }

    /// Checks the body and client id ([`check_post`]).
    pub fn check(&self) -> Result<(), Refusal> {
        check_client_id(&self.client_id)?;
        if self.seen.is_some_and(|s| s < 0) {
            return Err(Refusal::Field(crate::domain::incident::FieldError {
                field: "seen",
                message: "`seen` is a seq: a whole number of 0 or more.".into(),
            }));
        }
        if self.attachment.is_some() {
            // A caption may be empty; its length counts as a message's.
            return check_length(&self.body);
        }
        check_post(&self.body, &self.client_id)
    }

    /// The entry this post stores, by `author`.
    pub fn entry(self, author: &User) -> NewEntry {
        NewEntry {
            kind: match self.kind {
                PostKind::Comment => EntryKind::Comment,
                PostKind::WorkNote => EntryKind::WorkNote,
            },
            author: Some(Person::from(author)),
            body: self.body,
            client_id: Some(self.client_id),
            event: None,
            attachment: self.attachment,
        }
    }
}

/// The stale-view guard: a send that says which seq its sender's view showed is held while
/// `newer` messages by others (comments and work notes the sender may see, after that seq)
/// exist. Nothing is stored; the sender looks and sends again.
pub fn check_stale(post: &Post, newer: i64) -> Result<(), Refusal> {
    if post.seen.is_some() && newer > 0 {
        return Err(Refusal::StaleView { newer });
    }
    Ok(())
}

/// The kinds of entry the stale-view guard counts for `viewer`: messages, of the kinds they
/// may see (markers of withdrawal are not messages).
pub fn message_kinds(viewer: &User) -> Vec<EntryKind> {
    visible_kinds(viewer)
        .into_iter()
        .filter(|k| *k != EntryKind::System)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostKind {
    Comment,
    WorkNote,
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor may not see the conversation: answered as if it did not exist.
    #[error("No such conversation.")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("This session is closed.")]
    SessionClosed,
    #[error("{by} accepted this session {ago}.")]
    AlreadyAccepted { by: String, ago: String },
    /// The session changed between reading it and writing the decision (a racing writer).
    #[error("The session changed meanwhile; look again and retry.")]
    Changed,
    #[error("{0} is not a member of this queue's group.")]
    NotInGroup(String),
    #[error("The session is already yours.")]
    SameAgent,
    #[error("{0} is not online: choose a colleague who is.")]
    NotOnline(String),
    #[error("Write something first.")]
    EmptyBody,
    #[error("A message is at most {BODY_MAX_CHARS} characters.")]
    TooLong,
    #[error("A client id is 1 to {CLIENT_ID_MAX} characters.")]
    BadClientId,
    #[error("This deadline is no longer due.")]
    NotDue,
    #[error("This session is waiting in the queue: nobody holds it yet.")]
    NotActive,
    #[error("This incident is closed: its activity takes no more messages.")]
    IncidentClosed,
    /// The agent who would hold the session holds the most its queue allows at once.
    #[error(
        "{who} already holds {limit} sessions of this queue, the most it allows: close or transfer one first."
    )]
    AtCapacity { who: String, limit: u32 },
    /// A session's survey was answered before.
    #[error("This session has been rated already.")]
    AlreadyAnswered,
    /// The stale-view guard held a send.
    #[error("{}", stale_message(*newer))]
    StaleView { newer: i64 },
    /// Unsend asked for after the window.
    #[error("A message can be withdrawn within {} of sending; this one is older.", span(u64::from(*window_secs)))]
    UnsendExpired { window_secs: u32 },
    /// A value refused; names the field.
    #[error(transparent)]
    Field(#[from] crate::domain::incident::FieldError),
}

/// The outcome of an accepted command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// A repeated send: the entry its first sending stored, returned instead of storing more.
    pub replay: Option<Entry>,
    pub entries: Vec<NewEntry>,
    pub state: SessionState,
    pub assignee: Option<Person>,
    pub closed_reason: Option<CloseReason>,
    pub deadline: DeadlineChange,
}

/// The assignee of an active session went offline: unless they come back, the session goes
/// back to the queue at `due`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Absence {
    pub assignee: UserId,
    pub due: Timestamp,
}

/// Everything [`decide`] and [`fire`] need to know about the session.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub conv: &'a Conversation,
    pub queue: &'a QueueSettings,
    pub pending: Option<Deadline>,
    /// For a post: the entry this actor already stored under the same client id, if any.
    pub sent_before: Option<&'a Entry>,
    /// For a post with `seen`: how many messages by others the actor may see follow it.
    pub newer: i64,
    pub now: Timestamp,
}

impl Facts<'_> {
    fn is_customer(&self, user: &User) -> bool {
        self.conv.customer.as_ref().is_some_and(|c| c.id == user.id)
    }

    fn is_assignee(&self, user: &User) -> bool {
        self.conv.assignee.as_ref().is_some_and(|a| a.id == user.id)
    }

    fn unchanged(&self, entries: Vec<NewEntry>, deadline: DeadlineChange) -> Decision {
        Decision {
            replay: None,
            entries,
            state: self.conv.state,
            assignee: self.conv.assignee.clone(),
            closed_reason: self.conv.closed_reason,
            deadline,
        }
    }

    /// The clock restarts: the customer has the queue's warning time to answer.
    fn warning_from_now(&self) -> DeadlineChange {
        let due = self.now.plus(Duration::from_secs(u64::from(
            self.queue.inactivity_warning_secs,
        )));
        DeadlineChange::Set(Deadline {
            kind: DeadlineKind::Warning,
            due,
        })
    }
}

/// Checks a body and client id of a post.
pub fn check_post(body: &str, client_id: &str) -> Result<(), Refusal> {
    check_client_id(client_id)?;
    if body.trim().is_empty() {
        return Err(Refusal::EmptyBody);
    }
    check_length(body)
}

fn check_length(body: &str) -> Result<(), Refusal> {
    if body.chars().count() > BODY_MAX_CHARS {
        return Err(Refusal::TooLong);
    }
    if body.contains('\0') {
        return Err(Refusal::Field(crate::domain::incident::FieldError {
            field: "body",
            message: "A message cannot hold a NUL character.".into(),
        }));
    }
    Ok(())
}

/// "2 new messages since you started typing".
fn stale_message(newer: i64) -> String {
    if newer == 1 {
        "1 new message since you started typing".to_owned()
    } else {
        format!("{newer} new messages since you started typing")
    }
}

/// A client id (of a post, a start, an incident, a message left) is 1 to [`CLIENT_ID_MAX`]
/// characters.
pub fn check_client_id(client_id: &str) -> Result<(), Refusal> {
    if client_id.is_empty() || client_id.chars().count() > CLIENT_ID_MAX {
        return Err(Refusal::BadClientId);
    }
    Ok(())
}

/// Decides the outcome of `command`, given by `viewer`, on a support session.
pub fn decide(
    facts: &Facts<'_>,
    viewer: &Viewer<'_>,
    command: Command,
) -> Result<Decision, Refusal> {
    let conv = facts.conv;
    let actor = viewer.user;
    if !can_view(conv, viewer) {
        return Err(Refusal::NotFound);
    }
    let is_customer = facts.is_customer(actor);
    // The assignee acts as the agent only while holding a staff role: an assignee demoted to
    // customer keeps no agent powers over the session (they may still read it).
    let is_assignee = facts.is_assignee(actor) && actor.roles.is_staff();
    let staff = viewer.in_group || actor.roles.can_manage_queues() || is_assignee;
    // A colleague invited to help writes work notes, and does nothing else.
    let invited = is_invited(conv, actor);
    match command {
        Command::Post(post) => {
            // A refused body is refused whatever its client id: a repeat never makes it look
            // accepted.
            post.check()?;
            // A repeated send returns what the first one stored (to a viewer who may still see
            // the conversation, checked above): never a duplicate, never an error.
            if let Some(original) = facts.sent_before {
                return Ok(Decision {
                    replay: Some(original.clone()),
                    ..facts.unchanged(Vec::new(), DeadlineChange::Keep)
                });
            }
            if conv.state == SessionState::Closed {
                return Err(Refusal::SessionClosed);
            }
            let deadline = match post.kind {
                PostKind::Comment if is_customer => {
                    // The customer answered: nobody waits on them any more.
                    DeadlineChange::Clear
                }
                PostKind::Comment if is_assignee => {
                    // The clock measures the customer's silence since the last agent comment
                    // that awaits an answer: a new one restarts it, also after the warning (the
                    // agent asked something new; the customer gets the whole time to answer).
                    if conv.state == SessionState::Active {
                        facts.warning_from_now()
                    } else {
                        DeadlineChange::Keep
                    }
                }
                PostKind::Comment => {
                    return Err(Refusal::Forbidden(
                        "Only the assigned agent may post comments; add a work note instead.",
                    ));
                }
                PostKind::WorkNote if staff || invited => DeadlineChange::Keep,
                PostKind::WorkNote => {
                    return Err(Refusal::Forbidden(
                        "Only service desk staff may post work notes.",
                    ));
                }
            };
            // Allowed, but the sender has not seen what came meanwhile: held, nothing stored.
            check_stale(&post, facts.newer)?;
            Ok(facts.unchanged(vec![post.entry(actor)], deadline))
        }
        Command::Accept => {
            if !staff || is_customer {
                return Err(Refusal::Forbidden(
                    "Only agents of this queue's group may accept.",
                ));
            }
            match conv.state {
                SessionState::Queued => {}
                // The winner asking again (a retry after a lost answer): nothing more to do.
                SessionState::Active if is_assignee => {
                    return Ok(facts.unchanged(Vec::new(), DeadlineChange::Keep));
                }
                SessionState::Active => {
                    let by = conv
                        .assignee
                        .as_ref()
                        .map_or_else(|| "Someone".to_owned(), |a| a.display_name.clone());
                    let ago = conv
                        .accepted_at
                        .map_or_else(|| "already".to_owned(), |at| ago(at, facts.now));
                    return Err(Refusal::AlreadyAccepted { by, ago });
                }
                SessionState::Closed => return Err(Refusal::SessionClosed),
            }
            let mut entries = vec![NewEntry::system(
                Event::Accepted,
                format!("{} joined the chat.", actor.display_name),
            )];
            let mut deadline = DeadlineChange::Keep;
            // The queue's greeting opens a chat once: a session taken again after it came back
            // (or was handed on) does not greet the customer a second time.
            if !facts.queue.greeting.is_empty() && conv.accepted_at.is_none() {
                entries.push(NewEntry {
                    kind: EntryKind::Comment,
                    author: Some(Person::from(actor)),
                    body: facts.queue.greeting.clone(),
                    client_id: None,
                    event: None,
                    attachment: None,
                });
                deadline = facts.warning_from_now();
            }
            Ok(Decision {
                replay: None,
                entries,
                state: SessionState::Active,
                assignee: Some(Person::from(actor)),
                closed_reason: None,
                deadline,
            })
        }
        Command::Transfer {
            to,
            to_in_group,
            to_online,
            note,
        } => {
            if conv.state == SessionState::Closed {
                return Err(Refusal::SessionClosed);
            }
            if conv.state != SessionState::Active
                || !(is_assignee || actor.roles.can_manage_queues())
            {
                return Err(Refusal::Forbidden(
                    "Only the assigned agent may transfer this session.",
                ));
            }
            if conv.assignee.as_ref().is_some_and(|a| a.id == to.id) {
                return Err(Refusal::SameAgent);
            }
            if !staff_of_queue(&to, to_in_group) {
                return Err(Refusal::NotInGroup(to.display_name.clone()));
            }
            if !to_online {
                return Err(Refusal::NotOnline(to.display_name.clone()));
            }
            // Who did it: the assignee, or a manager moving it from them.
            let body = match conv.assignee.as_ref().filter(|a| a.id != actor.id) {
                Some(holder) => format!(
                    "{} transferred the chat from {} to {}.",
                    actor.display_name, holder.display_name, to.display_name
                ),
                None => format!(
                    "{} transferred the chat to {}.",
                    actor.display_name, to.display_name
                ),
            };
            let mut entries = vec![NewEntry::system(Event::Transferred, body)];
            if let Some(note) = optional_text(note)? {
                entries.push(NewEntry {
                    kind: EntryKind::WorkNote,
                    author: Some(Person::from(actor)),
                    body: note,
                    client_id: None,
                    event: None,
                    attachment: None,
                });
            }
            Ok(Decision {
                assignee: Some(Person::from(&to)),
                ..facts.unchanged(entries, DeadlineChange::Keep)
            })
        }
        Command::End => {
            if conv.state == SessionState::Closed {
                return Err(Refusal::SessionClosed);
            }
            let reason = if is_customer {
                if conv.state == SessionState::Queued {
                    CloseReason::Abandoned
                } else {
                    CloseReason::EndedByCustomer
                }
            } else if is_assignee || actor.roles.can_manage_queues() {
                CloseReason::EndedByAgent
            } else {
                return Err(Refusal::Forbidden(
                    "Only the assigned agent or the customer may end this session.",
                ));
            };
            let body = match reason {
                CloseReason::Abandoned => {
                    format!("{} left before an agent joined.", actor.display_name)
                }
                _ => format!("{} ended the chat.", actor.display_name),
            };
            Ok(close(facts, reason, body))
        }
        Command::HandBack => match conv.state {
            SessionState::Closed => Err(Refusal::SessionClosed),
            // The one who handed it back asking again (a retry after a lost answer).
            SessionState::Queued
                if conv
                    .returned_from
                    .as_ref()
                    .is_some_and(|r| r.id == actor.id) =>
            {
                Ok(facts.unchanged(Vec::new(), DeadlineChange::Keep))
            }
            SessionState::Queued if staff => Err(Refusal::NotActive),
            SessionState::Active if is_assignee || actor.roles.can_manage_queues() => {
                Ok(hand_back(facts))
            }
            _ => Err(Refusal::Forbidden(
                "Only the assigned agent may hand this session back.",
            )),
        },
        Command::StillHere => {
            if !is_customer {
                return Err(Refusal::Forbidden(
                    "Only the customer answers the inactivity warning.",
                ));
            }
            if conv.state == SessionState::Closed {
                return Err(Refusal::SessionClosed);
            }
            match facts.pending {
                Some(_) => Ok(facts.unchanged(
                    vec![NewEntry::system(
                        Event::StillHere,
                        format!("{} is still here.", actor.display_name),
                    )],
                    facts.warning_from_now(),
                )),
                None => Ok(facts.unchanged(Vec::new(), DeadlineChange::Keep)),
            }
        }
    }
}

/// Decides what a due deadline does: warn the customer, or close the session.
pub fn fire(facts: &Facts<'_>, deadline: Deadline) -> Result<Decision, Refusal> {
    let conv = facts.conv;
    if facts.pending != Some(deadline) || deadline.due > facts.now {
        return Err(Refusal::NotDue);
    }
    if conv.state != SessionState::Active {
        return Ok(facts.unchanged(Vec::new(), DeadlineChange::Clear));
    }
    match deadline.kind {
        DeadlineKind::Warning => {
            let close_secs = facts.queue.auto_close_secs;
            let body = format!(
                "Are you still there? This chat closes in {} unless you reply.",
                span(u64::from(close_secs))
            );
            // The close period counts from now, when the warning is really shown.
            let due = facts.now.plus(Duration::from_secs(u64::from(close_secs)));
            Ok(facts.unchanged(
                vec![NewEntry::system(Event::InactivityWarning, body)],
                DeadlineChange::Set(Deadline {
                    kind: DeadlineKind::Close,
                    due,
                }),
            ))
        }
        DeadlineKind::Close => Ok(close(
            facts,
            CloseReason::TimedOut,
            "The chat closed because there was no reply.".to_owned(),
        )),
    }
}

/// Decides what an assignee's absence does once due: if they still hold the active session,
/// it goes back to the front of the queue; otherwise (they handed it on, it closed) nothing
/// is left to do.
pub fn fire_absence(facts: &Facts<'_>, absence: Absence) -> Result<Decision, Refusal> {
    if absence.due > facts.now {
        return Err(Refusal::NotDue);
    }
    let conv = facts.conv;
    let holds = conv
        .assignee
        .as_ref()
        .is_some_and(|a| a.id == absence.assignee);
    if conv.state != SessionState::Active || !holds {
        return Ok(facts.unchanged(Vec::new(), DeadlineChange::Keep));
    }
    Ok(hand_back(facts))
}

/// Decides what a due no-reply guard does: if its agent still holds the active session (and
/// so has not commented since taking it: a comment removes the guard in its transaction), it
/// goes back to the front of the queue; otherwise nothing is left to do.
pub fn fire_unanswered(
    facts: &Facts<'_>,
    guard: crate::domain::guard::Guard,
) -> Result<Decision, Refusal> {
    if guard.due > facts.now {
        return Err(Refusal::NotDue);
    }
    let conv = facts.conv;
    let holds = conv
        .assignee
        .as_ref()
        .is_some_and(|a| Some(a.id) == guard.assignee);
    if conv.state != SessionState::Active || !holds {
        return Ok(facts.unchanged(Vec::new(), DeadlineChange::Keep));
    }
    Ok(hand_back_because(facts, "did not answer"))
}

/// The session goes back to the queue: nobody is assigned, the inactivity clock stops (a
/// waiting customer is not silent), and everyone reads why.
fn hand_back(facts: &Facts<'_>) -> Decision {
    hand_back_because(facts, "had to leave")
}

fn hand_back_because(facts: &Facts<'_>, why: &str) -> Decision {
    let name = facts
        .conv
        .assignee
        .as_ref()
        .map_or("Your agent", |a| a.display_name.as_str());
    Decision {
        replay: None,
        entries: vec![NewEntry::system(
            Event::HandedBack,
            format!("{name} {why}. You keep your place at the front of the queue."),
        )],
        state: SessionState::Queued,
        assignee: None,
        closed_reason: None,
        deadline: DeadlineChange::Clear,
    }
}

fn close(facts: &Facts<'_>, reason: CloseReason, body: String) -> Decision {
    Decision {
        replay: None,
        entries: vec![NewEntry::system(Event::Closed, body)],
        state: SessionState::Closed,
        assignee: facts.conv.assignee.clone(),
        closed_reason: Some(reason),
        deadline: DeadlineChange::Clear,
    }
}

/// "2 s ago", "3 min ago".
fn ago(then: Timestamp, now: Timestamp) -> String {
    let secs = then.until(now).as_secs();
    if secs < 60 {
        format!("{secs} s ago")
    } else {
        format!("{} min ago", secs / 60)
    }
}

/// "1 minute", "90 seconds".
fn span(secs: u64) -> String {
    match secs {
        60 => "1 minute".to_owned(),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        1 => "1 second".to_owned(),
        s => format!("{s} seconds"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{GroupId, Role, RoleSet};

    fn user(id: i64, name: &str, roles: &[Role], itil: bool) -> User {
        User {
            id: UserId(id),
            username: name.to_lowercase(),
            display_name: name.into(),
            roles: RoleSet::of(roles),
            itil,
            disabled: false,
            created_at: Timestamp(0),
        }
    }

    fn queue() -> QueueSettings {
        QueueSettings {
            name: "IT Service Desk".into(),
            group: GroupId(1),
            greeting: "Hello!".into(),
            inactivity_warning_secs: 120,
            auto_close_secs: 60,
            assignee_grace_secs: 60,
            unsend_secs: 120,
            max_sessions_per_agent: 0,
            survey: true,
            offer_alert_secs: 60,
            reply_alert_secs: 120,
        }
    }

    fn conv(state: SessionState, assignee: Option<&User>) -> Conversation {
        Conversation {
            id: ConversationId(1),
            kind: ConversationKind::Support,
            state,
            queue: Some(QueueId(1)),
            customer: Some(Person {
                id: UserId(10),
                display_name: "Carol".into(),
            }),
            group: Some(GroupId(1)),
            assignee: assignee.map(Person::from),
            last_seq: 1,
            last_public_seq: 1,
            closed_reason: (state == SessionState::Closed).then_some(CloseReason::EndedByAgent),
            created_at: Timestamp(0),
            accepted_at: assignee.map(|_| Timestamp(0)),
            first_message: None,
            returned_from: None,
            returned_at: None,
            record: None,
            title: None,
            members: Vec::new(),
            invited: Vec::new(),
        }
    }

    fn post(kind: PostKind) -> Command {
        Command::Post(Post::text(kind, "hi", "c"))
    }

    const NOW: Timestamp = Timestamp(1_000_000);

    #[test]
    fn who_may_do_what_in_which_state() {
        let carol = user(10, "Carol", &[Role::Customer], false);
        let alice = user(1, "Alice", &[Role::Agent], false);
        let bob = user(2, "Bob", &[Role::Agent], false);
        let dana = user(3, "Dana", &[Role::Manager, Role::Agent], false);
        let outsider = user(4, "Olga", &[Role::Agent], false);
        let ivan = user(11, "Ivan", &[Role::Customer], true);
        // Still in the group's member list, but no longer an agent.
        let demoted = user(5, "Dirk", &[Role::Customer], false);
        let mut gone = user(6, "Gina", &[Role::Agent], false);
        gone.disabled = true;
        use SessionState::*;
        // (state, actor, in group, command, expected: Ok or the refusal)
        type Case<'a> = (SessionState, &'a User, bool, Command, Result<(), Refusal>);
        let cases: Vec<Case<'_>> = vec![
            (Queued, &alice, true, Command::Accept, Ok(())),
            (
                Queued,
                &demoted,
                true,
                Command::Accept,
                Err(Refusal::NotFound),
            ),
            (Queued, &gone, true, Command::Accept, Err(Refusal::NotFound)),
            (
                Active,
                &demoted,
                true,
                post(PostKind::WorkNote),
                Err(Refusal::NotFound),
            ),
            (Active, &alice, true, Command::Accept, Ok(())),
            (
                Queued,
                &outsider,
                false,
                Command::Accept,
                Err(Refusal::NotFound),
            ),
            (
                Queued,
                &ivan,
                false,
                Command::Accept,
                Err(Refusal::NotFound),
            ),
            (
                Active,
                &bob,
                true,
                Command::Accept,
                Err(Refusal::AlreadyAccepted {
                    by: "Alice".into(),
                    ago: "16 min ago".into(),
                }),
            ),
            (
                Closed,
                &bob,
                true,
                Command::Accept,
                Err(Refusal::SessionClosed),
            ),
            (Queued, &carol, false, post(PostKind::Comment), Ok(())),
            (
                Queued,
                &carol,
                false,
                post(PostKind::WorkNote),
                Err(Refusal::Forbidden(
                    "Only service desk staff may post work notes.",
                )),
            ),
            (Active, &alice, true, post(PostKind::Comment), Ok(())),
            (
                Active,
                &bob,
                true,
                post(PostKind::Comment),
                Err(Refusal::Forbidden(
                    "Only the assigned agent may post comments; add a work note instead.",
                )),
            ),
            (Active, &bob, true, post(PostKind::WorkNote), Ok(())),
            (Active, &dana, false, post(PostKind::WorkNote), Ok(())),
            (
                Active,
                &outsider,
                false,
                post(PostKind::WorkNote),
                Err(Refusal::NotFound),
            ),
            (
                Closed,
                &alice,
                true,
                post(PostKind::Comment),
                Err(Refusal::SessionClosed),
            ),
            (Active, &carol, false, Command::End, Ok(())),
            (
                Active,
                &bob,
                true,
                Command::End,
                Err(Refusal::Forbidden(
                    "Only the assigned agent or the customer may end this session.",
                )),
            ),
            (Active, &dana, true, Command::End, Ok(())),
            (
                Active,
                &alice,
                true,
                Command::StillHere,
                Err(Refusal::Forbidden(
                    "Only the customer answers the inactivity warning.",
                )),
            ),
            (Active, &carol, false, Command::StillHere, Ok(())),
            (Active, &alice, true, Command::HandBack, Ok(())),
            (Active, &dana, false, Command::HandBack, Ok(())),
            (
                Active,
                &bob,
                true,
                Command::HandBack,
                Err(Refusal::Forbidden(
                    "Only the assigned agent may hand this session back.",
                )),
            ),
            (
                Active,
                &carol,
                false,
                Command::HandBack,
                Err(Refusal::Forbidden(
                    "Only the assigned agent may hand this session back.",
                )),
            ),
            (
                Queued,
                &alice,
                true,
                Command::HandBack,
                Err(Refusal::NotActive),
            ),
            (
                Queued,
                &carol,
                false,
                Command::HandBack,
                Err(Refusal::Forbidden(
                    "Only the assigned agent may hand this session back.",
                )),
            ),
            (
                Closed,
                &alice,
                true,
                Command::HandBack,
                Err(Refusal::SessionClosed),
            ),
        ];
        for (state, actor, in_group, command, want) in cases {
            let c = conv(state, (state != Queued).then_some(&alice));
            let q = queue();
            let facts = Facts {
                conv: &c,
                queue: &q,
                pending: None,
                sent_before: None,
                newer: 0,
                now: NOW,
            };
            let got = decide(&facts, &Viewer::new(actor, in_group), command.clone()).map(|_| ());
            assert_eq!(got, want, "{state:?} {} {command:?}", actor.display_name);
        }
    }

    #[test]
    fn an_assignee_demoted_to_customer_keeps_no_agent_powers() {
        let dirk = user(5, "Dirk", &[Role::Customer], false);
        let c = conv(SessionState::Active, Some(&dirk));
        let q = queue();
        let facts = Facts {
            conv: &c,
            queue: &q,
            pending: None,
            sent_before: None,
            newer: 0,
            now: NOW,
        };
        let viewer = Viewer::new(&dirk, true);
        assert!(can_view(&c, &viewer), "he may still read the session");
        let bob = user(2, "Bob", &[Role::Agent], false);
        for command in [
            post(PostKind::Comment),
            post(PostKind::WorkNote),
            Command::End,
            Command::Transfer {
                to: bob,
                to_in_group: true,
                to_online: true,
                note: None,
            },
        ] {
            assert!(
                matches!(
                    decide(&facts, &viewer, command.clone()),
                    Err(Refusal::Forbidden(_))
                ),
                "{command:?}"
            );
        }
    }

    #[test]
    fn transfer_needs_an_online_member_other_than_the_assignee() {
        let alice = user(1, "Alice", &[Role::Agent], false);
        let bob = user(2, "Bob", &[Role::Agent], false);
        let c = conv(SessionState::Active, Some(&alice));
        let q = queue();
        let facts = Facts {
            conv: &c,
            queue: &q,
            pending: None,
            sent_before: None,
            newer: 0,
            now: NOW,
        };
        let viewer = Viewer::new(&alice, true);
        let transfer = |to: &User, in_group, online| Command::Transfer {
            to: to.clone(),
            to_in_group: in_group,
            to_online: online,
            note: Some("note".into()),
        };
        assert_eq!(
            decide(&facts, &viewer, transfer(&bob, false, true)),
            Err(Refusal::NotInGroup("Bob".into()))
        );
        assert_eq!(
            decide(&facts, &viewer, transfer(&bob, true, false)),
            Err(Refusal::NotOnline("Bob".into()))
        );
        assert_eq!(
            decide(&facts, &viewer, transfer(&alice, true, true)),
            Err(Refusal::SameAgent)
        );
        let done = decide(&facts, &viewer, transfer(&bob, true, true)).unwrap();
        assert_eq!(done.assignee.map(|a| a.id), Some(bob.id));
        let kinds: Vec<EntryKind> = done.entries.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [EntryKind::System, EntryKind::WorkNote],
            "a public line and the internal note"
        );
    }

    #[test]
    fn the_inactivity_clock_follows_the_conversation() {
        let alice = user(1, "Alice", &[Role::Agent], false);
        let carol = user(10, "Carol", &[Role::Customer], false);
        let c = conv(SessionState::Active, Some(&alice));
        let q = queue();
        let warning = Deadline {
            kind: DeadlineKind::Warning,
            due: NOW,
        };
        let close = Deadline {
            kind: DeadlineKind::Close,
            due: NOW,
        };
        let at = |secs: u64| NOW.plus(Duration::from_secs(secs));
        let agent = Viewer::new(&alice, true);
        let customer = Viewer::new(&carol, false);
        // (pending, actor, command, deadline change)
        let cases = [
            (
                None,
                &agent,
                post(PostKind::Comment),
                DeadlineChange::Set(Deadline {
                    kind: DeadlineKind::Warning,
                    due: at(120),
                }),
            ),
            (
                Some(warning),
                &agent,
                post(PostKind::Comment),
                DeadlineChange::Set(Deadline {
                    kind: DeadlineKind::Warning,
                    due: at(120),
                }),
            ),
            // A new question after the warning restarts the clock (the warning is answered).
            (
                Some(close),
                &agent,
                post(PostKind::Comment),
                DeadlineChange::Set(Deadline {
                    kind: DeadlineKind::Warning,
                    due: at(120),
                }),
            ),
            (
                Some(warning),
                &agent,
                post(PostKind::WorkNote),
                DeadlineChange::Keep,
            ),
            (
                Some(warning),
                &customer,
                post(PostKind::Comment),
                DeadlineChange::Clear,
            ),
            (
                Some(close),
                &customer,
                Command::StillHere,
                DeadlineChange::Set(Deadline {
                    kind: DeadlineKind::Warning,
                    due: at(120),
                }),
            ),
            (None, &customer, Command::StillHere, DeadlineChange::Keep),
            (
                Some(warning),
                &customer,
                Command::End,
                DeadlineChange::Clear,
            ),
        ];
        for (pending, viewer, command, want) in cases {
            let facts = Facts {
                conv: &c,
                queue: &q,
                pending,
                sent_before: None,
                newer: 0,
                now: NOW,
            };
            let got = decide(&facts, viewer, command.clone()).unwrap().deadline;
            assert_eq!(
                got, want,
                "{pending:?} {command:?} by {}",
                viewer.user.display_name
            );
        }
        // Firing: the warning schedules the close from now; the close closes; a moved deadline is not due.
        let facts = Facts {
            conv: &c,
            queue: &q,
            pending: Some(warning),
            sent_before: None,
            newer: 0,
            now: at(5),
        };
        let fired = fire(&facts, warning).unwrap();
        assert_eq!(
            fired.deadline,
            DeadlineChange::Set(Deadline {
                kind: DeadlineKind::Close,
                due: at(65)
            })
        );
        assert_eq!(fired.entries[0].event, Some(Event::InactivityWarning));
        let facts = Facts {
            conv: &c,
            queue: &q,
            pending: Some(close),
            sent_before: None,
            newer: 0,
            now: NOW,
        };
        let closed = fire(&facts, close).unwrap();
        assert_eq!(
            (closed.state, closed.closed_reason),
            (SessionState::Closed, Some(CloseReason::TimedOut))
        );
        assert_eq!(
            fire(&facts, warning),
            Err(Refusal::NotDue),
            "not the pending deadline"
        );
        let early = Facts {
            conv: &c,
            queue: &q,
            pending: Some(warning),
            sent_before: None,
            newer: 0,
            now: Timestamp(NOW.0 - 1),
        };
        assert_eq!(fire(&early, warning), Err(Refusal::NotDue), "not due yet");
    }

    #[test]
    fn a_session_handed_back_waits_in_the_queue_without_a_clock() {
        let alice = user(1, "Alice", &[Role::Agent], false);
        let c = conv(SessionState::Active, Some(&alice));
        let q = queue();
        let facts = Facts {
            conv: &c,
            queue: &q,
            pending: Some(Deadline {
                kind: DeadlineKind::Close,
                due: NOW,
            }),
            sent_before: None,
            newer: 0,
            now: NOW,
        };
        let back = decide(&facts, &Viewer::new(&alice, true), Command::HandBack).unwrap();
        assert_eq!(back.state, SessionState::Queued);
        assert_eq!(back.assignee, None, "nobody is assigned");
        assert_eq!(back.closed_reason, None);
        assert_eq!(
            back.deadline,
            DeadlineChange::Clear,
            "a waiting customer is not silent"
        );
        assert_eq!(back.entries.len(), 1);
        assert_eq!(back.entries[0].event, Some(Event::HandedBack));
        assert_eq!(back.entries[0].audience(), Audience::Everyone);
        assert_eq!(
            back.entries[0].body,
            "Alice had to leave. You keep your place at the front of the queue."
        );
        // Her retry after a lost answer changes nothing and is no error; a colleague's is.
        let mut queued = conv(SessionState::Queued, None);
        queued.returned_from = Some(Person::from(&alice));
        queued.returned_at = Some(NOW);
        let facts = Facts {
            conv: &queued,
            queue: &q,
            pending: None,
            sent_before: None,
            newer: 0,
            now: NOW,
        };
        let retry = decide(&facts, &Viewer::new(&alice, true), Command::HandBack).unwrap();
        assert!(retry.entries.is_empty());
        assert_eq!(retry.state, SessionState::Queued);
        let bob = user(2, "Bob", &[Role::Agent], false);
        assert_eq!(
            decide(&facts, &Viewer::new(&bob, true), Command::HandBack),
            Err(Refusal::NotActive)
        );
    }

    #[test]
    fn the_greeting_opens_a_chat_once() {
        let alice = user(1, "Alice", &[Role::Agent], false);
        let bob = user(2, "Bob", &[Role::Agent], false);
        let q = queue();
        let new = conv(SessionState::Queued, None);
        let mut back = conv(SessionState::Queued, None);
        back.accepted_at = Some(Timestamp(5));
        back.returned_from = Some(Person::from(&bob));
        back.returned_at = Some(Timestamp(6));
        for (c, greets) in [(&new, true), (&back, false)] {
            let facts = Facts {
                conv: c,
                queue: &q,
                pending: None,
                sent_before: None,
                newer: 0,
                now: NOW,
            };
            let taken = decide(&facts, &Viewer::new(&alice, true), Command::Accept).unwrap();
            let greeted = taken.entries.iter().any(|e| e.body == "Hello!");
            assert_eq!(greeted, greets, "accepted before: {:?}", c.accepted_at);
            assert_eq!(
                matches!(taken.deadline, DeadlineChange::Set(_)),
                greets,
                "the greeting starts the clock"
            );
        }
    }

    #[test]
    fn an_absence_hands_back_only_a_session_its_agent_still_holds() {
        let alice = user(1, "Alice", &[Role::Agent], false);
        let bob = user(2, "Bob", &[Role::Agent], false);
        let q = queue();
        let absent = |who: &User, due: Timestamp| Absence {
            assignee: who.id,
            due,
        };
        let later = NOW.plus(Duration::from_secs(1));
        // (state, assignee, absence, expected state after, entries)
        let cases = [
            (
                SessionState::Active,
                Some(&alice),
                absent(&alice, NOW),
                Ok((SessionState::Queued, 1)),
            ),
            (
                SessionState::Active,
                Some(&alice),
                absent(&alice, later),
                Err(Refusal::NotDue),
            ),
            // Handed on to bob meanwhile: alice's absence strands nothing.
            (
                SessionState::Active,
                Some(&bob),
                absent(&alice, NOW),
                Ok((SessionState::Active, 0)),
            ),
            (
                SessionState::Closed,
                Some(&alice),
                absent(&alice, NOW),
                Ok((SessionState::Closed, 0)),
            ),
            (
                SessionState::Queued,
                None,
                absent(&alice, NOW),
                Ok((SessionState::Queued, 0)),
            ),
        ];
        for (state, assignee, absence, want) in cases {
            let c = conv(state, assignee);
            let facts = Facts {
                conv: &c,
                queue: &q,
                pending: None,
                sent_before: None,
                newer: 0,
                now: NOW,
            };
            let got = fire_absence(&facts, absence).map(|d| (d.state, d.entries.len()));
            assert_eq!(got, want, "{state:?} held by {assignee:?}, {absence:?}");
        }
    }

    #[test]
    fn work_notes_are_for_itil_holders_only() {
        let cases = [
            (user(10, "Carol", &[Role::Customer], false), false),
            (user(11, "Ivan", &[Role::Customer], true), true),
            (user(1, "Alice", &[Role::Agent], false), true),
            (user(3, "Dana", &[Role::Manager], false), true),
        ];
        for (viewer, sees_notes) in cases {
            assert!(
                can_see(Audience::Everyone, &viewer),
                "{} sees comments",
                viewer.display_name
            );
            assert_eq!(
                can_see(Audience::Itil, &viewer),
                sees_notes,
                "{} and work notes",
                viewer.display_name
            );
        }
        assert_eq!(
            visible_kinds(&user(10, "Carol", &[Role::Customer], false)),
            [EntryKind::Comment, EntryKind::System]
        );
        assert_eq!(
            visible_kinds(&user(1, "Alice", &[Role::Agent], false)),
            EntryKind::ALL
        );
        assert_eq!(audience_of(EntryKind::WorkNote), Audience::Itil);
        assert_eq!(audience_of(EntryKind::Comment), Audience::Everyone);
    }

    #[test]
    fn staff_of_a_queue_needs_a_staff_role_and_membership() {
        let mut gone = user(6, "Gina", &[Role::Agent], false);
        gone.disabled = true;
        // (user, member of the group, staff of the queue)
        let cases = [
            (user(1, "Alice", &[Role::Agent], false), true, true),
            (user(1, "Alice", &[Role::Agent], false), false, false),
            (user(3, "Dana", &[Role::Manager], false), true, true),
            (user(5, "Dirk", &[Role::Customer], true), true, false),
            (gone, true, false),
        ];
        for (u, member, want) in cases {
            assert_eq!(
                staff_of_queue(&u, member),
                want,
                "{} member={member}",
                u.display_name
            );
            assert_eq!(
                Viewer::new(&u, member).in_group(),
                want,
                "{}",
                u.display_name
            );
            let oversees = u.roles.can_manage_queues() && !u.disabled;
            assert_eq!(
                sees_queue(&u, member),
                want || oversees,
                "{} sees the queue",
                u.display_name
            );
            if member {
                let groups = queue_groups(&u, &[GroupId(1)]);
                assert_eq!(
                    !groups.is_empty(),
                    want,
                    "{}'s queue groups",
                    u.display_name
                );
            }
        }
    }

    #[test]
    fn a_viewer_without_itil_is_told_only_the_last_public_seq() {
        let mut c = conv(SessionState::Active, None);
        c.last_seq = 7;
        c.last_public_seq = 5;
        assert_eq!(
            visible_last_seq(&c, &user(10, "Carol", &[Role::Customer], false)),
            5
        );
        assert_eq!(
            visible_last_seq(&c, &user(11, "Ivan", &[Role::Customer], true)),
            7
        );
        assert_eq!(
            visible_last_seq(&c, &user(1, "Alice", &[Role::Agent], false)),
            7
        );
    }

    #[test]
    fn only_the_customers_typing_in_an_active_session_holds_the_clock() {
        let alice = user(1, "Alice", &[Role::Agent], false);
        let carol = user(10, "Carol", &[Role::Customer], false);
        let active = conv(SessionState::Active, Some(&alice));
        assert!(typing_holds_clock(&active, &carol, true));
        assert!(
            !typing_holds_clock(&active, &carol, false),
            "a stop holds nothing"
        );
        assert!(
            !typing_holds_clock(&active, &alice, true),
            "the agent's typing"
        );
        let queued = conv(SessionState::Queued, None);
        assert!(
            !typing_holds_clock(&queued, &carol, true),
            "no clock while queued"
        );
    }

    #[test]
    fn only_the_customer_and_the_assignee_have_unread_messages() {
        let alice = user(1, "Alice", &[Role::Agent], false);
        let bob = user(2, "Bob", &[Role::Agent], false);
        let dana = user(3, "Dana", &[Role::Manager], false);
        let carol = user(10, "Carol", &[Role::Customer], false);
        let active = conv(SessionState::Active, Some(&alice));
        assert!(counts_unread(&active, &alice), "the assignee");
        assert!(counts_unread(&active, &carol), "the customer");
        assert!(
            !counts_unread(&active, &bob),
            "a colleague who looked in or handed it on"
        );
        assert!(!counts_unread(&active, &dana), "a manager supervising");
        let queued = conv(SessionState::Queued, None);
        assert!(
            !counts_unread(&queued, &alice),
            "an offer is no unread message"
        );
    }

    #[test]
    fn optional_texts_count_blanks_and_blank_is_none() {
        assert_eq!(optional_text(None), Ok(None));
        assert_eq!(optional_text(Some("  ".into())), Ok(None));
        assert_eq!(optional_text(Some(" hi ".into())), Ok(Some(" hi ".into())));
        assert_eq!(
            optional_text(Some(" ".repeat(BODY_MAX_CHARS + 1))),
            Err(Refusal::TooLong)
        );
    }

    #[test]
    fn bodies_and_client_ids_are_bounded() {
        assert_eq!(check_post("hi", ""), Err(Refusal::BadClientId));
        assert_eq!(check_post(" \n ", "c"), Err(Refusal::EmptyBody));
        assert_eq!(
            check_post(&"é".repeat(BODY_MAX_CHARS), "c"),
            Ok(()),
            "characters, not bytes"
        );
        assert_eq!(
            check_post(&"x".repeat(BODY_MAX_CHARS + 1), "c"),
            Err(Refusal::TooLong)
        );
    }
}
