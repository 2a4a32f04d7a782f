//! The support-session service: runs commands through storage (where they are decided and
//! committed in one transaction) and then announces what they did on the hub. HTTP handlers,
//! the socket and the timer worker all go through here, so every path behaves the same.

use std::sync::Arc;

use super::{AppState, ServiceError};
use crate::domain::guard::{AlertKind, Guard, GuardKind};
use crate::domain::session::{
    self, Absence, Audience, Command, Conversation, Deadline, DeadlineKind, Refusal, SessionState,
    Viewer,
};
use crate::domain::{ConversationId, GroupId, Queue, QueueId, Timestamp, User, UserId};
use crate::hub::ConversationView;
use crate::storage::{Act, Applied, CommandError};

/// Runs `work` in a task of its own and waits for it: dropping the caller (a client that
/// disconnected) does not cancel it, and a stopping server waits for it before the database
/// closes.
pub(super) async fn detached<T: Send + 'static>(
    tasks: &tokio_util::task::TaskTracker,
    work: impl std::future::Future<Output = Result<T, ServiceError>> + Send + 'static,
) -> Result<T, ServiceError> {
    tasks
        .spawn(work)
        .await
        .map_err(|e| ServiceError::Internal(format!("a session task failed: {e}")))?
}

/// The most conversations a list returns.
const LIST_LIMIT: i64 = 200;

/// How many recent entries a summary looks at: unread counts stop there.
pub const UNREAD_WINDOW: i64 = 100;

/// The entries of `raw` that `user` may see ([`session::can_see`]): what history pages and
/// transcripts hand out.
pub(super) fn visible_to(
    raw: Vec<session::Entry>,
    user: &User,
) -> impl Iterator<Item = session::Entry> + '_ {
    raw.into_iter()
        .filter(move |e| session::can_see(e.audience(), user))
}

/// Which page of a conversation's history: the `limit` entries after a seq (oldest first), or
/// the newest `limit` before one.
#[derive(Debug, Clone, Copy)]
pub enum HistoryPage {
    After { after: i64, limit: i64 },
    Before { before: i64, limit: i64 },
}

/// A conversation as one user sees it in a list.
#[derive(Debug, Clone)]
pub struct Summary {
    pub preview: Option<session::Entry>,
    pub unread: i64,
}

impl AppState {
    /// The conversation with its queue position while queued.
    pub async fn view(&self, conversation: Conversation) -> Result<ConversationView, ServiceError> {
        let read_order = crate::hub::next_read_order();
        let position = self.db.queue_position(&conversation).await?;
        let closes_in = match conversation.state {
            SessionState::Active => match self.db.deadline(conversation.id).await? {
                Some(Deadline {
                    kind: DeadlineKind::Close,
                    due,
                }) => Some(self.clock.now().until(due).as_secs()),
                _ => None,
            },
            _ => None,
        };
        Ok(ConversationView {
            conversation,
            position,
            closes_in,
            read_order,
        })
    }

    /// What `user` sees of a conversation in a list: the last entry they may see, and how many
    /// entries by others they may see after their read mark (counted up to [`UNREAD_WINDOW`]).
    pub async fn summary(&self, conv: &Conversation, user: &User) -> Result<Summary, ServiceError> {
        let (preview, unread) = self
            .db
            .preview_and_unread(
                conv.id,
                user.id,
                &session::visible_kinds(user),
                // As of the state read: the user's sight of the conversation was judged on it,
                // and an entry after it may follow a change that ended that.
                conv.last_seq,
                UNREAD_WINDOW,
            )
            .await?;
        let unread = if session::counts_unread(conv, user) {
            unread
        } else {
            0
        };
        Ok(Summary { preview, unread })
    }

    /// The conversation as `user` sees it in a list: its view, with their preview and unread
    /// count.
    pub async fn listed(
        &self,
        conv: Conversation,
        user: &User,
    ) -> Result<(ConversationView, Summary), ServiceError> {
        let summary = self.summary(&conv, user).await?;
        Ok((self.view(conv).await?, summary))
    }

    /// How far `user` has read `conversation` (0 if never).
    pub async fn read_mark(
        &self,
        user: &User,
        conversation: ConversationId,
    ) -> Result<i64, ServiceError> {
        Ok(self.db.read_mark(user.id, conversation).await?)
    }

    /// The groups `user` is a member of, where membership can matter (the domain adds the role).
    pub async fn memberships(&self, user: &User) -> Result<Vec<GroupId>, ServiceError> {
        // Membership decides nothing for one who cannot be staff of a queue whatever their
        // groups (a customer, a disabled user): it is not read for them.
        if !session::staff_of_queue(user, true) {
            return Ok(Vec::new());
        }
        Ok(self.db.groups_of(user.id).await?)
    }

    /// The conversations `user` takes part in (a customer's sessions; for staff those assigned
    /// to them or written in by them) and, for staff, the sessions waiting in the queues they
    /// work (managers: every queue). Only conversations `user` may view.
    pub async fn conversations_for(&self, user: &User) -> Result<Vec<Conversation>, ServiceError> {
        let memberships = self.memberships(user).await?;
        let mut convs = self.db.conversations_of(user.id, LIST_LIMIT).await?;
        // No queue's waiting sessions for one who sees no queue in any group (a customer).
        let queues = if session::sees_queue(user, true) {
            self.db.queues().await?
        } else {
            Vec::new()
        };
        for queue in queues {
            if !session::sees_queue(user, memberships.contains(&queue.settings.group)) {
                continue;
            }
            for waiting in self.db.queued_sessions(queue.id).await? {
                if !convs.iter().any(|c| c.id == waiting.id) {
                    convs.push(waiting);
                }
            }
        }
        convs.retain(|conv| session::can_view(conv, &Viewer::of(user, conv, &memberships)));
        Ok(convs)
    }

    /// The queued sessions offered to `user`: those in the queues they are staff of. The same
    /// rule as live offers, checked again at delivery.
    pub async fn offers_for(&self, user: &User) -> Result<Vec<Conversation>, ServiceError> {
        let groups = session::queue_groups(user, &self.memberships(user).await?);
        let mut offers = Vec::new();
        for queue in self.db.queues().await? {
            if groups.contains(&queue.settings.group) {
                offers.extend(self.db.queued_sessions(queue.id).await?);
            }
        }
        Ok(offers)
    }

    /// Tells the others watching `conversation` that `user` is typing a comment or, for those
    /// who may see work notes, a work note. Never stored; throttled per user by the hub.
    pub async fn typing(
        &self,
        conversation: ConversationId,
        user: &User,
        active: bool,
        audience: Audience,
    ) -> Result<(), ServiceError> {
        let conv = self.visible_conversation(conversation, user).await?;
        if conv.state == SessionState::Closed {
            return Ok(());
        }
        // Throttled here (a start per user and conversation every 2 s), before any write: a
        // client sending starts as fast as it can holds the clock, writes and pushes no more.
        let passed = self.hub.typing(
            user.id,
            Arc::new(conv.clone()),
            user.into(),
            active,
            audience,
            self.clock.now(),
        );
        if let (true, Some(cluster)) = (passed, &self.cluster) {
            cluster.send(crate::cluster::Signal::Typing {
                conversation: conv.id.0,
                user: user.id.0,
                name: user.display_name.clone(),
                active,
                work_note: audience == Audience::Itil,
            });
        }
        if passed && session::typing_holds_clock(&conv, user, active) {
            let until = self.clock.now().plus(session::TYPING_HOLDS);
            let held = self
                .db
                .hold_deadline(conv.id, until, session::TYPING_HOLDS_AT_MOST)
                .await?;
            if held {
                // A held close: the customer's countdown (and the agent's) follows it.
                let view = self.view(conv.clone()).await?;
                if view.closes_in.is_some() {
                    self.hub.publish_conversation(view);
                }
            }
        }
        Ok(())
    }

    /// Who `user` is to the conversation (staff of its queue or not).
    pub async fn viewer_of<'a>(
        &self,
        conv: &Conversation,
        user: &'a User,
    ) -> Result<Viewer<'a>, ServiceError> {
        let member = match conv.group {
            Some(group) => self.db.is_group_member(group, user.id).await?,
            None => false,
        };
        Ok(Viewer::new(user, member))
    }

    /// The conversation if `user` may see it; else the same 404 as for one that does not exist.
    pub async fn visible_conversation(
        &self,
        id: ConversationId,
        user: &User,
    ) -> Result<Conversation, ServiceError> {
        let conv = self
            .db
            .conversation(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("conversation"))?;
        if session::can_view(&conv, &self.viewer_of(&conv, user).await?) {
            Ok(conv)
        } else {
            Err(ServiceError::NotFound("conversation"))
        }
    }

    /// A page of the history of a conversation `user` may see, read from the log by `page`, of
    /// which only the entries they may see ([`session::can_see`]), in ascending seq order; and
    /// where the next page starts (`None` at the end, or the start, of the log).
    pub async fn history(
        &self,
        id: ConversationId,
        user: &User,
        page: HistoryPage,
    ) -> Result<(Vec<session::Entry>, Option<i64>), ServiceError> {
        // The log up to the state the user's sight was judged on: an entry after it may follow
        // a change that ended it (the socket pushes it with the state it made).
        let upto = self.visible_conversation(id, user).await?.last_seq;
        let (raw, next) = match page {
            HistoryPage::After { after, limit } => {
                let mut raw = self.db.entries_after(id, after, limit).await?;
                let full = raw.len() as i64 == limit;
                raw.retain(|e| e.seq <= upto);
                let next = raw
                    .last()
                    .map(|e| e.seq)
                    .filter(|&last| full && last < upto);
                (raw, next)
            }
            HistoryPage::Before { before, limit } => {
                let raw = self
                    .db
                    .entries_before(id, before.min(upto.saturating_add(1)), limit)
                    .await?;
                // Seqs start at 1 and have no gaps: a short page, or one that reached seq 1,
                // is the start of the log.
                let next = raw
                    .first()
                    .map(|e| e.seq)
                    .filter(|&first| raw.len() as i64 == limit && first > 1);
                (raw, next)
            }
        };
        Ok((visible_to(raw, user).collect(), next))
    }

    /// Marks a conversation the user may see read up to `seq` (at most the last seq they may
    /// see: the answer reveals nothing about entries hidden from them).
    pub async fn mark_read(
        &self,
        id: ConversationId,
        user: &User,
        seq: i64,
    ) -> Result<(), ServiceError> {
        let conv = self.visible_conversation(id, user).await?;
        let last = session::visible_last_seq(&conv, user);
        if !(0..=last).contains(&seq) {
            return Err(ServiceError::Invalid(format!(
                "seq is 0 to the last seq of the conversation ({last})."
            )));
        }
        self.db.mark_read(user.id, id, seq).await?;
        // Every tab of the user (this one too: it learns the mark the others set), on every node.
        self.hub.read(user.id, Arc::new(conv), seq);
        if let Some(cluster) = &self.cluster {
            cluster.send(crate::cluster::Signal::Read {
                user: user.id.0,
                conversation: id.0,
                seq,
            });
        }
        Ok(())
    }

    /// Starts (or returns the open) support session of `customer` in `queue`.
    pub async fn start_session(
        &self,
        customer: &User,
        queue: &Queue,
        client_id: &str,
        message: Option<&str>,
    ) -> Result<(ConversationView, bool), ServiceError> {
        if !customer.roles.contains(crate::domain::Role::Customer) {
            return Err(ServiceError::Forbidden(
                "Only customers start support sessions.",
            ));
        }
        let message = session::optional_text(message.map(str::to_owned))?;
        session::check_post(message.as_deref().unwrap_or("-"), client_id)?;
        let (state, customer, queue, client_id) = (
            self.clone(),
            customer.clone(),
            queue.clone(),
            client_id.to_owned(),
        );
        // Its own task: a client that goes away mid-request must not stop the announcement of
        // what has been committed.
        detached(&self.tasks, async move {
            let (conv, entries, created) = state
                .db
                .start_session(
                    queue.id,
                    &customer,
                    &client_id,
                    message.as_deref(),
                    state.clock.now(),
                )
                .await?;
            let mut view = state.view(conv).await?;
            if let (false, Some(body)) = (created, message) {
                // The customer already has a session open here: what they wrote goes into it
                // (once: a repeated start with the same client id replays the entry).
                let post = Command::Post(session::Post::text(
                    session::PostKind::Comment,
                    body,
                    client_id,
                ));
                let applied = state.command(view.conversation.id, &customer, post).await?;
                view = state.view(applied.conversation).await?;
            }
            if created {
                let id = view.conversation.id;
                state.signal_committed(&view.conversation, 1, None, None);
                state
                    .announce_here(&view.conversation, entries, None, None)
                    .await?;
                tracing::info!(conversation = id.0, "session started");
            }
            Ok((view, created))
        })
        .await
    }

    /// Runs `command` by `user` on a session and announces the outcome.
    pub async fn command(
        &self,
        id: ConversationId,
        user: &User,
        command: Command,
    ) -> Result<Applied, ServiceError> {
        let (state, user) = (self.clone(), user.clone());
        let transfer = matches!(command, Command::Transfer { .. });
        // Its own task: a client that goes away mid-request must not stop the announcement of
        // what has been committed.
        detached(&self.tasks, async move {
            let now = state.clock.now();
            // A post to what is not a session may be one to an incident's activity or a chat
            // (their store answers `NotFound` for anything else): read only on that path.
            let post = match &command {
                Command::Post(post) => Some(post.clone()),
                _ => None,
            };
            let applied = match state
                .db
                .execute(id, Act::User(user.clone(), command), now)
                .await
            {
                // Not a session: an incident's activity, or a chat.
                Err(CommandError::Refused(Refusal::NotFound)) => match post {
                    Some(post) => state.db.post_plain(id, &user, post, now).await?,
                    None => return Err(Refusal::NotFound.into()),
                },
                other => other?,
            };
            if transfer && applied.created {
                state.mark_handed_over(&applied).await;
            }
            state.announce(&applied, Some(user.id)).await;
            Ok(applied)
        })
        .await
    }

    /// A transferred session arrives with what the receiver has not seen counted from the
    /// handover (the transfer and its note), not the whole history as unread: their read mark
    /// moves to just before it (only forward; one who had read further keeps their mark).
    async fn mark_handed_over(&self, applied: &Applied) {
        let (Some(to), Some(first)) = (&applied.conversation.assignee, applied.entries.first())
        else {
            return;
        };
        if let Err(e) = self
            .db
            .mark_read(to.id, applied.conversation.id, first.seq - 1)
            .await
        {
            tracing::warn!(error = %e, conversation = applied.conversation.id.0, "read mark of a transfer's receiver");
        }
    }

    /// Fires a due absence: the assignee's sessions go back to the queue, unless they are
    /// online now (then the absence is forgotten). False if nothing went back.
    pub async fn fire_absence(
        &self,
        id: ConversationId,
        absence: Absence,
    ) -> Result<bool, ServiceError> {
        if self.online_anywhere(absence.assignee).await? {
            self.db.forget_absence(id, absence).await?;
            return Ok(false);
        }
        match self
            .db
            .execute(id, Act::Absent(absence), self.clock.now())
            .await
        {
            Ok(applied) => {
                self.announce(&applied, None).await;
                Ok(applied.created)
            }
            Err(CommandError::Refused(Refusal::NotDue | Refusal::NotFound)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Fires a due routing guard (once: each step is a conditional write). An offer nobody
    /// accepted is offered again, urgently, and the managers are alerted; an agent who has not
    /// commented is alerted, and when that step is due too the session goes back to the queue
    /// and the managers are told. Each uses the seconds the guard was set with. False if nothing
    /// fired.
    pub async fn fire_guard(&self, id: ConversationId, guard: Guard) -> Result<bool, ServiceError> {
        let seconds = guard.seconds;
        match guard.kind {
            GuardKind::Offer | GuardKind::Reply => {
                let then = self
                    .clock
                    .now()
                    .plus(std::time::Duration::from_secs(u64::from(seconds)));
                if !self.db.fire_guard(id, guard, then).await? {
                    return Ok(false);
                }
                let kind = if guard.kind == GuardKind::Offer {
                    AlertKind::Unaccepted
                } else {
                    AlertKind::NoReply
                };
                // Read after the write: a session accepted or answered in between is not
                // alerted about (`alert_here` checks it still holds).
                self.alert_everywhere(id, kind, seconds, guard.assignee)
                    .await;
                Ok(true)
            }
            GuardKind::ReplyReturn => {
                match self
                    .db
                    .execute(id, Act::Unanswered(guard), self.clock.now())
                    .await
                {
                    Ok(applied) => {
                        let back = applied.previous_state == SessionState::Active
                            && applied.conversation.state == SessionState::Queued;
                        if back {
                            // Before the `returned` frame, so clients tell this return as
                            // unanswered, not as "had to leave".
                            self.alert_everywhere(
                                id,
                                AlertKind::ReturnedUnanswered,
                                seconds.saturating_mul(2),
                                guard.assignee,
                            )
                            .await;
                        }
                        self.announce(&applied, None).await;
                        Ok(applied.created)
                    }
                    Err(CommandError::Refused(Refusal::NotDue | Refusal::NotFound)) => Ok(false),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// A routing guard fired here: its alert (and for an unaccepted offer, the urgent offer and
    /// the live view's news) on this node's sockets and on the other nodes'. A failure is
    /// logged: what the guard did is committed, and announced regardless.
    async fn alert_everywhere(
        &self,
        id: ConversationId,
        kind: AlertKind,
        seconds: u32,
        agent: Option<UserId>,
    ) {
        if let Some(cluster) = &self.cluster {
            cluster.send(crate::cluster::Signal::Alert {
                conversation: id.0,
                kind: kind.as_str().to_owned(),
                seconds,
                agent: agent.map(|a| a.0),
            });
        }
        if let Err(e) = self.alert_here(id, kind, seconds, agent).await {
            tracing::warn!(error = %e, conversation = id.0, "a routing alert");
        }
    }

    /// A routing guard's alert, fired here or on another node, on this node's sockets: only
    /// while what it warns of still holds (read now: not accepted since, not answered, not
    /// handed to someone else).
    pub(crate) async fn alert_here(
        &self,
        id: ConversationId,
        kind: AlertKind,
        seconds: u32,
        agent: Option<UserId>,
    ) -> Result<(), ServiceError> {
        let Some(conv) = self.db.conversation(id).await? else {
            return Ok(());
        };
        if !crate::domain::guard::alert_holds(kind, &conv, agent) {
            return Ok(());
        }
        let (queue, group) = (conv.queue, conv.group);
        let view = self.view(conv).await?;
        if let (AlertKind::Unaccepted, Some(group)) = (kind, group) {
            self.hub.urgent_offer(group, view.clone());
        }
        self.hub.alert(kind, view, seconds);
        if let (AlertKind::Unaccepted, Some(queue)) = (kind, queue) {
            // The session is marked alerted in the live view.
            self.hub.queue_activity(queue);
        }
        Ok(())
    }

    /// `user` signs out and hands back every active session assigned to them (to the front of
    /// their queues). Returns how many went back.
    pub async fn hand_back_all(&self, user: &User) -> Result<usize, ServiceError> {
        let mut handed = 0;
        for conv in self.db.active_sessions_of(user.id).await? {
            match self.command(conv.id, user, Command::HandBack).await {
                Ok(_) => handed += 1,
                // Ended or handed on meanwhile: nothing of theirs to give back.
                Err(ServiceError::Refused(
                    Refusal::SessionClosed
                    | Refusal::Changed
                    | Refusal::NotActive
                    | Refusal::Forbidden(_),
                )) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(handed)
    }

    /// Whether `user` has a socket open now, on this node or (in a cluster) another live one:
    /// what a Transfer needs, and what keeps their sessions theirs.
    pub async fn online_anywhere(&self, user: UserId) -> Result<bool, ServiceError> {
        if self.presence.online_now(user) {
            return Ok(true);
        }
        match &self.cluster {
            Some(cluster) => Ok(self.db.online_elsewhere(cluster.node(), user).await?),
            None => Ok(false),
        }
    }

    /// The number of `user`'s sockets on this node changed: the other nodes may ask.
    pub async fn sockets_changed(&self, user: UserId) {
        if let Some(cluster) = &self.cluster {
            let sockets = self.presence.sockets(user);
            if let Err(e) = self.db.node_sockets(cluster.node(), user, sockets).await {
                tracing::warn!(error = %e, user = user.0, "recording a node's sockets");
            }
        }
    }

    /// `user` is back (a socket opened): their sessions stay theirs.
    pub async fn present(&self, user: UserId) {
        if let Err(e) = self.db.clear_absences(user).await {
            tracing::warn!(error = %e, user = user.0, "clearing an agent's absences");
        }
    }

    /// `user`'s last socket on this node closed at `went`: their active sessions go back to the
    /// queue a grace after it, unless they come back (however late this runs).
    pub async fn absent(&self, user: UserId, went: Timestamp) {
        match self.online_anywhere(user).await {
            // Back already (a reload), or connected to another node: nothing to count.
            Ok(true) => return,
            Ok(false) => {}
            Err(e) => {
                // The timer's sweep counts the grace if they really are gone.
                tracing::warn!(error = %e, user = user.0, "is an agent online elsewhere?");
                return;
            }
        }
        match self.db.mark_absent(user, went).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                user = user.0,
                sessions = n,
                "assignee offline: grace started"
            ),
            Err(e) => tracing::warn!(error = %e, user = user.0, "recording an agent's absence"),
        }
    }

    /// The safety net of the absences: every active session whose assignee is offline and that
    /// no absence counts for gets one, the grace from now (an agent who took it with no socket
    /// open, a socket's end whose record failed or raced a Transfer). Returns how many.
    pub async fn sweep_absences(&self) -> Result<u64, ServiceError> {
        let now = self.clock.now();
        let mut counted = 0;
        for user in self.db.assignees_without_absence().await? {
            if !self.online_anywhere(user).await? {
                counted += self.db.mark_absent_where_missing(user, now).await?;
            }
        }
        Ok(counted)
    }

    /// Fires a due deadline; false if another worker already did or it moved.
    pub async fn fire(&self, id: ConversationId, deadline: Deadline) -> Result<bool, ServiceError> {
        match self
            .db
            .execute(id, Act::Timer(deadline), self.clock.now())
            .await
        {
            Ok(applied) => {
                self.announce(&applied, None).await;
                Ok(true)
            }
            Err(CommandError::Refused(Refusal::NotDue | Refusal::NotFound)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Announces a committed command. It is already stored: a failure here is logged, and
    /// sockets catch up from the log at their next push or reconnect.
    pub(super) async fn announce(&self, applied: &Applied, actor: Option<UserId>) {
        if let Err(e) = self.try_announce(applied, actor).await {
            tracing::warn!(error = %e, conversation = applied.conversation.id.0, "announcing a committed change");
        }
    }

    async fn try_announce(
        &self,
        applied: &Applied,
        actor: Option<UserId>,
    ) -> Result<(), ServiceError> {
        if !applied.created {
            return Ok(());
        }
        let conv = &applied.conversation;
        // The other nodes first: a failure here must not keep it from them.
        let from = applied.entries.first().map_or(conv.last_seq, |e| e.seq);
        self.signal_committed(conv, from, Some(applied.previous_state), actor);
        self.announce_here(
            conv,
            applied.entries.clone(),
            Some(applied.previous_state),
            actor,
        )
        .await
    }

    /// Tells the other nodes (if any) that `conv` changed from seq `from`.
    pub(super) fn signal_committed(
        &self,
        conv: &Conversation,
        from: i64,
        previous: Option<SessionState>,
        actor: Option<UserId>,
    ) {
        if let Some(cluster) = &self.cluster {
            cluster.send(crate::cluster::Signal::Committed {
                conversation: conv.id.0,
                from,
                previous: previous.map(|s| crate::cluster::state_name(s).to_owned()),
                actor: actor.map(|a| a.0),
            });
        }
    }

    /// Announces on this node's sockets what was committed on `conv` (here or, read back from
    /// the log, on another node): its new `entries`, and what the change from `previous` (none:
    /// the session started) means for who watches it and who is offered it.
    pub(crate) async fn announce_here(
        &self,
        conv: &Conversation,
        entries: Vec<session::Entry>,
        previous: Option<SessionState>,
        actor: Option<UserId>,
    ) -> Result<(), ServiceError> {
        // The queue's live view changes when a session starts, changes hands or closes.
        let queue_moved = conv.kind == session::ConversationKind::Support
            && (previous != Some(conv.state)
                || entries.iter().any(|e| {
                    matches!(
                        e.event,
                        Some(
                            session::Event::Accepted
                                | session::Event::Transferred
                                | session::Event::HandedBack
                                | session::Event::Closed
                        )
                    )
                }));
        if let (true, Some(queue)) = (queue_moved, conv.queue) {
            self.hub.queue_activity(queue);
        }
        match previous {
            None => {
                let view = self.view(conv.clone()).await?;
                if let Some(customer) = &conv.customer {
                    self.hub.watch_for_user(customer.id, conv.id);
                }
                // A new chat: its members.
                for member in &conv.members {
                    self.hub.watch_for_user(member.id, conv.id);
                }
                if let Some(group) = conv.group {
                    self.hub.watch_for_group(group, conv.id);
                }
                self.hub.publish_entries(Arc::new(conv.clone()), entries);
                self.hub.publish_conversation(view.clone());
                if let (SessionState::Queued, Some(group)) = (conv.state, conv.group) {
                    self.hub.offer(group, view);
                }
            }
            Some(previous) => {
                // An incident's activity goes to who follows it (on any node).
                if conv.kind == session::ConversationKind::Record {
                    for user in self.db.followers_of_activity(conv.id).await? {
                        self.hub.watch_for_user(user, conv.id);
                    }
                }
                // A chat goes to its members, a session also to the colleagues invited to help
                // (on any node; who left or is no longer invited is refused at delivery).
                for person in conv.members.iter().chain(&conv.invited) {
                    self.hub.watch_for_user(person.id, conv.id);
                }
                // Before the entries go out, so the new assignee and the author receive them
                // (an incident's activity: its followers only, above).
                let author = actor.filter(|_| conv.kind != session::ConversationKind::Record);
                for user in conv
                    .assignee
                    .as_ref()
                    .map(|a| a.id)
                    .into_iter()
                    .chain(author)
                {
                    self.hub.watch_for_user(user, conv.id);
                }
                let reassigned = entries
                    .iter()
                    .any(|e| e.event == Some(session::Event::Transferred));
                // A warning brings the seconds left with it (the countdowns start from them,
                // never from what an earlier held close said).
                let warned = entries
                    .iter()
                    .any(|e| e.event == Some(session::Event::InactivityWarning));
                // Several changes merged into one replay may end in the state they began with
                // (handed back, then accepted on another node): their events say so.
                let changed_hands = entries.iter().any(|e| {
                    matches!(
                        e.event,
                        Some(
                            session::Event::Accepted
                                | session::Event::HandedBack
                                | session::Event::Closed
                                // A new incident's record comes to its followers' lists,
                                // and its fields (its state, its short description) are in
                                // the record's conversation frame.
                                | session::Event::IncidentCreated
                                | session::Event::FieldChanged
                                // Who is in a chat changed.
                                | session::Event::MemberAdded
                                | session::Event::MemberLeft
                        )
                    )
                });
                // An invitation is told by a work note: who is invited (and so who gets the
                // session in their list) travels in the session's frame. A work note in a
                // session with colleagues invited sends it again; it changes nothing else.
                let invitation = conv.kind == session::ConversationKind::Support
                    && !conv.invited.is_empty()
                    && entries
                        .iter()
                        .any(|e| e.kind == session::EntryKind::WorkNote);
                self.hub.publish_entries(Arc::new(conv.clone()), entries);
                if previous != conv.state || reassigned || warned || changed_hands || invitation {
                    self.hub
                        .publish_conversation(self.view(conv.clone()).await?);
                    if previous == SessionState::Queued && conv.state != SessionState::Queued {
                        self.queue_moved(conv).await?;
                    } else if conv.state == SessionState::Queued {
                        self.came_back(conv).await?;
                    }
                }
            }
        }
        if let Some(cluster) = &self.cluster {
            cluster.note(conv.id, conv.last_seq, conv.state);
        }
        Ok(())
    }

    /// Typing that another node passed on: shown here to who watches (never stored).
    pub(crate) async fn typing_here(
        &self,
        conversation: ConversationId,
        user: UserId,
        name: String,
        active: bool,
        audience: Audience,
    ) -> Result<(), ServiceError> {
        let Some(conv) = self.db.conversation(conversation).await? else {
            return Ok(());
        };
        let person = session::Person {
            id: user,
            display_name: name,
        };
        self.hub.typing(
            user,
            Arc::new(conv),
            person,
            active,
            audience,
            self.clock.now(),
        );
        Ok(())
    }

    /// A read mark set on another node: every socket of the user here learns it.
    pub(crate) async fn read_here(
        &self,
        user: UserId,
        conversation: ConversationId,
        seq: i64,
    ) -> Result<(), ServiceError> {
        if let Some(conv) = self.db.conversation(conversation).await? {
            self.hub.read(user, Arc::new(conv), seq);
        }
        Ok(())
    }

    /// A session left the queue: withdraw its offer and tell those still waiting their place.
    async fn queue_moved(&self, left: &Conversation) -> Result<(), ServiceError> {
        let (Some(queue), Some(group)) = (left.queue, left.group) else {
            return Ok(());
        };
        let by = (left.state == SessionState::Active)
            .then(|| left.assignee.clone())
            .flatten();
        self.hub.withdraw(group, Arc::new(left.clone()), by);
        self.tell_places(queue, None).await
    }

    /// A session came back to the front of the queue from its agent: it is offered to the
    /// group again (the offer says whose it was, for a distinct alert), managers hear of it,
    /// and those waiting behind it learn their new place.
    async fn came_back(&self, conv: &Conversation) -> Result<(), ServiceError> {
        let (Some(queue), Some(group)) = (conv.queue, conv.group) else {
            return Ok(());
        };
        let view = self.view(conv.clone()).await?;
        // The group's sockets watch it again (an agent's socket forgets old conversations).
        self.hub.watch_for_group(group, conv.id);
        self.hub.offer(group, view.clone());
        self.hub.returned(view);
        self.tell_places(queue, Some(conv.id)).await
    }

    /// Tells every session waiting in `queue` (but `except`, told already) its place.
    async fn tell_places(
        &self,
        queue: QueueId,
        except: Option<ConversationId>,
    ) -> Result<(), ServiceError> {
        let read_order = crate::hub::next_read_order();
        for (i, waiting) in self
            .db
            .queued_sessions(queue)
            .await?
            .into_iter()
            .enumerate()
        {
            if Some(waiting.id) == except {
                continue;
            }
            self.hub.publish_conversation(ConversationView {
                conversation: waiting,
                position: Some(i64::try_from(i).unwrap_or(i64::MAX) + 1),
                closes_in: None,
                read_order,
            });
        }
        Ok(())
    }
}
