/**
 * What the support page decides from the data: which queue, which chat, whether a warning waits;
 * and Start chat under one client id per intended start.
 */
import { ApiError, requestJson, type RequestOptions } from "../shared/api";
import { sessionStore } from "../shared/outbox";
import { newClientId } from "../shared/socket";
import { isConversation, type Conversation, type Entry, type Queue } from "../shared/wire";

/** The queue asked for with `?queue=`, else the first one the customer may use. */
export function chooseQueue(queues: readonly Queue[], wanted: string | null): Queue | null {
  return queues.find((q) => q.id === wanted) ?? queues[0] ?? null;
}

/** The newest chat of this queue that is still open, or null. */
export function openChat(conversations: Iterable<Conversation>, queue: string, me: string): Conversation | null {
  let best: Conversation | null = null;
  for (const c of conversations) {
    // Only the signed-in customer's own chat: staff on this page also know others' sessions.
    if (c.queue !== queue || c.state === "closed" || c.customer?.id !== me) continue;
    if (best === null || c.created_at > best.created_at) best = c;
  }
  return best;
}

/**
 * The chat the page shows once the socket has said what exists: the open one, else the newest
 * closed one whose unsent text the tab still keeps (`unsent`), so that text survives a reload
 * until it is started as a new chat or discarded; null for "start one".
 */
export function chatToShow(conversations: Iterable<Conversation>, queue: string, me: string, unsent: (conversation: string) => boolean): Conversation | null {
  const all = [...conversations];
  const open = openChat(all, queue, me);
  if (open !== null) return open;
  let best: Conversation | null = null;
  for (const c of all) {
    if (c.queue !== queue || c.state !== "closed" || c.customer?.id !== me || !unsent(c.id)) continue;
    if (best === null || c.created_at > best.created_at) best = c;
  }
  return best;
}

/** The inactivity warning still waiting for an answer, if any. */
export function pendingWarning(entries: readonly Entry[]): Entry | null {
  let warning: Entry | null = null;
  for (const e of entries) {
    if (e.event === "inactivity_warning") warning = e;
    // Answered by the customer, overtaken by a new question of the agent (which restarts the
    // clock), or void: the session went back to the queue (no clock while queued).
    else if (warning !== null && (e.event === "still_here" || e.event === "closed" || e.event === "handed_back" || (e.kind === "comment" && e.event === undefined))) warning = null;
  }
  return warning;
}

/**
 * Seconds left before an unanswered inactivity warning closes the chat, counted on the
 * browser's clock from when the warning arrived (the server's `at` is another clock).
 */
export function countdownLeft(receivedAt: number, closeAfterSeconds: number, now: number, typedAt: number | null = null): number {
  const deadline = heldClose(receivedAt + closeAfterSeconds * 1000, typedAt);
  return Math.max(0, Math.ceil((deadline - Math.max(now, receivedAt)) / 1000));
}

/**
 * The server holds a pending close while the customer types: each typing start moves it to 15 s
 * from then, never more than 2 minutes past when it was due. Starts go out at most every 2 s, so
 * from the last keystroke the close is at least 13 s away: the page counts that, bounded alike.
 */
export const TYPING_HOLDS_MS = 13_000;
export const TYPING_HOLDS_AT_MOST_MS = 120_000;

/** When the close shown at `due` really comes, if the customer last typed at `typedAt`. */
export function heldClose(due: number, typedAt: number | null): number {
  if (typedAt === null) return due;
  return Math.min(Math.max(due, typedAt + TYPING_HOLDS_MS), due + TYPING_HOLDS_AT_MOST_MS);
}

// ---- Start chat: one client id per intended start ----

/** A start the customer asked for whose answer has not arrived (yet). */
export interface PendingStart {
  queue: string;
  message: string;
  client_id: string;
}

/** The part of Storage a pending start needs (sessionStorage in the page). */
export type StartStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** The sessionStorage key of a user's pending start in a queue. */
export function startKey(user: string, queue: string): string {
  return `switchboard.start.${user}.${queue}`;
}

function isPendingStart(value: unknown): value is PendingStart {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.queue === "string" && typeof v.message === "string" && typeof v.client_id === "string" && v.client_id !== "";
}

/** The start still waiting for its answer (e.g. from before a reload), or null. */
export function pendingStart(store: StartStore | null, user: string, queue: string): PendingStart | null {
  try {
    const raw = store?.getItem(startKey(user, queue)) ?? null;
    if (raw === null) return null;
    const value: unknown = JSON.parse(raw);
    return isPendingStart(value) && value.queue === queue ? value : null;
  } catch {
    return null;
  }
}

/**
 * The client id of the start of `message` in `queue`: the one of the pending start when it is
 * the same message (a second click, or a click after a reload: the server answers a repeat with
 * the open session and posts the message once), else a fresh one. Kept until `forgetStart`.
 */
export function startClientId(store: StartStore | null, user: string, queue: string, message: string, fresh: () => string = newClientId): string {
  const pending = pendingStart(store, user, queue);
  if (pending !== null && pending.message === message) return pending.client_id;
  const start: PendingStart = { queue, message, client_id: fresh() };
  try {
    store?.setItem(startKey(user, queue), JSON.stringify(start));
  } catch {
    // Storage refused: the id still holds for this page.
  }
  return start.client_id;
}

/** The answer arrived (or the start was refused for good): the next start is a new one. */
export function forgetStart(store: StartStore | null, user: string, queue: string): void {
  try {
    store?.removeItem(startKey(user, queue));
  } catch {
    // Nothing kept.
  }
}

/** Whether a failed start may be the same start when tried again (no answer, or a passing failure). */
export function startMayHaveLanded(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

export interface StartChatDeps {
  store?: StartStore | null;
  request?: <T>(path: string, guard: (value: unknown) => value is T, options: RequestOptions) => Promise<T>;
  fresh?: () => string;
}

/**
 * Starts a chat with its first message (POST /api/queues/{queue}/sessions) under one client id
 * per intended start: a second click, or the same message after a reload, repeats the same id,
 * so the server posts the message once. The pending start is forgotten once an answer arrives
 * (or a refusal that trying again would not change); on a lost answer it is kept.
 */
export async function startChat(user: string, queue: string, message: string, deps: StartChatDeps = {}): Promise<Conversation> {
  const store = deps.store === undefined ? sessionStore() : deps.store;
  const request = deps.request ?? requestJson;
  const clientId = startClientId(store, user, queue, message, deps.fresh);
  try {
    const conversation = await request(`/api/queues/${encodeURIComponent(queue)}/sessions`, isConversation, {
      method: "POST",
      body: { client_id: clientId, message },
    });
    forgetStart(store, user, queue);
    return conversation;
  } catch (error) {
    if (!startMayHaveLanded(error)) forgetStart(store, user, queue);
    throw error;
  }
}
