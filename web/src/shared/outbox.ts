/**
 * What the user sent that the server has not stored yet, keyed by client id. Each send is
 * written to the socket after `hello` until the server acknowledges it; a send repeated with its
 * client id is stored once (the server answers the repeat with the original entry), so resending
 * after a drop, a reload or a dead link never doubles a message. The sends still to go out are
 * kept in `sessionStorage` under a key per signed-in user, so a reload (or a crash of the tab)
 * loses none of them: the next page restores and resends them.
 */
import { signal, type ReadonlySignal } from "@preact/signals";
import { bodyProblem } from "./length";
import { systemScheduler, type Cancel, type Scheduler } from "./transport";
import type { ClientFrame, Entry, PostKind } from "./wire";

/** A message the user sent that the server has not stored (or not yet echoed) yet. */
export interface PendingSend {
  client_id: string;
  conversation: string;
  kind: PostKind;
  /** The text; for a canned message its title (the server fills in the body). */
  body: string;
  /** A canned message: its id, sent instead of the body. */
  canned?: string;
  /** The server acknowledged it; it disappears when its entry arrives (or is known to be held). */
  acked: boolean;
  /** The seq the server stored it under, once acknowledged. */
  seq?: number;
  /** The server refused it (its message); it is not retried unless the user asks (see `retry`). */
  error: string | null;
  /** The error's code, e.g. `too_long`, `internal`, `unavailable`; null while there is no error. */
  code: string | null;
  /**
   * Staff: the newest seq the writer's view showed (the stale-view guard). The same on every
   * resend of this send: it says what the writer had seen when they wrote it.
   */
  seen?: number;
  /** With the code `stale_view`: how many new messages the writer had not seen. */
  newer?: number;
}

export type SendFrame = Extract<ClientFrame, { type: "send" }>;

/** Failures that may pass: the user is offered Retry (same client id) next to Discard. */
const TEMPORARY_CODES: readonly string[] = ["internal", "unavailable"];

/**
 * The client's own code for a send refused as `forbidden` because its chat went back to the
 * queue meanwhile (the agent was away): Retry is offered once the agent has the chat again.
 */
export const WENT_BACK_CODE = "went_back";
export const WENT_BACK_MESSAGE = "the chat went back to the queue while you were away.";

/**
 * A send refused because newer messages had arrived than the writer's view showed: nothing was
 * stored. It is never sent again by itself, and its text is kept until the composer takes it
 * back into the field (`Outbox.take`) to offer Send anyway or Edit.
 */
export const STALE_VIEW_CODE = "stale_view";

/** A send not acknowledged within this long means a dead link: the socket is dropped and opened again. */
export const ACK_TIMEOUT_MS = 10_000;

export const TOO_LARGE_MESSAGE = "this message is too large for the server. Shorten it and send it again.";

/** The `sessionStorage` key of a user's outbox. */
export function outboxKey(user: string): string {
  return `switchboard.outbox.${user}`;
}

export function isRetryable(pending: PendingSend): boolean {
  return pending.error !== null && pending.code !== null && TEMPORARY_CODES.includes(pending.code);
}

/** Sends that may still go out: neither stored by the server nor refused. */
export function mayStillGoOut(pending: PendingSend): boolean {
  return !pending.acked && pending.error === null;
}

/** Sends the server has not stored yet and has not refused for good. */
export function hasUnsent(outbox: readonly PendingSend[]): boolean {
  return outbox.some(mayStillGoOut);
}

/** The frame that sends `pending` (its client id doubles as the `ref` of the answer). */
export function sendFrame(pending: PendingSend): SendFrame {
  const base = { type: "send" as const, ref: pending.client_id, conversation: pending.conversation, client_id: pending.client_id };
  if (pending.canned !== undefined) return { ...base, canned: pending.canned };
  return { ...base, kind: pending.kind, body: pending.body, ...(pending.seen === undefined ? {} : { seen: pending.seen }) };
}

function isPendingSend(value: unknown): value is PendingSend {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.client_id === "string" &&
    v.client_id.length > 0 &&
    typeof v.conversation === "string" &&
    (v.kind === "comment" || v.kind === "work_note") &&
    typeof v.body === "string" &&
    (v.canned === undefined || typeof v.canned === "string") &&
    typeof v.acked === "boolean" &&
    (v.seq === undefined || typeof v.seq === "number") &&
    (v.error === null || typeof v.error === "string") &&
    (v.code === null || typeof v.code === "string") &&
    (v.seen === undefined || typeof v.seen === "number") &&
    (v.newer === undefined || typeof v.newer === "number")
  );
}

/** Where the outbox is kept across a reload; null storage: in memory only. */
export interface OutboxStore {
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
  key: string;
}

/** What the outbox needs from the connection. */
export interface OutboxPort {
  /** Writes a frame when a greeted socket is there; false when it could not. */
  transmit(frame: SendFrame): boolean;
  /** `ready` was received on the current socket (the ack clock runs only then). */
  live(): boolean;
  /** No ack within ACK_TIMEOUT_MS on a live socket: the link is dead. */
  ackTimedOut(): void;
}

/** The default store: this tab's `sessionStorage`, if the browser lets us have it. */
export function sessionStore(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null;
  }
}

export class Outbox {
  private readonly state = signal<readonly PendingSend[]>([]);
  /** The pending sends, oldest first (the UI shows them under the conversation's entries). */
  readonly items: ReadonlySignal<readonly PendingSend[]> = this.state;
  /** Whether the sends that may still go out are kept across a reload (false: storage refused or absent). */
  readonly persisted = signal(false);
  private readonly ackTimers = new Map<string, Cancel>();

  constructor(
    private readonly port: OutboxPort,
    private readonly store: OutboxStore | null,
    private readonly scheduler: Scheduler = systemScheduler,
  ) {
    this.state.value = this.restore();
    this.persist(this.state.value);
  }

  /** Adds a send (refused at once when its body is too long) and writes it when it can. */
  add(pending: PendingSend): void {
    const existing = this.state.value.find((p) => p.client_id === pending.client_id);
    // The same client id again (e.g. a second click): it is one send.
    if (existing !== undefined) {
      // Send anyway after a stale view: nothing was stored, so it goes as now written and seen.
      if (existing.code === STALE_VIEW_CODE) this.replace(existing.client_id, pending);
      else if (existing.error !== null) this.retry(existing.client_id);
      return;
    }
    const problem = pending.canned === undefined ? bodyProblem(pending.body) : null;
    const added: PendingSend = problem === null ? pending : { ...pending, error: problem, code: "too_long" };
    this.set([...this.state.value, added]);
    if (problem === null) this.transmit(added);
  }

  /** A new socket said `hello`: everything that may still go out goes again, with its client id. */
  resendAll(): void {
    for (const pending of this.state.value) if (mayStillGoOut(pending)) this.transmit(pending);
  }

  /** `ready`: the ack clock starts for every send on its way. */
  goneLive(): void {
    for (const pending of this.state.value) if (mayStillGoOut(pending)) this.startAckTimer(pending.client_id);
  }

  /** The socket is gone: whatever was on its way goes again on the next one. */
  socketGone(): void {
    for (const cancel of this.ackTimers.values()) cancel();
    this.ackTimers.clear();
  }

  /** The server stored the send `ref` as `seq`; `position` is the last seq the client holds there. */
  ack(ref: string, seq: number, position: number): void {
    if (!this.state.value.some((p) => p.client_id === ref)) return;
    this.stopAckTimer(ref);
    const items = this.state.value.map((p) => (p.client_id === ref ? { ...p, acked: true, seq, error: null, code: null } : p));
    // The entry may have arrived before its ack.
    this.set(seq <= position ? items.filter((p) => p.client_id !== ref) : items);
  }

  /** The server refused the send `ref` (`newer`: with `stale_view`). False when no such send is waiting. */
  refuse(ref: string, code: string, message: string, newer?: number): boolean {
    if (!this.state.value.some((p) => p.client_id === ref)) return false;
    this.stopAckTimer(ref);
    this.set(this.state.value.map((p) => (p.client_id === ref ? { ...p, error: message, code, ...(newer === undefined ? {} : { newer }) } : p)));
    return true;
  }

  /**
   * Hands a refused send back to the writer (its text goes back into the field): it leaves the
   * outbox and is returned, or null when no refused send has that client id.
   */
  take(clientId: string): PendingSend | null {
    const pending = this.state.value.find((p) => p.client_id === clientId);
    if (pending === undefined || pending.error === null) return null;
    this.discard(clientId);
    return pending;
  }

  /** `conversation` went back to the queue: its sends refused as `forbidden` say so (see WENT_BACK_CODE). */
  wentBack(conversation: string): void {
    const refused = (p: PendingSend) => p.conversation === conversation && p.code === "forbidden";
    if (!this.state.value.some(refused)) return;
    this.set(this.state.value.map((p) => (refused(p) ? { ...p, code: WENT_BACK_CODE, error: WENT_BACK_MESSAGE } : p)));
  }

  /** An entry arrived: the send it answers is done. */
  entryArrived(entry: Entry): void {
    const clientId = entry.client_id;
    if (clientId === undefined) return;
    if (!this.state.value.some((p) => p.client_id === clientId && p.conversation === entry.conversation)) return;
    this.stopAckTimer(clientId);
    this.set(this.state.value.filter((p) => p.client_id !== clientId));
  }

  /**
   * After `ready`: acknowledged sends whose seq the client holds or has passed are done (a
   * `hello` with a tail may skip their entry), and so are those of conversations that are gone.
   */
  settle(positions: ReadonlyMap<string, number>): void {
    const items = this.state.value.filter((p) => {
      if (!p.acked) return true;
      const position = positions.get(p.conversation);
      return position !== undefined && (p.seq === undefined || p.seq > position);
    });
    if (items.length !== this.state.value.length) this.set(items);
  }

  /** Close 1009: the oldest send still on its way was too large; it fails instead of being resent forever. */
  failOldestUnacked(): void {
    const oldest = this.state.value.find(mayStillGoOut);
    if (oldest === undefined) return;
    this.stopAckTimer(oldest.client_id);
    this.set(this.state.value.map((p) => (p === oldest ? { ...p, error: TOO_LARGE_MESSAGE, code: "too_large" } : p)));
  }

  /** Forgets a send the server refused (or one the user gives up on). */
  discard(clientId: string): void {
    this.stopAckTimer(clientId);
    this.set(this.state.value.filter((p) => p.client_id !== clientId));
  }

  /** Sends a failed message again with its client id (the server stores it once). */
  retry(clientId: string): void {
    const pending = this.state.value.find((p) => p.client_id === clientId);
    if (pending === undefined || pending.error === null) return;
    if (pending.canned === undefined && bodyProblem(pending.body) !== null) return;
    const again: PendingSend = { ...pending, error: null, code: null };
    this.set(this.state.value.map((p) => (p.client_id === clientId ? again : p)));
    this.transmit(again);
  }

  /** A refused send goes again as `pending` now says (same client id: nothing was stored under it). */
  private replace(clientId: string, pending: PendingSend): void {
    const problem = pending.canned === undefined ? bodyProblem(pending.body) : null;
    const again: PendingSend = problem === null ? { ...pending, error: null, code: null } : { ...pending, error: problem, code: "too_long" };
    this.set(this.state.value.map((p) => (p.client_id === clientId ? again : p)));
    if (problem === null) this.transmit(again);
  }

  private transmit(pending: PendingSend): void {
    if (!this.port.transmit(sendFrame(pending))) return;
    // Before `ready` the server is still replaying: the clock starts at `ready`.
    if (this.port.live()) this.startAckTimer(pending.client_id);
  }

  private startAckTimer(clientId: string): void {
    if (this.ackTimers.has(clientId)) return;
    this.ackTimers.set(
      clientId,
      this.scheduler.schedule(ACK_TIMEOUT_MS, () => {
        this.ackTimers.delete(clientId);
        const pending = this.state.value.find((p) => p.client_id === clientId);
        if (pending !== undefined && mayStillGoOut(pending)) this.port.ackTimedOut();
      }),
    );
  }

  private stopAckTimer(clientId: string): void {
    this.ackTimers.get(clientId)?.();
    this.ackTimers.delete(clientId);
  }

  private set(items: readonly PendingSend[]): void {
    this.state.value = items;
    this.persist(items);
  }

  private restore(): readonly PendingSend[] {
    const store = this.store;
    if (store === null || store.storage === null) return [];
    let raw: string | null;
    try {
      raw = store.storage.getItem(store.key);
    } catch {
      return [];
    }
    if (raw === null) return [];
    try {
      const value: unknown = JSON.parse(raw);
      if (!Array.isArray(value)) return [];
      // A send that was on its way goes again; one the server refused stays refused, so the
      // user still sees its text and the reason.
      return value.filter(isPendingSend).map((p) => ({ ...p, acked: false }));
    } catch {
      return [];
    }
  }

  /** Keeps what the server has not stored (sent, waiting or refused); acknowledged sends are safe. */
  private persist(items: readonly PendingSend[]): void {
    const store = this.store;
    if (store === null || store.storage === null) {
      this.persisted.value = false;
      return;
    }
    const kept = items.filter((p) => !p.acked);
    try {
      if (kept.length === 0) store.storage.removeItem(store.key);
      else store.storage.setItem(store.key, JSON.stringify(kept));
      this.persisted.value = true;
    } catch {
      // Quota or privacy settings: the outbox lives in memory only (see unload.ts).
      this.persisted.value = false;
    }
  }
}
