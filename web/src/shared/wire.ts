/**
 * Types of the HTTP API as the server sends them; mirrors `src/wire.rs`.
 * The fixtures in `tests/fixtures/wire/` are parsed by both sides (see wire.test.ts),
 * so a change on one side that the other does not follow fails a test.
 */

export type Role = "admin" | "manager" | "agent" | "customer";

export const ROLES: readonly Role[] = ["admin", "manager", "agent", "customer"];

export interface UserRef {
  id: string;
  display_name: string;
}

export interface User {
  id: string;
  username: string;
  display_name: string;
  roles: Role[];
  itil: boolean;
}

export interface ApiErrorBody {
  /** `field`: the form field a 422 is about (e.g. `short_description`). */
  /** `newer`: with `stale_view`, how many new messages the sender has not seen. */
  error: { code: string; message: string; field?: string; newer?: number };
}

export interface QueueGroup {
  id: string;
  name: string;
}

export interface Queue {
  id: string;
  name: string;
  group: QueueGroup;
  greeting: string;
  inactivity_warning_seconds: number;
  auto_close_seconds: number;
  /** How long the assignee of an active session may be offline before it goes back to the front of the queue. */
  assignee_grace_seconds: number;
  /** How long after sending staff may withdraw their own comment or work note (0: never). */
  unsend_seconds: number;
  /** The most sessions of this queue one agent holds at once (0: no limit); Accept beyond: 409 at_capacity. */
  max_sessions_per_agent: number;
  /** Whether the customer is asked to rate a session when it ends (GET/POST /api/conversations/{id}/survey). */
  survey: boolean;
  /** Routing guard: a waiting session nobody accepts within this many seconds alerts the managers and is offered again, urgently (0: off). */
  offer_alert_seconds: number;
  /** Routing guard: an agent who has not commented this long after taking a session is alerted; as long again and it goes back to the queue (0: off). */
  reply_alert_seconds: number;
}

export interface SignInResponse {
  user: User;
  /** Only when the sign-in asked for one (`"token": true`, the widget's frame on another site). */
  token?: string;
}

/** `GET /api/conversations/{id}/entries?before=…`: older history, oldest first. */
export interface EarlierEntriesPage {
  entries: Entry[];
  /** Pass as `before` for the page before; null once the start of the log was reached. */
  next_before: number | null;
}

// Runtime guards: the answer of a server is data from the network, so it is checked
// before the app treats it as one of the types above.

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

export function isRole(value: unknown): value is Role {
  return ROLES.some((role) => role === value);
}

export function isUserRef(value: unknown): value is UserRef {
  return isObject(value) && isString(value.id) && isString(value.display_name);
}

export function isUser(value: unknown): value is User {
  return (
    isObject(value) &&
    isString(value.id) &&
    isString(value.username) &&
    isString(value.display_name) &&
    Array.isArray(value.roles) &&
    value.roles.every(isRole) &&
    typeof value.itil === "boolean"
  );
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return isObject(value) && isObject(value.error) && isString(value.error.code) && isString(value.error.message) && (value.error.field === undefined || isString(value.error.field)) && isOptional(value.error.newer, isCount);
}

function isQueueGroup(value: unknown): value is QueueGroup {
  return isObject(value) && isString(value.id) && isString(value.name);
}

export function isQueue(value: unknown): value is Queue {
  return (
    isObject(value) &&
    isString(value.id) &&
    isString(value.name) &&
    isQueueGroup(value.group) &&
    isString(value.greeting) &&
    isCount(value.inactivity_warning_seconds) &&
    isCount(value.auto_close_seconds) &&
    isCount(value.assignee_grace_seconds) &&
    isCount(value.unsend_seconds) &&
    isCount(value.max_sessions_per_agent) &&
    typeof value.survey === "boolean" &&
    isCount(value.offer_alert_seconds) &&
    isCount(value.reply_alert_seconds)
  );
}

export function isQueueList(value: unknown): value is Queue[] {
  return Array.isArray(value) && value.every(isQueue);
}

export function isSignInResponse(value: unknown): value is SignInResponse {
  return isObject(value) && isUser(value.user) && (value.token === undefined || isString(value.token));
}

// ---- Support sessions and chats (mirrors `Conversation`, `Entry`, `Canned`, `Member` and the socket frames) ----

export type ConversationState = "queued" | "active" | "closed";
export type EntryKind = "comment" | "work_note" | "system";
export type PostKind = "comment" | "work_note";
export type PresenceStatus = "available" | "away" | "offline";

export interface Entry {
  conversation: string;
  seq: number;
  kind: EntryKind;
  author?: UserRef;
  body: string;
  client_id?: string;
  at: string;
  /**
   * System entries: accepted, transferred, inactivity_warning, still_here, closed, handed_back,
   * incident_created (in a session and in an incident's activity), field_changed (an incident's activity).
   */
  event?: string;
  /** A file or screenshot posted as this entry (its `body` is then an optional caption). */
  attachment?: Attachment;
  /** Taken back by its author: `body` is "" and there is no attachment; show "Message withdrawn". */
  withdrawn?: { by: UserRef; at: string };
  /** On a marker entry (`event: "withdrawn"`): the seq of the entry it withdrew. Not shown as a message. */
  withdraws?: number;
}

/** A file attached to an entry; `type` is judged by the server from its bytes. */
export interface Attachment {
  id: string;
  name: string;
  /** image/png, image/jpeg, image/gif, image/webp, application/pdf or text/plain. */
  type: string;
  size: number;
  url: string;
}

/** A withdrawn entry's audit record (managers and admins). */
export interface Withdrawal {
  seq: number;
  kind: EntryKind;
  author: UserRef;
  body: string;
  attachment?: Attachment;
  at: string;
  withdrawn_by: UserRef;
  withdrawn_at: string;
}

export interface Conversation {
  id: string;
  /** support, chat or record. */
  kind: string;
  state: ConversationState;
  queue?: string;
  customer?: UserRef;
  assignee?: UserRef;
  position?: number;
  last_seq: number;
  /** ended_by_agent, ended_by_customer, timed_out or abandoned. */
  closed_reason?: string;
  first_message?: string;
  created_at: string;
  accepted_at?: string;
  /** While an inactivity warning is pending: seconds until the session closes, as of this frame. */
  closes_in_seconds?: number;
  /** While queued after coming back from an agent (handed back, or offline past the grace): that agent. */
  returned_from?: UserRef;
  /** When it came back (with `returned_from`). */
  returned_at?: string;
  preview?: Entry;
  unread?: number;
  /** Kind `record`: the followed incident this conversation is the activity of. */
  record?: RecordRef;
  /** Kind `chat`, a named group: its name (a direct chat has none). */
  title?: string;
  /** Kind `chat`: everyone in it (the caller too), by name. */
  members?: UserRef[];
  /** Kind `support`, for staff and ITIL holders: colleagues invited to help (they post work notes only). */
  invited?: UserRef[];
}

/** `POST /api/chats`: one other member without `title` (the direct chat of the two), or a named group. */
export interface NewChat {
  members: string[];
  title?: string;
}

/** What a record conversation says of its incident (`Conversation.record`). */
export interface RecordRef {
  /** The incident's id. */
  incident: string;
  number: string;
  short_description: string;
  state: IncidentState;
}

export interface Canned {
  id: string;
  queue: string;
  title: string;
  body: string;
}

/** An agent of a queue's group, for the Transfer dialog. */
export interface Member {
  id: string;
  display_name: string;
  status: PresenceStatus;
}

/** Which routing guard fired (see the protocol's **Routing guards**). */
export type AlertKind = "unaccepted" | "no_reply" | "returned_unanswered";
export const ALERT_KINDS: readonly AlertKind[] = ["unaccepted", "no_reply", "returned_unanswered"];

/** Frames the server sends on the WebSocket. */
export type ServerFrame =
  | ({ type: "entry" } & Entry)
  | ({ type: "conversation" } & Conversation)
  | { type: "ready" }
  | { type: "ack"; ref?: string; conversation: string; seq: number }
  | { type: "error"; ref?: string; conversation?: string; error: { code: string; message: string; newer?: number } }
  | { type: "pong"; nonce?: string }
  /** `urgent`: nobody accepted it within the queue's `offer_alert_seconds` (a louder alert). */
  | { type: "offer"; conversation: Conversation; urgent?: boolean }
  /** A routing guard fired: `unaccepted` and `returned_unanswered` to managers and admins, `no_reply` to the session's agent. */
  | { type: "alert"; kind: AlertKind; conversation: Conversation; seconds: number }
  /** To managers and admins: the queue's live view changed; read `GET /api/queues/{id}/live` again. */
  | { type: "queue_activity"; queue: string }
  /** To managers and admins: a session went back to the front of its queue from its agent (`returned_from`). */
  | { type: "returned"; conversation: Conversation }
  | { type: "withdraw"; conversation: string; by?: UserRef }
  | { type: "typing"; conversation: string; user: UserRef; active: boolean }
  | { type: "presence"; user: UserRef; status: PresenceStatus }
  /** The user read the conversation up to `seq`, in this tab or another. */
  | { type: "read"; conversation: string; seq: number }
  /** The user no longer sees this conversation (left a group chat, an invitation into a session ended). */
  | { type: "gone"; conversation: string };

/** Frames the client sends on the WebSocket. */
export type ClientFrame =
  | { type: "hello"; positions: Record<string, number>; tail?: number }
  | { type: "send"; ref: string; conversation: string; client_id: string; kind: PostKind; body: string; seen?: number }
  | { type: "send"; ref: string; conversation: string; client_id: string; canned: string }
  | { type: "accept"; ref: string; conversation: string }
  | { type: "typing"; conversation: string; active: boolean; kind: PostKind }
  | { type: "presence"; status: "available" | "away" }
  | { type: "read"; conversation: string; seq: number }
  | { type: "watch"; conversation: string }
  | { type: "ping"; nonce?: string };

function isOptional<T>(value: unknown, guard: (v: unknown) => v is T): boolean {
  return value === undefined || guard(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

const ENTRY_KINDS: readonly string[] = ["comment", "work_note", "system"];
const STATES: readonly string[] = ["queued", "active", "closed"];
const PRESENCE: readonly string[] = ["available", "away", "offline"];

export function isEntry(value: unknown): value is Entry {
  return (
    isObject(value) &&
    isString(value.conversation) &&
    isCount(value.seq) &&
    isString(value.kind) &&
    ENTRY_KINDS.includes(value.kind) &&
    isOptional(value.author, isUserRef) &&
    isString(value.body) &&
    isOptional(value.client_id, isString) &&
    isString(value.at) &&
    isOptional(value.event, isString) &&
    isOptional(value.attachment, isAttachment) &&
    isOptional(value.withdrawn, isWithdrawnMark) &&
    isOptional(value.withdraws, isCount)
  );
}

export function isAttachment(value: unknown): value is Attachment {
  return isObject(value) && isString(value.id) && isString(value.name) && isString(value.type) && isCount(value.size) && isString(value.url);
}

function isWithdrawnMark(value: unknown): value is { by: UserRef; at: string } {
  return isObject(value) && isUserRef(value.by) && isString(value.at);
}

export function isWithdrawal(value: unknown): value is Withdrawal {
  return (
    isObject(value) &&
    isCount(value.seq) &&
    isString(value.kind) &&
    ENTRY_KINDS.includes(value.kind) &&
    isUserRef(value.author) &&
    isString(value.body) &&
    isOptional(value.attachment, isAttachment) &&
    isString(value.at) &&
    isUserRef(value.withdrawn_by) &&
    isString(value.withdrawn_at)
  );
}

export function isConversation(value: unknown): value is Conversation {
  return (
    isObject(value) &&
    isString(value.id) &&
    isString(value.kind) &&
    isString(value.state) &&
    STATES.includes(value.state) &&
    isOptional(value.queue, isString) &&
    isOptional(value.customer, isUserRef) &&
    isOptional(value.assignee, isUserRef) &&
    isOptional(value.position, isInteger) &&
    isCount(value.last_seq) &&
    isOptional(value.closed_reason, isString) &&
    isOptional(value.first_message, isString) &&
    isString(value.created_at) &&
    isOptional(value.accepted_at, isString) &&
    isOptional(value.closes_in_seconds, isCount) &&
    isOptional(value.returned_from, isUserRef) &&
    isOptional(value.returned_at, isString) &&
    isOptional(value.preview, isEntry) &&
    isOptional(value.unread, isCount) &&
    isOptional(value.record, isRecordRef) &&
    isOptional(value.title, isString) &&
    isOptional(value.members, isUserRefList) &&
    isOptional(value.invited, isUserRefList)
  );
}

function isUserRefList(value: unknown): value is UserRef[] {
  return Array.isArray(value) && value.every(isUserRef);
}

export function isConversationList(value: unknown): value is Conversation[] {
  return Array.isArray(value) && value.every(isConversation);
}

export function isCanned(value: unknown): value is Canned {
  return isObject(value) && isString(value.id) && isString(value.queue) && isString(value.title) && isString(value.body);
}

export function isCannedList(value: unknown): value is Canned[] {
  return Array.isArray(value) && value.every(isCanned);
}

export function isMember(value: unknown): value is Member {
  return (
    isObject(value) &&
    isString(value.id) &&
    isString(value.display_name) &&
    isString(value.status) &&
    PRESENCE.includes(value.status)
  );
}

export function isMemberList(value: unknown): value is Member[] {
  return Array.isArray(value) && value.every(isMember);
}

/** Checks a socket frame's shape; an unknown or malformed frame is null (and ignored). */
export function parseServerFrame(value: unknown): ServerFrame | null {
  if (!isObject(value) || !isString(value.type)) return null;
  const v = value;
  switch (v.type) {
    case "entry":
      return isEntry(v) ? { ...v, type: "entry" } : null;
    case "conversation":
      return isConversation(v) ? { ...v, type: "conversation" } : null;
    case "ready":
      return { type: "ready" };
    case "ack":
      return isString(v.conversation) && isCount(v.seq) && isOptional(v.ref, isString) ? (v as ServerFrame) : null;
    case "error":
      return isApiErrorBody(v) && isOptional(v.ref, isString) && isOptional(v.conversation, isString) ? (v as ServerFrame) : null;
    case "pong":
      return isOptional(v.nonce, isString) ? { type: "pong", ...(isString(v.nonce) ? { nonce: v.nonce } : {}) } : null;
    case "offer":
      return isConversation(v.conversation) && isOptional(v.urgent, (u): u is boolean => typeof u === "boolean") ? (v as ServerFrame) : null;
    case "returned":
      return isConversation(v.conversation) ? (v as ServerFrame) : null;
    case "alert":
      return isString(v.kind) && (ALERT_KINDS as readonly string[]).includes(v.kind) && isConversation(v.conversation) && isCount(v.seconds) ? (v as ServerFrame) : null;
    case "queue_activity":
      return isString(v.queue) ? { type: "queue_activity", queue: v.queue } : null;
    case "withdraw":
      return isString(v.conversation) && isOptional(v.by, isUserRef) ? (v as ServerFrame) : null;
    case "typing":
      return isString(v.conversation) && isUserRef(v.user) && typeof v.active === "boolean" ? (v as ServerFrame) : null;
    case "presence":
      return isUserRef(v.user) && isString(v.status) && PRESENCE.includes(v.status) ? (v as ServerFrame) : null;
    case "read":
      return isString(v.conversation) && isCount(v.seq) ? (v as ServerFrame) : null;
    case "gone":
      return isString(v.conversation) ? { type: "gone", conversation: v.conversation } : null;
    default:
      return null;
  }
}

export function isEarlierEntriesPage(value: unknown): value is EarlierEntriesPage {
  return (
    isObject(value) &&
    Array.isArray(value.entries) &&
    value.entries.every(isEntry) &&
    (value.next_before === null || isCount(value.next_before))
  );
}

// ---- Incidents (mirrors `Incident`, `IncidentInput`, `IncidentState`, `Availability`) ----

export type IncidentState = "new" | "in_progress" | "on_hold" | "resolved" | "closed" | "canceled";
export const INCIDENT_STATES: readonly IncidentState[] = ["new", "in_progress", "on_hold", "resolved", "closed", "canceled"];

export type IncidentCategory = "inquiry" | "software" | "hardware" | "network" | "database";
export const INCIDENT_CATEGORIES: readonly IncidentCategory[] = ["inquiry", "software", "hardware", "network", "database"];

export type ContactType = "chat" | "email" | "phone" | "self_service" | "walk_in";
export const CONTACT_TYPES: readonly ContactType[] = ["chat", "email", "phone", "self_service", "walk_in"];

/** Impact and urgency: 1 high, 2 medium, 3 low. */
export type Level = 1 | 2 | 3;
/** Derived by the server: impact + urgency - 1 (1 critical … 5 planning). */
export type Priority = 1 | 2 | 3 | 4 | 5;

/** What `POST /api/incidents` takes (and, without `client_id` and `session`, `PATCH` with `version`). */
export interface IncidentInput {
  client_id: string;
  caller: string;
  short_description: string;
  description?: string;
  category: IncidentCategory;
  contact_type: ContactType;
  impact: Level;
  urgency: Level;
  state?: IncidentState;
  resolution_notes?: string;
  assignment_group?: string | null;
  assigned_to?: string | null;
  session?: string;
}

/** `PATCH /api/incidents/{id}`: the version read, and the fields changed. */
export type IncidentPatch = { version: number } & Partial<Omit<IncidentInput, "client_id" | "session">>;

export interface Incident {
  id: string;
  number: string;
  caller: UserRef;
  short_description: string;
  description: string;
  category: IncidentCategory;
  contact_type: ContactType;
  impact: Level;
  urgency: Level;
  priority: Priority;
  state: IncidentState;
  resolution_notes?: string;
  assignment_group?: QueueGroup;
  assigned_to?: UserRef;
  /** The support session it was created from. */
  session?: string;
  /** Its activity stream: a conversation of kind `record`. */
  activity: string;
  created_by: UserRef;
  created_at: string;
  updated_by: UserRef;
  updated_at: string;
  version: number;
  /** Whether the caller of the request follows it. */
  following: boolean;
}

/** `GET /api/queues/{queue}/availability`. */
export interface Availability {
  available: number;
}

function isOneOf<T extends string | number>(values: readonly T[]) {
  return (value: unknown): value is T => values.some((v) => v === value);
}

export const isIncidentState = isOneOf(INCIDENT_STATES);
const isLevel = isOneOf<Level>([1, 2, 3]);
const isPriority = isOneOf<Priority>([1, 2, 3, 4, 5]);

export function isRecordRef(value: unknown): value is RecordRef {
  return isObject(value) && isString(value.incident) && isString(value.number) && isString(value.short_description) && isIncidentState(value.state);
}

export function isIncident(value: unknown): value is Incident {
  return (
    isObject(value) &&
    isString(value.id) &&
    isString(value.number) &&
    isUserRef(value.caller) &&
    isString(value.short_description) &&
    isString(value.description) &&
    isOneOf(INCIDENT_CATEGORIES)(value.category) &&
    isOneOf(CONTACT_TYPES)(value.contact_type) &&
    isLevel(value.impact) &&
    isLevel(value.urgency) &&
    isPriority(value.priority) &&
    isIncidentState(value.state) &&
    (value.resolution_notes === undefined || value.resolution_notes === null || isString(value.resolution_notes)) &&
    (value.assignment_group === undefined || value.assignment_group === null || isQueueGroup(value.assignment_group)) &&
    (value.assigned_to === undefined || value.assigned_to === null || isUserRef(value.assigned_to)) &&
    (value.session === undefined || value.session === null || isString(value.session)) &&
    isString(value.activity) &&
    isUserRef(value.created_by) &&
    isString(value.created_at) &&
    isUserRef(value.updated_by) &&
    isString(value.updated_at) &&
    isCount(value.version) &&
    typeof value.following === "boolean"
  );
}

export function isIncidentList(value: unknown): value is Incident[] {
  return Array.isArray(value) && value.every(isIncident);
}

export function isAvailability(value: unknown): value is Availability {
  return isObject(value) && isCount(value.available);
}

// ---- Managers' console (mirrors `QueueLive`, `AuditEntry`, `AuditPage`) ----

export interface WaitingSession {
  id: string;
  customer: UserRef;
  first_message?: string;
  /** When it came back to the queue, or started: the wait is counted live from here. */
  waiting_since: string;
  returned_from?: UserRef;
  /** Its offer guard fired: nobody accepted it within the queue's `offer_alert_seconds`. */
  alerted: boolean;
}

export interface HeldSession {
  id: string;
  customer: UserRef;
  accepted_at: string;
  /** Its agent no longer works the queue: a manager must transfer it. */
  needs_transfer: boolean;
}

export interface LiveAgent {
  user: UserRef;
  status: PresenceStatus;
  /** False for an agent removed from the queue's group who still holds sessions of it. */
  in_group: boolean;
  active: number;
  sessions: HeldSession[];
}

export interface NeedsTransfer {
  id: string;
  customer: UserRef;
  assignee: UserRef;
  accepted_at: string;
}

export interface Rating {
  count: number;
  average: number | null;
}

export interface AgentFigures {
  user: UserRef;
  accepted: number;
  ended: number;
  median_handling_seconds: number | null;
  rating: Rating;
}

export interface QueueFigures {
  since: string;
  started: number;
  accepted: number;
  abandoned: number;
  timed_out: number;
  ended: number;
  median_accept_seconds: number | null;
  median_handling_seconds: number | null;
  rating: Rating;
  per_agent: AgentFigures[];
}

/** `GET /api/queues/{id}/live`: the live queue view. */
export interface QueueLive {
  queue: QueueGroup;
  at: string;
  waiting: WaitingSession[];
  longest_wait_seconds: number | null;
  agents: LiveAgent[];
  needs_transfer: NeedsTransfer[];
  figures: QueueFigures;
}

export type AuditAction =
  | "user.create"
  | "user.update"
  | "group.create"
  | "group.add_member"
  | "group.remove_member"
  | "queue.create"
  | "queue.update"
  | "canned.create"
  | "canned.update"
  | "canned.delete"
  | "canned.reorder";
export const AUDIT_ACTIONS: readonly AuditAction[] = [
  "user.create",
  "user.update",
  "group.create",
  "group.add_member",
  "group.remove_member",
  "queue.create",
  "queue.update",
  "canned.create",
  "canned.update",
  "canned.delete",
  "canned.reorder",
];
export type AuditTargetKind = "user" | "group" | "queue" | "canned";

/** One change made through the console or the admin API: who, what, before and after, when. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: UserRef;
  action: AuditAction;
  target: { kind: AuditTargetKind; id: string; name: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** `GET /api/audit`: newest first; `next_before` pages on. */
export interface AuditPage {
  entries: AuditEntry[];
  next_before: string | null;
}
