import { describe, expect, it } from "vitest";
import type { Conversation } from "../shared/wire";
import { activeWithMe, inQueueOrder, nextMode, returnedText, sidebarGroups, workNoteAudience } from "./sessions";

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
    expect(returnedText(all[1] as Conversation)).toBe("Back in the queue: Carol Customer — Bob Agent had to leave");
    expect(returnedText(all[0] as Conversation), "a new session is no return").toBeNull();
  });
});
