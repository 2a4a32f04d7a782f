/**
 * The one owner of the WebSocket (`/api/ws`): connects, says `hello` with the last seq seen
 * per conversation, reconnects with backoff, drops entries seen already (by conversation and
 * seq), keeps what the user sends while offline in an outbox keyed by client id and sends it
 * once the socket is back. Everything the pages show from the live stream is a signal here.
 */
import { batch, signal } from "@preact/signals";
import type { ClientFrame, Conversation, Entry, PostKind, PresenceStatus, ServerFrame, UserRef } from "./wire";
import { parseServerFrame } from "./wire";
import { bodyProblem } from "./length";

export { MAX_BODY_CHARS, bodyProblem } from "./length";

/** The part of the browser's WebSocket this module uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

/** connecting: first attempt; online: `ready` received; reconnecting: lost, trying again; ended: the server ended the session. */
export type LinkState = "connecting" | "online" | "reconnecting" | "ended";

/** A message the user sent that the server has not stored (or not yet echoed) yet. */
export interface PendingSend {
  client_id: string;
  conversation: string;
  kind: PostKind;
  body: string;
  /** The server acknowledged it; it disappears when its entry arrives. */
  acked: boolean;
  /** The server refused it (its message); it is not retried unless the user asks (see `retry`). */
  error: string | null;
  /** The error's code, e.g. `too_long`, `internal`, `unavailable`; null while there is no error. */
  code: string | null;
}

/** Failures that may pass: the user is offered Retry (same client id) next to Discard. */
const TEMPORARY_CODES: readonly string[] = ["internal", "unavailable"];

export function isRetryable(pending: PendingSend): boolean {
  return pending.error !== null && pending.code !== null && TEMPORARY_CODES.includes(pending.code);
}

/** Sends the server has not stored yet: leaving the page would lose them. */
export function hasUnsent(outbox: readonly PendingSend[]): boolean {
  return outbox.some((p) => !p.acked);
}

/** How much of a conversation's older history is loaded: `more` (older pages exist), `loading`, `complete`. */
export type HistoryState = "more" | "loading" | "complete";

/** A queue notification that went away: a colleague accepted it (by) or the customer left. */
export interface Withdrawal {
  conversation: string;
  customer: string;
  by: UserRef | null;
  at: number;
}

export interface ConnectionOptions {
  url?: string;
  createSocket?: SocketFactory;
  /** 0 ≤ x < 1, for the backoff's jitter. */
  random?: () => number;
  /** The signed-in user's id: their own entries never count as unread. */
  me?: string;
  /**
   * Asked when a socket could not even open (the browser reports 1006 for a refused upgrade):
   * true while signed in, false when the session is gone (401), null when it cannot tell.
   */
  checkSignedIn?: () => Promise<boolean | null>;
}

const OPEN = 1;
/** Delays before reconnect attempts, in ms; the last one repeats. */
export const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000] as const;
/** A typing indicator without a refresh goes away after this long (the server refreshes every 2 s). */
export const TYPING_TIMEOUT_MS = 6000;
/** A send not acknowledged within this long means a dead link: the socket is dropped and opened again. */
export const ACK_TIMEOUT_MS = 10_000;
/** `hello` may name at most this many conversations. */
export const MAX_POSITIONS = 1000;
/** The close reason of 1012 when the user's rights changed. */
export const RIGHTS_CHANGED_REASON = "permissions changed";
/** The close reason of 1012 when the server is stopping: rights are unchanged. */
export const SERVER_RESTART_REASON = "server restarting";

/** The close reason of 1008 for a flood (any other 1008 means the session ended). */
export const FLOOD_REASON = "too many frames";
/** After a flood the reconnect waits at least this step of BACKOFF_MS. */
const FLOOD_BACKOFF_STEP = 3;

export const TOO_LARGE_MESSAGE = "this message is too large for the server. Shorten it and send it again.";


/** GET /api/me: true when signed in, false on 401, null when the server cannot be asked. */
export async function defaultCheckSignedIn(): Promise<boolean | null> {
  try {
    const response = await fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) return false;
    return response.ok ? true : null;
  } catch {
    return null;
  }
}

export function defaultSocketUrl(): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/api/ws`;
}

/** A fresh client id for a send (the server accepts 1–64 characters). */
export function newClientId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

type Listener = (frame: ServerFrame, live: boolean) => void;

export class Connection {
  readonly link = signal<LinkState>("connecting");
  readonly conversations = signal<ReadonlyMap<string, Conversation>>(new Map());
  readonly entries = signal<ReadonlyMap<string, readonly Entry[]>>(new Map());
  /** Queued sessions on offer to this agent, by conversation id. */
  readonly offers = signal<ReadonlyMap<string, Conversation>>(new Map());
  readonly withdrawals = signal<readonly Withdrawal[]>([]);
  /** Who is typing, per conversation. */
  readonly typing = signal<ReadonlyMap<string, readonly UserRef[]>>(new Map());
  /** Agents' presence as the server reported it, by user id. */
  readonly presence = signal<ReadonlyMap<string, PresenceStatus>>(new Map());
  readonly outbox = signal<readonly PendingSend[]>([]);
  /** Per conversation: whether older entries than those held can be loaded (`loadEarlier`). */
  readonly history = signal<ReadonlyMap<string, HistoryState>>(new Map());

  private readonly url: string;
  private readonly createSocket: SocketFactory;
  private readonly random: () => number;
  private readonly me: string | null;
  private readonly checkSignedIn: () => Promise<boolean | null>;
  private socket: SocketLike | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  private greeted = false;
  /** Last seq received per conversation: what `hello` tells the server. */
  private readonly positions = new Map<string, number>();
  private readonly readMarks = new Map<string, number>();
  private readonly unsentReads = new Set<string>();
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Sends waiting for their ack on the current socket, by client id. */
  private readonly ackTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly listeners = new Set<Listener>();
  private presenceChoice: "available" | "away" | null = null;
  /** Conversations and offers the server named between `hello` and `ready` (null once ready). */
  private heldSinceHello: Set<string> | null = null;
  private offeredSinceHello: Set<string> | null = null;

  constructor(options: ConnectionOptions = {}) {
    this.url = options.url ?? defaultSocketUrl();
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.random = options.random ?? Math.random;
    this.me = options.me ?? null;
    this.checkSignedIn = options.checkSignedIn ?? defaultCheckSignedIn;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.open();
  }

  /** Called with every frame; `live` is false for what `hello` replays. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Try again now (e.g. the browser went back online) instead of waiting for the backoff. */
  reconnectNow(): void {
    if (!this.started || this.link.value === "online" || this.link.value === "ended") return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.socket === null) this.open();
  }

  /** The browser reports the network gone: treat the socket as lost now rather than when TCP notices. */
  networkLost(): void {
    if (!this.started || this.socket === null) return;
    this.abandonSocket("network lost");
  }

  /** Posts a comment or work note; sent now when online, else when the socket is back. Returns its client id. */
  send(conversation: string, kind: PostKind, body: string, clientId: string = newClientId()): string {
    const problem = bodyProblem(body);
    const pending: PendingSend = {
      client_id: clientId,
      conversation,
      kind,
      body,
      acked: false,
      error: problem,
      code: problem === null ? null : "too_long",
    };
    this.outbox.value = [...this.outbox.value, pending];
    if (this.greeted && problem === null) this.transmitSend(pending);
    return clientId;
  }

  /**
   * Posts a canned message (a comment with its placeholders filled by the server) through the
   * same idempotent outbox as `send`. Returns its client id.
   * TODO(issue 9): the socket's `send` frame with `canned`; until then not sent.
   */
  sendCanned(conversation: string, canned: { id: string; title: string }, clientId: string = newClientId()): string {
    void conversation;
    void canned;
    return clientId;
  }

  /** Loads the page of entries before the oldest one held (HTTP `before=`); see `history`. */
  async loadEarlier(conversation: string): Promise<void> {
    void conversation;
    await Promise.resolve();
  }

  /** Forgets a send the server refused. */
  discard(clientId: string): void {
    this.stopAckTimer(clientId);
    this.outbox.value = this.outbox.value.filter((p) => p.client_id !== clientId);
  }

  /** Sends a failed message again with its client id (the server stores it once). */
  retry(clientId: string): void {
    const pending = this.outbox.value.find((p) => p.client_id === clientId);
    if (pending === undefined || pending.error === null || bodyProblem(pending.body) !== null) return;
    const again: PendingSend = { ...pending, error: null, code: null };
    this.outbox.value = this.outbox.value.map((p) => (p.client_id === clientId ? again : p));
    if (this.greeted) this.transmitSend(again);
  }

  /** Everything up to `seq` in `conversation` has been seen. */
  markRead(conversation: string, seq: number): void {
    const previous = this.readMarks.get(conversation) ?? 0;
    const current = this.conversations.value.get(conversation);
    if (current !== undefined && (current.unread ?? 0) !== 0) {
      this.putConversation({ ...current, unread: 0 });
    }
    if (seq <= previous) return;
    this.readMarks.set(conversation, seq);
    if (this.greeted) this.transmit({ type: "read", conversation, seq });
    else this.unsentReads.add(conversation);
  }

  /** The kind is required: the server shows a work note's typing only to those who may see work notes. */
  setTyping(conversation: string, active: boolean, kind: PostKind): void {
    if (this.greeted) this.transmit({ type: "typing", conversation, active, kind });
  }

  setPresence(status: "available" | "away"): void {
    this.presenceChoice = status;
    if (this.greeted) this.transmit({ type: "presence", status });
  }

  /** Also receive a conversation the user may see but is not part of (its position is kept once the server sends it). */
  watch(conversation: string): void {
    if (this.greeted) this.transmit({ type: "watch", conversation });
  }

  /** Adopts a conversation learnt over HTTP (e.g. the answer to Accept or Start). */
  noteConversation(conversation: Conversation): void {
    this.applyConversation(conversation);
  }

  /** What `hello` says: at most MAX_POSITIONS conversations, the most recently active first. */
  helloPositions(): Record<string, number> {
    const recency = (id: string): string => {
      const c = this.conversations.value.get(id);
      // Not known yet (asked for a moment ago): keep it.
      if (c === undefined) return "\uffff";
      return c.preview?.at ?? c.accepted_at ?? c.created_at;
    };
    const ids = [...this.positions.keys()].sort((a, b) => recency(b).localeCompare(recency(a))).slice(0, MAX_POSITIONS);
    const positions: Record<string, number> = {};
    for (const id of ids) positions[id] = this.positions.get(id) ?? 0;
    return positions;
  }

  // ---- the socket ----

  private open(): void {
    this.greeted = false;
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.transmit({ type: "hello", positions: this.helloPositions() });
      this.greeted = true;
      this.heldSinceHello = new Set();
      this.offeredSinceHello = new Set();
      if (this.presenceChoice !== null) this.transmit({ type: "presence", status: this.presenceChoice });
      for (const conversation of this.unsentReads) {
        const seq = this.readMarks.get(conversation);
        if (seq !== undefined) this.transmit({ type: "read", conversation, seq });
      }
      this.unsentReads.clear();
      for (const pending of this.outbox.value) {
        if (!pending.acked && pending.error === null) this.transmitSend(pending);
      }
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket || typeof event.data !== "string") return;
      let value: unknown;
      try {
        value = JSON.parse(event.data);
      } catch {
        return;
      }
      const frame = parseServerFrame(value);
      if (frame !== null) this.receive(frame);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.forgetSocket();
      if (event.code === 1008 && event.reason !== FLOOD_REASON) {
        this.link.value = "ended";
        return;
      }
      if (event.code === 1008) this.attempts = Math.max(this.attempts, FLOOD_BACKOFF_STEP);
      if (event.code === 1009) this.failOldestUnacked();
      // New rights (the ITIL role, a queue) can reveal entries this client skipped as
      // invisible: the next hello starts from scratch, and the log is replayed.
      // (Every 1012 but a server restart may carry new rights.)
      if (event.code === 1012 && event.reason !== SERVER_RESTART_REASON) this.forgetHistory();
      this.scheduleReconnect();
      // A refused upgrade looks like a lost network (1006): ask whether the session is still there.
      if (!opened) this.checkSession();
    };
    socket.onerror = () => undefined;
  }

  /** The socket is gone (closed, or given up on): what belonged to it goes too. */
  private forgetSocket(): void {
    this.socket = null;
    this.greeted = false;
    this.heldSinceHello = null;
    this.offeredSinceHello = null;
    for (const timer of this.ackTimers.values()) clearTimeout(timer);
    this.ackTimers.clear();
    this.clearTyping();
  }

  /** Closes the current socket ourselves (network lost, no ack, hello refused) and reconnects with backoff. */
  private abandonSocket(reason: string): void {
    const socket = this.socket;
    this.forgetSocket();
    try {
      socket?.close(4000, reason);
    } catch {
      // Closing a socket that is already going away is fine.
    }
    if (this.timer === null) this.scheduleReconnect();
  }

  private checkSession(): void {
    void this.checkSignedIn().then(
      (signedIn) => {
        if (signedIn !== false || this.link.value === "online" || this.link.value === "ended") return;
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = null;
        const socket = this.socket;
        this.forgetSocket();
        try {
          socket?.close(1000, "signed out");
        } catch {
          // Already closing.
        }
        this.link.value = "ended";
      },
      () => undefined,
    );
  }

  /** 1009: the oldest send still on its way was too large; it fails instead of being resent forever. */
  private failOldestUnacked(): void {
    const oldest = this.outbox.value.find((p) => !p.acked && p.error === null);
    if (oldest === undefined) return;
    this.outbox.value = this.outbox.value.map((p) => (p === oldest ? { ...p, error: TOO_LARGE_MESSAGE, code: "too_large" } : p));
  }

  private scheduleReconnect(): void {
    this.link.value = "reconnecting";
    const base = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)] ?? 15000;
    this.attempts += 1;
    const delay = Math.round(base * (0.8 + 0.4 * this.random()));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.link.value !== "ended") this.open();
    }, delay);
  }

  private transmit(frame: ClientFrame): void {
    const socket = this.socket;
    if (socket === null || socket.readyState !== OPEN) return;
    try {
      socket.send(JSON.stringify(frame));
    } catch {
      // The close handler reconnects; the outbox still holds every unacknowledged send.
    }
  }

  private transmitSend(pending: PendingSend): void {
    this.transmit({
      type: "send",
      ref: pending.client_id,
      conversation: pending.conversation,
      client_id: pending.client_id,
      kind: pending.kind,
      body: pending.body,
    });
    // Before `ready` the server is still replaying: the clock starts at `ready`.
    if (this.link.value === "online") this.startAckTimer(pending.client_id);
  }

  private startAckTimer(clientId: string): void {
    if (this.socket === null || this.ackTimers.has(clientId)) return;
    const socket = this.socket;
    this.ackTimers.set(
      clientId,
      setTimeout(() => {
        this.ackTimers.delete(clientId);
        if (this.socket !== socket) return;
        const pending = this.outbox.value.find((p) => p.client_id === clientId);
        if (pending !== undefined && !pending.acked && pending.error === null) this.abandonSocket("no acknowledgement");
      }, ACK_TIMEOUT_MS),
    );
  }

  private stopAckTimer(clientId: string): void {
    const timer = this.ackTimers.get(clientId);
    if (timer !== undefined) clearTimeout(timer);
    this.ackTimers.delete(clientId);
  }

  // ---- frames ----

  private receive(frame: ServerFrame): void {
    const live = this.link.value === "online";
    let fresh = true;
    let refused = false;
    batch(() => {
      switch (frame.type) {
        case "ready":
          this.attempts = 0;
          this.rebuildFromHello();
          this.link.value = "online";
          for (const pending of this.outbox.value) {
            if (!pending.acked && pending.error === null) this.startAckTimer(pending.client_id);
          }
          break;
        case "entry": {
          const { type: _type, ...entry } = frame;
          this.heldSinceHello?.add(entry.conversation);
          fresh = this.applyEntry(entry);
          break;
        }
        case "conversation": {
          const { type: _type, ...conversation } = frame;
          this.applyConversation(conversation);
          break;
        }
        case "offer":
          this.applyConversation(frame.conversation);
          if (frame.conversation.state === "queued") {
            this.offeredSinceHello?.add(frame.conversation.id);
            const offers = new Map(this.offers.value);
            offers.set(frame.conversation.id, frame.conversation);
            this.offers.value = offers;
          }
          break;
        case "withdraw":
          this.withdraw(frame.conversation, frame.by ?? null);
          break;
        case "ack":
          if (frame.ref !== undefined) {
            const ref = frame.ref;
            this.stopAckTimer(ref);
            this.outbox.value = this.outbox.value.map((p) => (p.client_id === ref ? { ...p, acked: true } : p));
            // The entry may have arrived before its ack.
            const have = this.positions.get(frame.conversation) ?? 0;
            if (have >= frame.seq) this.outbox.value = this.outbox.value.filter((p) => p.client_id !== ref);
          }
          break;
        case "error": {
          const ref = frame.ref;
          if (ref !== undefined && this.outbox.value.some((p) => p.client_id === ref)) {
            this.stopAckTimer(ref);
            this.outbox.value = this.outbox.value.map((p) => (p.client_id === ref ? { ...p, error: frame.error.message, code: frame.error.code } : p));
          } else if (ref === undefined && this.heldSinceHello !== null) {
            refused = this.helloError(frame.error.code, frame.error.message);
          }
          break;
        }
        case "typing":
          this.applyTyping(frame.conversation, frame.user, frame.active);
          break;
        case "presence": {
          const presence = new Map(this.presence.value);
          presence.set(frame.user.id, frame.status);
          this.presence.value = presence;
          break;
        }
      }
    });
    if (refused) {
      // `hello` was refused (no `ready` follows): a failed connection, tried again with backoff.
      this.abandonSocket("hello refused");
      return;
    }
    if (!fresh) return;
    for (const listener of this.listeners) listener(frame, live);
  }

  /**
   * An error without ref between `hello` and `ready`. A conversation named in `hello` that the
   * user may no longer see (not_found) is forgotten and the catch-up goes on; anything else
   * means `hello` failed: true.
   */
  private helloError(code: string, message: string): boolean {
    if (code !== "not_found") return true;
    const id = /^Conversation "([^"]*)"/.exec(message)?.[1];
    if (id !== undefined) this.positions.delete(id);
    return false;
  }

  /** At `ready`: keep only what the server sent since `hello` (positions, conversations, entries, offers). */
  private rebuildFromHello(): void {
    const held = this.heldSinceHello;
    const offered = this.offeredSinceHello;
    this.heldSinceHello = null;
    this.offeredSinceHello = null;
    if (held === null || offered === null) return;
    for (const id of [...this.positions.keys()]) if (!held.has(id)) this.positions.delete(id);
    for (const id of [...this.readMarks.keys()]) if (!held.has(id)) this.readMarks.delete(id);
    const keep = <T,>(map: ReadonlyMap<string, T>, wanted: Set<string>): ReadonlyMap<string, T> | null => {
      if ([...map.keys()].every((id) => wanted.has(id))) return null;
      return new Map([...map].filter(([id]) => wanted.has(id)));
    };
    const conversations = keep(this.conversations.value, held);
    if (conversations !== null) this.conversations.value = conversations;
    const entries = keep(this.entries.value, held);
    if (entries !== null) this.entries.value = entries;
    const offers = keep(this.offers.value, offered);
    if (offers !== null) this.offers.value = offers;
  }

  /** Forgets every position and entry, so the next `hello` replays the whole log. */
  private forgetHistory(): void {
    this.positions.clear();
    this.entries.value = new Map();
  }

  /** Adds an entry unless it was seen already; false for a duplicate. */
  private applyEntry(entry: Entry): boolean {
    const have = this.positions.get(entry.conversation) ?? 0;
    if (entry.seq <= have) return false;
    this.positions.set(entry.conversation, entry.seq);

    const entries = new Map(this.entries.value);
    entries.set(entry.conversation, [...(entries.get(entry.conversation) ?? []), entry]);
    this.entries.value = entries;

    if (entry.client_id !== undefined) {
      const clientId = entry.client_id;
      if (this.outbox.value.some((p) => p.client_id === clientId && p.conversation === entry.conversation)) {
        this.stopAckTimer(clientId);
        this.outbox.value = this.outbox.value.filter((p) => p.client_id !== clientId);
      }
    }
    if (entry.author !== undefined) this.applyTyping(entry.conversation, entry.author, false);

    const current = this.conversations.value.get(entry.conversation);
    if (current !== undefined) {
      // What `hello` replays is already in the server's count (its conversation frame comes first).
      const live = this.link.value === "online";
      const mine = entry.author !== undefined && entry.author.id === this.me;
      const read = this.readMarks.get(entry.conversation) ?? 0;
      const unread = !live || mine || entry.seq <= read ? (current.unread ?? 0) : (current.unread ?? 0) + 1;
      this.putConversation({ ...current, preview: entry, unread, last_seq: Math.max(current.last_seq, entry.seq) });
    }
    return true;
  }

  private applyConversation(next: Conversation): void {
    this.heldSinceHello?.add(next.id);
    const current = this.conversations.value.get(next.id);
    const merged: Conversation = { ...next };
    // Live frames carry no summary: keep the one we have.
    if (merged.preview === undefined && current?.preview !== undefined) merged.preview = current.preview;
    if (merged.unread === undefined && current?.unread !== undefined) merged.unread = current.unread;
    if (next.state !== "queued") delete merged.position;
    if (!this.positions.has(next.id)) this.positions.set(next.id, 0);
    this.putConversation(merged);
    if (next.state !== "queued" && this.offers.value.has(next.id)) {
      const offers = new Map(this.offers.value);
      offers.delete(next.id);
      this.offers.value = offers;
    }
  }

  private putConversation(conversation: Conversation): void {
    const conversations = new Map(this.conversations.value);
    conversations.set(conversation.id, conversation);
    this.conversations.value = conversations;
  }

  private withdraw(conversation: string, by: UserRef | null): void {
    const offer = this.offers.value.get(conversation);
    if (offer !== undefined) {
      const offers = new Map(this.offers.value);
      offers.delete(conversation);
      this.offers.value = offers;
    }
    if (by !== null && by.id === this.me) return;
    const customer = offer?.customer?.display_name ?? this.conversations.value.get(conversation)?.customer?.display_name ?? "A customer";
    this.withdrawals.value = [...this.withdrawals.value.slice(-4), { conversation, customer, by, at: Date.now() }];
  }

  private applyTyping(conversation: string, user: UserRef, active: boolean): void {
    const key = `${conversation}\u0000${user.id}`;
    const timer = this.typingTimers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.typingTimers.delete(key);
    const others = (this.typing.value.get(conversation) ?? []).filter((u) => u.id !== user.id);
    const now = active ? [...others, user] : others;
    if (!active && others.length === (this.typing.value.get(conversation) ?? []).length) return;
    const typing = new Map(this.typing.value);
    if (now.length === 0) typing.delete(conversation);
    else typing.set(conversation, now);
    this.typing.value = typing;
    if (active) {
      this.typingTimers.set(
        key,
        setTimeout(() => this.applyTyping(conversation, user, false), TYPING_TIMEOUT_MS),
      );
    }
  }

  private clearTyping(): void {
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
    if (this.typing.value.size > 0) this.typing.value = new Map();
  }
}
