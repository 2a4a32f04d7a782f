import { describe, expect, it } from "vitest";
import { ACK_TIMEOUT_MS, BACKOFF_MS, CLOSE, Connection, HELLO_TAIL, LONG_BACKOFF_MS, MAX_BODY_CHARS, MAX_POSITIONS, TOO_LARGE_MESSAGE, TOO_MANY_TABS_NOTICE, hasUnsent, isRetryable, outboxKey, type Request } from "./socket";
import { FakeSocket, ManualScheduler, MemoryStorage, settle } from "./socket.fakes";
import type { Conversation, Entry } from "./wire";

const conversation: Conversation = {
  id: "7",
  kind: "support",
  state: "active",
  queue: "1",
  customer: { id: "5", display_name: "Carol Customer" },
  assignee: { id: "2", display_name: "Alice Agent" },
  last_seq: 0,
  created_at: "2026-01-01T10:00:00.000Z",
};

function entry(seq: number, body = `message ${seq}`): Entry {
  return { conversation: "7", seq, kind: "comment", author: { id: "5", display_name: "Carol Customer" }, body, at: "2026-01-01T10:00:00.000Z" };
}

interface Setup {
  checkSignedIn?: () => Promise<boolean | null>;
  storage?: MemoryStorage | null;
  request?: Request;
}

function setup({ checkSignedIn = () => Promise.resolve(true), storage = new MemoryStorage(), request }: Setup = {}) {
  const sockets: FakeSocket[] = [];
  const clock = new ManualScheduler();
  const connection = new Connection({
    url: "ws://test/api/ws",
    createSocket: (url, protocols) => {
      const socket = new FakeSocket(url, protocols);
      sockets.push(socket);
      return socket;
    },
    protocols: () => undefined,
    random: () => 0.5,
    me: "2",
    checkSignedIn,
    scheduler: clock,
    storage,
    ...(request !== undefined && { request }),
  });
  const latest = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (socket === undefined) throw new Error("no socket was created");
    return socket;
  };
  return { connection, sockets, latest, clock, storage };
}

/** Opens the newest socket and lets the server answer hello with `frames` and ready. */
function greet(socket: FakeSocket, frames: object[] = []): void {
  socket.open();
  for (const frame of frames) socket.receive(frame);
  socket.receive({ type: "ready" });
}

describe("Connection", () => {
  it("first_frame_is_hello_and_ready_makes_it_online", () => {
    const { connection, latest } = setup();
    connection.start();
    expect(connection.link.value).toBe("connecting");
    latest().open();
    expect(latest().sent[0], "the first frame is hello with no positions").toEqual({ type: "hello", positions: {}, tail: HELLO_TAIL });
    latest().receive({ type: "ready" });
    expect(connection.link.value).toBe("online");
  });

  it("reconnects_with_growing_backoff_after_a_drop", () => {
    const { connection, sockets, latest, clock } = setup();
    connection.start();
    greet(latest());
    latest().drop();
    expect(connection.link.value, "a dropped socket shows as reconnecting").toBe("reconnecting");
    clock.advance(BACKOFF_MS[0] - 1);
    expect(sockets.length, "no new socket before the first backoff delay").toBe(1);
    clock.advance(1);
    expect(sockets.length, "a new socket after the first backoff delay").toBe(2);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    expect(sockets.length, "the second delay is longer than the first").toBe(2);
    clock.advance(BACKOFF_MS[1] - BACKOFF_MS[0]);
    expect(sockets.length, "a third socket after the second delay").toBe(3);
    greet(latest());
    expect(connection.link.value).toBe("online");
  });

  it("does_not_reconnect_after_the_server_ends_the_session", () => {
    const { connection, sockets, latest, clock } = setup();
    connection.start();
    greet(latest());
    latest().drop(1008);
    clock.advance(60_000);
    expect(connection.link.value).toBe("ended");
    expect(sockets.length, "no reconnect after close code 1008").toBe(1);
  });

  it("resume_hello_carries_the_last_seq_per_conversation", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }, { type: "entry", ...entry(1) }, { type: "entry", ...entry(2) }]);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().sent[0], "hello after a reconnect says where the client was").toEqual({ type: "hello", positions: { "7": 2 }, tail: HELLO_TAIL });
  });

  it("a_change_of_rights_replays_the_log_so_entries_skipped_as_invisible_arrive", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    // Seq 2 was a work note this user could not see; seq 3 a comment.
    greet(latest(), [{ type: "conversation", ...conversation }, { type: "entry", ...entry(1) }, { type: "entry", ...entry(3) }]);
    latest().drop(CLOSE.PERMISSIONS_CHANGED, "permissions changed");
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().sent[0], "hello from scratch").toEqual({ type: "hello", positions: {}, tail: HELLO_TAIL });
    for (const seq of [1, 2, 3]) latest().receive({ type: "entry", ...entry(seq) });
    latest().receive({ type: "ready" });
    expect(connection.entries.value.get("7")?.map((e) => e.seq), "the note now visible, in order, nothing twice").toEqual([1, 2, 3]);
  });

  it("drops_entries_already_seen_by_conversation_and_seq", () => {
    const { connection, latest } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }, { type: "entry", ...entry(1) }, { type: "entry", ...entry(2) }]);
    latest().receive({ type: "entry", ...entry(2, "again") });
    latest().receive({ type: "entry", ...entry(1, "again") });
    latest().receive({ type: "entry", ...entry(3) });
    const seqs = connection.entries.value.get("7")?.map((e) => e.seq);
    expect(seqs, "each seq once, in order").toEqual([1, 2, 3]);
    expect(connection.entries.value.get("7")?.[1]?.body, "a duplicate does not replace the original").toBe("message 2");
  });

  it("offline_sends_wait_and_go_once_after_reconnect_with_the_same_client_id", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    latest().drop();
    const clientId = connection.send("7", "comment", "typed while offline");
    expect(connection.outbox.value.map((p) => p.client_id)).toEqual([clientId]);

    clock.advance(BACKOFF_MS[0]);
    const socket = latest();
    socket.open();
    const sends = socket.framesOf("send");
    expect(sends, "the queued message is sent once on the new socket").toHaveLength(1);
    expect(sends[0]).toMatchObject({ conversation: "7", client_id: clientId, ref: clientId, kind: "comment", body: "typed while offline" });
    expect(socket.sent[0]?.type, "hello goes before the queued send").toBe("hello");

    socket.receive({ type: "ready" });
    socket.receive({ type: "ack", ref: clientId, conversation: "7", seq: 1 });
    expect(socket.framesOf("send"), "still sent once after ready and ack").toHaveLength(1);
    socket.receive({ type: "entry", ...entry(1, "typed while offline"), author: { id: "2", display_name: "Alice Agent" }, client_id: clientId });
    expect(connection.outbox.value, "the outbox empties when the entry arrives").toEqual([]);
  });

  it("a_staff_send_carries_seen_and_a_stale_view_refusal_waits_in_the_outbox_for_the_composer", () => {
    const { connection, latest } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }, { type: "entry", ...entry(1) }]);
    const clientId = connection.send("7", "comment", "Restart the client", { seen: 1 });
    expect(latest().framesOf("send")[0]).toEqual({ type: "send", ref: clientId, conversation: "7", client_id: clientId, kind: "comment", body: "Restart the client", seen: 1 });
    latest().receive({ type: "error", ref: clientId, conversation: "7", error: { code: "stale_view", message: "2 new messages since you started typing", newer: 2 } });
    expect(connection.outbox.value[0]).toMatchObject({ client_id: clientId, code: "stale_view", newer: 2, body: "Restart the client" });
    expect(connection.takeBack(clientId)?.body).toBe("Restart the client");
    expect(connection.outbox.value).toEqual([]);

    connection.send("7", "comment", "Restart the client", { clientId, seen: 3 });
    expect(latest().framesOf("send").map((f) => [f.client_id, f.seen]), "Send anyway: the same client id, the newer seen").toEqual([
      [clientId, 1],
      [clientId, 3],
    ]);
  });

  it("a_send_without_ack_is_retried_with_the_same_client_id_after_a_drop", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    const clientId = connection.send("7", "work_note", "note");
    expect(latest().framesOf("send")).toHaveLength(1);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("send").map((f) => f.client_id), "retried once with the original client id").toEqual([clientId]);
  });

  it("network_lost_drops_the_socket_at_once_and_reconnects", () => {
    const { connection, sockets, latest } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    connection.networkLost();
    expect(connection.link.value).toBe("reconnecting");
    const clientId = connection.send("7", "comment", "offline");
    expect(sockets[0]?.framesOf("send"), "nothing goes out on the lost socket").toEqual([]);
    connection.reconnectNow();
    expect(sockets.length, "back online: a new socket without waiting for the backoff").toBe(2);
    latest().open();
    expect(latest().framesOf("send").map((f) => f.client_id)).toEqual([clientId]);
  });

  it("an_acked_send_is_not_retried", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    const clientId = connection.send("7", "comment", "hello");
    latest().receive({ type: "ack", ref: clientId, conversation: "7", seq: 1 });
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("send"), "an acknowledged send is not sent again").toEqual([]);
  });

  it("a_refused_send_keeps_the_server_message_and_is_not_retried", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    const clientId = connection.send("7", "comment", "late");
    latest().receive({ type: "error", ref: clientId, error: { code: "session_closed", message: "The session is closed." } });
    expect(connection.outbox.value[0]?.error).toBe("The session is closed.");
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("send")).toEqual([]);
  });

  it("counts_unread_entries_of_others_and_read_clears_them", () => {
    const { connection, latest } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation, unread: 0 }]);
    latest().receive({ type: "entry", ...entry(1) });
    latest().receive({ type: "entry", ...entry(2) });
    expect(connection.conversations.value.get("7")?.unread).toBe(2);
    expect(connection.conversations.value.get("7")?.preview?.seq, "the preview is the last entry").toBe(2);
    connection.markRead("7", 2);
    expect(connection.conversations.value.get("7")?.unread).toBe(0);
    expect(latest().framesOf("read")).toEqual([{ type: "read", conversation: "7", seq: 2 }]);
  });

  it("replayed_entries_do_not_add_to_the_servers_unread_count", () => {
    const { connection, latest } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation, unread: 2 }, { type: "entry", ...entry(1) }, { type: "entry", ...entry(2) }]);
    expect(connection.conversations.value.get("7")?.unread, "the count after hello is the server's").toBe(2);
    latest().receive({ type: "entry", ...entry(3) });
    expect(connection.conversations.value.get("7")?.unread, "a live entry adds one").toBe(3);
  });

  it("withdraw_removes_the_offer_and_notes_who_took_it", () => {
    const { connection, latest } = setup();
    connection.start();
    const queued = { ...conversation, state: "queued", position: 1 };
    greet(latest(), [{ type: "offer", conversation: queued }]);
    expect([...connection.offers.value.keys()]).toEqual(["7"]);
    latest().receive({ type: "withdraw", conversation: "7", by: { id: "3", display_name: "Bob Agent" } });
    expect(connection.offers.value.size).toBe(0);
    expect(connection.withdrawals.value.map((w) => [w.customer, w.by?.display_name])).toEqual([["Carol Customer", "Bob Agent"]]);
  });

  it("typing_shows_until_inactive_or_timeout", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    latest().receive({ type: "typing", conversation: "7", user: { id: "5", display_name: "Carol Customer" }, active: true });
    expect(connection.typing.value.get("7")?.map((u) => u.id)).toEqual(["5"]);
    clock.advance(10_000);
    expect(connection.typing.value.get("7"), "typing goes away without a refresh").toBeUndefined();
  });

  it("a_body_over_the_limit_is_refused_with_the_reason_and_never_sent", () => {
    const { connection, latest } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    connection.send("7", "comment", "x".repeat(MAX_BODY_CHARS + 1));
    expect(latest().framesOf("send"), "nothing goes to the server").toEqual([]);
    expect(connection.outbox.value[0]?.error).toMatch(/at most 10,000 characters/);
    connection.send("7", "comment", "x".repeat(MAX_BODY_CHARS));
    expect(latest().framesOf("send"), "exactly the limit is fine").toHaveLength(1);
  });

  it("close_1009_fails_the_oldest_unacked_send_instead_of_resending_it_forever", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    const big = connection.send("7", "comment", "big");
    const next = connection.send("7", "comment", "small");
    latest().drop(1009);
    const failed = connection.outbox.value.find((p) => p.client_id === big);
    expect(failed?.error).toBe(TOO_LARGE_MESSAGE);
    expect(failed !== undefined && isRetryable(failed), "too large is not offered Retry").toBe(false);
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("send").map((f) => f.client_id), "only the other send is retried").toEqual([next]);
  });

  it("hello_names_only_conversations_the_server_sent_at_the_last_hello_and_at_most_1000", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    const many = Array.from({ length: MAX_POSITIONS + 5 }, (_, i) => ({
      type: "offer",
      conversation: { ...conversation, id: `q${i}`, state: "queued", created_at: `2026-01-01T10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.000Z` },
    }));
    greet(latest(), [{ type: "conversation", ...conversation }, ...many]);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    const hello = latest().framesOf("hello")[0];
    const named = Object.keys(hello?.positions ?? {});
    expect(named, "at most 1000 conversations").toHaveLength(MAX_POSITIONS);
    expect(named, "the oldest are left out").not.toContain("q0");
    expect(named, "the most recent are kept").toContain(`q${MAX_POSITIONS + 4}`);
    // This time the server names only conversation 7: the offers went away while offline.
    latest().receive({ type: "conversation", ...conversation });
    latest().receive({ type: "ready" });
    expect(connection.offers.value.size, "stale offers are dropped at ready").toBe(0);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("hello")[0], "positions shrink to what the server still sends").toEqual({ type: "hello", positions: { "7": 0 }, tail: HELLO_TAIL });
  });

  it("offers_are_rebuilt_from_what_the_server_sends_between_hello_and_ready", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    const queued = (id: string) => ({ type: "offer", conversation: { ...conversation, id, state: "queued", position: 1 } });
    greet(latest(), [queued("8"), queued("9")]);
    expect([...connection.offers.value.keys()].sort()).toEqual(["8", "9"]);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    greet(latest(), [queued("9")]);
    expect([...connection.offers.value.keys()], "the offer that went away while offline is gone").toEqual(["9"]);
    expect(connection.conversations.value.has("8"), "and so is its conversation").toBe(false);
  });

  it("an_error_without_ref_before_ready_fails_the_connection_and_retries_with_backoff", () => {
    const { connection, sockets, latest, clock } = setup();
    connection.start();
    latest().open();
    latest().receive({ type: "error", error: { code: "invalid", message: "hello names at most 1000 conversations." } });
    expect(sockets[0]?.closedWith, "the client closes the refused socket").not.toBeNull();
    expect(connection.link.value).toBe("reconnecting");
    clock.advance(BACKOFF_MS[0]);
    expect(sockets.length, "and tries again after the backoff").toBe(2);
    greet(latest());
    expect(connection.link.value).toBe("online");
  });

  it("a_conversation_no_longer_visible_at_hello_is_forgotten_without_failing_the_connection", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }, { type: "conversation", ...conversation, id: "8" }]);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    const socket = latest();
    socket.open();
    socket.receive({ type: "error", error: { code: "not_found", message: 'Conversation "8": not found' } });
    socket.receive({ type: "conversation", ...conversation });
    socket.receive({ type: "ready" });
    expect(socket.closedWith, "the socket stays open").toBeNull();
    expect(connection.link.value).toBe("online");
    expect([...connection.conversations.value.keys()]).toEqual(["7"]);
  });

  it("a_refused_upgrade_with_the_session_gone_ends_instead_of_retrying_forever", async () => {
    let signedIn: boolean | null = null;
    const { connection, sockets, latest, clock } = setup({ checkSignedIn: () => Promise.resolve(signedIn) });
    connection.start();
    greet(latest());
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().drop(1006);
    await settle();
    expect(connection.link.value, "the server cannot tell: keep trying").toBe("reconnecting");
    signedIn = false;
    clock.advance(BACKOFF_MS[1] * 2);
    latest().drop(1006);
    await settle();
    expect(connection.link.value, "GET /api/me answered 401: signed out").toBe("ended");
    const count = sockets.length;
    clock.advance(60_000);
    expect(sockets.length, "no more attempts").toBe(count);
  });

  it("a_flood_close_reconnects_after_a_long_backoff_and_keeps_the_queue_but_session_ended_stops", () => {
    const { connection, sockets, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    const clientId = connection.send("7", "comment", "during the flood");
    latest().drop(CLOSE.FLOOD, "too many frames");
    expect(connection.link.value).toBe("reconnecting");
    clock.advance(LONG_BACKOFF_MS * 0.8 - 1);
    expect(sockets.length, "a flood waits the long backoff").toBe(1);
    clock.advance(LONG_BACKOFF_MS * 0.4);
    expect(sockets.length).toBe(2);
    latest().open();
    expect(latest().framesOf("send").map((f) => f.client_id), "the queue is still there").toEqual([clientId]);
    latest().receive({ type: "ready" });
    latest().drop(CLOSE.SESSION_ENDED, "signed out");
    expect(connection.link.value).toBe("ended");
    clock.advance(600_000);
    expect(sockets.length, "no reconnect after the session ended").toBe(2);
  });

  it("too_many_sockets_says_so_waits_long_and_the_notice_goes_at_ready", () => {
    const { connection, sockets, latest, clock } = setup();
    connection.start();
    greet(latest());
    expect(connection.closeNotice.value).toBeNull();
    latest().drop(CLOSE.TOO_MANY_SOCKETS, "too many sockets");
    expect(connection.closeNotice.value, "the page can say why").toBe(TOO_MANY_TABS_NOTICE);
    expect(connection.link.value).toBe("reconnecting");
    clock.advance(LONG_BACKOFF_MS * 0.8 - 1);
    expect(sockets.length, "no new socket before the long backoff").toBe(1);
    clock.advance(LONG_BACKOFF_MS * 0.4);
    expect(sockets.length).toBe(2);
    greet(latest());
    expect(connection.closeNotice.value, "in again: the notice goes").toBeNull();
  });

  it("a_server_restart_reconnects_soon_and_keeps_positions", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }, { type: "entry", ...entry(1) }]);
    latest().drop(CLOSE.SERVER_RESTART, "server restarting");
    expect(connection.link.value).toBe("reconnecting");
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("hello")[0], "positions kept").toEqual({ type: "hello", positions: { "7": 1 }, tail: HELLO_TAIL });
  });

  it("the_close_reason_text_is_never_compared", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }, { type: "entry", ...entry(1) }]);
    // The same code with the text of another meaning: the code decides.
    latest().drop(CLOSE.SERVER_RESTART, "permissions changed");
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("hello")[0]?.positions, "1012 keeps positions whatever its text").toEqual({ "7": 1 });
    latest().receive({ type: "ready" });
    latest().drop(1006, "signed out");
    expect(connection.link.value, "1006 reconnects whatever its text").toBe("reconnecting");
  });

  it("a_send_without_ack_for_10_s_drops_the_socket_and_is_retried_with_its_client_id", () => {
    const { connection, sockets, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    const acked = connection.send("7", "comment", "answered");
    latest().receive({ type: "ack", ref: acked, conversation: "7", seq: 1 });
    const clientId = connection.send("7", "comment", "into the void");
    clock.advance(ACK_TIMEOUT_MS - 1);
    expect(sockets[0]?.closedWith, "still waiting").toBeNull();
    clock.advance(1);
    expect(sockets[0]?.closedWith, "no ack in 10 s: the socket is closed").not.toBeNull();
    expect(connection.link.value).toBe("reconnecting");
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("send").map((f) => f.client_id)).toEqual([clientId]);
  });

  it("a_temporary_failure_offers_retry_with_the_same_client_id", () => {
    const { connection, latest } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    const clientId = connection.send("7", "comment", "try me");
    latest().receive({ type: "error", ref: clientId, error: { code: "internal", message: "Something went wrong." } });
    const failed = connection.outbox.value[0];
    expect(failed !== undefined && isRetryable(failed)).toBe(true);
    connection.retry(clientId);
    expect(connection.outbox.value[0]?.error).toBeNull();
    expect(latest().framesOf("send").map((f) => f.client_id), "sent again with the same client id").toEqual([clientId, clientId]);
    const other = connection.send("7", "comment", "closed");
    latest().receive({ type: "error", ref: other, error: { code: "session_closed", message: "closed" } });
    const refused = connection.outbox.value.find((p) => p.client_id === other);
    expect(refused !== undefined && isRetryable(refused), "a final refusal offers only Discard").toBe(false);
  });

  it("has_unsent_while_a_send_is_not_acknowledged", () => {
    const { connection, latest } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    expect(hasUnsent(connection.outbox.value)).toBe(false);
    const clientId = connection.send("7", "comment", "wait for me");
    expect(hasUnsent(connection.outbox.value)).toBe(true);
    latest().receive({ type: "ack", ref: clientId, conversation: "7", seq: 1 });
    expect(hasUnsent(connection.outbox.value), "stored on the server: safe to leave").toBe(false);
  });

  it("a_reload_restores_the_outbox_and_resends_with_the_same_client_id_once", () => {
    const storage = new MemoryStorage();
    const first = setup({ storage });
    first.connection.start();
    greet(first.latest(), [{ type: "conversation", ...conversation }]);
    first.latest().drop();
    const clientId = first.connection.send("7", "comment", "typed before the reload");
    expect(storage.getItem(outboxKey("2")), "kept under the user's key").toContain(clientId);

    // The page reloads: a new connection with the same tab storage.
    const second = setup({ storage });
    expect(second.connection.outbox.value.map((p) => [p.client_id, p.body])).toEqual([[clientId, "typed before the reload"]]);
    second.connection.start();
    const socket = second.latest();
    socket.open();
    expect(socket.framesOf("send"), "resent once with its client id, after hello").toEqual([
      { type: "send", ref: clientId, conversation: "7", client_id: clientId, kind: "comment", body: "typed before the reload" },
    ]);
    expect(socket.sent[0]?.type).toBe("hello");
    // The first page's send had reached the server: the repeat is answered with the original entry.
    socket.receive({ type: "conversation", ...conversation, last_seq: 1 });
    socket.receive({ type: "entry", ...entry(1, "typed before the reload"), author: { id: "2", display_name: "Alice Agent" }, client_id: clientId });
    socket.receive({ type: "ready" });
    socket.receive({ type: "ack", ref: clientId, conversation: "7", seq: 1 });
    expect(second.connection.outbox.value, "nothing left to send").toEqual([]);
    expect(second.connection.entries.value.get("7")?.map((e) => e.body), "shown once").toEqual(["typed before the reload"]);
    expect(storage.getItem(outboxKey("2")), "the stored outbox is empty").toBeNull();
  });

  it("another_users_outbox_in_the_same_tab_is_not_sent", () => {
    const storage = new MemoryStorage();
    storage.setItem(outboxKey("9"), JSON.stringify([{ client_id: "x", conversation: "7", kind: "comment", body: "not mine", acked: false, error: null, code: null }]));
    const { connection, latest } = setup({ storage });
    expect(connection.outbox.value).toEqual([]);
    connection.start();
    latest().open();
    expect(latest().framesOf("send")).toEqual([]);
  });

  it("an_ack_whose_entry_the_tail_skipped_settles_at_ready", () => {
    const storage = new MemoryStorage();
    storage.setItem(outboxKey("2"), JSON.stringify([{ client_id: "old", conversation: "7", kind: "comment", body: "long ago", acked: false, error: null, code: null }]));
    const { connection, latest } = setup({ storage });
    connection.start();
    const socket = latest();
    socket.open();
    socket.receive({ type: "ack", ref: "old", conversation: "7", seq: 3 });
    // Its entry (seq 3) is older than the tail the server sends.
    socket.receive({ type: "conversation", ...conversation, last_seq: 80 });
    socket.receive({ type: "entry", ...entry(80) });
    expect(connection.outbox.value.map((p) => p.acked), "acknowledged, entry not seen yet").toEqual([true]);
    socket.receive({ type: "ready" });
    expect(connection.outbox.value, "the server holds it and the client is past it").toEqual([]);
  });

  it("a_canned_message_goes_through_the_outbox_with_its_id", () => {
    const { connection, latest } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    const clientId = connection.sendCanned("7", { id: "c3", title: "Greeting" });
    expect(latest().framesOf("send"), "the send frame names the canned message").toEqual([{ type: "send", ref: clientId, conversation: "7", client_id: clientId, canned: "c3" }]);
    expect(connection.outbox.value[0]?.body, "shown by its title while on its way").toBe("Greeting");
    // A second click with the same client id is the same send.
    connection.sendCanned("7", { id: "c3", title: "Greeting" }, clientId);
    expect(latest().framesOf("send")).toHaveLength(1);
  });

  it("a_refused_canned_message_offers_discard_and_is_not_resent", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    const clientId = connection.sendCanned("7", { id: "c3", title: "Greeting" });
    latest().receive({ type: "error", ref: clientId, conversation: "7", error: { code: "forbidden", message: "Only the assignee posts canned messages." } });
    expect(connection.outbox.value[0]?.error).toBe("Only the assignee posts canned messages.");
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("send")).toEqual([]);
    connection.discard(clientId);
    expect(connection.outbox.value).toEqual([]);
  });

  it("hello_asks_a_tail_for_conversations_it_holds_nothing_of", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation, last_seq: 3 }, { type: "entry", ...entry(3) }]);
    // Learnt over HTTP (Accept), nothing of it received yet.
    connection.noteConversation({ ...conversation, id: "8", last_seq: 120 });
    connection.noteConversation({ ...conversation, id: "9", last_seq: 20 });
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("hello")[0]).toEqual({ type: "hello", positions: { "7": 3, "8": 120 - HELLO_TAIL, "9": 0 }, tail: HELLO_TAIL });
  });

  it("load_earlier_prepends_a_page_and_history_says_where_it_stands", async () => {
    const asked: string[] = [];
    let answer: () => unknown = () => ({ entries: [entry(49), entry(50)], next_before: 49 });
    const request: Request = <T,>(path: string, guard: (v: unknown) => v is T) => {
      asked.push(path);
      const value = answer();
      return guard(value) ? Promise.resolve(value) : Promise.reject(new Error("guard"));
    };
    const { connection, latest } = setup({ request });
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation, last_seq: 52 }, { type: "entry", ...entry(51) }, { type: "entry", ...entry(52) }]);
    expect(connection.history.value.get("7"), "held from 51: older pages exist").toBe("more");
    const loading = connection.loadEarlier("7");
    expect(connection.history.value.get("7")).toBe("loading");
    await loading;
    expect(asked).toEqual(["/api/conversations/7/entries?before=51&limit=50"]);
    expect(connection.entries.value.get("7")?.map((e) => e.seq)).toEqual([49, 50, 51, 52]);
    expect(connection.history.value.get("7")).toBe("more");

    answer = () => ({ entries: [entry(1), entry(48)], next_before: null });
    await connection.loadEarlier("7");
    expect(asked[1]).toBe("/api/conversations/7/entries?before=49&limit=50");
    expect(connection.entries.value.get("7")?.map((e) => e.seq)).toEqual([1, 48, 49, 50, 51, 52]);
    expect(connection.history.value.get("7"), "the start of the log").toBe("complete");
    await connection.loadEarlier("7");
    expect(asked, "complete: nothing more to ask").toHaveLength(2);
  });

  it("load_earlier_failing_leaves_more_and_a_page_of_invisible_entries_is_followed", async () => {
    const asked: string[] = [];
    const answers: unknown[] = ["not a page", { entries: [], next_before: 20 }, { entries: [entry(5)], next_before: 5 }];
    const request: Request = <T,>(path: string, guard: (v: unknown) => v is T) => {
      asked.push(path);
      const value = answers.shift();
      return guard(value) ? Promise.resolve(value) : Promise.reject(new Error("unexpected_response"));
    };
    const { connection, latest } = setup({ request });
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation, last_seq: 40 }, { type: "entry", ...entry(40) }]);
    await connection.loadEarlier("7");
    expect(connection.history.value.get("7"), "a failed page: try again later").toBe("more");
    await connection.loadEarlier("7");
    expect(asked.slice(1)).toEqual(["/api/conversations/7/entries?before=40&limit=50", "/api/conversations/7/entries?before=20&limit=50"]);
    expect(connection.entries.value.get("7")?.map((e) => e.seq)).toEqual([5, 40]);
    expect(connection.history.value.get("7")).toBe("more");
  });

  it("a_conversation_whose_first_entry_is_seq_1_is_complete", () => {
    const { connection, latest } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }, { type: "entry", ...entry(1) }, { type: "entry", ...entry(2) }]);
    expect(connection.history.value.get("7")).toBe("complete");
  });

  it("offers_that_arrived_during_a_short_disconnect_ring_but_the_first_hello_does_not", () => {
    const { connection, latest, clock } = setup();
    const heard: [string, boolean][] = [];
    connection.subscribe((frame, live) => {
      if (frame.type === "offer") heard.push([frame.conversation.id, live]);
    });
    const queued = (id: string) => ({ type: "offer", conversation: { ...conversation, id, state: "queued", position: 1 } });
    connection.start();
    greet(latest(), [queued("8")]);
    expect(heard, "waiting before the page: no alert").toEqual([["8", false]]);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    greet(latest(), [queued("8"), queued("9")]);
    expect(heard.slice(1), "only the offer new since the disconnect rings").toEqual([["8", false], ["9", true]]);
    latest().receive(queued("10"));
    expect(heard.at(-1)).toEqual(["10", true]);
  });

  it("an_error_naming_a_conversation_at_hello_does_not_fail_the_connection", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }, { type: "conversation", ...conversation, id: "8" }]);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    const socket = latest();
    socket.open();
    // The message text says nothing the client reads.
    socket.receive({ type: "error", conversation: "8", error: { code: "not_found", message: "whatever the text" } });
    socket.receive({ type: "conversation", ...conversation });
    socket.receive({ type: "ready" });
    expect(socket.closedWith).toBeNull();
    expect([...connection.conversations.value.keys()]).toEqual(["7"]);
  });

  it("an_error_naming_a_conversation_during_the_catch_up_is_not_a_refused_hello", () => {
    const { connection, latest } = setup();
    connection.markRead("7", 4);
    connection.start();
    const socket = latest();
    socket.open();
    socket.receive({ type: "error", conversation: "7", error: { code: "invalid", message: "seq is 0 to the last seq" } });
    socket.receive({ type: "ready" });
    expect(socket.closedWith, "the socket stays").toBeNull();
    expect(connection.link.value).toBe("online");
  });

  it("the_heartbeat_notices_a_silent_socket_and_reconnects", () => {
    const { connection, sockets, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", ...conversation }]);
    clock.advance(20_000);
    expect(latest().framesOf("ping"), "a ping after 20 s of silence").toHaveLength(1);
    clock.advance(10_000);
    expect(sockets[0]?.closedWith, "no answer within 10 s: given up").not.toBeNull();
    expect(connection.link.value).toBe("reconnecting");
    const clientId = connection.send("7", "comment", "while it was dead");
    clock.advance(BACKOFF_MS[0]);
    greet(latest());
    expect(latest().framesOf("send").map((f) => f.client_id)).toEqual([clientId]);
  });
  it("a_presence_chosen_in_another_tab_is_what_a_reconnect_sends_again", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest());
    connection.setPresence("available");
    // Away chosen in another tab of the same agent: the server tells every tab of theirs.
    latest().receive({ type: "presence", user: { id: "2", display_name: "Alice Agent" }, status: "away" });
    // A colleague's presence and the agent's own Offline (no tab left, a reload's grace) are no choice.
    latest().receive({ type: "presence", user: { id: "3", display_name: "Bob Agent" }, status: "available" });
    latest().receive({ type: "presence", user: { id: "2", display_name: "Alice Agent" }, status: "offline" });
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("presence"), "the latest choice anywhere, not this tab's old one").toEqual([{ type: "presence", status: "away" }]);
  });

  it("a_tab_that_chose_nothing_sends_again_the_choice_made_in_another_tab", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest());
    latest().receive({ type: "presence", user: { id: "2", display_name: "Alice Agent" }, status: "away" });
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    expect(latest().framesOf("presence")).toEqual([{ type: "presence", status: "away" }]);
  });

  it("an_entry_of_a_conversation_not_held_makes_the_connection_read_it", async () => {
    // A followed record's activity comes as entries alone (its conversation frame only on a follow).
    const record: Conversation = {
      id: "12",
      kind: "record",
      state: "active",
      last_seq: 1,
      created_at: "2026-01-01T10:00:00.000Z",
      unread: 0,
      record: { incident: "1", number: "INC0010001", short_description: "Dock", state: "new" },
    };
    const asked: string[] = [];
    const request: Request = <T,>(path: string, guard: (v: unknown) => v is T) => {
      asked.push(path);
      return guard(record) ? Promise.resolve(record) : Promise.reject(new Error("guard"));
    };
    const { connection, latest } = setup({ request });
    connection.start();
    greet(latest());
    const first = { type: "entry", ...entry(1), conversation: "12", kind: "system", event: "incident_created" };
    latest().receive(first);
    latest().receive({ ...first, seq: 1 });
    await settle();
    expect(asked, "read once, over HTTP").toEqual(["/api/conversations/12"]);
    expect(connection.conversations.value.get("12")?.record?.number).toBe("INC0010001");
    latest().receive({ type: "entry", ...entry(2), conversation: "12", author: { id: "3", display_name: "Bob Agent" } });
    expect(connection.conversations.value.get("12")?.unread, "a colleague's comment is unread").toBe(1);
  });
  it("a_field_change_of_a_record_reads_its_conversation_again_for_the_new_state", async () => {
    // The record's state and short description travel in its conversation, which no frame renews on a change.
    const record: Conversation = {
      id: "12",
      kind: "record",
      state: "active",
      last_seq: 2,
      created_at: "2026-01-01T10:00:00.000Z",
      record: { incident: "1", number: "INC0010001", short_description: "Dock", state: "new" },
    };
    let answer: Conversation = { ...record, last_seq: 3, unread: 1, record: { incident: "1", number: "INC0010001", short_description: "Dock", state: "in_progress" } };
    const asked: string[] = [];
    const request: Request = <T,>(path: string, guard: (v: unknown) => v is T) => {
      asked.push(path);
      return guard(answer) ? Promise.resolve(answer) : Promise.reject(new Error("guard"));
    };
    const { connection, latest } = setup({ request });
    connection.start();
    greet(latest(), [{ type: "conversation", ...record }]);
    const bob = { id: "3", display_name: "Bob Agent" };
    latest().receive({ type: "entry", ...entry(3, "State: New → In Progress"), conversation: "12", kind: "system", event: "field_changed", author: bob });
    await settle();
    expect(asked).toEqual(["/api/conversations/12"]);
    expect(connection.conversations.value.get("12")?.record?.state, "the new state").toBe("in_progress");
    expect(connection.conversations.value.get("12")?.unread).toBe(1);
    latest().receive({ type: "entry", ...entry(4, "a comment"), conversation: "12", author: bob });
    expect(asked, "a comment changes no field").toHaveLength(1);

    answer = { ...answer, last_seq: 5, unread: 3, record: { incident: "1", number: "INC0010001", short_description: "Laptop does not dock", state: "in_progress" } };
    latest().receive({ type: "entry", ...entry(5, "Short description: Dock → Laptop does not dock"), conversation: "12", kind: "system", event: "field_changed", author: bob });
    await settle();
    expect(connection.conversations.value.get("12")?.record?.short_description).toBe("Laptop does not dock");
  });

  it("a_field_change_i_made_myself_does_not_add_a_record_i_do_not_follow", async () => {
    // Editing an incident one does not follow: its field_changed entries are no reason to hold its record.
    const asked: string[] = [];
    const request: Request = (path: string) => {
      asked.push(path);
      return Promise.reject(new Error("not asked for"));
    };
    const { connection, latest, clock } = setup({ request });
    connection.start();
    greet(latest());
    const me = { id: "2", display_name: "Alice Agent" };
    latest().receive({ type: "entry", ...entry(3, "State: New → In Progress"), conversation: "12", kind: "system", event: "field_changed", author: me });
    await settle();
    expect(asked, "not read").toEqual([]);
    expect(connection.conversations.value.has("12")).toBe(false);
    expect(connection.entries.value.has("12"), "nothing of it is held").toBe(false);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    const hello = latest().framesOf("hello")[0] as { positions: Record<string, number> };
    expect(Object.keys(hello.positions), "the next hello does not ask for it").not.toContain("12");
  });

  it("a_field_change_of_a_record_i_watch_or_by_someone_else_is_read_as_before", async () => {
    const record: Conversation = {
      id: "12",
      kind: "record",
      state: "active",
      last_seq: 3,
      created_at: "2026-01-01T10:00:00.000Z",
      record: { incident: "1", number: "INC0010001", short_description: "Dock", state: "in_progress" },
    };
    const asked: string[] = [];
    const request: Request = <T,>(path: string, guard: (v: unknown) => v is T) => {
      asked.push(path);
      const found = { ...record, id: path.split("/").pop() ?? "" };
      return guard(found) ? Promise.resolve(found) : Promise.reject(new Error("guard"));
    };
    const { connection, latest } = setup({ request });
    connection.start();
    greet(latest());
    connection.watch("12");
    const me = { id: "2", display_name: "Alice Agent" };
    latest().receive({ type: "entry", ...entry(3, "State: New → In Progress"), conversation: "12", kind: "system", event: "field_changed", author: me });
    latest().receive({ type: "entry", ...entry(3, "State: New → In Progress"), conversation: "13", kind: "system", event: "field_changed", author: { id: "3", display_name: "Bob Agent" } });
    await settle();
    expect(asked.sort(), "watched on purpose, or changed by a colleague: read").toEqual(["/api/conversations/12", "/api/conversations/13"]);
  });

  it("forget_drops_a_conversation_and_the_next_hello_does_not_name_it", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    greet(latest(), [{ type: "conversation", id: "12", kind: "record", state: "active", last_seq: 1, created_at: "2026-01-01T10:00:00.000Z" }]);
    latest().receive({ type: "entry", ...entry(1), conversation: "12" });
    connection.forget("12");
    expect(connection.conversations.value.has("12")).toBe(false);
    expect(connection.entries.value.has("12")).toBe(false);
    latest().drop();
    clock.advance(BACKOFF_MS[0]);
    latest().open();
    const hello = latest().framesOf("hello")[0] as { positions: Record<string, number> };
    expect(Object.keys(hello.positions)).not.toContain("12");
  });

  it("measures_the_servers_clock_from_new_entries_as_they_arrive_live", () => {
    const { connection, latest, clock } = setup();
    connection.start();
    const stamped = (seq: number, at: number): object => ({ type: "entry", ...entry(seq), at: new Date(at).toISOString() });
    // The server's clock is 90 s ahead of this browser's; what hello replays tells nothing of it.
    greet(latest(), [{ type: "conversation", ...conversation, last_seq: 1 }, stamped(1, clock.now() - 3_600_000)]);
    expect(connection.serverOffset.value, "nothing measured yet: the browser's clock").toBe(0);
    latest().receive(stamped(2, clock.now() + 90_000));
    expect(connection.serverOffset.value).toBe(90_000);
    // One that took longer on its way says less: the quickest tells best.
    clock.advance(5_000);
    latest().receive(stamped(3, clock.now() + 89_500));
    expect(connection.serverOffset.value).toBe(90_000);
    // A session handed over brings its history as live entries, but its frame told their seqs first.
    latest().receive({ type: "conversation", ...conversation, id: "8", last_seq: 40 });
    latest().receive({ ...stamped(40, clock.now() - 86_400_000), conversation: "8" });
    expect(connection.serverOffset.value, "old entries are no reading of the clock").toBe(90_000);
  });
});
