import { describe, expect, it } from "vitest";
import { ACK_TIMEOUT_MS, hasUnsent, isRetryable, Outbox, outboxKey, STALE_VIEW_CODE, TOO_LARGE_MESSAGE, WENT_BACK_CODE, WENT_BACK_MESSAGE, type PendingSend, type SendFrame } from "./outbox";
import { ManualScheduler, MemoryStorage } from "./socket.fakes";
import type { Entry } from "./wire";

const KEY = outboxKey("2");

function pending(clientId: string, fields: Partial<PendingSend> = {}): PendingSend {
  return { client_id: clientId, conversation: "7", kind: "comment", body: `text of ${clientId}`, acked: false, error: null, code: null, ...fields };
}

/** An outbox over a fake link: `up` says whether a greeted socket is there, `live` whether `ready` came. */
function setup(storage: MemoryStorage | null = new MemoryStorage()) {
  const clock = new ManualScheduler();
  const link = { up: true, live: true, sent: [] as SendFrame[], timeouts: 0 };
  const outbox = new Outbox(
    {
      transmit: (frame) => {
        if (!link.up) return false;
        link.sent.push(frame);
        return true;
      },
      live: () => link.live,
      ackTimedOut: () => {
        link.timeouts += 1;
      },
    },
    storage === null ? null : { storage, key: KEY },
    clock,
  );
  const ids = () => outbox.items.value.map((p) => p.client_id);
  return { outbox, link, clock, ids };
}

const stored = (storage: MemoryStorage): unknown => JSON.parse(storage.getItem(KEY) ?? "null");

function entryFor(clientId: string, seq: number): Entry {
  return { conversation: "7", seq, kind: "comment", author: { id: "2", display_name: "Alice" }, body: "x", client_id: clientId, at: "2026-01-01T10:00:00Z" };
}

describe("outbox", () => {
  it("a_send_goes_out_at_once_when_it_can_and_is_persisted_until_stored", () => {
    const storage = new MemoryStorage();
    const { outbox, link } = setup(storage);
    outbox.add(pending("a"));
    expect(link.sent).toEqual([{ type: "send", ref: "a", conversation: "7", client_id: "a", kind: "comment", body: "text of a" }]);
    expect(stored(storage), "kept for a reload").toEqual([pending("a")]);
    outbox.ack("a", 4, 3);
    expect(outbox.items.value[0]).toMatchObject({ acked: true, seq: 4 });
    expect(storage.getItem(KEY), "stored on the server: nothing to keep").toBeNull();
    outbox.entryArrived(entryFor("a", 4));
    expect(outbox.items.value).toEqual([]);
  });

  it("restores_what_may_still_go_out_and_resends_it_with_the_same_client_id", () => {
    const storage = new MemoryStorage();
    const before = setup(storage);
    before.link.up = false;
    before.outbox.add(pending("a"));
    before.outbox.add(pending("b", { body: "x".repeat(10_001) }));
    expect(before.link.sent, "offline: nothing written").toEqual([]);

    const after = setup(storage);
    expect(after.ids(), "restored in order, the refused one too").toEqual(["a", "b"]);
    expect(after.outbox.items.value[1]?.code, "still refused after the reload").toBe("too_long");
    after.outbox.resendAll();
    expect(after.link.sent.map((f) => f.client_id), "only what may still go out, with its client id").toEqual(["a"]);
    after.outbox.resendAll();
    expect(after.link.sent.map((f) => f.client_id), "each hello resends (the server stores it once)").toEqual(["a", "a"]);
  });

  it("storage_that_is_garbage_or_of_the_wrong_shape_restores_nothing_or_the_good_items", () => {
    const storage = new MemoryStorage();
    storage.setItem(KEY, "{not json");
    expect(setup(storage).ids()).toEqual([]);
    storage.setItem(KEY, JSON.stringify([pending("ok"), { client_id: "bad" }, 7]));
    expect(setup(storage).ids()).toEqual(["ok"]);
  });

  it("without_storage_it_works_in_memory_and_says_so", () => {
    const { outbox, link } = setup(null);
    outbox.add(pending("a"));
    expect(link.sent).toHaveLength(1);
    expect(outbox.persisted.value).toBe(false);
    const failing = new MemoryStorage();
    failing.failWrites = true;
    const full = setup(failing);
    full.outbox.add(pending("b"));
    expect(full.ids(), "a full storage loses nothing in memory").toEqual(["b"]);
    expect(full.outbox.persisted.value).toBe(false);
    expect(setup().outbox.persisted.value).toBe(true);
  });

  it("the_same_client_id_twice_is_one_send", () => {
    const { outbox, link, ids } = setup();
    outbox.add(pending("a"));
    outbox.add(pending("a"));
    expect(ids()).toEqual(["a"]);
    expect(link.sent).toHaveLength(1);
  });

  it("an_ack_before_its_entry_or_after_it", () => {
    const { outbox, ids } = setup();
    outbox.add(pending("a"));
    outbox.add(pending("b"));
    outbox.ack("a", 5, 5);
    expect(ids(), "the entry was there first: done").toEqual(["b"]);
    outbox.ack("b", 6, 5);
    expect(ids(), "waits for its entry").toEqual(["b"]);
    outbox.settle(new Map([["7", 6]]));
    expect(ids(), "held or passed at ready: done").toEqual([]);
  });

  it("settle_drops_acked_sends_of_conversations_that_are_gone_and_keeps_unacked_ones", () => {
    const { outbox, ids } = setup();
    outbox.add(pending("a", { conversation: "8" }));
    outbox.add(pending("b", { conversation: "9" }));
    outbox.ack("a", 2, 0);
    outbox.settle(new Map());
    expect(ids()).toEqual(["b"]);
  });

  it("a_forbidden_send_of_a_chat_gone_back_to_the_queue_says_so_across_a_reload", () => {
    const storage = new MemoryStorage();
    const { outbox } = setup(storage);
    outbox.add(pending("a"));
    outbox.add(pending("b", { conversation: "8" }));
    outbox.refuse("a", "forbidden", "Only the assigned agent may post comments; add a work note instead.");
    outbox.refuse("b", "forbidden", "Only the assigned agent may post comments; add a work note instead.");
    outbox.wentBack("7");
    expect(outbox.items.value.map((p) => [p.client_id, p.code, p.error])).toEqual([
      ["a", WENT_BACK_CODE, WENT_BACK_MESSAGE],
      ["b", "forbidden", "Only the assigned agent may post comments; add a work note instead."],
    ]);
    const reloaded = setup(storage).outbox;
    expect(reloaded.items.value[0]?.code, "kept across a reload").toBe(WENT_BACK_CODE);
    reloaded.retry("a");
    expect(reloaded.items.value[0]?.error, "retried: on its way again").toBeNull();
  });

  it("a_refusal_keeps_the_message_and_stops_resending", () => {
    const { outbox, link } = setup();
    outbox.add(pending("a"));
    expect(outbox.refuse("a", "session_closed", "The session is closed.")).toBe(true);
    expect(outbox.refuse("zzz", "internal", "x"), "not ours").toBe(false);
    const refused = outbox.items.value[0];
    expect(refused?.error).toBe("The session is closed.");
    expect(refused !== undefined && isRetryable(refused), "final: Discard only").toBe(false);
    expect(hasUnsent(outbox.items.value), "a refused send will not go out").toBe(false);
    outbox.resendAll();
    expect(link.sent).toHaveLength(1);
    outbox.discard("a");
    expect(outbox.items.value).toEqual([]);
  });

  it("retry_sends_a_temporary_failure_again_with_its_client_id", () => {
    const { outbox, link } = setup();
    outbox.add(pending("a"));
    outbox.refuse("a", "internal", "Something went wrong.");
    const failed = outbox.items.value[0];
    expect(failed !== undefined && isRetryable(failed)).toBe(true);
    outbox.retry("a");
    expect(outbox.items.value[0]?.error).toBeNull();
    expect(link.sent.map((f) => f.client_id)).toEqual(["a", "a"]);
    outbox.add(pending("big", { body: "x".repeat(10_001) }));
    outbox.retry("big");
    expect(link.sent.map((f) => f.client_id), "too long stays refused").toEqual(["a", "a"]);
  });

  it("no_ack_within_the_timeout_on_a_live_socket_reports_a_dead_link", () => {
    const { outbox, link, clock } = setup();
    outbox.add(pending("a"));
    clock.advance(ACK_TIMEOUT_MS - 1);
    expect(link.timeouts).toBe(0);
    clock.advance(1);
    expect(link.timeouts).toBe(1);
    outbox.add(pending("b"));
    outbox.ack("b", 1, 0);
    clock.advance(ACK_TIMEOUT_MS);
    expect(link.timeouts, "acknowledged in time").toBe(1);
  });

  it("the_ack_clock_starts_at_ready_and_stops_with_the_socket", () => {
    const { outbox, link, clock } = setup();
    link.live = false;
    outbox.add(pending("a"));
    clock.advance(ACK_TIMEOUT_MS * 2);
    expect(link.timeouts, "catching up: no clock").toBe(0);
    link.live = true;
    outbox.goneLive();
    clock.advance(ACK_TIMEOUT_MS / 2);
    outbox.socketGone();
    clock.advance(ACK_TIMEOUT_MS);
    expect(link.timeouts, "the socket went: its clock too").toBe(0);
  });

  it("close_1009_fails_the_oldest_send_on_its_way", () => {
    const { outbox } = setup();
    outbox.add(pending("a"));
    outbox.add(pending("b"));
    outbox.failOldestUnacked();
    expect(outbox.items.value.map((p) => p.error)).toEqual([TOO_LARGE_MESSAGE, null]);
  });

  it("a_canned_send_names_the_canned_message_instead_of_a_body", () => {
    const storage = new MemoryStorage();
    const { outbox, link } = setup(storage);
    outbox.add(pending("c", { body: "Greeting", canned: "c3" }));
    expect(link.sent).toEqual([{ type: "send", ref: "c", conversation: "7", client_id: "c", canned: "c3" }]);
    expect(stored(storage)).toEqual([pending("c", { body: "Greeting", canned: "c3" })]);
    const after = setup(storage);
    after.outbox.resendAll();
    expect(after.link.sent, "restored as a canned send").toEqual([{ type: "send", ref: "c", conversation: "7", client_id: "c", canned: "c3" }]);
  });

  it("a_staff_send_carries_the_seq_its_writer_had_seen_on_every_resend", () => {
    const storage = new MemoryStorage();
    const { outbox, link } = setup(storage);
    outbox.add(pending("a", { seen: 12 }));
    expect(link.sent[0]).toEqual({ type: "send", ref: "a", conversation: "7", client_id: "a", kind: "comment", body: "text of a", seen: 12 });
    const after = setup(storage);
    after.outbox.resendAll();
    expect(after.link.sent[0], "after a reload: what the writer had seen then, not what the page holds now").toMatchObject({ client_id: "a", seen: 12 });
    outbox.add(pending("b"));
    expect(link.sent[1], "a customer's send names no seen").not.toHaveProperty("seen");
  });

  it("a_stale_view_refusal_is_neither_resent_nor_dropped_until_the_composer_takes_it_back", () => {
    const storage = new MemoryStorage();
    const { outbox, link } = setup(storage);
    outbox.add(pending("a", { seen: 12, body: "Try restarting the VPN client" }));
    outbox.refuse("a", STALE_VIEW_CODE, "2 new messages since you started typing", 2);
    const refused = outbox.items.value[0];
    expect(refused).toMatchObject({ code: STALE_VIEW_CODE, newer: 2, error: "2 new messages since you started typing", body: "Try restarting the VPN client" });
    expect(refused !== undefined && isRetryable(refused), "no Retry of the same seen: Send anyway decides").toBe(false);
    outbox.resendAll();
    outbox.goneLive();
    expect(link.sent, "not sent again by itself (a reconnect's resend skips it)").toHaveLength(1);
    expect(setup(storage).outbox.items.value[0]?.body, "kept across a reload").toBe("Try restarting the VPN client");

    expect(outbox.take("zzz")).toBeNull();
    const taken = outbox.take("a");
    expect(taken?.body).toBe("Try restarting the VPN client");
    expect(outbox.items.value, "back in the field: no longer in the log as failed").toEqual([]);
    expect(storage.getItem(KEY)).toBeNull();
  });

  it("send_anyway_with_the_same_client_id_goes_as_now_written_and_seen", () => {
    const { outbox, link } = setup();
    outbox.add(pending("a", { seen: 12, body: "first words" }));
    outbox.refuse("a", STALE_VIEW_CODE, "1 new message since you started typing", 1);
    outbox.add(pending("a", { seen: 13, body: "first words, edited" }));
    expect(link.sent.map((f) => ("body" in f ? [f.client_id, f.body, f.seen] : []))).toEqual([
      ["a", "first words", 12],
      ["a", "first words, edited", 13],
    ]);
    expect(outbox.items.value).toEqual([pending("a", { seen: 13, body: "first words, edited" })]);
    expect(outbox.take("a"), "on its way again: nothing to take back").toBeNull();
  });
});
