/**
 * The one owner of the WebSocket (`/api/ws`): connects, says `hello` with the last seq seen
 * per conversation, reconnects with backoff, drops entries seen already (by conversation and
 * seq), keeps what the user sends while offline in an outbox keyed by client id and sends it
 * once the socket is back. Everything the pages show from the live stream is a signal here.
 */
import { batch, signal } from "@preact/signals";
import type { ClientFrame, Conversation, Entry, PostKind, PresenceStatus, ServerFrame, UserRef } from "./wire";
import { parseServerFrame } from "./wire";

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
  /** The server refused it (its message); it is not retried. */
  error: string | null;
}

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
}

const OPEN = 1;
/** Delays before reconnect attempts, in ms; the last one repeats. */
export const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000] as const;
/** A typing indicator without a refresh goes away after this long (the server refreshes every 2 s). */
export const TYPING_TIMEOUT_MS = 6000;

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
  /** The last error the server sent that belongs to no send. */
  readonly lastError = signal<string | null>(null);

  private readonly url: string;
  private readonly createSocket: SocketFactory;
  private readonly random: () => number;
  private readonly me: string | null;
  private socket: SocketLike | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private greeted = false;
  /** Last seq received per conversation: what `hello` tells the server. */
  private readonly positions = new Map<string, number>();
  private readonly readMarks = new Map<string, number>();
  private readonly unsentReads = new Set<string>();
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly listeners = new Set<Listener>();
  private presenceChoice: "available" | "away" | null = null;

  constructor(options: ConnectionOptions = {}) {
    this.url = options.url ?? defaultSocketUrl();
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.random = options.random ?? Math.random;
    this.me = options.me ?? null;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, "bye");
  }

  /** Called with every frame; `live` is false for what `hello` replays. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Try again now (e.g. the browser went back online) instead of waiting for the backoff. */
  reconnectNow(): void {
    if (this.stopped || this.link.value === "online" || this.link.value === "ended") return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.socket === null) this.open();
  }

  /** The browser reports the network gone: treat the socket as lost now rather than when TCP notices. */
  networkLost(): void {
    const socket = this.socket;
    if (this.stopped || socket === null) return;
    this.socket = null;
    this.greeted = false;
    this.clearTyping();
    try {
      socket.close(4000, "network lost");
    } catch {
      // Closing a socket that is already going away is fine.
    }
    if (this.timer === null) this.scheduleReconnect();
  }

  /** Posts a comment or work note; sent now when online, else when the socket is back. Returns its client id. */
  send(conversation: string, kind: PostKind, body: string, clientId: string = newClientId()): string {
    const pending: PendingSend = { client_id: clientId, conversation, kind, body, acked: false, error: null };
    this.outbox.value = [...this.outbox.value, pending];
    if (this.greeted) this.transmitSend(pending);
    return clientId;
  }

  /** Forgets a send the server refused. */
  discard(clientId: string): void {
    this.outbox.value = this.outbox.value.filter((p) => p.client_id !== clientId);
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

  setTyping(conversation: string, active: boolean): void {
    if (this.greeted) this.transmit({ type: "typing", conversation, active });
  }

  setPresence(status: "available" | "away"): void {
    this.presenceChoice = status;
    if (this.greeted) this.transmit({ type: "presence", status });
  }

  /** Also receive a conversation the user may see but is not part of. */
  watch(conversation: string): void {
    if (!this.positions.has(conversation)) this.positions.set(conversation, 0);
    if (this.greeted) this.transmit({ type: "watch", conversation });
  }

  /** Adopts a conversation learnt over HTTP (e.g. the answer to Accept or Start). */
  noteConversation(conversation: Conversation): void {
    this.applyConversation(conversation);
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
    socket.onopen = () => {
      if (this.socket !== socket) return;
      const positions: Record<string, number> = {};
      for (const [conversation, seq] of this.positions) positions[conversation] = seq;
      this.transmit({ type: "hello", positions });
      this.greeted = true;
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
      this.socket = null;
      this.greeted = false;
      this.clearTyping();
      if (this.stopped) return;
      if (event.code === 1008) {
        this.link.value = "ended";
        return;
      }
      this.scheduleReconnect();
    };
    socket.onerror = () => undefined;
  }

  private scheduleReconnect(): void {
    this.link.value = "reconnecting";
    const base = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)] ?? 15000;
    this.attempts += 1;
    const delay = Math.round(base * (0.8 + 0.4 * this.random()));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.open();
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
  }

  // ---- frames ----

  private receive(frame: ServerFrame): void {
    const live = this.link.value === "online";
    let fresh = true;
    batch(() => {
      switch (frame.type) {
        case "ready":
          this.attempts = 0;
          this.link.value = "online";
          break;
        case "entry": {
          const { type: _type, ...entry } = frame;
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
            this.outbox.value = this.outbox.value.map((p) => (p.client_id === ref ? { ...p, acked: true } : p));
            // The entry may have arrived before its ack.
            const have = this.positions.get(frame.conversation) ?? 0;
            if (have >= frame.seq) this.outbox.value = this.outbox.value.filter((p) => p.client_id !== ref);
          }
          break;
        case "error": {
          const ref = frame.ref;
          if (ref !== undefined && this.outbox.value.some((p) => p.client_id === ref)) {
            this.outbox.value = this.outbox.value.map((p) => (p.client_id === ref ? { ...p, error: frame.error.message } : p));
          } else {
            this.lastError.value = frame.error.message;
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
    if (!fresh) return;
    for (const listener of this.listeners) listener(frame, live);
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
