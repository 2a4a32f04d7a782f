import { describe, expect, it } from "vitest";
import type { Conversation } from "../shared/wire";
import { CAROL, conversation } from "../shared/fixtures";
import { activeWithMe, inQueueOrder, nextMode, recordsOf, returnedText, sidebarGroups, workNoteAudience } from "./sessions";

const alice = { id: "2", display_name: "Alice Agent" };
const bob = { id: "3", display_name: "Bob Agent" };
const session = (id: string, state: Conversation["state"], assignee = alice): Conversation => ({
  id,
  kind: "support",
  state,
  queue: "1",
  customer: { id: "5", display_name: "Carol Customer" },
  assignee,
  last_seq: 1,
  created_at: `2026-01-01T10:00:0${id}.000Z`,
});

describe("agent sessions", () => {
  it("my_sessions_are_only_those_assigned_to_me", () => {
    const all = [session("1", "active"), session("2", "active", bob), session("3", "queued"), session("4", "closed", bob), session("5", "closed")];
    const { mine, closed } = sidebarGroups(all, alice.id);
    expect(mine.map((c) => c.id), "a colleague's watched session is not mine").toEqual(["1"]);
    expect(closed.map((c) => c.id), "closed ones stay under Recently closed, newest first").toEqual(["5", "4"]);
    expect(activeWithMe(all, "1", alice.id)).toBe(1);
    expect(activeWithMe(all, "1", bob.id)).toBe(1);
  });

  it("gaining_the_right_to_comment_never_turns_a_work_note_into_a_comment", () => {
    expect(nextMode("work_note", true), "transferred to me while writing a note: still a note").toBe("work_note");
    expect(nextMode("comment", true)).toBe("comment");
    expect(nextMode("comment", false), "no longer the assignee: Work Note").toBe("work_note");
  });

  it("the_work_note_audience_names_an_itil_customer", () => {
    expect(workNoteAudience("Ivan Customer", true)).toBe("agents and Ivan Customer (ITIL) see it");
    expect(workNoteAudience("Carol Customer", false)).toBe("agents only");
    expect(workNoteAudience("Carol Customer", null)).toMatch(/ITIL/);
  });

  it("the_queue_order_puts_sessions_back_from_an_agent_first_the_longest_back_first", () => {
    const waiting = (id: string, created: string, back?: string): Conversation => {
      const { assignee: _a, ...queued } = session(id, "queued");
      return { ...queued, created_at: created, ...(back === undefined ? {} : { returned_from: bob, returned_at: back }) };
    };
    const all = [
      waiting("new-late", "2026-01-01T10:05:00.000Z"),
      waiting("back-late", "2026-01-01T09:00:00.000Z", "2026-01-01T10:09:00.000Z"),
      waiting("new-early", "2026-01-01T10:01:00.000Z"),
      waiting("back-early", "2026-01-01T09:30:00.000Z", "2026-01-01T10:02:00.000Z"),
    ];
    expect([...all].sort(inQueueOrder).map((c) => c.id)).toEqual(["back-early", "back-late", "new-early", "new-late"]);
    expect(returnedText(all[1] as Conversation)).toBe("Back in the queue: Carol Customer — was with Bob Agent");
    expect(returnedText(all[0] as Conversation), "a new session is no return").toBeNull();
  });
});

describe("Records", () => {
  const record = (id: string, at: string): Conversation => ({
    id,
    kind: "record",
    state: "active",
    last_seq: 1,
    created_at: at,
    record: { incident: `i-${id}`, number: `INC00${id}`, short_description: "Dock", state: "new" },
  });

  it("lists_the_records_held_newest_first_but_not_those_known_not_followed", () => {
    const all = [record("r1", "2026-11-30T09:00:00Z"), record("r2", "2026-11-30T10:00:00Z"), conversation("c1", CAROL)];
    expect(recordsOf(all).map((c) => c.id)).toEqual(["r2", "r1"]);
    expect(recordsOf(all, new Set(["r2"])).map((c) => c.id), "unfollowed, or only looked at").toEqual(["r1"]);
  });
});
