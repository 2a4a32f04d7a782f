/** Test doubles of the connection layer: a WebSocket driven by hand, a clock advanced by hand, a Storage in memory. */
import { Connection } from "./socket";
import type { Scheduler, SocketLike } from "./transport";
import type { Conversation } from "./wire";

/** A WebSocket the test drives by hand: open it, push server frames, drop it. */
export class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closedWith: number | null = null;

  constructor(
    readonly url: string = "",
    readonly protocols: string[] | undefined = undefined,
  ) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code?: number): void {
    this.readyState = 3;
    this.closedWith = code ?? 1005;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }

  receive(frame: object): void {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(frame) }));
  }

  /** The server (or the network) closes the socket. */
  drop(code = 1006, reason = ""): void {
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }

  framesOf(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}

/** A clock that moves only when the test says so, firing what falls due in order. */
export class ManualScheduler implements Scheduler {
  private time: number;

  /** `start`: the time it shows first, in ms since the epoch (a test may set it near its entries' times). */
  constructor(start = 1_000_000) {
    this.time = start;
  }

  private nextId = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  schedule(ms: number, callback: () => void): () => void {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return () => this.timers.delete(id);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | null = null;
      for (const timer of this.timers) if (timer[1].at <= end && (due === null || timer[1].at < due[1].at || (timer[1].at === due[1].at && timer[0] < due[0]))) due = timer;
      if (due === null) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}

/** sessionStorage in memory; `failWrites` makes it throw like a full or refused one. */
export class MemoryStorage implements Pick<Storage, "getItem" | "setItem" | "removeItem"> {
  readonly items = new Map<string, string>();
  failWrites = false;

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    if (this.failWrites) throw new DOMException("quota", "QuotaExceededError");
    this.items.set(key, value);
  }

  removeItem(key: string): void {
    if (this.failWrites) throw new DOMException("quota", "QuotaExceededError");
    this.items.delete(key);
  }
}

/** Lets pending promise callbacks run (a handful of microtask turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

/** A started Connection on a FakeSocket that is open and past `ready`: tests feed it server frames. */
export function connectedForTest(me: string, scheduler: Scheduler = new ManualScheduler()): { connection: Connection; socket: FakeSocket } {
  let opened: FakeSocket | null = null;
  const connection = new Connection({
    me,
    url: "ws://test.invalid/api/ws",
    storage: null,
    scheduler,
    createSocket: (url, protocols) => (opened = new FakeSocket(url, protocols)),
  });
  connection.start();
  const socket = opened as FakeSocket | null;
  if (socket === null) throw new Error("the connection opened no socket");
  socket.open();
  socket.receive({ type: "ready" });
  return { connection, socket };
}

/** Makes `offers` the ones on offer, as the server would: `offer` frames for new ones, `withdraw` for the rest. */
export function putOffers(feed: { connection: Connection; socket: FakeSocket }, offers: readonly Conversation[]): void {
  for (const id of feed.connection.offers.value.keys()) {
    if (!offers.some((o) => o.id === id)) feed.socket.receive({ type: "withdraw", conversation: id });
  }
  for (const offer of offers) {
    if (!feed.connection.offers.value.has(offer.id)) feed.socket.receive({ type: "offer", conversation: offer });
  }
}
