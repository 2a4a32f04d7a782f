import { describe, expect, it } from "vitest";
import type { Conversation, Entry, Queue } from "../shared/wire";
import { ApiError, type RequestOptions } from "../shared/api";
import { MemoryStorage } from "../shared/socket.fakes";
import { chatToShow, chooseQueue, countdownLeft, forgetStart, heldClose, openChat, pendingStart, pendingWarning, startChat, startClientId, startKey } from "./chat";

const queue = (id: string): Queue => ({
  id,
  name: `Queue ${id}`,
  group: { id: "1", name: "ITSD_chat" },
  greeting: "",
  inactivity_warning_seconds: 120,
  auto_close_seconds: 60,
  assignee_grace_seconds: 60,
  unsend_seconds: 120,
  max_sessions_per_agent: 0,
  survey: true,
  offer_alert_seconds: 60,
  reply_alert_seconds: 120,
});

const chat = (id: string, state: Conversation["state"], created_at: string, queueId = "1", customer = "5"): Conversation => ({
  id,
  kind: "support",
  state,
  queue: queueId,
  customer: { id: customer, display_name: `Customer ${customer}` },
  last_seq: 1,
  created_at,
});

let seq = 0;
const entry = (fields: Partial<Entry>): Entry => ({ conversation: "7", seq: ++seq, kind: "system", body: "", at: "2026-01-01T10:00:00Z", ...fields });
const carol = { id: "5", display_name: "Carol Customer" };

describe("support page decisions", () => {
  it("chooses_the_queue_asked_for_else_the_first", () => {
    expect(chooseQueue([queue("1"), queue("2")], "2")?.id).toBe("2");
    expect(chooseQueue([queue("1"), queue("2")], "9")?.id).toBe("1");
    expect(chooseQueue([], null)).toBeNull();
  });

  it("reopens_the_newest_open_chat_of_the_queue_and_never_a_closed_one", () => {
    const chats = [
      chat("1", "closed", "2026-01-03T00:00:00Z"),
      chat("2", "active", "2026-01-02T00:00:00Z"),
      chat("3", "queued", "2026-01-04T00:00:00Z", "2"),
    ];
    expect(openChat(chats, "1", "5")?.id).toBe("2");
    expect(openChat([chat("1", "closed", "2026-01-03T00:00:00Z")], "1", "5")).toBeNull();
  });

  it("after_a_reload_a_closed_chat_with_unsent_text_comes_back_unless_one_is_open", () => {
    const kept = new Set(["1", "4", "9"]);
    const unsent = (id: string) => kept.has(id);
    const closed = [chat("1", "closed", "2026-01-03T00:00:00Z"), chat("4", "closed", "2026-01-02T00:00:00Z"), chat("6", "closed", "2026-01-05T00:00:00Z")];
    expect(chatToShow(closed, "1", "5", unsent)?.id, "the newest closed one whose text is kept").toBe("1");
    expect(chatToShow(closed, "1", "5", () => false), "nothing kept: start one").toBeNull();
    expect(chatToShow([...closed, chat("2", "active", "2026-01-01T00:00:00Z")], "1", "5", unsent)?.id, "an open chat comes first").toBe("2");
    expect(chatToShow([chat("9", "closed", "2026-01-06T00:00:00Z", "1", "8")], "1", "5", unsent), "not someone else's").toBeNull();
    expect(chatToShow([chat("9", "closed", "2026-01-06T00:00:00Z", "2")], "1", "5", unsent), "not another queue's").toBeNull();
  });

  it("staff_on_the_support_page_never_open_someone_elses_chat", () => {
    const others = [chat("7", "queued", "2026-01-05T00:00:00Z", "1", "9"), chat("8", "active", "2026-01-06T00:00:00Z", "1", "9")];
    expect(openChat(others, "1", "5"), "another customer's sessions are not mine").toBeNull();
    expect(openChat([...others, chat("2", "active", "2026-01-01T00:00:00Z")], "1", "5")?.id).toBe("2");
  });

  it.each([
    ["a warning alone waits", [entry({ event: "inactivity_warning" })], true],
    ["answered with I'm still here", [entry({ event: "inactivity_warning" }), entry({ event: "still_here" })], false],
    ["answered with a comment", [entry({ event: "inactivity_warning" }), entry({ kind: "comment", author: carol })], false],
    ["a new question of the agent overtakes it (the clock restarts)", [entry({ event: "inactivity_warning" }), entry({ kind: "comment", author: { id: "2", display_name: "Alice" } })], false],
    ["a work note does not", [entry({ event: "inactivity_warning" }), entry({ kind: "work_note", author: { id: "2", display_name: "Alice" } })], true],
    ["nor the agent withdrawing a message (the server's clock runs on)", [entry({ event: "inactivity_warning" }), entry({ kind: "comment", event: "withdrawn", withdraws: 3, author: { id: "2", display_name: "Alice" } })], true],
    ["closed after it", [entry({ event: "inactivity_warning" }), entry({ event: "closed" })], false],
    ["handed back to the queue after it (the clock is off while queued)", [entry({ event: "inactivity_warning" }), entry({ event: "handed_back" })], false],
    ["handed back, then accepted by another agent", [entry({ event: "inactivity_warning" }), entry({ event: "handed_back" }), entry({ event: "accepted" })], false],
  ] as const)("pending warning: %s", (_name, entries, waits) => {
    expect(pendingWarning(entries) !== null).toBe(waits);
  });

  it("the_countdown_runs_on_the_browser_clock_from_when_the_warning_arrived", () => {
    const received = 1_000_000;
    expect(countdownLeft(received, 60, received), "the full period at arrival").toBe(60);
    expect(countdownLeft(received, 60, received + 15_500)).toBe(45);
    expect(countdownLeft(received, 60, received + 120_000), "never below zero").toBe(0);
    expect(countdownLeft(received, 60, received - 5_000), "a clock going back does not add time").toBe(60);
  });

  it("typing_holds_the_countdown_as_the_server_holds_the_close_within_its_bound", () => {
    const received = 1_000_000;
    // 50 s into the minute she types: 13 s from then, not the 10 s left.
    expect(countdownLeft(received, 60, received + 50_000, received + 50_000)).toBe(13);
    expect(countdownLeft(received, 60, received + 62_000, received + 58_000), "past the old close, still held").toBe(9);
    expect(countdownLeft(received, 60, received + 10_000, received + 5_000), "early typing adds nothing").toBe(50);
    // Typing for ever holds it at most 2 minutes past the close.
    expect(countdownLeft(received, 60, received + 170_000, received + 170_000)).toBe(10);
    expect(heldClose(received + 60_000, received + 400_000)).toBe(received + 180_000);
    expect(heldClose(received + 60_000, null)).toBe(received + 60_000);
  });

  it("one_client_id_per_intended_start_across_a_second_click_and_a_reload", () => {
    const store = new MemoryStorage();
    let n = 0;
    const fresh = () => `id-${++n}`;
    const first = startClientId(store, "5", "1", "My VPN drops", fresh);
    expect(startClientId(store, "5", "1", "My VPN drops", fresh), "a second click").toBe(first);
    // A reload: the page reads the same tab storage.
    expect(pendingStart(store, "5", "1"), "the page can show what was being started").toEqual({ queue: "1", message: "My VPN drops", client_id: first });
    expect(startClientId(store, "5", "1", "My VPN drops", fresh), "the same message after a reload").toBe(first);
    expect(startClientId(store, "5", "1", "Another problem", fresh), "another message is another start").not.toBe(first);
    expect(startClientId(store, "5", "2", "Another problem", fresh), "another queue is another start").toBe("id-3");
    expect(pendingStart(store, "6", "1"), "another user's start is not mine").toBeNull();
    forgetStart(store, "5", "1");
    expect(pendingStart(store, "5", "1")).toBeNull();
    expect(startClientId(null, "5", "1", "x", fresh), "no storage: still an id").toBe("id-4");
    store.setItem(startKey("5", "9"), "{broken");
    expect(pendingStart(store, "5", "9")).toBeNull();
  });

  it("start_chat_repeats_its_client_id_until_an_answer_arrives", async () => {
    const store = new MemoryStorage();
    const bodies: unknown[] = [];
    let fail: ApiError | null = new ApiError(0, "network_error", "Could not reach the server.");
    const request = <T,>(path: string, guard: (value: unknown) => value is T, options: RequestOptions): Promise<T> => {
      expect(path).toBe("/api/queues/1/sessions");
      bodies.push(options.body);
      if (fail !== null) return Promise.reject(fail);
      const answer: unknown = chat("7", "queued", "2026-01-01T00:00:00Z");
      return guard(answer) ? Promise.resolve(answer) : Promise.reject(new Error("guard"));
    };
    let n = 0;
    const deps = { store, request, fresh: () => `id-${++n}` };
    await expect(startChat("5", "1", "Help", deps)).rejects.toThrow("Could not reach");
    fail = new ApiError(503, "unavailable", "Try again.");
    await expect(startChat("5", "1", "Help", deps)).rejects.toThrow("Try again.");
    fail = null;
    expect((await startChat("5", "1", "Help", deps)).id).toBe("7");
    expect(bodies, "the lost answers and the answered one: one client id").toEqual([
      { client_id: "id-1", message: "Help" },
      { client_id: "id-1", message: "Help" },
      { client_id: "id-1", message: "Help" },
    ]);
    expect(pendingStart(store, "5", "1"), "answered: forgotten").toBeNull();
    await startChat("5", "1", "Help", deps);
    expect(bodies.at(-1), "a start after the answer is a new one").toEqual({ client_id: "id-2", message: "Help" });
    fail = new ApiError(422, "too_long", "Too long.");
    await expect(startChat("5", "1", "Help", deps)).rejects.toThrow("Too long.");
    expect(pendingStart(store, "5", "1"), "refused for good: forgotten").toBeNull();
  });
});
