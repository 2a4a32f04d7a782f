/**
 * Unsend in the feed: a marker entry (`event: "withdrawn"`, `withdraws: N`) marks entry N
 * withdrawn, live and on resume, and is kept (for positions and read marks) but counts as no new
 * message; the withdraw's HTTP answer applied before or after its marker changes nothing more.
 */
import { describe, expect, it } from "vitest";
import { applyWithdrawnEntry, asWithdrawn, beginCatchUp, initialState, isWithdrawalMarker, prependPage, historyLoading, reduce, type FeedState } from "./reducer";
import type { Conversation, Entry, ServerFrame } from "./wire";

const alice = { id: "2", display_name: "Alice Agent" };
const carol = { id: "5", display_name: "Carol Customer" };
const asCarol = { me: carol.id, now: 1000 };
const asAlice = { me: alice.id, now: 1000 };

const conversation: Conversation = { id: "7", kind: "support", state: "active", queue: "1", customer: carol, assignee: alice, last_seq: 0, created_at: "2026-01-12T09:00:00.000Z" };

function entry(seq: number, fields: Partial<Entry> = {}): Entry {
  return { conversation: "7", seq, kind: "comment", author: alice, body: `message ${seq}`, at: "2026-01-12T09:30:00.000Z", ...fields };
}

const SHOT = { id: "41", name: "screenshot.png", type: "image/png", size: 48213, url: "/api/attachments/41" };
const marker = (seq: number, withdraws: number, fields: Partial<Entry> = {}): Entry =>
  entry(seq, { event: "withdrawn", withdraws, body: "Alice Agent withdrew a message.", at: "2026-01-12T09:31:00.000Z", ...fields });
const frame = (e: Entry): ServerFrame => ({ type: "entry", ...e });

function greeted(frames: ServerFrame[], context = asCarol, from: FeedState = initialState()): FeedState {
  return [...frames, { type: "ready" } as ServerFrame].reduce((s, f) => reduce(s, f, context), beginCatchUp(from));
}

const held = (state: FeedState, seq: number) => state.entries.get("7")?.find((e) => e.seq === seq);

describe("reducer unsend", () => {
  it("a_live_marker_marks_its_entry_withdrawn_without_body_or_attachment", () => {
    let state = greeted([{ type: "conversation", ...conversation, last_seq: 2 }, frame(entry(1)), frame(entry(2, { body: "See the screenshot", attachment: SHOT }))]);
    state = reduce(state, frame(marker(3, 2)), asCarol);
    const target = held(state, 2);
    expect(target?.withdrawn, "who took it back and when, from the marker").toEqual({ by: alice, at: "2026-01-12T09:31:00.000Z" });
    expect(target?.body, "the body is gone").toBe("");
    expect(target?.attachment, "the attachment is gone").toBeUndefined();
    expect(held(state, 1)?.withdrawn, "the other entry is untouched").toBeUndefined();
    expect(state.entries.get("7")?.map((e) => e.seq), "the marker is kept (positions, read marks) after the others").toEqual([1, 2, 3]);
    expect(state.positions.get("7")).toBe(3);
  });

  it("a_marker_replayed_on_resume_marks_the_entry_too", () => {
    let state = greeted([{ type: "conversation", ...conversation, last_seq: 1 }, frame(entry(1, { body: "Wrong customer, sorry" }))]);
    // The socket drops; hello from seq 1 replays the marker.
    state = greeted([{ type: "conversation", ...conversation, last_seq: 2 }, frame(marker(2, 1))], asCarol, state);
    expect(held(state, 1)?.withdrawn?.by, "marked while catching up").toEqual(alice);
    expect(held(state, 1)?.body).toBe("");
  });

  it("a_marker_is_no_new_message_for_the_unread_count", () => {
    let state = greeted([{ type: "conversation", ...conversation, last_seq: 1, unread: 0 }, frame(entry(1))]);
    state = reduce(state, frame(entry(2)), asCarol);
    expect(state.conversations.get("7")?.unread, "a message counts").toBe(1);
    // Entry 1 was read before: its marker takes nothing away, and adds nothing.
    state = reduce(state, frame(marker(3, 1)), asCarol);
    expect(state.conversations.get("7")?.unread, "a marker does not").toBe(1);
    expect(state.conversations.get("7")?.preview?.seq, "the marker is the preview (its body reads as a sentence)").toBe(3);
  });

  it("a_withdrawn_unread_message_is_unread_no_more", () => {
    let state = greeted([{ type: "conversation", ...conversation, last_seq: 1, unread: 0 }, frame(entry(1))]);
    state = reduce(state, frame(entry(2)), asCarol);
    state = reduce(state, frame(entry(3)), asCarol);
    expect(state.conversations.get("7")?.unread).toBe(2);
    state = reduce(state, frame(marker(4, 2)), asCarol);
    expect(state.conversations.get("7")?.unread, "as the server counts: a withdrawn entry is no unread message").toBe(1);
    state = reduce(state, frame(marker(5, 2)), asCarol);
    expect(state.conversations.get("7")?.unread, "withdrawn once only").toBe(1);
    state = reduce(state, { type: "read", conversation: "7", seq: 3 }, asCarol);
    state = reduce(state, frame(marker(6, 3)), asCarol);
    expect(state.conversations.get("7")?.unread, "a read one takes nothing away").toBe(0);
  });

  it("the_withdrawers_own_marker_and_a_count_told_after_it_change_nothing_more", () => {
    // Alice's own message, withdrawn by her: it never counted for her.
    let state = greeted([{ type: "conversation", ...conversation, last_seq: 1, unread: 1 }, frame(entry(1, { author: carol }))], asAlice);
    state = reduce(state, frame(entry(2)), asAlice);
    state = reduce(state, frame(marker(3, 2)), asAlice);
    expect(state.conversations.get("7")?.unread, "Carol's message only").toBe(1);
    // For Carol, the server's count arrives with the marker already in it.
    let carolState = greeted([{ type: "conversation", ...conversation, last_seq: 1, unread: 0 }, frame(entry(1))]);
    carolState = reduce(carolState, frame(entry(2)), asCarol);
    carolState = reduce(carolState, { type: "conversation", ...conversation, last_seq: 3, unread: 0 }, asCarol);
    carolState = reduce(carolState, frame(marker(3, 2)), asCarol);
    expect(carolState.conversations.get("7")?.unread, "the server's count holds it already").toBe(0);
  });

  it("a_read_mark_from_another_tab_counts_no_withdrawn_entry_or_marker", () => {
    let state = greeted([{ type: "conversation", ...conversation, last_seq: 0, unread: 0 }]);
    for (const e of [entry(1), entry(2), entry(3), entry(4), marker(5, 3)]) state = reduce(state, frame(e), asCarol);
    expect(state.conversations.get("7")?.unread).toBe(3);
    state = reduce(state, { type: "read", conversation: "7", seq: 1 }, asCarol);
    expect(state.conversations.get("7")?.unread, "entries 2 and 4: not the withdrawn 3, nor its marker").toBe(2);
  });

  it("a_marker_for_an_entry_older_than_the_loaded_history_marks_nothing_and_the_page_brings_it_withdrawn", () => {
    let state = greeted([{ type: "conversation", ...conversation, last_seq: 60 }, frame(entry(60))]);
    state = reduce(state, frame(marker(61, 5)), asCarol);
    expect(state.entries.get("7")?.map((e) => e.seq), "nothing invented for seq 5").toEqual([60, 61]);
    state = historyLoading(state, "7");
    const fromServer = asWithdrawn(entry(5), alice, "2026-01-12T09:31:00.000Z");
    state = prependPage(state, "7", [entry(4), fromServer], 4);
    expect(held(state, 5)?.withdrawn?.by, "the server's page says it").toEqual(alice);
  });

  it("a_marker_never_withdraws_a_system_entry_or_one_withdrawn_already", () => {
    let state = greeted([{ type: "conversation", ...conversation, last_seq: 1 }, frame(entry(1, { kind: "system", event: "accepted", body: "Alice Agent joined the chat." }))]);
    state = reduce(state, frame(marker(2, 1)), asCarol);
    expect(held(state, 1)?.body, "a system line stays").toBe("Alice Agent joined the chat.");

    const already = asWithdrawn(entry(3), alice, "2026-01-12T09:31:00.000Z");
    state = reduce(state, frame(already), asCarol);
    const before = state.entries.get("7");
    state = reduce(state, frame(marker(4, 3, { at: "2026-01-12T09:40:00.000Z" })), asCarol);
    expect(held(state, 3), "the first mark stays as it was").toEqual(already);
    expect(state.entries.get("7")?.slice(0, 2), "the held entries before it are the same objects").toEqual(before?.slice(0, 2));
  });

  it("the_withdraw_answer_applied_before_or_after_the_marker_is_harmless", () => {
    const start = greeted([{ type: "conversation", ...conversation, last_seq: 2, preview: entry(2) }, frame(entry(1)), frame(entry(2, { body: "Oops" }))], asAlice);
    const answer = asWithdrawn(entry(2, { body: "Oops" }), alice, "2026-01-12T09:31:00.000Z");

    const answerFirst = reduce(applyWithdrawnEntry(start, answer), frame(marker(3, 2)), asAlice);
    const markerFirst = applyWithdrawnEntry(reduce(start, frame(marker(3, 2)), asAlice), answer);
    const twice = applyWithdrawnEntry(applyWithdrawnEntry(start, answer), answer);

    expect(held(answerFirst, 2), "answer then marker").toEqual(answer);
    expect(held(markerFirst, 2), "marker then answer").toEqual(answer);
    expect(held(twice, 2), "the answer twice").toEqual(answer);
    expect(answerFirst.entries.get("7")?.map((e) => e.seq), "one marker, once").toEqual([1, 2, 3]);
    expect(applyWithdrawnEntry(twice, answer), "the second application is the same state").toBe(twice);
    expect(applyWithdrawnEntry(start, answer).conversations.get("7")?.preview?.body, "the preview of a withdrawn entry shows no body either").toBe("");
  });

  it("an_answer_that_is_not_withdrawn_changes_nothing", () => {
    const start = greeted([{ type: "conversation", ...conversation, last_seq: 1 }, frame(entry(1))], asAlice);
    expect(applyWithdrawnEntry(start, entry(1, { body: "changed?" }))).toBe(start);
  });

  it("tells_markers_apart_from_messages", () => {
    expect(isWithdrawalMarker(marker(3, 2))).toBe(true);
    expect(isWithdrawalMarker(entry(3, { event: "withdrawn" })), "the event alone says it").toBe(true);
    expect(isWithdrawalMarker(entry(3))).toBe(false);
    expect(isWithdrawalMarker(asWithdrawn(entry(3), alice, "2026-01-12T09:31:00.000Z")), "a withdrawn entry is no marker").toBe(false);
  });
});
