import { describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, chat, conversation, IVAN } from "../../shared/fixtures";
import type { Conversation } from "../../shared/wire";
import { sidebarSections, unreadIn } from "./groups";

const at = (minute: number) => `2026-11-30T09:${String(minute).padStart(2, "0")}:00Z`;
const record = (id: string, unread = 0): Conversation => ({ ...conversation(id, CAROL, { unread }), kind: "record", record: { incident: `i-${id}`, number: "INC0010001", short_description: "VPN", state: "new" } });

describe("sidebarSections", () => {
  const all: Conversation[] = [
    conversation("mine", CAROL, { unread: 2, created_at: at(1) }),
    conversation("bobs", IVAN, { assignee: BOB, created_at: at(2) }),
    conversation("helping", IVAN, { assignee: BOB, invited: [{ id: ALICE.id, display_name: ALICE.display_name }], created_at: at(3) }),
    conversation("over", CAROL, { state: "closed", created_at: at(4) }),
    chat("direct", [BOB], { unread: 1, created_at: at(5) }),
    chat("group", [BOB], { title: "Printers", unread: 4, created_at: at(6) }),
    record("rec", 3),
    record("unfollowed", 9),
  ];
  const sections = sidebarSections(all, ALICE.id, new Set(["unfollowed"]));

  it("puts_each_conversation_in_the_section_of_its_kind_newest_first", () => {
    expect(sections.support.map((c) => c.id), "mine and the one I help with, not a colleague's").toEqual(["helping", "mine"]);
    expect(sections.chats.map((c) => c.id)).toEqual(["group", "direct"]);
    expect(sections.records.map((c) => c.id), "an unfollowed record is not listed").toEqual(["rec"]);
    expect(sections.closed.map((c) => c.id)).toEqual(["over"]);
  });

  it("counts_each_sections_unread", () => {
    expect([unreadIn(sections.support), unreadIn(sections.chats), unreadIn(sections.records)]).toEqual([2, 5, 3]);
  });
});
