/** Unsend's rules on the client: whose messages, which window, the requests, and the answers laid over the feed. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api";
import {
  clearWithdrawnAnswers,
  DEFAULT_UNSEND_SECONDS,
  fetchWithdrawals,
  isWithdrawable,
  mayReadWithdrawals,
  mayUnsend,
  noteWithdrawn,
  unsendSeconds,
  withdrawDeadline,
  withdrawEntry,
  withdrawFailure,
  withdrawnHere,
  withWithdrawn,
} from "./withdraw";
import type { Conversation, Entry, Queue } from "./wire";

const alice = { id: "2", display_name: "Alice Agent" };
const carol = { id: "5", display_name: "Carol Customer" };

function entry(seq: number, fields: Partial<Entry> = {}): Entry {
  return { conversation: "7", seq, kind: "comment", author: alice, body: `message ${seq}`, at: "2026-01-12T09:30:00.000Z", ...fields };
}

const queue = (id: string, unsend_seconds: number): Queue => ({ id, name: id, group: { id: "g", name: "g" }, greeting: "", inactivity_warning_seconds: 600, auto_close_seconds: 300, assignee_grace_seconds: 60, unsend_seconds, max_sessions_per_agent: 0, survey: true, offer_alert_seconds: 60, reply_alert_seconds: 120 });
const support = (queueId: string): Conversation => ({ id: "7", kind: "support", state: "active", queue: queueId, customer: carol, last_seq: 1, created_at: "2026-01-12T09:00:00.000Z" });

afterEach(() => {
  clearWithdrawnAnswers();
  vi.unstubAllGlobals();
});

describe("unsend rules", () => {
  it("the_window_is_the_queues_for_a_session_and_120_s_for_chats_and_records", () => {
    const queues = [queue("q1", 30), queue("q0", 0)];
    expect(unsendSeconds(support("q1"), queues)).toBe(30);
    expect(unsendSeconds(support("q0"), queues), "0: never").toBe(0);
    expect(unsendSeconds(support("unknown"), queues), "a queue this user does not know: the default").toBe(DEFAULT_UNSEND_SECONDS);
    expect(unsendSeconds({ ...support("q1"), kind: "chat" }, queues)).toBe(120);
    expect(unsendSeconds({ ...support("q1"), kind: "record" }, queues)).toBe(120);
  });

  it("staff_unsend_managers_and_admins_read_the_audit", () => {
    expect(mayUnsend(["agent"])).toBe(true);
    expect(mayUnsend(["customer"])).toBe(false);
    expect(mayReadWithdrawals(["agent"])).toBe(false);
    expect(mayReadWithdrawals(["manager"])).toBe(true);
    expect(mayReadWithdrawals(["admin", "agent"])).toBe(true);
  });

  it("only_ones_own_comment_or_work_note_not_yet_withdrawn", () => {
    expect(isWithdrawable(entry(1), alice.id)).toBe(true);
    expect(isWithdrawable(entry(1, { kind: "work_note" }), alice.id)).toBe(true);
    expect(isWithdrawable(entry(1, { author: carol }), alice.id), "another's").toBe(false);
    expect(isWithdrawable(entry(1, { kind: "system", event: "accepted" }), alice.id), "a system line").toBe(false);
    expect(isWithdrawable(entry(1, { withdrawn: { by: alice, at: "2026-01-12T09:31:00.000Z" }, body: "" }), alice.id), "withdrawn already").toBe(false);
    expect(isWithdrawable(entry(1, { event: "withdrawn", withdraws: 0 }), alice.id), "a marker").toBe(false);
  });

  it("the_deadline_is_the_entrys_time_plus_the_window", () => {
    expect(withdrawDeadline(entry(1), 120)).toBe(Date.parse("2026-01-12T09:32:00.000Z"));
    expect(withdrawDeadline(entry(1), 0), "never").toBeNull();
    expect(withdrawDeadline(entry(1, { at: "not a time" }), 120)).toBeNull();
  });

  it("a_refusal_shows_the_servers_words", () => {
    expect(withdrawFailure(new ApiError(409, "unsend_expired", "Too late to withdraw this message."))).toBe("Too late to withdraw this message.");
    expect(withdrawFailure("?")).toBe("The message could not be withdrawn. Try again.");
  });
});

describe("unsend requests", () => {
  function answering(status: number, body: unknown) {
    const fetch = vi.fn(async (_path: string, _init?: RequestInit) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));
    vi.stubGlobal("fetch", fetch);
    return fetch;
  }

  it("withdraw_posts_to_the_entry_and_returns_it_withdrawn", async () => {
    const answer = entry(3, { body: "", withdrawn: { by: alice, at: "2026-01-12T09:31:00.000Z" } });
    const fetch = answering(200, answer);
    await expect(withdrawEntry("7", 3)).resolves.toEqual(answer);
    expect(fetch.mock.calls[0]?.[0]).toBe("/api/conversations/7/entries/3/withdraw");
    expect(fetch.mock.calls[0]?.[1]?.method).toBe("POST");
  });

  it("withdraw_refused_is_an_api_error_with_the_servers_code", async () => {
    answering(409, { error: { code: "unsend_expired", message: "Too late to withdraw this message." } });
    await expect(withdrawEntry("7", 3)).rejects.toMatchObject({ status: 409, code: "unsend_expired", message: "Too late to withdraw this message." });
  });

  it("withdrawals_are_read_and_checked", async () => {
    const record = { seq: 4, kind: "comment", author: alice, body: "Restart the laptop, please.", at: "2026-01-12T09:30:05.120Z", withdrawn_by: alice, withdrawn_at: "2026-01-12T09:31:00.000Z" };
    const fetch = answering(200, [record]);
    await expect(fetchWithdrawals("7")).resolves.toEqual([record]);
    expect(fetch.mock.calls[0]?.[0]).toBe("/api/conversations/7/withdrawals");
    answering(200, [{ seq: 4 }]);
    await expect(fetchWithdrawals("7"), "an answer of another shape").rejects.toMatchObject({ code: "unexpected_response" });
  });
});

describe("answers laid over the feed", () => {
  it("an_answer_shows_at_once_and_the_marker_makes_it_redundant", () => {
    const held = [entry(1), entry(2, { body: "Oops" })];
    expect(withWithdrawn(held, withdrawnHere("7")), "nothing withdrawn here: the same array").toBe(held);
    const answer = entry(2, { body: "", withdrawn: { by: alice, at: "2026-01-12T09:31:00.000Z" } });
    noteWithdrawn(answer);
    noteWithdrawn(answer);
    const shown = withWithdrawn(held, withdrawnHere("7"));
    expect(shown.map((e) => e.body)).toEqual(["message 1", ""]);
    expect(shown[1]?.withdrawn?.by).toEqual(alice);
    const marked = [entry(1), answer, entry(3, { event: "withdrawn", withdraws: 2 })];
    expect(withWithdrawn(marked, withdrawnHere("7")), "the feed says it already: unchanged").toBe(marked);
    expect(withdrawnHere("8"), "per conversation").toBeUndefined();
  });

  it("an_answer_that_is_not_withdrawn_is_not_kept", () => {
    noteWithdrawn(entry(2));
    expect(withdrawnHere("7")).toBeUndefined();
  });
});
