/**
 * What the live stream says, as one immutable value: conversations, entries, offers, positions,
 * unread counts, read marks, typing, presence and how much older history is held. Pure
 * functions only (state × frame → state): no timers, no I/O, no signals. `Connection` keeps the
 * current value in one signal and feeds it the server's frames and the user's own actions.
 */
import type { Conversation, Entry, PresenceStatus, ServerFrame, UserRef } from "./wire";

/** How much of a conversation's older history is loaded: `more` (older pages exist), `loading`, `complete`. */
export type HistoryState = "more" | "loading" | "complete";

/** A queue notification that went away: a colleague accepted it (by) or the customer left. */
export interface Withdrawal {
  conversation: string;
  customer: string;
  by: UserRef | null;
  at: number;
}

/** A session that went back to the front of its queue from its agent (the `returned` frame, for managers). */
export interface Returned {
  /** The conversation and when it came back: one notice per return. */
  key: string;
  conversation: string;
  customer: string;
  /** The agent it came back from. */
  from: string;
  /** When it came back (ISO time). */
  at: string;
}

/**
 * A conversation the user no longer sees (the `gone` frame: they left a group chat, or their
 * invitation into a support session ended), as it was held when it went: for a short notice.
 */
export interface Departure {
  conversation: Conversation;
  /** Milliseconds since the epoch. */
  at: number;
}

/** What the server named between `hello` and `ready`: at `ready` the state keeps only these. */
export interface CatchUp {
  /** Conversations (by id) the server sent a frame or an entry of. */
  held: ReadonlySet<string>;
  /** Conversations the server offered. */
  offered: ReadonlySet<string>;
}

export interface FeedState {
  conversations: ReadonlyMap<string, Conversation>;
  /** Per conversation, in ascending seq order, each seq once. */
  entries: ReadonlyMap<string, readonly Entry[]>;
  /** Queued sessions on offer to this agent, by conversation id. */
  offers: ReadonlyMap<string, Conversation>;
  withdrawals: readonly Withdrawal[];
  /** Sessions that went back to the queue from their agent, oldest first (until dismissed). */
  returns: readonly Returned[];
  /** Conversations the server said are gone for this user, oldest first (until dismissed). */
  departures: readonly Departure[];
  /** Last seq received per conversation (0: known, nothing received yet): what `hello` says. */
  positions: ReadonlyMap<string, number>;
  /** The last read mark this client set per conversation. */
  readMarks: ReadonlyMap<string, number>;
  /** Who is typing, per conversation. */
  typing: ReadonlyMap<string, readonly UserRef[]>;
  /** Agents' presence as the server reported it, by user id. */
  presence: ReadonlyMap<string, PresenceStatus>;
  /** Per conversation holding entries: whether older ones can be loaded. */
  history: ReadonlyMap<string, HistoryState>;
  /**
   * Per conversation whose older history was paged: the `next_before` of the last page (older
   * entries start below it). Entries the user may not see leave gaps, so this can lie below the
   * first entry held.
   */
  historyCursor: ReadonlyMap<string, number>;
  /** Between `hello` and `ready`; null while live (or with no socket). */
  catchUp: CatchUp | null;
  /** A `ready` was received at least once: the first `hello` of the page is over. */
  wasReady: boolean;
  /**
   * Conversations whose next frame is taken whatever its `last_seq`: after a change of rights
   * what the user may see of each (its `last_seq` included) is read anew, and may be less.
   */
  rereading: ReadonlySet<string>;
}

/** Who the client is and what time it is: the only inputs a frame does not carry. */
export interface ReduceContext {
  /** The signed-in user's id: their own entries never count as unread. */
  me: string | null;
  /** Milliseconds since the epoch (for withdrawals). */
  now: number;
}

/** How many withdrawals are kept (the sidebar shows the last few). */
export const MAX_WITHDRAWALS = 5;
/** How many notices of returned sessions are kept (the oldest goes first). */
export const MAX_RETURNS = 5;
/** How many notices of conversations gone are kept (the oldest goes first). */
export const MAX_DEPARTURES = 5;

export function initialState(): FeedState {
  return {
    conversations: new Map(),
    entries: new Map(),
    offers: new Map(),
    withdrawals: [],
    returns: [],
    departures: [],
    positions: new Map(),
    readMarks: new Map(),
    typing: new Map(),
    presence: new Map(),
    history: new Map(),
    historyCursor: new Map(),
    catchUp: null,
    wasReady: false,
    rereading: new Set(),
  };
}

// ---- small immutable helpers ----

function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}

function withoutItem(set: ReadonlySet<string>, id: string): ReadonlySet<string> {
  if (!set.has(id)) return set;
  const next = new Set(set);
  next.delete(id);
  return next;
}

function keepOnly<V>(map: ReadonlyMap<string, V>, wanted: ReadonlySet<string>): ReadonlyMap<string, V> {
  if ([...map.keys()].every((id) => wanted.has(id))) return map;
  return new Map([...map].filter(([id]) => wanted.has(id)));
}

function addTo(set: ReadonlySet<string>, id: string): ReadonlySet<string> {
  if (set.has(id)) return set;
  return new Set([...set, id]);
}

function noteHeld(state: FeedState, id: string): FeedState {
  const catchUp = state.catchUp;
  if (catchUp === null || catchUp.held.has(id)) return state;
  return { ...state, catchUp: { ...catchUp, held: addTo(catchUp.held, id) } };
}

// ---- questions the caller asks before or after reducing ----

/** An entry the client holds already (by conversation and seq): dropped, and not passed on. */
export function isDuplicate(state: FeedState, frame: ServerFrame): boolean {
  return frame.type === "entry" && frame.seq <= (state.positions.get(frame.conversation) ?? 0);
}

/**
 * Whether a frame is news to the listeners (`live`), e.g. for the new-offer alert. Live means
 * after `ready`. Besides, an offer the server names while catching up after a disconnect rings
 * too when it was not on offer before the disconnect (it arrived while the link was down); the
 * first `hello` of the page says nothing new: whatever waits then was waiting before the page.
 */
export function isLive(state: FeedState, frame: ServerFrame): boolean {
  if (state.catchUp === null) return true;
  return frame.type === "offer" && state.wasReady && frame.conversation.state === "queued" && !state.offers.has(frame.conversation.id);
}

/** The `before` for the next page of older entries: below the oldest entry held and the last page. */
export function historyBefore(state: FeedState, conversation: string): number | null {
  const first = state.entries.get(conversation)?.[0]?.seq;
  const cursor = state.historyCursor.get(conversation);
  if (first === undefined && cursor === undefined) {
    // Nothing held (the tail held only what this user may not see): from the end of the log.
    const last = state.conversations.get(conversation)?.last_seq ?? 0;
    return last > 0 ? last + 1 : null;
  }
  return Math.min(first ?? Number.MAX_SAFE_INTEGER, cursor ?? Number.MAX_SAFE_INTEGER);
}

// ---- the socket's life ----

/** `hello` went out on a new socket: from now until `ready` the server says what still exists. */
export function beginCatchUp(state: FeedState): FeedState {
  return { ...state, catchUp: { held: new Set(), offered: new Set() } };
}

/** The socket is gone: typing indicators die with it; a catch-up in progress is void. */
export function socketLost(state: FeedState): FeedState {
  return { ...state, catchUp: null, typing: state.typing.size === 0 ? state.typing : new Map() };
}

/**
 * The user's rights changed (close 4403): entries skipped as invisible may be visible now, so
 * positions and entries are forgotten and the next `hello` takes the log again; each
 * conversation's next frame is taken as it is (its `last_seq` may be less now: work notes the
 * user no longer sees).
 */
export function forgetHistory(state: FeedState): FeedState {
  return { ...state, positions: new Map(), entries: new Map(), history: new Map(), historyCursor: new Map(), rereading: new Set(state.conversations.keys()) };
}

/**
 * The client lets go of a conversation (an unfollowed record, or one it never meant to hold):
 * its state, entries, position, read mark, typing and history go, so the next `hello` does not
 * name it and nothing lists it.
 */
export function forgetConversation(state: FeedState, conversation: string): FeedState {
  if (!state.conversations.has(conversation) && !state.positions.has(conversation) && !state.entries.has(conversation)) return state;
  return {
    ...state,
    conversations: without(state.conversations, conversation),
    entries: without(state.entries, conversation),
    positions: without(state.positions, conversation),
    readMarks: without(state.readMarks, conversation),
    typing: without(state.typing, conversation),
    history: without(state.history, conversation),
    historyCursor: without(state.historyCursor, conversation),
    offers: without(state.offers, conversation),
  };
}

/** At `ready`: keep only what the server sent since `hello` (positions, conversations, entries, offers). */
function rebuild(state: FeedState): FeedState {
  const catchUp = state.catchUp;
  if (catchUp === null) return { ...state, wasReady: true };
  const held = catchUp.held;
  const conversations = keepOnly(state.conversations, held);
  let history = keepOnly(state.history, held);
  // A conversation with a log but no entry held (a tail of entries this user may not see) can
  // still page back: without this it would show empty, with no way to its history.
  for (const [id, conversation] of conversations) {
    if (conversation.last_seq > 0 && !history.has(id) && (state.entries.get(id)?.length ?? 0) === 0) {
      history = withEntry(history, id, "more");
    }
  }
  return {
    ...state,
    catchUp: null,
    wasReady: true,
    positions: keepOnly(state.positions, held),
    readMarks: keepOnly(state.readMarks, held),
    conversations,
    entries: keepOnly(state.entries, held),
    history,
    historyCursor: keepOnly(state.historyCursor, held),
    offers: keepOnly(state.offers, catchUp.offered),
  };
}

// ---- frames ----

/** The state after one server frame. A duplicate entry leaves it as it was. */
export function reduce(state: FeedState, frame: ServerFrame, context: ReduceContext): FeedState {
  switch (frame.type) {
    case "ready":
      return rebuild(state);
    case "entry": {
      const { type: _type, ...entry } = frame;
      return applyEntry(noteHeld(state, entry.conversation), entry, context);
    }
    case "conversation": {
      const { type: _type, ...conversation } = frame;
      // A chat is shown to its members only: news of one the user is no longer in (it crossed
      // their leaving) is no reason to list it again.
      if (!isMemberOf(conversation, context.me)) return forgetConversation(state, conversation.id);
      return applyConversation(state, conversation);
    }
    case "offer": {
      // Read before what is held (an Accept's answer came first): no longer on offer.
      const older = isOlder(state, frame.conversation);
      let next = applyConversation(state, frame.conversation);
      if (older || frame.conversation.state !== "queued") return next;
      const id = frame.conversation.id;
      if (next.catchUp !== null) next = { ...next, catchUp: { ...next.catchUp, offered: addTo(next.catchUp.offered, id) } };
      return { ...next, offers: withEntry(next.offers, id, next.conversations.get(id) ?? frame.conversation) };
    }
    case "withdraw":
      return withdraw(state, frame.conversation, frame.by ?? null, context);
    case "returned":
      return noteReturned(state, frame.conversation, context);
    case "typing":
      return applyTyping(state, frame.conversation, frame.user, frame.active);
    case "presence":
      return state.presence.get(frame.user.id) === frame.status ? state : { ...state, presence: withEntry(state.presence, frame.user.id, frame.status) };
    case "read":
      return readElsewhere(state, frame.conversation, frame.seq, context.me);
    case "gone":
      return departed(state, frame.conversation, context);
    case "alert":
    case "queue_activity":
      // Routing alerts and the console's live view are not the feed's: their listeners read them.
    case "ack":
    case "error":
    case "pong":
      // Acks and refusals belong to the outbox; errors about a conversation during catch-up
      // need nothing here either: what the server does not name is dropped at `ready`.
      return state;
  }
}

function applyEntry(state: FeedState, entry: Entry, context: ReduceContext): FeedState {
  const have = state.positions.get(entry.conversation) ?? 0;
  if (entry.seq <= have) return state;
  const marker = isWithdrawalMarker(entry);
  const before = state.entries.get(entry.conversation) ?? [];
  // A marker takes back an earlier entry: that one is shown withdrawn from now on (one older
  // than what is held needs nothing: a page read later has it withdrawn already).
  const held = marker && entry.withdraws !== undefined ? withdrawnIn(before, entry.withdraws, entry) : before;
  // The entry it takes back, unless held as withdrawn already (then it left the count before).
  const takenBack = marker ? (before.find((e) => e.seq === entry.withdraws && e.withdrawn === undefined) ?? null) : null;
  let next: FeedState = {
    ...state,
    positions: withEntry(state.positions, entry.conversation, entry.seq),
    entries: withEntry(state.entries, entry.conversation, [...held, entry]),
  };
  if (held.length === 0 && !state.history.has(entry.conversation)) {
    next = { ...next, history: withEntry(next.history, entry.conversation, entry.seq <= 1 ? "complete" : "more") };
  }
  if (entry.author !== undefined) next = applyTyping(next, entry.conversation, entry.author, false);

  const current = next.conversations.get(entry.conversation);
  if (current === undefined) return next;
  // What `hello` replays is already in the server's count (its conversation frame comes first).
  const live = next.catchUp === null;
  const mine = entry.author !== undefined && entry.author.id === context.me;
  const read = next.readMarks.get(entry.conversation) ?? 0;
  const count = current.unread ?? 0;
  // Only the customer and the assignee have unread messages (as the server counts them).
  const counts = takesPart(current, context.me);
  // An entry the server's count already holds (at or below the `last_seq` its conversation
  // frame told, e.g. the history a transferred session brings along) is no new message.
  const known = entry.seq <= current.last_seq;
  let unread = count;
  if (live && counts && !known) {
    // A marker is no message; and the server counts no withdrawn entry, so one taken back that
    // was among the unread ones here is unread no more.
    if (marker) unread = takenBack !== null && unreadTail(before, count, context.me, read).includes(takenBack) ? count - 1 : count;
    else if (!mine && entry.withdrawn === undefined && entry.seq > read) unread = count + 1;
  }
  return putConversation(next, { ...current, preview: entry, unread, last_seq: Math.max(current.last_seq, entry.seq) });
}

// ---- unsend ----

/**
 * A marker entry (`event: "withdrawn"`, `withdraws: N`): it tells that entry N was taken back by
 * its author, and is never shown as a message itself.
 */
export function isWithdrawalMarker(entry: Entry): boolean {
  return entry.withdraws !== undefined || entry.event === "withdrawn";
}

/** `entry` as every read path shows it once withdrawn: no body, no attachment, who took it back and when. */
export function asWithdrawn(entry: Entry, by: UserRef, at: string): Entry {
  const { attachment: _attachment, ...rest } = entry;
  return { ...rest, body: "", withdrawn: { by, at } };
}

/** `entries` with entry `seq` withdrawn by `marker`'s author at its time; the same array when there is nothing to mark. */
function withdrawnIn(entries: readonly Entry[], seq: number, marker: Entry): readonly Entry[] {
  const at = entries.findIndex((e) => e.seq === seq);
  const target = entries[at];
  if (target === undefined || target.withdrawn !== undefined || target.kind === "system") return entries;
  const by = marker.author ?? target.author;
  if (by === undefined) return entries;
  const next = [...entries];
  next[at] = asWithdrawn(target, by, marker.at);
  return next;
}

/**
 * The server's answer to a withdraw (the entry as now shown, withdrawn), applied at once: the
 * entry held under its seq takes it, and so does the conversation's preview when it is that
 * entry. Applying it again, or after its marker arrived, changes nothing.
 */
export function applyWithdrawnEntry(state: FeedState, withdrawn: Entry): FeedState {
  if (withdrawn.withdrawn === undefined) return state;
  const held = state.entries.get(withdrawn.conversation) ?? [];
  const at = held.findIndex((e) => e.seq === withdrawn.seq);
  const current = held[at];
  let next = state;
  if (current !== undefined && current.withdrawn === undefined) {
    const entries = [...held];
    entries[at] = withdrawn;
    next = { ...next, entries: withEntry(next.entries, withdrawn.conversation, entries) };
  }
  const conversation = next.conversations.get(withdrawn.conversation);
  if (conversation?.preview?.seq === withdrawn.seq && conversation.preview.withdrawn === undefined) next = putConversation(next, { ...conversation, preview: withdrawn });
  return next;
}

/** Whether `me` is in `conversation` as far as its members say (anything but a chat: yes). */
export function isMemberOf(conversation: Conversation, me: string | null): boolean {
  if (conversation.kind !== "chat" || conversation.members === undefined || me === null) return true;
  return conversation.members.some((m) => m.id === me);
}

/** Adopts a conversation's state (from a frame, or learnt over HTTP). */
export function applyConversation(state: FeedState, incoming: Conversation): FeedState {
  let next = noteHeld(state, incoming.id);
  // Older than what is held: the socket's frames are in order, but an HTTP answer (an Accept's,
  // a conversation read) can overtake one read before it, e.g. during a long `hello`. Every
  // change stores an entry, so `last_seq` orders them: the newer one stays.
  if (isOlder(next, incoming)) return next;
  if (next.rereading.has(incoming.id)) next = { ...next, rereading: withoutItem(next.rereading, incoming.id) };
  const current = next.conversations.get(incoming.id);
  const merged: Conversation = { ...incoming };
  // Live frames carry no summary: keep the one we have.
  if (merged.preview === undefined && current?.preview !== undefined) merged.preview = current.preview;
  if (merged.unread === undefined && current?.unread !== undefined) merged.unread = current.unread;
  if (incoming.state !== "queued") delete merged.position;
  if (!next.positions.has(incoming.id)) next = { ...next, positions: withEntry(next.positions, incoming.id, 0) };
  next = putConversation(next, merged);
  if (incoming.state !== "queued") next = dropReturns(next, incoming.id);
  if (incoming.state !== "queued" && next.offers.has(incoming.id)) next = { ...next, offers: without(next.offers, incoming.id) };
  else if (next.offers.has(incoming.id)) next = { ...next, offers: withEntry(next.offers, incoming.id, merged) };
  return next;
}

/** Whether `incoming` was read before the conversation as held (a lower `last_seq`). */
function isOlder(state: FeedState, incoming: Conversation): boolean {
  const current = state.conversations.get(incoming.id);
  return current !== undefined && incoming.last_seq < current.last_seq && !state.rereading.has(incoming.id);
}

function putConversation(state: FeedState, conversation: Conversation): FeedState {
  return { ...state, conversations: withEntry(state.conversations, conversation.id, conversation) };
}

function withdraw(state: FeedState, conversation: string, by: UserRef | null, context: ReduceContext): FeedState {
  const offer = state.offers.get(conversation);
  // Taken, or the customer left: it waits no more, and neither does its notice.
  const next = dropReturns(offer === undefined ? state : { ...state, offers: without(state.offers, conversation) }, conversation);
  if (by !== null && by.id === context.me) return next;
  const customer = offer?.customer?.display_name ?? state.conversations.get(conversation)?.customer?.display_name ?? "A customer";
  return { ...next, withdrawals: [...next.withdrawals.slice(-(MAX_WITHDRAWALS - 1)), { conversation, customer, by, at: context.now }] };
}

/** The key of one return of a session: the same return told twice (offer and `returned`) is one notice. */
export function returnKey(conversation: Conversation): string | null {
  if (conversation.returned_from === undefined) return null;
  return `${conversation.id}@${conversation.returned_at ?? ""}`;
}

/** A session waits in the queue no more (accepted, closed, the customer left): its notice goes. */
function dropReturns(state: FeedState, conversation: string): FeedState {
  if (!state.returns.some((r) => r.conversation === conversation)) return state;
  return { ...state, returns: state.returns.filter((r) => r.conversation !== conversation) };
}

/**
 * A session went back to the queue from its agent: a notice (not for the agent who handed it
 * back), and its new state when this client holds it (a conversation it does not hold is not
 * added: the manager is told, not subscribed). One notice per session: a later return replaces
 * an earlier one's.
 */
function noteReturned(state: FeedState, conversation: Conversation, context: ReduceContext): FeedState {
  const next = state.conversations.has(conversation.id) ? applyConversation(state, conversation) : state;
  const key = returnKey(conversation);
  const from = conversation.returned_from;
  if (key === null || from === undefined || from.id === context.me || next.returns.some((r) => r.key === key)) return next;
  const at = conversation.returned_at ?? new Date(context.now).toISOString();
  const notice: Returned = { key, conversation: conversation.id, customer: conversation.customer?.display_name ?? "A customer", from: from.display_name, at };
  const others = next.returns.filter((r) => r.conversation !== conversation.id);
  return { ...next, returns: [...others.slice(-(MAX_RETURNS - 1)), notice] };
}

/**
 * The user no longer sees `conversation`: it is dropped as an unfollowed record is (lists,
 * entries, position, offers), so neither a list nor the next `hello` names it; a notice is kept
 * when it was held (one the client had let go of already, e.g. a chat it left, needs none).
 */
function departed(state: FeedState, conversation: string, context: ReduceContext): FeedState {
  const held = state.conversations.get(conversation);
  let next = forgetConversation(state, conversation);
  next = dropReturns(next, conversation);
  if (next.catchUp !== null && next.catchUp.held.has(conversation)) {
    const held = new Set(next.catchUp.held);
    held.delete(conversation);
    next = { ...next, catchUp: { ...next.catchUp, held } };
  }
  if (held === undefined) return next;
  const others = next.departures.filter((d) => d.conversation.id !== conversation);
  return { ...next, departures: [...others.slice(-(MAX_DEPARTURES - 1)), { conversation: held, at: context.now }] };
}

/** The notice of a conversation gone was read (or needs none: the user left it here). */
export function dismissDeparture(state: FeedState, conversation: string): FeedState {
  if (!state.departures.some((d) => d.conversation.id === conversation)) return state;
  return { ...state, departures: state.departures.filter((d) => d.conversation.id !== conversation) };
}

/** The notice of a returned session was read and dismissed. */
export function dismissReturn(state: FeedState, key: string): FeedState {
  if (!state.returns.some((r) => r.key === key)) return state;
  return { ...state, returns: state.returns.filter((r) => r.key !== key) };
}

/** Someone starts or stops typing (an entry of theirs, or the expiry of their indicator, stops it). */
export function applyTyping(state: FeedState, conversation: string, user: UserRef, active: boolean): FeedState {
  const current = state.typing.get(conversation) ?? [];
  const others = current.filter((u) => u.id !== user.id);
  if (!active && others.length === current.length) return state;
  const now = active ? [...others, user] : others;
  return { ...state, typing: now.length === 0 ? without(state.typing, conversation) : withEntry(state.typing, conversation, now) };
}

// ---- the user's actions ----

/**
 * Presence learnt over HTTP (e.g. a queue's members): taken only for people the socket has not
 * reported yet, since a frame is newer than any list read before or after it.
 */
export function seedPresence(state: FeedState, statuses: Iterable<{ id: string; status: PresenceStatus }>): FeedState {
  const presence = new Map(state.presence);
  for (const { id, status } of statuses) if (!presence.has(id)) presence.set(id, status);
  return presence.size === state.presence.size ? state : { ...state, presence };
}

/** Whether `entry` is a message the server counts as unread for `me` (not theirs, not withdrawn, no marker). */
function countsAsUnread(entry: Entry, me: string | null): boolean {
  return entry.author?.id !== me && entry.withdrawn === undefined && !isWithdrawalMarker(entry);
}

/** The held entries `unread` counts: the newest `count` that count as unread after the read mark. */
function unreadTail(entries: readonly Entry[], count: number, me: string | null, read: number): readonly Entry[] {
  if (count <= 0) return [];
  return entries.filter((e) => e.seq > read && countsAsUnread(e, me)).slice(-count);
}

/**
 * Whether `me` takes part in `conversation` (its customer, its assignee or a colleague invited to
 * help; for a record, a follower: the server sends a record's activity only to those who follow it
 * or may read it; for a chat, a member: only members are sent a chat): only they have unread
 * messages, as the server counts them.
 */
export function takesPart(conversation: Conversation, me: string | null): boolean {
  if (me === null) return false;
  if (conversation.kind === "record" || conversation.kind === "chat") return true;
  return conversation.customer?.id === me || conversation.assignee?.id === me || (conversation.invited ?? []).some((u) => u.id === me);
}

/**
 * The user read `conversation` up to `seq` in another tab (or this one, echoed): the mark moves
 * forward, and what stays unread is what this tab holds after it from others.
 */
export function readElsewhere(state: FeedState, conversation: string, seq: number, me: string | null): FeedState {
  if (seq <= (state.readMarks.get(conversation) ?? 0)) return state;
  let next: FeedState = { ...state, readMarks: withEntry(state.readMarks, conversation, seq) };
  const current = next.conversations.get(conversation);
  if (current === undefined || (current.unread ?? 0) === 0) return next;
  // As the server counts: neither a withdrawn entry nor a withdrawal marker is an unread message.
  const after = (next.entries.get(conversation) ?? []).filter((e) => e.seq > seq && countsAsUnread(e, me)).length;
  const unread = Math.min(current.unread ?? 0, after);
  if (unread !== current.unread) next = putConversation(next, { ...current, unread });
  return next;
}

/** Everything up to `seq` has been seen: the unread count goes to 0 and the read mark moves up. */
export function markRead(state: FeedState, conversation: string, seq: number): FeedState {
  let next = state;
  const current = state.conversations.get(conversation);
  if (current !== undefined && (current.unread ?? 0) !== 0) next = putConversation(next, { ...current, unread: 0 });
  if (seq > (state.readMarks.get(conversation) ?? 0)) next = { ...next, readMarks: withEntry(next.readMarks, conversation, seq) };
  return next;
}

/** A page of older entries is being fetched. */
export function historyLoading(state: FeedState, conversation: string): FeedState {
  return { ...state, history: withEntry(state.history, conversation, "loading") };
}

/** The fetch of older entries failed: older pages still exist. */
export function historyFailed(state: FeedState, conversation: string): FeedState {
  if (state.history.get(conversation) !== "loading") return state;
  return { ...state, history: withEntry(state.history, conversation, "more") };
}

/**
 * A page of older entries (ascending) and the server's `next_before` (null: the start of the log
 * was reached), for a conversation whose history is `loading`. Entries the client holds already
 * are skipped; the rest go before those held.
 */
export function prependPage(state: FeedState, conversation: string, page: readonly Entry[], nextBefore: number | null): FeedState {
  // Not asked for (any more): the conversation went at a `ready`, or the rights changed meanwhile.
  if (state.history.get(conversation) !== "loading") return state;
  const held = state.entries.get(conversation) ?? [];
  const first = held[0]?.seq ?? Number.MAX_SAFE_INTEGER;
  const older = page.filter((e) => e.conversation === conversation && e.seq < first).sort((a, b) => a.seq - b.seq);
  const unique = older.filter((e, i) => i === 0 || older[i - 1]?.seq !== e.seq);
  const entries = [...unique, ...held];
  const complete = nextBefore === null || (entries[0]?.seq ?? 0) === 1;
  let next: FeedState = {
    ...state,
    entries: unique.length === 0 ? state.entries : withEntry(state.entries, conversation, entries),
    history: withEntry(state.history, conversation, complete ? "complete" : "more"),
  };
  next = nextBefore === null ? { ...next, historyCursor: without(next.historyCursor, conversation) } : { ...next, historyCursor: withEntry(next.historyCursor, conversation, nextBefore) };
  // Nothing held yet (every entry so far invisible): the page sets where the live stream goes on.
  if (held.length === 0 && entries.length > 0) {
    const last = entries.at(-1)?.seq ?? 0;
    if (last > (next.positions.get(conversation) ?? 0)) next = { ...next, positions: withEntry(next.positions, conversation, last) };
  }
  return next;
}
