import { describe, expect, it } from "vitest";
import { FakeSocket, ManualScheduler, settle } from "./socket.fakes";
import {
  BACKOFF_MS,
  CLOSE,
  CONNECT_TIMEOUT_MS,
  HEARTBEAT_GRACE_MS,
  HEARTBEAT_IDLE_MS,
  LONG_BACKOFF_MS,
  READY_TIMEOUT_MS,
  Transport,
  lossOf,
  type LinkState,
  type Loss,
} from "./transport";
import type { ServerFrame } from "./wire";

interface Options {
  random?: () => number;
  protocols?: () => string[] | undefined;
  checkSignedIn?: () => Promise<boolean | null>;
}

function setup({ random = () => 0.5, protocols = () => undefined, checkSignedIn = () => Promise.resolve(true) }: Options = {}) {
  const clock = new ManualScheduler();
  const sockets: FakeSocket[] = [];
  const seen = { opened: 0, frames: [] as ServerFrame[], losses: [] as Loss[], links: [] as LinkState[] };
  const transport = new Transport(
    {
      opened: () => {
        seen.opened += 1;
        transport.send({ type: "hello", positions: {} });
      },
      frame: (frame) => seen.frames.push(frame),
      lost: (loss) => seen.losses.push(loss),
      link: (state) => seen.links.push(state),
    },
    {
      url: "ws://test/api/ws",
      createSocket: (url, p) => {
        const socket = new FakeSocket(url, p);
        sockets.push(socket);
        return socket;
      },
      protocols,
      scheduler: clock,
      random,
      checkSignedIn,
    },
  );
  const latest = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (socket === undefined) throw new Error("no socket was created");
    return socket;
  };
  const link = () => seen.links.at(-1);
  return { transport, clock, sockets, latest, seen, link };
}

function live(socket: FakeSocket): void {
  socket.open();
  socket.receive({ type: "ready" });
}

describe("transport", () => {
  it("opens_with_the_bearer_subprotocols_when_the_tab_has_a_token", () => {
    const { transport, latest } = setup({ protocols: () => ["switchboard", "switchboard.bearer.t0k"] });
    transport.start();
    expect(latest().url).toBe("ws://test/api/ws");
    expect(latest().protocols).toEqual(["switchboard", "switchboard.bearer.t0k"]);
    const plain = setup();
    plain.transport.start();
    expect(plain.latest().protocols, "no token: no subprotocols (the cookie)").toBeUndefined();
  });

  it("goes_online_at_ready_and_sends_only_on_a_greeted_socket", () => {
    const { transport, latest, seen, link } = setup();
    expect(transport.send({ type: "ping" }), "not started").toBe(false);
    transport.start();
    expect(link()).toBe("connecting");
    expect(transport.send({ type: "ping" }), "still opening").toBe(false);
    latest().open();
    expect(latest().sent, "hello first").toEqual([{ type: "hello", positions: {} }]);
    expect(transport.greeted && !transport.live).toBe(true);
    latest().receive({ type: "ready" });
    expect(link()).toBe("online");
    expect(transport.live).toBe(true);
    expect(seen.frames).toEqual([{ type: "ready" }]);
  });

  it("a_socket_that_does_not_open_within_10_s_is_given_up", () => {
    const { transport, sockets, clock, seen, link } = setup();
    transport.start();
    clock.advance(CONNECT_TIMEOUT_MS - 1);
    expect(sockets[0]?.closedWith).toBeNull();
    clock.advance(1);
    expect(sockets[0]?.closedWith, "closed by the client").toBe(CLOSE.GIVEN_UP);
    expect(seen.losses).toEqual([{ kind: "given_up", reason: "no connection" }]);
    expect(link()).toBe("reconnecting");
    clock.advance(BACKOFF_MS[0]);
    expect(sockets).toHaveLength(2);
  });

  it("no_ready_and_no_frame_for_15_s_after_hello_gives_the_socket_up_but_frames_restart_the_clock", () => {
    const { transport, latest, clock, seen } = setup();
    transport.start();
    latest().open();
    clock.advance(READY_TIMEOUT_MS - 1);
    latest().receive({ type: "entry", conversation: "7", seq: 1, kind: "comment", body: "x", at: "2026-01-01T10:00:00Z" });
    clock.advance(READY_TIMEOUT_MS - 1);
    expect(seen.losses, "each frame of the catch-up restarts the clock").toEqual([]);
    clock.advance(1);
    expect(seen.losses).toEqual([{ kind: "given_up", reason: "no ready" }]);
    expect(latest().closedWith).toBe(CLOSE.GIVEN_UP);
  });

  it("pings_after_20_s_of_silence_and_any_frame_counts_as_an_answer", () => {
    const { transport, latest, clock, seen } = setup();
    transport.start();
    live(latest());
    clock.advance(HEARTBEAT_IDLE_MS - 1);
    latest().receive({ type: "presence", user: { id: "3", display_name: "Bob" }, status: "away" });
    clock.advance(HEARTBEAT_IDLE_MS - 1);
    expect(latest().framesOf("ping"), "a frame restarts the idle clock").toEqual([]);
    clock.advance(1);
    expect(latest().framesOf("ping")).toEqual([{ type: "ping" }]);
    clock.advance(HEARTBEAT_GRACE_MS - 1);
    // Before the server knows `ping` it answers with an error frame: life all the same.
    latest().receive({ type: "error", error: { code: "invalid", message: "unknown frame" } });
    clock.advance(HEARTBEAT_GRACE_MS);
    expect(seen.losses, "answered: the socket stays").toEqual([]);
    latest().receive({ type: "pong" });
    clock.advance(HEARTBEAT_IDLE_MS);
    expect(latest().framesOf("ping"), "a pong (an unknown frame to the parser) is life too").toHaveLength(2);
  });

  it("a_missed_heartbeat_gives_the_socket_up_and_reconnects", () => {
    const { transport, sockets, clock, seen, link } = setup();
    transport.start();
    live(sockets[0] as FakeSocket);
    clock.advance(HEARTBEAT_IDLE_MS + HEARTBEAT_GRACE_MS - 1);
    expect(link()).toBe("online");
    clock.advance(1);
    expect(seen.losses).toEqual([{ kind: "given_up", reason: "no answer to ping" }]);
    expect(link()).toBe("reconnecting");
    // The given-up socket's late close changes nothing.
    sockets[0]?.drop(1006);
    expect(seen.losses).toHaveLength(1);
    clock.advance(BACKOFF_MS[0]);
    expect(sockets).toHaveLength(2);
  });

  it.each([
    [CLOSE.SESSION_ENDED, { kind: "ended" }],
    [CLOSE.POLICY, { kind: "ended" }],
    [CLOSE.PERMISSIONS_CHANGED, { kind: "rights_changed" }],
    [CLOSE.TOO_MANY_SOCKETS, { kind: "too_many_sockets" }],
    [CLOSE.FLOOD, { kind: "flood" }],
    [CLOSE.TOO_LARGE, { kind: "too_large" }],
    [CLOSE.SERVER_RESTART, { kind: "dropped", code: 1012 }],
    [CLOSE.NOT_UTF8, { kind: "dropped", code: 1007 }],
    [1006, { kind: "dropped", code: 1006 }],
  ] as const)("close code %i means %o", (code, loss) => {
    expect(lossOf(code)).toEqual(loss);
  });

  it.each([
    ["4401 session ended: stops", CLOSE.SESSION_ENDED, null],
    ["4403 permissions changed: soon", CLOSE.PERMISSIONS_CHANGED, BACKOFF_MS[0]],
    ["1012 restart: soon", CLOSE.SERVER_RESTART, BACKOFF_MS[0]],
    ["1009 too large: soon", CLOSE.TOO_LARGE, BACKOFF_MS[0]],
    ["1007 not UTF-8: soon", CLOSE.NOT_UTF8, BACKOFF_MS[0]],
    ["4429 flood: long", CLOSE.FLOOD, LONG_BACKOFF_MS],
    ["4409 too many sockets: long", CLOSE.TOO_MANY_SOCKETS, LONG_BACKOFF_MS],
  ] as const)("after a live socket closes with %s", (_name, code, delay) => {
    const { transport, sockets, latest, clock, link } = setup();
    transport.start();
    live(latest());
    latest().drop(code, "any text at all");
    if (delay === null) {
      expect(link()).toBe("ended");
      clock.advance(3_600_000);
      expect(sockets, "never again").toHaveLength(1);
      return;
    }
    expect(link()).toBe("reconnecting");
    clock.advance(delay - 1);
    expect(sockets, "not before the backoff").toHaveLength(1);
    clock.advance(1);
    expect(sockets).toHaveLength(2);
  });

  it("backoff_grows_with_jitter_and_resets_at_ready", () => {
    const low = setup({ random: () => 0 });
    low.transport.start();
    low.latest().drop();
    low.clock.advance(BACKOFF_MS[0] * 0.8 - 1);
    expect(low.sockets, "jitter never waits less than 80 %").toHaveLength(1);
    low.clock.advance(1);
    expect(low.sockets).toHaveLength(2);

    const high = setup({ random: () => 0.999 });
    high.transport.start();
    for (let i = 0; i < BACKOFF_MS.length + 2; i += 1) {
      const base = BACKOFF_MS[Math.min(i, BACKOFF_MS.length - 1)] ?? 0;
      high.latest().drop();
      high.clock.advance(Math.round(base * 0.8) - 1);
      expect(high.sockets, `attempt ${i + 2} waits at least 80 % of ${base} ms`).toHaveLength(i + 1);
      high.clock.advance(Math.round(base * 1.2) - Math.round(base * 0.8) + 1);
      expect(high.sockets, `attempt ${i + 2} within 120 % of ${base} ms`).toHaveLength(i + 2);
    }
    live(high.latest());
    high.latest().drop();
    high.clock.advance(Math.round(BACKOFF_MS[0] * 1.2));
    expect(high.sockets, "after ready the first step again").toHaveLength(BACKOFF_MS.length + 4);
  });

  it("reconnect_now_skips_the_wait_and_network_lost_drops_at_once", () => {
    const { transport, sockets, latest, link } = setup();
    transport.start();
    live(latest());
    transport.reconnectNow();
    expect(sockets, "online: nothing to do").toHaveLength(1);
    transport.networkLost();
    expect(sockets[0]?.closedWith).toBe(CLOSE.GIVEN_UP);
    expect(link()).toBe("reconnecting");
    transport.reconnectNow();
    expect(sockets).toHaveLength(2);
  });

  it("a_refused_upgrade_asks_whether_the_session_is_still_there", async () => {
    let signedIn: boolean | null = null;
    const { transport, sockets, latest, clock, link } = setup({ checkSignedIn: () => Promise.resolve(signedIn) });
    transport.start();
    latest().drop(1006);
    await settle();
    expect(link(), "cannot tell: keep trying").toBe("reconnecting");
    signedIn = false;
    clock.advance(BACKOFF_MS[0]);
    latest().drop(1006);
    await settle();
    expect(link(), "401: ended").toBe("ended");
    clock.advance(3_600_000);
    expect(sockets).toHaveLength(2);
  });

  it("stop_closes_and_schedules_nothing", () => {
    const { transport, sockets, latest, clock } = setup();
    transport.start();
    live(latest());
    transport.stop();
    expect(sockets[0]?.closedWith).toBe(1000);
    clock.advance(3_600_000);
    expect(sockets).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });
});
