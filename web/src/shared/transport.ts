/**
 * The life of the WebSocket (`/api/ws`) and nothing else: opens it (with the bearer token's
 * subprotocols when the tab has one), gives up a socket that does not open within 10 s or gets
 * no `ready` (and no frame at all) for 15 s after `hello`, pings after 20 s of silence and gives
 * the socket up when nothing arrives within 10 s of the ping, reads the close codes of the
 * protocol (never the reason texts) and reconnects with backoff and jitter. What the frames
 * mean is the reducer's business; what to send after `hello` is the connection's.
 */
import { authHeaders, socketProtocols } from "./bearer";
import { parseServerFrame, type ClientFrame, type ServerFrame } from "./wire";

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

export type SocketFactory = (url: string, protocols?: string[]) => SocketLike;

/** Everything this client writes on the socket. */
export type OutgoingFrame = ClientFrame;
export type HelloFrame = Extract<ClientFrame, { type: "hello" }>;

/** Undoes a `schedule`. */
export type Cancel = () => void;

/** Time, injectable: the unit tests drive the timers by hand instead of sleeping. */
export interface Scheduler {
  /** Calls `callback` once after `ms` milliseconds unless cancelled. */
  schedule(ms: number, callback: () => void): Cancel;
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemScheduler: Scheduler = {
  schedule(ms, callback) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
  now: () => Date.now(),
};

/** connecting: first attempt; online: `ready` received; reconnecting: lost, trying again; ended: the server ended the session. */
export type LinkState = "connecting" | "online" | "reconnecting" | "ended";

/** Delays before reconnect attempts, in ms; the last one repeats. */
export const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000] as const;
/** After a flood (4429) or with too many sockets open (4409): at least this long before trying again. */
export const LONG_BACKOFF_MS = 30_000;
/** A socket that has not opened within this long is given up. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** After `hello`: no `ready` and no frame at all for this long, and the socket is given up. */
export const READY_TIMEOUT_MS = 15_000;
/** Nothing received for this long on a live socket: the client pings. */
export const HEARTBEAT_IDLE_MS = 20_000;
/** Nothing at all received within this long of a ping: the socket is given up. */
export const HEARTBEAT_GRACE_MS = 10_000;

/** Close codes of the protocol (docs/protocol.md). */
export const CLOSE = {
  /** The session ended (sign-out, disabled, password set, expired): stop. */
  SESSION_ENDED: 4401,
  /** The user's rights changed: reconnect and take the log again. */
  PERMISSIONS_CHANGED: 4403,
  /** Too many sockets of this user: reconnect after a long backoff. */
  TOO_MANY_SOCKETS: 4409,
  /** A sustained flood of frames: reconnect after a long backoff. */
  FLOOD: 4429,
  /** The server is restarting: reconnect, positions kept. */
  SERVER_RESTART: 1012,
  /** A frame over the server's limit. */
  TOO_LARGE: 1009,
  /** Text that is not UTF-8. */
  NOT_UTF8: 1007,
  /** A policy violation: the session is gone (what servers before close 4401 sent). */
  POLICY: 1008,
  /** What this client closes a socket it gives up with. */
  GIVEN_UP: 4000,
} as const;

/** Why a socket went away, as the connection needs to know it. */
export type Loss =
  | { kind: "ended" }
  /** Rights changed: forget positions, `hello` replays the log. */
  | { kind: "rights_changed" }
  | { kind: "too_large" }
  | { kind: "too_many_sockets" }
  | { kind: "flood" }
  /** The server restarts, the network broke, or the socket was refused: try again. */
  | { kind: "dropped"; code: number }
  /** This client gave the socket up (timeout, heartbeat missed, network lost, no ack, hello refused). */
  | { kind: "given_up"; reason: string };

/** What the connection does at the transport's turns. */
export interface TransportHandler {
  /** The socket opened: `hello` (and what must follow it) goes out now. */
  opened(): void;
  /** A frame from the server (any frame at all also counts as life for the timeouts). */
  frame(frame: ServerFrame): void;
  /** The socket is gone; a reconnect is scheduled unless the link ended. */
  lost(loss: Loss): void;
  /** The link's state changed. */
  link(state: LinkState): void;
}

export interface TransportOptions {
  url?: string;
  createSocket?: SocketFactory;
  /** The socket's subprotocols (default: the bearer token's, if this tab has one). */
  protocols?: () => string[] | undefined;
  scheduler?: Scheduler;
  /** 0 ≤ x < 1, for the backoff's jitter. */
  random?: () => number;
  /**
   * Asked when a socket could not even open (the browser reports 1006 for a refused upgrade):
   * true while signed in, false when the session is gone (401), null when it cannot tell.
   */
  checkSignedIn?: () => Promise<boolean | null>;
}

const OPEN = 1;

/** GET /api/me: true when signed in, false on 401, null when the server cannot be asked. */
export async function defaultCheckSignedIn(): Promise<boolean | null> {
  try {
    const response = await fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json", ...authHeaders() } });
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

/** What a close code means for the client. */
export function lossOf(code: number): Loss {
  switch (code) {
    case CLOSE.SESSION_ENDED:
    case CLOSE.POLICY:
      return { kind: "ended" };
    case CLOSE.PERMISSIONS_CHANGED:
      return { kind: "rights_changed" };
    case CLOSE.TOO_MANY_SOCKETS:
      return { kind: "too_many_sockets" };
    case CLOSE.FLOOD:
      return { kind: "flood" };
    case CLOSE.TOO_LARGE:
      return { kind: "too_large" };
    default:
      return { kind: "dropped", code };
  }
}

type Phase =
  /** Not started, or stopped. */
  | "idle"
  /** A socket is opening. */
  | "opening"
  /** Open, `hello` sent, waiting for `ready`. */
  | "greeting"
  /** `ready` received: live. */
  | "live"
  /** No socket; a reconnect is scheduled (or waits for `reconnectNow`). */
  | "waiting"
  /** The session ended: no more attempts. */
  | "ended";

export class Transport {
  private readonly url: string;
  private readonly createSocket: SocketFactory;
  private readonly protocols: () => string[] | undefined;
  private readonly scheduler: Scheduler;
  private readonly random: () => number;
  private readonly checkSignedIn: () => Promise<boolean | null>;
  private phase: Phase = "idle";
  private socket: SocketLike | null = null;
  private attempts = 0;
  private opened = false;
  /** The reconnect, when waiting. */
  private retryTimer: Cancel | null = null;
  /** The connect timeout, the ready timeout, or the heartbeat's idle or grace timer. */
  private watchdog: Cancel | null = null;

  constructor(
    private readonly handler: TransportHandler,
    options: TransportOptions = {},
  ) {
    this.url = options.url ?? defaultSocketUrl();
    this.createSocket = options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols));
    this.protocols = options.protocols ?? socketProtocols;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.random = options.random ?? Math.random;
    this.checkSignedIn = options.checkSignedIn ?? defaultCheckSignedIn;
  }

  /** `hello` has gone out on the current socket (frames may be sent). */
  get greeted(): boolean {
    return this.phase === "greeting" || this.phase === "live";
  }

  /** `ready` was received on the current socket. */
  get live(): boolean {
    return this.phase === "live";
  }

  start(): void {
    if (this.phase !== "idle") return;
    this.handler.link("connecting");
    this.open();
  }

  /** Writes a frame on the greeted socket; false when there is none (the caller keeps it for later). */
  send(frame: OutgoingFrame): boolean {
    const socket = this.socket;
    if (!this.greeted || socket === null || socket.readyState !== OPEN) return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch {
      // The close handler reconnects; the caller still holds whatever must go again.
      return false;
    }
  }

  /** Try again now (e.g. the browser went back online) instead of waiting for the backoff. */
  reconnectNow(): void {
    if (this.phase !== "waiting") return;
    this.cancelRetry();
    this.open();
  }

  /** The browser reports the network gone: the socket is lost now rather than when TCP notices. */
  networkLost(): void {
    if (this.socket !== null) this.giveUp("network lost");
  }

  /** Gives the current socket up (no ack, `hello` refused, a timeout) and reconnects with backoff. */
  giveUp(reason: string): void {
    const socket = this.socket;
    if (socket === null) return;
    this.forgetSocket();
    try {
      socket.close(CLOSE.GIVEN_UP, reason);
    } catch {
      // Closing a socket that is already going away is fine.
    }
    this.handler.lost({ kind: "given_up", reason });
    this.scheduleReconnect(0);
  }

  /** Closes for good (the page goes away, or a test ends). */
  stop(): void {
    const socket = this.socket;
    this.forgetSocket();
    this.cancelRetry();
    this.phase = "idle";
    try {
      socket?.close(1000, "bye");
    } catch {
      // Already closing.
    }
  }

  // ---- one socket ----

  private open(): void {
    this.phase = "opening";
    this.opened = false;
    let socket: SocketLike;
    try {
      const protocols = this.protocols();
      socket = protocols === undefined ? this.createSocket(this.url) : this.createSocket(this.url, protocols);
    } catch {
      this.phase = "waiting";
      this.scheduleReconnect(0);
      return;
    }
    this.socket = socket;
    this.arm(CONNECT_TIMEOUT_MS, () => this.giveUp("no connection"));
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.opened = true;
      this.phase = "greeting";
      this.arm(READY_TIMEOUT_MS, () => this.giveUp("no ready"));
      this.handler.opened();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return;
      this.alive();
      if (typeof event.data !== "string") return;
      let value: unknown;
      try {
        value = JSON.parse(event.data);
      } catch {
        return;
      }
      const frame = parseServerFrame(value);
      if (frame === null) return;
      if (frame.type === "ready" && this.phase === "greeting") {
        this.phase = "live";
        this.attempts = 0;
        this.alive();
        this.handler.link("online");
      }
      this.handler.frame(frame);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      const opened = this.opened;
      this.forgetSocket();
      const loss = lossOf(event.code);
      if (loss.kind === "ended") {
        this.end();
        this.handler.lost(loss);
        return;
      }
      this.handler.lost(loss);
      this.scheduleReconnect(loss.kind === "flood" || loss.kind === "too_many_sockets" ? LONG_BACKOFF_MS : 0);
      // A refused upgrade looks like a lost network (1006): ask whether the session is still there.
      if (!opened) this.checkSession();
    };
    socket.onerror = () => undefined;
  }

  /** Something arrived: the clock of the current phase starts again. */
  private alive(): void {
    if (this.phase === "greeting") this.arm(READY_TIMEOUT_MS, () => this.giveUp("no ready"));
    else if (this.phase === "live") this.arm(HEARTBEAT_IDLE_MS, () => this.ping());
  }

  private ping(): void {
    // Any frame counts as an answer: a `pong`, or whatever else the server sends meanwhile.
    this.send({ type: "ping" });
    this.arm(HEARTBEAT_GRACE_MS, () => this.giveUp("no answer to ping"));
  }

  private arm(ms: number, callback: () => void): void {
    this.watchdog?.();
    this.watchdog = this.scheduler.schedule(ms, callback);
  }

  /** The socket is gone (closed, or given up on): its timers go with it. */
  private forgetSocket(): void {
    this.socket = null;
    this.watchdog?.();
    this.watchdog = null;
    if (this.phase !== "ended") this.phase = "waiting";
  }

  private end(): void {
    this.cancelRetry();
    this.phase = "ended";
    this.handler.link("ended");
  }

  private cancelRetry(): void {
    this.retryTimer?.();
    this.retryTimer = null;
  }

  private scheduleReconnect(atLeast: number): void {
    if (this.phase === "ended" || this.phase === "idle") return;
    this.phase = "waiting";
    this.handler.link("reconnecting");
    this.cancelRetry();
    const base = Math.max(atLeast, BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)] ?? 15_000);
    this.attempts += 1;
    const delay = Math.round(base * (0.8 + 0.4 * this.random()));
    this.retryTimer = this.scheduler.schedule(delay, () => {
      this.retryTimer = null;
      if (this.phase === "waiting") this.open();
    });
  }

  private checkSession(): void {
    void this.checkSignedIn().then(
      (signedIn) => {
        if (signedIn !== false || this.phase === "live" || this.phase === "ended" || this.phase === "idle") return;
        const socket = this.socket;
        this.forgetSocket();
        try {
          socket?.close(1000, "signed out");
        } catch {
          // Already closing.
        }
        this.end();
        this.handler.lost({ kind: "ended" });
      },
      () => undefined,
    );
  }
}
