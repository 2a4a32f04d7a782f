/**
 * The one connection of a page to the live stream, composed of three parts: the transport
 * (the WebSocket's life: timeouts, heartbeat, close codes, backoff; transport.ts), the reducer
 * (what the frames mean, as one immutable state; reducer.ts) and the outbox (sends by client
 * id, kept across a reload; outbox.ts). Here they meet: `hello` with the positions held and a
 * tail for the rest, the outbox resent after it, read marks and presence restored, frames
 * reduced and passed on to listeners, older history paged in over HTTP.
 *
 * The signals below hold what cannot be derived (the reducer's state, the link, the outbox,
 * the close notice); the rest are computed views of the state.
 */
import { batch, computed, signal, type ReadonlySignal } from "@preact/signals";
import { requestJson, type Guard } from "./api";
import { Outbox, outboxKey, sessionStore, type OutboxStore, type PendingSend } from "./outbox";
import * as feed from "./reducer";
import type { Departure, FeedState, HistoryState, Returned, Withdrawal } from "./reducer";
import { systemScheduler, Transport, type Cancel, type HelloFrame, type LinkState, type Loss, type Scheduler, type SocketFactory } from "./transport";
import { isConversation, isEarlierEntriesPage, type ClientFrame, type EarlierEntriesPage, type Conversation, type Entry, type PostKind, type PresenceStatus, type ServerFrame, type UserRef } from "./wire";

export { MAX_BODY_CHARS, bodyProblem } from "./length";
export { ACK_TIMEOUT_MS, STALE_VIEW_CODE, TOO_LARGE_MESSAGE, hasUnsent, isRetryable, mayStillGoOut, outboxKey, type PendingSend } from "./outbox";
export type { Departure, HistoryState, Returned, Withdrawal } from "./reducer";
export {
  BACKOFF_MS,
  CLOSE,
  CONNECT_TIMEOUT_MS,
  HEARTBEAT_GRACE_MS,
  HEARTBEAT_IDLE_MS,
  LONG_BACKOFF_MS,
  READY_TIMEOUT_MS,
  defaultCheckSignedIn,
  defaultSocketUrl,
  type LinkState,
  type Scheduler,
  type SocketFactory,
  type SocketLike,
} from "./transport";

/** A typing indicator without a refresh goes away after this long (the server refreshes every 2 s). */
export const TYPING_TIMEOUT_MS = 6000;
/** How many readings of the server's clock `serverOffset` is taken from (the newest). */
const OFFSET_READINGS = 5;
/** `hello` may name at most this many conversations. */
export const MAX_POSITIONS = 1000;
/** Conversations the client holds nothing of yet come with their last this-many entries; older ones by page. */
export const HELLO_TAIL = 50;
/** Entries per page of older history (`loadEarlier`). */
export const HISTORY_PAGE = 50;
/** A page of older history holding only entries this user may not see is followed by the next, at most this often. */
const EMPTY_PAGES_FOLLOWED = 5;

/** Shown while the server refuses another socket of this user (close 4409). */
export const TOO_MANY_TABS_NOTICE = "Too many open tabs: close some Switchboard tabs or windows; this one tries again in a while.";

/** The conversation an error frame is about (protocol item 3), if it names one. */
export function errorConversation(frame: ServerFrame): string | null {
  if (frame.type !== "error") return null;
  return frame.conversation ?? null;
}

/** A fresh client id for a send (the server accepts 1–64 characters). */
export function newClientId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export type Request = <T>(path: string, guard: Guard<T>) => Promise<T>;

export interface ConnectionOptions {
  url?: string;
  createSocket?: SocketFactory;
  /** The socket's subprotocols (default: the bearer token's, if this tab has one). */
  protocols?: () => string[] | undefined;
  /** 0 ≤ x < 1, for the backoff's jitter. */
  random?: () => number;
  /** The signed-in user's id: their own entries never count as unread, and their outbox is kept under it. */
  me?: string;
  /** See TransportOptions.checkSignedIn. */
  checkSignedIn?: () => Promise<boolean | null>;
  /** Timers and the time (tests pass a manual clock). */
  scheduler?: Scheduler;
  /** Where the outbox survives a reload (default: sessionStorage under the user's key; null: memory only). */
  storage?: OutboxStore["storage"];
  /** HTTP GET with a guard (default: `requestJson`), for older history. */
  request?: Request;
}

type Listener = (frame: ServerFrame, live: boolean) => void;

/** The choices of a send beyond its text. */
export interface SendOptions {
  /** The client id of a send tried again (default: a fresh one). */
  clientId?: string;
  /** Staff: the newest seq the writer's view showed (see STALE_VIEW_CODE). */
  seen?: number;
}

export class Connection {
  readonly link = signal<LinkState>("connecting");
  /** A text for the page while the server keeps this socket out, e.g. too many open tabs; else null. */
  readonly closeNotice = signal<string | null>(null);
  private readonly state = signal<FeedState>(feed.initialState());
  readonly conversations: ReadonlySignal<ReadonlyMap<string, Conversation>> = computed(() => this.state.value.conversations);
  readonly entries: ReadonlySignal<ReadonlyMap<string, readonly Entry[]>> = computed(() => this.state.value.entries);
  /** Queued sessions on offer to this agent, by conversation id. */
  readonly offers: ReadonlySignal<ReadonlyMap<string, Conversation>> = computed(() => this.state.value.offers);
  readonly withdrawals: ReadonlySignal<readonly Withdrawal[]> = computed(() => this.state.value.withdrawals);
  /** Sessions that went back to the queue from their agent (told to managers), until dismissed. */
  readonly returns: ReadonlySignal<readonly Returned[]> = computed(() => this.state.value.returns);
  /** Conversations the server said this user no longer sees (`gone`), as they were held, until dismissed. */
  readonly departures: ReadonlySignal<readonly Departure[]> = computed(() => this.state.value.departures);
  /** Who is typing, per conversation. */
  readonly typing: ReadonlySignal<ReadonlyMap<string, readonly UserRef[]>> = computed(() => this.state.value.typing);
  /** Agents' presence as the server reported it, by user id. */
  readonly presence: ReadonlySignal<ReadonlyMap<string, PresenceStatus>> = computed(() => this.state.value.presence);
  /** Per conversation holding entries: whether older entries than those held can be loaded (`loadEarlier`). */
  readonly history: ReadonlySignal<ReadonlyMap<string, HistoryState>> = computed(() => this.state.value.history);
  /** Sends the server has not stored yet, oldest first. */
  readonly outbox: ReadonlySignal<readonly PendingSend[]>;
  /** Whether the outbox survives a reload (sessionStorage usable). */
  readonly outboxPersisted: ReadonlySignal<boolean>;
  /**
   * How far the server's clock is ahead of this browser's, in ms (negative: behind), as new
   * entries arriving live tell it (`noteServerTime`); 0 until one has. Times the server set
   * (an entry's `at`) are compared with `Date.now() + serverOffset`, e.g. the unsend window.
   */
  readonly serverOffset = signal(0);

  private readonly me: string | null;
  /** The latest readings of the server's clock (see `noteServerTime`). */
  private readonly offsetReadings: number[] = [];
  private readonly scheduler: Scheduler;
  private readonly request: Request;
  private readonly transport: Transport;
  private readonly sends: Outbox;
  private readonly listeners = new Set<Listener>();
  private readonly rightsListeners = new Set<() => void>();
  private readonly unsentReads = new Set<string>();
  private readonly typingTimers = new Map<string, Cancel>();
  /**
   * The agent's latest presence choice, made in this tab or another (the server tells every tab
   * of theirs): sent again on each new socket, so a reconnect never brings back an older one.
   */
  private presenceChoice: "available" | "away" | null = null;
  /**
   * Conversations being read over HTTP (see `learn`); true: read again once this read is done
   * (something changed after it was asked for).
   */
  private readonly learning = new Map<string, boolean>();
  /** Conversations this client asked to watch: their entries are always worth reading them for. */
  private readonly watched = new Set<string>();
  private started = false;

  constructor(options: ConnectionOptions = {}) {
    this.me = options.me ?? null;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.request = options.request ?? ((path, guard) => requestJson(path, guard));
    this.transport = new Transport(
      {
        opened: () => this.opened(),
        frame: (frame) => this.receive(frame),
        lost: (loss) => this.lost(loss),
        link: (state) => {
          this.link.value = state;
        },
      },
      {
        ...(options.url !== undefined && { url: options.url }),
        ...(options.createSocket !== undefined && { createSocket: options.createSocket }),
        ...(options.protocols !== undefined && { protocols: options.protocols }),
        ...(options.random !== undefined && { random: options.random }),
        ...(options.checkSignedIn !== undefined && { checkSignedIn: options.checkSignedIn }),
        scheduler: this.scheduler,
      },
    );
    const storage = options.storage === undefined ? sessionStore() : options.storage;
    this.sends = new Outbox(
      {
        transmit: (frame) => this.transport.send(frame),
        live: () => this.transport.live,
        ackTimedOut: () => this.transport.giveUp("no acknowledgement"),
      },
      this.me === null ? null : { storage, key: outboxKey(this.me) },
      this.scheduler,
    );
    this.outbox = this.sends.items;
    this.outboxPersisted = this.sends.persisted;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.transport.start();
  }

  /** Closes the socket for good (tests; a page that goes away needs nothing). */
  stop(): void {
    this.transport.stop();
    this.clearTypingTimers();
  }

  /** Called with every frame; `live` is false for what `hello` replays (see `isLive` in reducer.ts for offers). */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` each time the server closed the socket because this user's rights changed
   * (4403: their roles, ITIL, or groups): what the page read of the user may be out of date.
   * Returns the unsubscribe.
   */
  onRightsChanged(listener: () => void): () => void {
    this.rightsListeners.add(listener);
    return () => this.rightsListeners.delete(listener);
  }

  /** Try again now (e.g. the browser went back online) instead of waiting for the backoff. */
  reconnectNow(): void {
    if (this.started) this.transport.reconnectNow();
  }

  /** The browser reports the network gone: treat the socket as lost now rather than when TCP notices. */
  networkLost(): void {
    if (this.started) this.transport.networkLost();
  }

  /**
   * Posts a comment or work note; sent now when online, else when the socket is back. Returns its
   * client id. `clientId`: a send tried again (Send anyway); `seen`: staff, the newest seq their
   * view showed (the stale-view guard: a refusal stays in the outbox, code `stale_view`, until
   * the composer takes it back with `takeBack`).
   */
  send(conversation: string, kind: PostKind, body: string, options: SendOptions = {}): string {
    const clientId = options.clientId ?? newClientId();
    const seen = options.seen === undefined ? {} : { seen: options.seen };
    this.sends.add({ client_id: clientId, conversation, kind, body, acked: false, error: null, code: null, ...seen });
    return clientId;
  }

  /** Takes a refused send out of the outbox (e.g. a stale view, back into the field); null if there is none. */
  takeBack(clientId: string): PendingSend | null {
    return this.sends.take(clientId);
  }

  /**
   * Posts a canned message (a comment with its placeholders filled by the server) through the
   * same idempotent outbox as `send`; shown by its title until its entry arrives. Returns its client id.
   */
  sendCanned(conversation: string, canned: { id: string; title: string }, clientId: string = newClientId()): string {
    this.sends.add({ client_id: clientId, conversation, kind: "comment", body: canned.title, canned: canned.id, acked: false, error: null, code: null });
    return clientId;
  }

  /** The notice of a returned session (see `returns`) was read. */
  dismissReturn(key: string): void {
    this.update((state) => feed.dismissReturn(state, key));
  }

  /** The notice of a conversation gone (see `departures`) was read, or needs none. */
  dismissDeparture(conversation: string): void {
    this.update((state) => feed.dismissDeparture(state, conversation));
  }

  /** Presence read over HTTP (e.g. a queue's members), for people the socket has not reported yet. */
  notePresence(statuses: Iterable<{ id: string; status: PresenceStatus }>): void {
    this.update((state) => feed.seedPresence(state, statuses));
  }

  /** Forgets a send the server refused. */
  discard(clientId: string): void {
    this.sends.discard(clientId);
  }

  /** Sends a failed message again with its client id (the server stores it once). */
  retry(clientId: string): void {
    this.sends.retry(clientId);
  }

  /**
   * Loads the page of entries before the oldest one held (HTTP `before=`) and puts it in front;
   * `history` says `loading` meanwhile, then `more` or `complete`. A failure leaves `more`.
   */
  async loadEarlier(conversation: string): Promise<void> {
    if (this.state.value.history.get(conversation) !== "more") return;
    let before = feed.historyBefore(this.state.value, conversation);
    if (before === null) return;
    this.update((state) => feed.historyLoading(state, conversation));
    try {
      for (let round = 0; round <= EMPTY_PAGES_FOLLOWED; round += 1) {
        const path: string = `/api/conversations/${encodeURIComponent(conversation)}/entries?before=${before}&limit=${HISTORY_PAGE}`;
        const page: EarlierEntriesPage = await this.request(path, isEarlierEntriesPage);
        this.update((state) => feed.prependPage(state, conversation, page.entries, page.next_before));
        // A page of entries this user may not see (work notes for a customer): take the next one.
        if (page.entries.length > 0 || page.next_before === null) return;
        before = page.next_before;
        this.update((state) => feed.historyLoading(state, conversation));
      }
      this.update((state) => feed.historyFailed(state, conversation));
    } catch {
      this.update((state) => feed.historyFailed(state, conversation));
    }
  }

  /** Everything up to `seq` in `conversation` has been seen. */
  markRead(conversation: string, seq: number): void {
    const previous = this.state.value.readMarks.get(conversation) ?? 0;
    this.update((state) => feed.markRead(state, conversation, seq));
    if (seq <= previous) return;
    if (!this.transmit({ type: "read", conversation, seq })) this.unsentReads.add(conversation);
  }

  /** The kind is required: the server shows a work note's typing only to those who may see work notes. */
  setTyping(conversation: string, active: boolean, kind: PostKind): void {
    this.transmit({ type: "typing", conversation, active, kind });
  }

  setPresence(status: "available" | "away"): void {
    this.presenceChoice = status;
    this.transmit({ type: "presence", status });
  }

  /** Also receive a conversation the user may see but is not part of (its position is kept once the server sends it). */
  watch(conversation: string): void {
    this.watched.add(conversation);
    this.transmit({ type: "watch", conversation });
  }

  /**
   * Lets go of a conversation (e.g. a record just unfollowed: the server stops sending it): it
   * is no longer listed, and the next `hello` does not ask for it.
   */
  forget(conversation: string): void {
    this.watched.delete(conversation);
    this.learning.delete(conversation);
    this.update((state) => feed.forgetConversation(state, conversation));
  }

  /** Adopts a conversation learnt over HTTP (e.g. the answer to Accept or Start). */
  noteConversation(conversation: Conversation): void {
    this.update((state) => feed.applyConversation(state, conversation));
  }

  /**
   * What `hello` says: at most MAX_POSITIONS conversations, the most recently active first. A
   * conversation known but not held yet (learnt live or over HTTP) asks for its last HELLO_TAIL
   * entries, like those `hello` does not name (`tail`).
   */
  helloPositions(): Record<string, number> {
    const state = this.state.value;
    const recency = (id: string): string => {
      const c = state.conversations.get(id);
      // Not known yet (asked for a moment ago): keep it.
      if (c === undefined) return "\uffff";
      return c.preview?.at ?? c.accepted_at ?? c.created_at;
    };
    const ids = [...state.positions.keys()].sort((a, b) => recency(b).localeCompare(recency(a))).slice(0, MAX_POSITIONS);
    const positions: Record<string, number> = {};
    for (const id of ids) {
      const held = state.positions.get(id) ?? 0;
      const last = state.conversations.get(id)?.last_seq ?? 0;
      positions[id] = held > 0 ? held : Math.max(0, last - HELLO_TAIL);
    }
    return positions;
  }

  // ---- the transport's turns ----

  private opened(): void {
    const hello: HelloFrame = { type: "hello", positions: this.helloPositions(), tail: HELLO_TAIL };
    this.transport.send(hello);
    this.update(feed.beginCatchUp);
    if (this.presenceChoice !== null) this.transmit({ type: "presence", status: this.presenceChoice });
    const marks = this.state.value.readMarks;
    for (const conversation of this.unsentReads) {
      const seq = marks.get(conversation);
      if (seq !== undefined) this.transmit({ type: "read", conversation, seq });
    }
    this.unsentReads.clear();
    this.sends.resendAll();
  }

  private lost(loss: Loss): void {
    batch(() => {
      this.sends.socketGone();
      this.clearTypingTimers();
      this.update(feed.socketLost);
      if (loss.kind === "too_large") this.sends.failOldestUnacked();
      // New rights (the ITIL role, a queue) can reveal entries this client skipped as
      // invisible: the next hello starts from scratch.
      if (loss.kind === "rights_changed") this.update(feed.forgetHistory);
      this.closeNotice.value = loss.kind === "too_many_sockets" ? TOO_MANY_TABS_NOTICE : loss.kind === "given_up" ? this.closeNotice.value : null;
    });
    if (loss.kind === "rights_changed") for (const listener of this.rightsListeners) listener();
  }

  /**
   * A new entry arriving live was stamped (`at`) by the server just before it was sent: its
   * `at` against this browser's clock at arrival reads the server's clock, late by the time it
   * took on its way, so of the last few readings the largest is the best. Only entries past the
   * conversation's `last_seq` (what replays or a handed-over session's history brings is old).
   */
  private noteServerTime(entry: Entry, conversation: Conversation | undefined): void {
    if (conversation === undefined || entry.seq <= conversation.last_seq) return;
    const stamped = Date.parse(entry.at);
    if (Number.isNaN(stamped)) return;
    this.offsetReadings.push(stamped - this.scheduler.now());
    if (this.offsetReadings.length > OFFSET_READINGS) this.offsetReadings.shift();
    this.serverOffset.value = Math.max(...this.offsetReadings);
  }

  private receive(frame: ServerFrame): void {
    const before = this.state.value;
    const live = feed.isLive(before, frame);
    const fresh = !feed.isDuplicate(before, frame);
    let refused = false;
    let dropped = false;
    batch(() => {
      if (fresh) this.update((state) => feed.reduce(state, frame, { me: this.me, now: this.scheduler.now() }));
      switch (frame.type) {
        case "ready":
          this.closeNotice.value = null;
          this.sends.settle(this.state.value.positions);
          this.sends.goneLive();
          break;
        case "entry":
          this.sends.entryArrived(frame);
          if (fresh && before.catchUp === null) this.noteServerTime(frame, before.conversations.get(frame.conversation));
          if (fresh) {
            const known = this.state.value.conversations.get(frame.conversation);
            // A field change the user made to an incident they do not follow (or not yet, as
            // far as this client knows) is no reason to hold its record: it would show under
            // Records. Dropped, so `hello` does not ask for it either; a follow brings it.
            if (known === undefined && this.ownFieldChange(frame)) dropped = true;
            else if (known === undefined) void this.learn(frame.conversation);
            // A record's state and short description are in its conversation, which no frame renews.
            else if (known.kind === "record" && frame.event === "field_changed" && live) void this.learn(frame.conversation);
          }
          break;
        case "ack":
          if (frame.ref !== undefined) this.sends.ack(frame.ref, frame.seq, this.state.value.positions.get(frame.conversation) ?? 0);
          break;
        case "error": {
          const ref = frame.ref;
          if (ref !== undefined) this.sends.refuse(ref, frame.error.code, frame.error.message, frame.error.newer);
          // Between `hello` and `ready` an error without ref and without a conversation is
          // about `hello` itself: it failed. One naming a conversation (a conversation named in
          // `hello` the user may no longer see, a read mark) leaves the catch-up going on; what
          // the server does not name is left out at `ready` anyway.
          else if (before.catchUp !== null && errorConversation(frame) === null && frame.error.code !== "not_found") refused = true;
          break;
        }
        case "typing":
          this.expireTyping(frame.conversation, frame.user, frame.active);
          break;
        case "gone":
          // No longer visible: nothing of it is read or watched again (the reducer dropped the rest).
          this.watched.delete(frame.conversation);
          this.learning.delete(frame.conversation);
          break;
        case "presence":
          // Offline is no choice (no socket left, or a reload's grace): what was chosen stays.
          if (frame.user.id === this.me && frame.status !== "offline") this.presenceChoice = frame.status;
          break;
        default:
          break;
      }
      // A send refused because the chat had gone back to the queue (the refusal and the news
      // of the return may come in either order) is told as such, and may be retried later.
      for (const pending of this.sends.items.value) {
        if (pending.code !== "forbidden") continue;
        const conversation = this.state.value.conversations.get(pending.conversation);
        if (conversation?.state === "queued" && conversation.returned_from !== undefined) this.sends.wentBack(pending.conversation);
      }
    });
    if (refused) {
      // `hello` was refused (no `ready` follows): a failed connection, tried again with backoff.
      this.transport.giveUp("hello refused");
      return;
    }
    if (dropped && frame.type === "entry") {
      this.update((state) => feed.forgetConversation(state, frame.conversation));
      return;
    }
    if (!fresh) return;
    for (const listener of this.listeners) listener(frame, live);
  }

  // ---- helpers ----

  /** A `field_changed` entry by this user, of a conversation not watched on purpose. */
  private ownFieldChange(entry: Entry): boolean {
    return entry.event === "field_changed" && this.me !== null && entry.author?.id === this.me && !this.watched.has(entry.conversation);
  }

  /**
   * Reads a conversation over HTTP: one the socket sent entries of but no state (a followed
   * record's activity arrives as entries alone: its conversation frame comes only with a follow),
   * or a record whose incident changed. One read at a time per conversation; a change while it
   * is under way reads it again after.
   */
  private async learn(conversation: string): Promise<void> {
    if (this.learning.has(conversation)) {
      this.learning.set(conversation, true);
      return;
    }
    this.learning.set(conversation, false);
    try {
      const found = await this.request(`/api/conversations/${encodeURIComponent(conversation)}`, isConversation);
      // Let go of meanwhile (`forget`: a chat left, a record unfollowed): the answer is old news.
      // One older than what is held meanwhile is dropped by the reducer.
      const forgotten = !this.learning.has(conversation);
      if (!forgotten && feed.isMemberOf(found, this.me)) this.noteConversation(found);
    } catch {
      // Not readable (gone, or no longer visible): its entries stay without a conversation, as before.
    }
    const again = this.learning.get(conversation) === true;
    this.learning.delete(conversation);
    if (again) await this.learn(conversation);
  }

  private update(change: (state: FeedState) => FeedState): void {
    const next = change(this.state.value);
    if (next !== this.state.value) this.state.value = next;
  }

  private transmit(frame: ClientFrame): boolean {
    return this.transport.send(frame);
  }

  /** An active indicator goes away by itself unless refreshed. */
  private expireTyping(conversation: string, user: UserRef, active: boolean): void {
    const key = `${conversation}\u0000${user.id}`;
    this.typingTimers.get(key)?.();
    this.typingTimers.delete(key);
    if (!active) return;
    this.typingTimers.set(
      key,
      this.scheduler.schedule(TYPING_TIMEOUT_MS, () => {
        this.typingTimers.delete(key);
        this.update((state) => feed.applyTyping(state, conversation, user, false));
      }),
    );
  }

  private clearTypingTimers(): void {
    for (const cancel of this.typingTimers.values()) cancel();
    this.typingTimers.clear();
  }
}
