import { describe, expect, it } from "vitest";
import {
  applyConversation,
  beginCatchUp,
  forgetHistory,
  historyBefore,
  historyFailed,
  historyLoading,
  initialState,
  isDuplicate,
  isLive,
  markRead,
  dismissReturn,
  MAX_RETURNS,
  MAX_WITHDRAWALS,
  prependPage,
  reduce,
  socketLost,
  type FeedState,
} from "./reducer";
import type { Conversation, Entry, ServerFrame } from "./wire";

const me = { id: "2", display_name: "Alice Agent" };
const carol = { id: "5", display_name: "Carol Customer" };
const context = { me: me.id, now: 1234 };

const conversation: Conversation = {
  id: "7",
  kind: "support",
  state: "active",
  queue: "1",
  customer: carol,
  assignee: me,
  last_seq: 0,
  created_at: "2026-01-01T10:00:00.000Z",
};

function entry(seq: number, fields: Partial<Entry> = {}): Entry {
  return { conversation: "7", seq, kind: "comment", author: carol, body: `message ${seq}`, at: "2026-01-01T10:00:00.000Z", ...fields };
}

const entryFrame = (seq: number, fields: Partial<Entry> = {}): ServerFrame => ({ type: "entry", ...entry(seq, fields) });
const conversationFrame = (fields: Partial<Conversation> = {}): ServerFrame => ({ type: "conversation", ...conversation, ...fields });
const offerFrame = (id: string, fields: Partial<Conversation> = {}): ServerFrame => ({ type: "offer", conversation: { ...conversation, id, state: "queued", position: 1, ...fields } });

function run(state: FeedState, frames: ServerFrame[]): FeedState {
  return frames.reduce((s, f) => reduce(s, f, context), state);
}

/** The state after a `hello` answered with `frames` and `ready`. */
function greeted(frames: ServerFrame[], from: FeedState = initialState()): FeedState {
  return run(beginCatchUp(from), [...frames, { type: "ready" }]);
}

const seqs = (state: FeedState, id = "7") => state.entries.get(id)?.map((e) => e.seq);

describe("reducer", () => {
  it("entries_are_kept_in_order_once_and_advance_the_position", () => {
    const state = greeted([conversationFrame(), entryFrame(1), entryFrame(2)]);
    const again = reduce(state, entryFrame(2, { body: "again" }), context);
    expect(again, "a duplicate leaves the state as it was").toBe(state);
    expect(isDuplicate(state, entryFrame(2)), "the caller can tell a duplicate").toBe(true);
    expect(isDuplicate(state, entryFrame(3))).toBe(false);
    const next = reduce(state, entryFrame(3), context);
    expect(seqs(next)).toEqual([1, 2, 3]);
    expect(next.positions.get("7")).toBe(3);
    expect(next.conversations.get("7")?.preview?.seq, "the preview is the last entry").toBe(3);
    expect(next.conversations.get("7")?.last_seq).toBe(3);
  });

  it("the_state_is_never_changed_in_place", () => {
    const state = greeted([conversationFrame(), entryFrame(1)]);
    const entries = state.entries;
    const held = state.entries.get("7");
    reduce(state, entryFrame(2), context);
    expect(state.entries).toBe(entries);
    expect(state.entries.get("7")).toBe(held);
    expect(held?.length).toBe(1);
  });

  it.each([
    ["a live entry of someone else adds one", entryFrame(3), 3],
    ["my own entry adds nothing", entryFrame(3, { author: me }), 2],
    ["a system entry without author adds one", entryFrame(3, { author: undefined as never, kind: "system" }), 3],
  ] as const)("unread: %s", (_name, frame, unread) => {
    const state = greeted([conversationFrame({ unread: 2 }), entryFrame(1), entryFrame(2)]);
    expect(state.conversations.get("7")?.unread, "replayed entries are in the server's count already").toBe(2);
    expect(reduce(state, frame, context).conversations.get("7")?.unread).toBe(unread);
  });

  it("an_entry_at_or_below_the_read_mark_is_not_unread_and_read_clears_the_count", () => {
    let state = greeted([conversationFrame(), entryFrame(1)]);
    state = reduce(state, entryFrame(2), context);
    expect(state.conversations.get("7")?.unread).toBe(1);
    state = markRead(state, "7", 2);
    expect(state.conversations.get("7")?.unread).toBe(0);
    expect(state.readMarks.get("7")).toBe(2);
    expect(markRead(state, "7", 1).readMarks.get("7"), "a read mark never moves back").toBe(2);
  });

  it("a_read_mark_set_in_another_tab_clears_what_it_covers_here", () => {
    let state = greeted([conversationFrame({ last_seq: 0 })]);
    state = run(state, [entryFrame(1), entryFrame(2), entryFrame(3)]);
    expect(state.conversations.get("7")?.unread).toBe(3);
    state = reduce(state, { type: "read", conversation: "7", seq: 2 }, context);
    expect(state.conversations.get("7")?.unread, "one left after the mark").toBe(1);
    expect(state.readMarks.get("7")).toBe(2);
    state = reduce(state, { type: "read", conversation: "7", seq: 3 }, context);
    expect(state.conversations.get("7")?.unread).toBe(0);
    const again = reduce(state, { type: "read", conversation: "7", seq: 1 }, context);
    expect(again, "an older mark changes nothing").toBe(state);
  });

  it("history_a_handed_over_session_brings_along_is_no_new_message", () => {
    // Handed to me with the server's count (2); its history follows as live entries.
    let state = greeted([]);
    state = run(state, [conversationFrame({ last_seq: 40, unread: 2 })]);
    state = run(state, Array.from({ length: 40 }, (_, i) => entryFrame(i + 1)));
    expect(state.conversations.get("7")?.unread, "the server's count, not 42").toBe(2);
    state = reduce(state, entryFrame(41), context);
    expect(state.conversations.get("7")?.unread, "a new message counts").toBe(3);
  });

  it("only_the_customer_and_the_assignee_count_unread_messages", () => {
    // A colleague's session this agent watches: messages arrive, no count grows.
    let state = greeted([conversationFrame({ assignee: { id: "9", display_name: "Bob Agent" } })]);
    state = run(state, [entryFrame(1), entryFrame(2)]);
    expect(state.conversations.get("7")?.unread ?? 0).toBe(0);
  });

  it("a_live_conversation_frame_keeps_the_preview_and_unread_it_does_not_carry", () => {
    let state = greeted([conversationFrame({ unread: 4, preview: entry(1) }), entryFrame(1)]);
    state = reduce(state, conversationFrame({ state: "closed", last_seq: 2, closed_reason: "ended_by_agent" }), context);
    const c = state.conversations.get("7");
    expect([c?.state, c?.unread, c?.preview?.seq]).toEqual(["closed", 4, 1]);
  });

  it("offers_come_and_go_with_the_conversation_state_and_withdraw", () => {
    let state = greeted([offerFrame("8"), offerFrame("9")]);
    expect([...state.offers.keys()]).toEqual(["8", "9"]);
    state = reduce(state, offerFrame("9", { position: 1, last_seq: 2 }), context);
    state = reduce(state, { type: "conversation", ...conversation, id: "8", state: "active" }, context);
    expect([...state.offers.keys()], "accepted: no longer on offer").toEqual(["9"]);
    expect(state.conversations.get("8")?.position, "an active session has no queue position").toBeUndefined();
    state = reduce(state, { type: "withdraw", conversation: "9", by: { id: "3", display_name: "Bob Agent" } }, context);
    expect(state.offers.size).toBe(0);
    expect(state.withdrawals).toEqual([{ conversation: "9", customer: "Carol Customer", by: { id: "3", display_name: "Bob Agent" }, at: 1234 }]);
  });

  it("my_own_accept_is_no_withdrawal_and_only_the_last_few_are_kept", () => {
    let state = greeted([offerFrame("8")]);
    state = reduce(state, { type: "withdraw", conversation: "8", by: me }, context);
    expect(state.withdrawals).toEqual([]);
    for (let i = 0; i < MAX_WITHDRAWALS + 2; i += 1) state = reduce(state, { type: "withdraw", conversation: `x${i}` }, context);
    expect(state.withdrawals.map((w) => w.conversation)).toEqual(["x2", "x3", "x4", "x5", "x6"]);
    expect(state.withdrawals[0]?.customer, "the customer left: named as far as known").toBe("A customer");
  });

  it("typing_starts_stops_and_an_entry_of_the_typist_stops_it", () => {
    let state = greeted([conversationFrame()]);
    state = reduce(state, { type: "typing", conversation: "7", user: carol, active: true }, context);
    state = reduce(state, { type: "typing", conversation: "7", user: me, active: true }, context);
    expect(state.typing.get("7")?.map((u) => u.id)).toEqual(["5", "2"]);
    state = reduce(state, entryFrame(1), context);
    expect(state.typing.get("7")?.map((u) => u.id), "carol's entry ends her typing").toEqual(["2"]);
    state = reduce(state, { type: "typing", conversation: "7", user: me, active: false }, context);
    expect(state.typing.has("7")).toBe(false);
    const same = reduce(state, { type: "typing", conversation: "7", user: me, active: false }, context);
    expect(same, "stopping someone not typing changes nothing").toBe(state);
  });

  it("presence_is_kept_per_user", () => {
    let state = reduce(initialState(), { type: "presence", user: me, status: "away" }, context);
    state = reduce(state, { type: "presence", user: { id: "3", display_name: "Bob" }, status: "available" }, context);
    expect([...state.presence]).toEqual([
      ["2", "away"],
      ["3", "available"],
    ]);
  });

  it("acks_and_errors_leave_the_feed_alone", () => {
    const state = greeted([conversationFrame()]);
    expect(reduce(state, { type: "ack", ref: "c", conversation: "7", seq: 1 }, context)).toBe(state);
    expect(reduce(state, { type: "error", ref: "c", error: { code: "internal", message: "x" } }, context)).toBe(state);
  });

  it("ready_keeps_only_what_the_server_named_since_hello", () => {
    const before = greeted([conversationFrame(), entryFrame(1), conversationFrame({ id: "8" }), offerFrame("9"), offerFrame("10")]);
    const state = markRead(before, "8", 3);
    const after = greeted([conversationFrame(), offerFrame("10")], state);
    expect([...after.conversations.keys()].sort()).toEqual(["10", "7"]);
    expect([...after.offers.keys()]).toEqual(["10"]);
    expect([...after.positions.keys()].sort()).toEqual(["10", "7"]);
    expect(after.readMarks.has("8"), "the read mark of a conversation gone goes too").toBe(false);
    expect(seqs(after), "entries of a conversation still named stay").toEqual([1]);
    expect(after.catchUp).toBeNull();
  });

  it("live_means_after_ready_and_offers_new_since_a_disconnect_count_as_live", () => {
    const first = beginCatchUp(initialState());
    expect(isLive(first, offerFrame("8")), "the first hello of the page: already waiting").toBe(false);
    const state = greeted([offerFrame("8")]);
    expect(isLive(state, entryFrame(1)), "after ready everything is live").toBe(true);
    const again = socketLost(state);
    const catchUp = beginCatchUp(again);
    expect(isLive(catchUp, offerFrame("8")), "on offer before the disconnect").toBe(false);
    expect(isLive(catchUp, offerFrame("9")), "arrived while the link was down").toBe(true);
    expect(isLive(catchUp, entryFrame(1)), "replayed entries are not live").toBe(false);
  });

  it("a_lost_socket_clears_typing_and_the_catch_up", () => {
    let state = greeted([conversationFrame()]);
    state = reduce(state, { type: "typing", conversation: "7", user: carol, active: true }, context);
    state = socketLost(beginCatchUp(state));
    expect(state.typing.size).toBe(0);
    expect(state.catchUp).toBeNull();
    expect(state.conversations.has("7"), "what is known stays until the next ready").toBe(true);
  });

  it("a_change_of_rights_forgets_positions_entries_and_history", () => {
    const state = forgetHistory(greeted([conversationFrame(), entryFrame(1)]));
    expect([state.positions.size, state.entries.size, state.history.size]).toEqual([0, 0, 0]);
    expect(state.conversations.has("7")).toBe(true);
  });

  it("history_is_complete_from_seq_1_and_more_from_a_tail", () => {
    const whole = greeted([conversationFrame(), entryFrame(1), entryFrame(2)]);
    expect(whole.history.get("7")).toBe("complete");
    const tail = greeted([conversationFrame({ last_seq: 80 }), entryFrame(31), entryFrame(80)]);
    expect(tail.history.get("7")).toBe("more");
    expect(historyBefore(tail, "7")).toBe(31);
    expect(historyBefore(tail, "nothing"), "nothing held: nothing to page").toBeNull();
  });

  it("a_tail_holding_nothing_this_user_may_see_still_pages_back_from_the_end", () => {
    // A customer whose last 50 seqs are work notes: the tail brought the conversation, no entry.
    let state = beginCatchUp(initialState());
    state = reduce(state, { type: "conversation", ...conversation, last_seq: 4 }, context);
    state = reduce(state, { type: "ready" }, context);
    expect(state.entries.get("7") ?? []).toEqual([]);
    expect(state.history.get("7"), "Load earlier is offered").toBe("more");
    expect(historyBefore(state, "7"), "from the end of what this user may see").toBe(5);
    // A conversation with an empty log has nothing to page.
    let empty = beginCatchUp(initialState());
    empty = reduce(empty, { type: "conversation", ...conversation, last_seq: 0 }, context);
    empty = reduce(empty, { type: "ready" }, context);
    expect(empty.history.get("7")).toBeUndefined();
    expect(historyBefore(empty, "7")).toBeNull();
  });

  it("a_page_of_older_entries_goes_in_front_without_duplicates", () => {
    let state = greeted([conversationFrame({ last_seq: 80 }), entryFrame(30), entryFrame(31)]);
    state = historyLoading(state, "7");
    expect(state.history.get("7")).toBe("loading");
    state = prependPage(state, "7", [entry(29), entry(30), entry(27), entry(29)], 27);
    expect(seqs(state), "sorted, each once, nothing held twice").toEqual([27, 29, 30, 31]);
    expect(state.history.get("7")).toBe("more");
    expect(state.positions.get("7"), "the live position does not move").toBe(31);
    state = prependPage(historyLoading(state, "7"), "7", [], 12);
    expect(historyBefore(state, "7"), "a page of invisible entries moves the cursor below them").toBe(12);
    state = prependPage(historyLoading(state, "7"), "7", [entry(3)], null);
    expect(seqs(state)).toEqual([3, 27, 29, 30, 31]);
    expect(state.history.get("7"), "the start of the log").toBe("complete");
  });

  it("a_page_nobody_waits_for_any_more_is_dropped", () => {
    const state = greeted([conversationFrame({ last_seq: 80 }), entryFrame(31)]);
    expect(prependPage(state, "7", [entry(30)], 29), "not loading").toBe(state);
    const gone = greeted([], historyLoading(state, "7"));
    expect(prependPage(gone, "7", [entry(30)], 29).entries.has("7"), "the conversation went at ready meanwhile").toBe(false);
  });

  it("a_failed_page_leaves_more", () => {
    const state = historyLoading(greeted([conversationFrame({ last_seq: 80 }), entryFrame(31)]), "7");
    expect(historyFailed(state, "7").history.get("7")).toBe("more");
  });

  it("a_frame_read_before_an_accepts_answer_does_not_put_the_session_back_in_the_queue", () => {
    // A long `hello`: the offer's state was read before alice pressed Accept, and its frame
    // comes after the Accept's answer (the joined entry and the greeting: last_seq 3).
    const { assignee: _none, ...waiting } = conversation;
    let state = run(beginCatchUp(initialState()), [offerFrame("7", { assignee: undefined as never, last_seq: 1 })]);
    state = applyConversation(state, { ...conversation, last_seq: 3, accepted_at: "2026-01-01T10:01:00.000Z" });
    expect(state.offers.has("7"), "taken: no longer on offer").toBe(false);
    state = run(state, [
      { type: "conversation", ...waiting, state: "queued", position: 1, last_seq: 1 },
      { type: "offer", conversation: { ...waiting, state: "queued", position: 1, last_seq: 1 } },
      entryFrame(1),
      { type: "ready" },
    ]);
    const held = state.conversations.get("7");
    expect(held?.state, "still active: the older frame is dropped").toBe("active");
    expect(held?.assignee, "still alice's").toEqual(me);
    expect(held?.last_seq).toBe(3);
    expect(state.offers.has("7"), "and not offered again").toBe(false);
    // One of the same last_seq is as new (a warning's countdown): taken.
    state = reduce(state, conversationFrame({ last_seq: 3, closes_in_seconds: 60 }), context);
    expect(state.conversations.get("7")?.closes_in_seconds).toBe(60);
    state = reduce(state, conversationFrame({ state: "closed", last_seq: 4 }), context);
    expect(state.conversations.get("7")?.state).toBe("closed");
  });

  it("after_a_change_of_rights_each_conversations_next_frame_is_taken_even_with_a_lower_last_seq", () => {
    // An ITIL holder saw a work note at seq 10; the role is gone and seq 9 is the last they see.
    let state = greeted([conversationFrame({ last_seq: 10 }), entryFrame(10, { kind: "work_note" })]);
    state = forgetHistory(socketLost(state));
    state = greeted([conversationFrame({ last_seq: 9 }), entryFrame(9)], state);
    expect(state.conversations.get("7")?.last_seq, "read anew").toBe(9);
    state = reduce(state, conversationFrame({ last_seq: 8, state: "closed" }), context);
    expect(state.conversations.get("7")?.state, "and from then on an older frame is dropped again").toBe("active");
  });

  it("a_conversation_learnt_over_http_is_known_with_position_0", () => {
    const state = applyConversation(initialState(), { ...conversation, id: "8", last_seq: 4 });
    expect(state.positions.get("8")).toBe(0);
    expect(state.conversations.get("8")?.last_seq).toBe(4);
  });

  it("a_session_back_from_its_agent_is_offered_again_with_who_it_came_from", () => {
    const bob = { id: "3", display_name: "Bob Agent" };
    let state = greeted([conversationFrame({ assignee: bob, state: "active", last_seq: 4 })]);
    const { assignee: _gone, ...back } = { ...conversation, assignee: bob };
    state = reduce(state, { type: "offer", conversation: { ...back, state: "queued", position: 1, last_seq: 5, returned_from: bob, returned_at: "2026-01-01T10:05:00.000Z" } }, context);
    expect(state.offers.get("7")?.returned_from, "the offer says whose it was").toEqual(bob);
    expect(state.conversations.get("7")?.assignee, "no assignee while queued").toBeUndefined();
    state = reduce(state, conversationFrame({ state: "active", last_seq: 6 }), context);
    expect(state.offers.size, "accepted: no longer on offer").toBe(0);
    expect(state.conversations.get("7")?.returned_from, "no longer queued: nothing returned about it").toBeUndefined();
  });

  it("returned_is_a_notice_once_per_return_not_for_the_agent_who_left", () => {
    const bob = { id: "3", display_name: "Bob Agent" };
    const returned = (id: string, at: string, from = bob): ServerFrame => {
      const { assignee: _a, ...queued } = conversation;
      return { type: "returned", conversation: { ...queued, id, state: "queued", position: 1, returned_from: from, returned_at: at } };
    };
    let state = greeted([]);
    state = reduce(state, returned("7", "2026-01-01T10:05:00.000Z"), context);
    state = reduce(state, returned("7", "2026-01-01T10:05:00.000Z"), context);
    expect(state.returns, "told twice, one notice").toEqual([{ key: "7@2026-01-01T10:05:00.000Z", conversation: "7", customer: "Carol Customer", from: "Bob Agent", at: "2026-01-01T10:05:00.000Z" }]);
    expect(state.conversations.has("7"), "a manager is told, not given the conversation").toBe(false);
    state = reduce(state, returned("7", "2026-01-01T10:09:00.000Z"), context);
    expect(state.returns.map((r) => r.key), "back again later: its notice says the last return, not a second banner").toEqual(["7@2026-01-01T10:09:00.000Z"]);
    state = reduce(state, returned("8", "2026-01-01T10:10:00.000Z", me), context);
    expect(state.returns.map((r) => r.conversation), "my own hand-back is no news to me").toEqual(["7"]);
    state = dismissReturn(state, "7@2026-01-01T10:09:00.000Z");
    expect(state.returns, "dismissed").toEqual([]);
    for (let i = 0; i < MAX_RETURNS + 2; i += 1) state = reduce(state, returned(`x${i}`, "2026-01-01T11:00:00.000Z"), context);
    expect(state.returns.length, "only the last few are kept").toBe(MAX_RETURNS);
  });

  it("a_returned_notice_goes_once_its_session_waits_no_more", () => {
    const bob = { id: "3", display_name: "Bob Agent" };
    const { assignee: _a, ...queued } = conversation;
    const back = (id: string): Conversation => ({ ...queued, id, state: "queued", position: 1, returned_from: bob, returned_at: "2026-01-01T10:05:00.000Z" });
    let state = greeted([]);
    for (const id of ["accepted", "left", "closed", "waiting"]) {
      state = reduce(state, { type: "offer", conversation: back(id) }, context);
      state = reduce(state, { type: "returned", conversation: back(id) }, context);
    }
    expect(state.returns.map((r) => r.conversation)).toEqual(["accepted", "left", "closed", "waiting"]);
    state = reduce(state, { type: "withdraw", conversation: "accepted", by: { id: "4", display_name: "Dana Agent" } }, context);
    expect(state.returns.map((r) => r.conversation), "accepted by a colleague").toEqual(["left", "closed", "waiting"]);
    state = reduce(state, { type: "withdraw", conversation: "left" }, context);
    expect(state.returns.map((r) => r.conversation), "the customer left the queue").toEqual(["closed", "waiting"]);
    state = reduce(state, { type: "conversation", ...back("closed"), state: "closed" }, context);
    expect(state.returns.map((r) => r.conversation), "closed").toEqual(["waiting"]);
    state = reduce(state, { type: "conversation", ...back("waiting") }, context);
    expect(state.returns.map((r) => r.conversation), "still waiting: the notice stays").toEqual(["waiting"]);
  });

  it("returned_updates_a_conversation_this_client_holds", () => {
    const bob = { id: "3", display_name: "Bob Agent" };
    let state = greeted([conversationFrame({ assignee: bob, last_seq: 4 })]);
    const { assignee: _a, ...queued } = conversation;
    state = reduce(state, { type: "returned", conversation: { ...queued, state: "queued", position: 1, last_seq: 5, returned_from: bob, returned_at: "2026-01-01T10:05:00.000Z" } }, context);
    expect(state.conversations.get("7")?.state).toBe("queued");
    expect(state.conversations.get("7")?.assignee).toBeUndefined();
  });
});
