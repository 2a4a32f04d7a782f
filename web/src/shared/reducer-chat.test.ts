/** The reducer and Connect Chat: chats count unread for their members, `gone` drops a conversation, presence read over HTTP. */
import { describe, expect, it } from "vitest";
import { beginCatchUp, dismissDeparture, initialState, MAX_DEPARTURES, reduce, seedPresence, takesPart, type FeedState } from "./reducer";
import type { Conversation, Entry, ServerFrame, UserRef } from "./wire";

const alice: UserRef = { id: "2", display_name: "Alice Agent" };
const bob: UserRef = { id: "3", display_name: "Bob Agent" };
const dana: UserRef = { id: "4", display_name: "Dana Manager" };
const carol: UserRef = { id: "5", display_name: "Carol Customer" };
const context = { me: bob.id, now: 5000 };

const direct: Conversation = { id: "20", kind: "chat", state: "active", members: [alice, bob], last_seq: 0, created_at: "2026-01-12T09:00:00.000Z" };
const group: Conversation = { ...direct, id: "21", title: "Printers", members: [alice, bob, dana] };
const invitedSession: Conversation = {
  id: "7",
  kind: "support",
  state: "active",
  queue: "1",
  customer: carol,
  assignee: alice,
  invited: [bob],
  last_seq: 3,
  created_at: "2026-01-12T09:30:00.000Z",
};

function entry(conversation: string, seq: number, author: UserRef, fields: Partial<Entry> = {}): ServerFrame {
  return { type: "entry", conversation, seq, kind: "comment", author, body: `message ${seq}`, at: "2026-01-12T09:31:00.000Z", ...fields };
}

function run(state: FeedState, frames: ServerFrame[]): FeedState {
  return frames.reduce((s, f) => reduce(s, f, context), state);
}

function greeted(frames: ServerFrame[]): FeedState {
  return run(beginCatchUp(initialState()), [...frames, { type: "ready" }]);
}

describe("chats in the feed", () => {
  it("a_member_counts_unread_in_a_chat_but_not_their_own_messages", () => {
    const state = run(greeted([]), [{ type: "conversation", ...direct }, entry("20", 1, alice), entry("20", 2, alice), entry("20", 3, bob)]);
    const chat = state.conversations.get("20");
    expect(chat?.unread, "alice's two messages, not bob's own").toBe(2);
    expect(chat?.preview?.seq, "the newest entry is the preview").toBe(3);
    expect(chat?.members?.map((m) => m.display_name)).toEqual(["Alice Agent", "Bob Agent"]);
  });

  it("takes_part_in_chats_and_in_a_session_invited_to_but_not_in_a_colleagues_session", () => {
    expect(takesPart(direct, bob.id), "a chat").toBe(true);
    expect(takesPart(invitedSession, bob.id), "invited: the server counts their unread").toBe(true);
    expect(takesPart(invitedSession, alice.id), "the assignee").toBe(true);
    expect(takesPart(invitedSession, dana.id), "neither assignee nor invited").toBe(false);
  });

  it("an_invited_colleague_counts_what_arrives_after_the_invitation", () => {
    const state = run(greeted([{ type: "conversation", ...invitedSession }]), [entry("7", 4, carol), entry("7", 5, alice, { kind: "work_note" })]);
    expect(state.conversations.get("7")?.unread).toBe(2);
  });

  it("news_of_a_chat_the_user_is_no_longer_in_does_not_list_it_again", () => {
    const held = run(greeted([]), [{ type: "conversation", ...group }, entry("21", 1, alice)]);
    // Crossed bob's leaving: the frame names the members without him.
    const after = reduce(held, { type: "conversation", ...group, members: [alice, dana], last_seq: 2 }, context);
    expect(after.conversations.has("21")).toBe(false);
    expect(after.positions.has("21"), "nor asked for again").toBe(false);
  });

  it("a_member_added_keeps_the_preview_and_unread_the_live_frame_does_not_carry", () => {
    const before = run(greeted([]), [{ type: "conversation", ...group }, entry("21", 1, alice)]);
    const carla = { id: "9", display_name: "Carla Agent" };
    const after = reduce(before, { type: "conversation", ...group, members: [...(group.members ?? []), carla], last_seq: 2 }, context);
    const chat = after.conversations.get("21");
    expect(chat?.members?.map((m) => m.id)).toEqual(["2", "3", "4", "9"]);
    expect(chat?.unread).toBe(1);
    expect(chat?.preview?.seq).toBe(1);
    expect(chat?.title).toBe("Printers");
  });
});

describe("gone", () => {
  const held = () => run(greeted([{ type: "conversation", ...invitedSession }, entry("7", 3, alice, { kind: "work_note" })]), [{ type: "typing", conversation: "7", user: alice, active: true }]);

  it("drops_the_conversation_its_entries_position_and_typing", () => {
    const state = reduce(held(), { type: "gone", conversation: "7" }, context);
    expect(state.conversations.has("7"), "no longer listed").toBe(false);
    expect(state.entries.has("7"), "its entries go").toBe(false);
    expect(state.positions.has("7"), "the next hello does not name it").toBe(false);
    expect(state.typing.has("7")).toBe(false);
  });

  it("keeps_a_notice_with_the_conversation_as_it_was_until_dismissed", () => {
    const state = reduce(held(), { type: "gone", conversation: "7" }, context);
    expect(state.departures).toEqual([{ conversation: expect.objectContaining({ id: "7", customer: carol, invited: [bob] }), at: 5000 }]);
    expect(dismissDeparture(state, "7").departures).toEqual([]);
    expect(dismissDeparture(state, "nope"), "nothing to dismiss: the same state").toBe(state);
  });

  it("a_conversation_not_held_gets_no_notice", () => {
    const state = greeted([]);
    const after = reduce(state, { type: "gone", conversation: "99" }, context);
    expect(after.departures).toEqual([]);
  });

  it("gone_during_a_catch_up_is_not_brought_back_by_ready", () => {
    let state = beginCatchUp(held());
    state = run(state, [{ type: "conversation", ...invitedSession }, { type: "gone", conversation: "7" }, { type: "ready" }]);
    expect(state.conversations.has("7")).toBe(false);
    expect(state.departures.map((d) => d.conversation.id)).toEqual(["7"]);
  });

  it("only_the_last_few_notices_are_kept", () => {
    let state = greeted([]);
    for (let n = 0; n < MAX_DEPARTURES + 2; n += 1) {
      state = run(state, [{ type: "conversation", ...direct, id: `c${n}` }, { type: "gone", conversation: `c${n}` }]);
    }
    expect(state.departures.map((d) => d.conversation.id)).toEqual(["c2", "c3", "c4", "c5", "c6"]);
  });

  it("a_stray_entry_after_gone_lists_nothing", () => {
    // A stray entry after `gone` (pushed before it was decided) has no conversation: nothing lists it.
    const state = run(reduce(held(), { type: "gone", conversation: "7" }, context), [entry("7", 4, alice, { kind: "work_note" })]);
    expect(state.conversations.has("7")).toBe(false);
  });
});

describe("seedPresence", () => {
  it("takes_presence_read_over_http_only_for_people_not_reported_live", () => {
    const live = reduce(initialState(), { type: "presence", user: alice, status: "away" }, context);
    const seeded = seedPresence(live, [
      { id: alice.id, status: "available" },
      { id: dana.id, status: "offline" },
    ]);
    expect(seeded.presence.get(alice.id), "the frame is newer than the list").toBe("away");
    expect(seeded.presence.get(dana.id)).toBe("offline");
    expect(seedPresence(seeded, [{ id: dana.id, status: "available" }]), "nothing new: the same state").toBe(seeded);
  });
});
