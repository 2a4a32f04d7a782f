/**
 * The routing guards, as the agent app hears them (see the protocol's **Routing guards**): an
 * `offer` with `urgent` marks its queue notification with how long it has waited ("Waiting over
 * 45 s", "Waiting over 2 min": the queue's guard as this page last read it may be out of date)
 * and rings louder than a new chat; an `alert` becomes a notice — `no_reply` for the session's
 * agent ("Carol Customer has had no reply for 2 minutes — reply now or the session goes back to
 * the queue"), `unaccepted` and `returned_unanswered` for managers and admins. A notice goes by
 * itself once what it warns of is over (the agent commented, the session was accepted or
 * closed), or when dismissed. The feed (reducer.ts) leaves these frames to their listeners: this
 * is that listener.
 */
import { batch, signal } from "@preact/signals";
import { returnKey } from "../shared/reducer";
import type { Connection } from "../shared/socket";
import type { AlertKind, Conversation, ServerFrame, User } from "../shared/wire";
import { beep, notifyDesktop } from "./alerts";

/** One notice per session (a newer alert about it replaces the older one). */
export interface RoutingNotice {
  kind: AlertKind;
  conversation: string;
  customer: string;
  queue: string | undefined;
  /** `returned_unanswered`: the agent it came back from. */
  from: string | null;
  seconds: number;
  /** When it came, ISO time. */
  at: string;
  /** `returned_unanswered`: the return it tells of (its `returned` notice says it less well and is left out). */
  returned: string | null;
}

/** An urgent offer: nobody accepted it within its queue's `offer_alert_seconds` (which the server holds). */
export interface UrgentOffer {
  conversation: string;
  /** How long it had waited when this client was told, whole seconds (rounded down). */
  seconds: number;
}

/** How many notices are kept (the oldest goes first). */
export const MAX_ROUTING_NOTICES = 5;

/** The routing notices, oldest first, until dismissed or over. */
export const routingNotices = signal<readonly RoutingNotice[]>([]);
/** Offers that went urgent, by wait (`waitKey`): a session that comes back later waits anew. */
export const urgentOffers = signal<ReadonlyMap<string, UrgentOffer>>(new Map());
/** Returns told as `returned_unanswered` (by `returnKey`): their "had to leave" notice is not shown. */
export const unansweredReturns = signal<ReadonlySet<string>>(new Set());
/** What screen readers are told of urgent offers (the sidebar's notifications are no live region). */
export const urgentAnnouncement = signal("");

/** One wait of a session: its id, or its id and when it came back. */
export function waitKey(conversation: Conversation): string {
  return returnKey(conversation) ?? conversation.id;
}

// ---- words ----

/** "2 minutes", "1 minute", "90 seconds", "1 second". */
export function durationWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 60 && s % 60 === 0) return s === 60 ? "1 minute" : `${s / 60} minutes`;
  return s === 1 ? "1 second" : `${s} seconds`;
}

/** The mark of an urgent offer, rounded down: "Waiting over 45 s", "Waiting over 2 min". */
export function urgentText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return s < 60 ? `Waiting over ${s} s` : `Waiting over ${Math.floor(s / 60)} min`;
}

/**
 * How long a session has waited at `at` (ms since the epoch), whole seconds rounded down: since
 * it came back to the queue, else since it started (as its queue notification counts). 0 when
 * unknown.
 */
export function waitedSeconds(conversation: Pick<Conversation, "returned_at" | "created_at">, at: number): number {
  const since = Date.parse(conversation.returned_at ?? conversation.created_at);
  return Number.isNaN(since) ? 0 : Math.max(0, Math.floor((at - since) / 1000));
}

/**
 * What an urgent offer's mark says at `at`: the wait it had when it went urgent, and past a
 * minute the wait by the clock, by the minute. Never more than the real wait: both are rounded
 * down, and the page's clock may lag the real time by up to a second, never lead it.
 */
export function urgentLabel(urgent: UrgentOffer, conversation: Pick<Conversation, "returned_at" | "created_at">, at: number): string {
  const waited = waitedSeconds(conversation, at);
  return urgentText(waited >= 60 ? Math.max(urgent.seconds, waited) : urgent.seconds);
}

/** What a notice says. */
export function noticeText(notice: Pick<RoutingNotice, "kind" | "customer" | "from" | "seconds">, queueName: string): string {
  switch (notice.kind) {
    case "no_reply":
      return `${notice.customer} has had no reply for ${durationWords(notice.seconds)} — reply now or the session goes back to the queue`;
    case "unaccepted":
      return `${notice.customer}'s chat in ${queueName} has waited over ${notice.seconds} s: nobody accepted it.`;
    case "returned_unanswered":
      return `${notice.customer}'s chat went back to the queue: ${notice.from ?? "its agent"} did not answer.`;
  }
}

// ---- the state's changes ----

function managesQueues(user: User): boolean {
  return user.roles.includes("manager") || user.roles.includes("admin");
}

/** Drops the notices of `conversation` that `over` says are over. */
function dropNotices(conversation: string, over: (notice: RoutingNotice) => boolean): void {
  const current = routingNotices.value;
  if (!current.some((n) => n.conversation === conversation && over(n))) return;
  routingNotices.value = current.filter((n) => n.conversation !== conversation || !over(n));
}

function dropUrgent(conversation: string): void {
  const current = urgentOffers.value;
  if (![...current.values()].some((u) => u.conversation === conversation)) return;
  urgentOffers.value = new Map([...current].filter(([, u]) => u.conversation !== conversation));
}

function addNotice(notice: RoutingNotice): void {
  const others = routingNotices.value.filter((n) => n.conversation !== notice.conversation);
  routingNotices.value = [...others.slice(-(MAX_ROUTING_NOTICES - 1)), notice];
}

/** The notice was read. */
export function dismissRoutingNotice(conversation: string): void {
  dropNotices(conversation, () => true);
}

/** Forgets everything (a new connection, a test). */
export function resetRoutingAlerts(): void {
  batch(() => {
    routingNotices.value = [];
    urgentOffers.value = new Map();
    unansweredReturns.value = new Set();
    urgentAnnouncement.value = "";
  });
}

/** What the listener needs besides the frames: the queues' names, and how to alert. */
export interface RoutingContext {
  queueName(queue: string | undefined): string;
  /** The sound of an alert (default: the urgent tune). */
  sound?: (kind: "offers" | "replies") => void;
  /** A desktop notification (default: `notifyDesktop`). */
  notify?: (title: string, body: string, onClick: () => void) => void;
  /** A click on an urgent offer's desktop notification. */
  showOffer?: (conversation: string) => void;
  /** A click on a notice's desktop notification. */
  open?: (notice: RoutingNotice) => void;
  /** The time, ms since the epoch (for a notice's `at` and an urgent offer's wait). */
  now?: () => number;
}

/**
 * Applies one frame to the routing state, and alerts (sound, desktop notification) when it is
 * live. Exported for tests; `followRoutingAlerts` feeds it every frame.
 */
export function noteRoutingFrame(frame: ServerFrame, live: boolean, user: User, context: RoutingContext): void {
  const sound = context.sound ?? ((kind: "offers" | "replies") => beep(kind, "urgent"));
  const notify = context.notify ?? notifyDesktop;
  const at = context.now?.() ?? Date.now();
  switch (frame.type) {
    case "offer": {
      const c = frame.conversation;
      if (c.state !== "queued") {
        dropUrgent(c.id);
        return;
      }
      if (frame.urgent !== true) return;
      const key = waitKey(c);
      if (urgentOffers.value.has(key)) return;
      // Its real wait, not the queue's guard as this client last read it (a manager may have changed it since).
      const seconds = waitedSeconds(c, at);
      const name = c.customer?.display_name ?? "A customer";
      batch(() => {
        urgentOffers.value = new Map([...urgentOffers.value, [key, { conversation: c.id, seconds }]]);
        urgentAnnouncement.value = `${urgentText(seconds)}: ${name}.`;
      });
      if (!live) return;
      sound("offers");
      notify(`${urgentText(seconds)}: ${name}`, c.first_message ?? context.queueName(c.queue), () => context.showOffer?.(c.id));
      return;
    }
    case "alert": {
      const c = frame.conversation;
      const mine = frame.kind === "no_reply";
      // Each kind goes to its own people; anything else is not for this user's eyes.
      if (mine ? c.assignee?.id !== user.id : !managesQueues(user)) return;
      const returned = frame.kind === "returned_unanswered" ? returnKey(c) : null;
      const notice: RoutingNotice = {
        kind: frame.kind,
        conversation: c.id,
        customer: c.customer?.display_name ?? "A customer",
        queue: c.queue,
        from: c.returned_from?.display_name ?? null,
        seconds: frame.seconds,
        at: new Date(at).toISOString(),
        returned,
      };
      batch(() => {
        addNotice(notice);
        if (returned !== null) unansweredReturns.value = new Set([...unansweredReturns.value, returned]);
      });
      if (!live) return;
      // A return rings already (its `returned` frame and offer have their own tune).
      if (frame.kind !== "returned_unanswered") sound(mine ? "replies" : "offers");
      const text = noticeText(notice, context.queueName(c.queue));
      notify(mine ? `No reply to ${notice.customer}` : "Queue alert", text, () => context.open?.(notice));
      return;
    }
    case "withdraw":
      // Accepted, or the customer left: it waits no more.
      batch(() => {
        dropUrgent(frame.conversation);
        dropNotices(frame.conversation, (n) => n.kind !== "no_reply");
      });
      return;
    case "conversation":
      batch(() => {
        if (frame.state !== "queued") {
          dropUrgent(frame.id);
          dropNotices(frame.id, (n) => n.kind !== "no_reply");
        }
        // The agent's warning is over once the session is no longer theirs and active.
        if (frame.state !== "active" || frame.assignee?.id !== user.id) dropNotices(frame.id, (n) => n.kind === "no_reply");
      });
      return;
    case "entry":
      // The agent answered (a comment, a canned message included): no reply is due any more.
      if (frame.kind === "comment" && frame.author?.id === user.id) dropNotices(frame.conversation, (n) => n.kind === "no_reply");
      return;
    case "gone":
      batch(() => {
        dropUrgent(frame.conversation);
        dropNotices(frame.conversation, () => true);
      });
      return;
    default:
      return;
  }
}

/**
 * Listens to `socket` for the routing guards' frames, for the user `user()` says (read at each
 * frame: their roles may change while the page is open). Returns the unsubscribe.
 */
export function followRoutingAlerts(socket: Connection, user: () => User, context: RoutingContext): () => void {
  return socket.subscribe((frame, live) => noteRoutingFrame(frame, live, user(), context));
}
