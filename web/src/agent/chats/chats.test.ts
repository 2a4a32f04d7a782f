import { describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, chat, conversation, DANA } from "../../shared/fixtures";
import { startedAt } from "../../shared/format";
import { chatPartner, chatTitle, invitedText, isInvitedTo, mayCreateIncident, mayInvite, membersText, newChatProblem, newChatRequest, onlyInvited } from "./chats";
import { dismissLabels, goneText } from "./GoneNotices";

const me = ALICE.id;

describe("what a chat is called", () => {
  it.each([
    ["a direct chat: the colleague", chat("k1", [BOB]), "Bob Agent"],
    ["a group: its title", chat("k2", [BOB, DANA], { title: "Printers" }), "Printers"],
    ["members not known yet", { ...chat("k3", []), members: [] }, "Chat"],
  ])("%s", (_case, conversation, title) => {
    expect(chatTitle(conversation, me)).toBe(title);
  });

  it("the_partner_of_a_direct_chat_is_the_other_member", () => {
    expect(chatPartner(chat("k1", [BOB]), me)).toEqual(BOB);
    expect(chatPartner(chat("k1", [BOB]), BOB.id), "seen from Bob").toEqual({ id: ALICE.id, display_name: ALICE.display_name });
    expect(chatPartner(chat("k2", [BOB, DANA], { title: "Printers" }), me), "a group has none").toBeNull();
  });

  it("members_text_names_the_others_first_and_counts_the_rest", () => {
    expect(membersText(chat("k2", [BOB, DANA], { title: "P" }), me)).toBe("Bob Agent, Dana Manager and you");
    const many = chat("k3", [BOB, DANA, { id: "u-x", display_name: "Xena" }, { id: "u-y", display_name: "Yann" }], { title: "P" });
    expect(membersText(many, me)).toBe("Bob Agent, Dana Manager, Xena and 2 more");
  });
});

describe("invitations", () => {
  const invitedAlice = conversation("c1", CAROL, { assignee: BOB, invited: [{ id: ALICE.id, display_name: ALICE.display_name }] });

  it("invited_to_an_active_session_not_mine", () => {
    expect(isInvitedTo(invitedAlice, me)).toBe(true);
    expect(isInvitedTo({ ...invitedAlice, state: "closed" }, me), "closed: nothing to help with").toBe(false);
    expect(isInvitedTo(conversation("c1", CAROL), me), "my own session").toBe(false);
  });

  it("the_assignee_or_a_manager_may_invite_while_the_session_is_active", () => {
    const bobs = conversation("c1", CAROL, { assignee: BOB });
    expect(mayInvite(conversation("c1", CAROL), ALICE), "the assignee").toBe(true);
    expect(mayInvite(bobs, ALICE), "an agent, not the assignee").toBe(false);
    expect(mayInvite(bobs, { id: DANA.id, roles: ["manager"] }), "a manager").toBe(true);
    expect(mayInvite(bobs, { id: "u-admin", roles: ["admin"] }), "an admin").toBe(true);
    expect(mayInvite({ ...conversation("c1", CAROL), state: "queued" }, ALICE), "queued").toBe(false);
    expect(mayInvite(chat("k1", [BOB]), ALICE), "a chat takes no invitation").toBe(false);
  });

  it("only_invited_is_who_sees_the_session_through_the_invitation_alone", () => {
    const worked = ["q-hr"];
    expect(onlyInvited(invitedAlice, ALICE, worked), "invited, another queue's agent").toBe(true);
    expect(onlyInvited(invitedAlice, ALICE, []), "the queues not known yet").toBe(true);
    expect(onlyInvited(invitedAlice, ALICE, ["q-hr", "q-itsd"]), "staff of the session's queue").toBe(false);
    expect(onlyInvited({ ...invitedAlice, invited: [{ id: DANA.id, display_name: DANA.display_name }] }, { id: DANA.id, roles: ["manager"] }, []), "a manager").toBe(false);
    expect(onlyInvited({ ...invitedAlice, invited: [{ id: "u-admin", display_name: "Admin" }] }, { id: "u-admin", roles: ["admin"] }, []), "an admin").toBe(false);
    expect(onlyInvited(conversation("c1", CAROL, { invited: [BOB] }), ALICE, []), "the assignee").toBe(false);
    expect(onlyInvited(conversation("c1", CAROL, { assignee: BOB }), ALICE, worked), "not invited").toBe(false);
  });

  it("create_incident_is_for_support_sessions_not_for_who_only_helps", () => {
    expect(mayCreateIncident(invitedAlice, ALICE, ["q-hr"])).toBe(false);
    expect(mayCreateIncident(invitedAlice, ALICE, ["q-itsd"])).toBe(true);
    expect(mayCreateIncident(conversation("c1", CAROL), ALICE, [])).toBe(true);
    expect(mayCreateIncident(chat("k1", [BOB]), ALICE, ["q-itsd"]), "a chat").toBe(false);
  });

  it("invited_text_lists_who_helps", () => {
    expect(invitedText(conversation("c1", CAROL, { invited: [BOB, DANA] }))).toBe("Invited: Bob Agent, Dana Manager");
    expect(invitedText(conversation("c1", CAROL))).toBeNull();
    expect(invitedText(conversation("c1", CAROL, { invited: [] }))).toBeNull();
  });
});

describe("the New chat form", () => {
  it.each([
    ["nobody", [], "", "people"],
    ["two without a name", [BOB, DANA], " ", "title"],
    ["a name too long", [BOB], "x".repeat(101), "title"],
  ] as const)("refuses_%s", (_case, members, title, field) => {
    expect(newChatProblem(members, title)?.field).toBe(field);
  });

  it.each([
    ["one colleague", [BOB], ""],
    ["one colleague and a name", [BOB], "Printers"],
    ["two and a name", [BOB, DANA], "Printers"],
  ] as const)("takes_%s", (_case, members, title) => {
    expect(newChatProblem(members, title)).toBeNull();
  });

  it("sends_the_title_trimmed_and_only_when_given", () => {
    expect(newChatRequest([BOB], "  ")).toEqual({ members: [BOB.id] });
    expect(newChatRequest([BOB, DANA], " Printers ")).toEqual({ members: [BOB.id, DANA.id], title: "Printers" });
  });
});

describe("notices of conversations gone", () => {
  const NOW = Date.parse("2026-11-30T12:00:00Z");
  const nine = startedAt("2026-11-30T09:00:00Z", NOW);
  const invited = [{ id: ALICE.id, display_name: ALICE.display_name }];
  it.each([
    ["an invitation ended", conversation("c1", CAROL, { assignee: BOB, invited }), `Your invitation to Carol Customer's session ended (started ${nine}: “My VPN drops every few minutes.”).`],
    ["a session of mine handed on", conversation("c1", CAROL), `Carol Customer's session is no longer yours (started ${nine}: “My VPN drops every few minutes.”).`],
    ["a session seen as staff of its queue", conversation("c1", CAROL, { assignee: BOB }), `Carol Customer's session is no longer available to you (started ${nine}: “My VPN drops every few minutes.”).`],
    ["a group left", chat("k2", [BOB], { title: "Printers" }), "You are no longer in the group chat “Printers”."],
    ["a direct chat", chat("k1", [BOB]), "The chat with Bob Agent is no longer available to you."],
  ])("%s", (_case, conversation, text) => {
    expect(goneText(conversation, me, NOW)).toBe(text);
  });

  it("two_sessions_of_one_customer_read_apart_by_start_and_first_message", () => {
    const invited = [{ id: ALICE.id, display_name: ALICE.display_name }];
    const morning = conversation("c1", CAROL, { assignee: BOB, invited });
    const later = conversation("c2", CAROL, { assignee: BOB, invited, created_at: "2026-11-30T11:15:00Z", first_message: "Printer on floor 3 is jammed" });
    expect(goneText(morning, me, NOW)).not.toBe(goneText(later, me, NOW));
    expect(goneText(later, me, NOW)).toBe(`Your invitation to Carol Customer's session ended (started ${startedAt(later.created_at, NOW)}: “Printer on floor 3 is jammed”).`);
  });

  it("a_long_first_message_is_cut_and_none_leaves_the_start_alone", () => {
    const long = conversation("c1", CAROL, { assignee: BOB, first_message: `My   VPN\n${"drops ".repeat(20)}` });
    const text = goneText(long, me, NOW);
    expect(text).toMatch(/“My VPN drops drops .*…”\)\.$/);
    expect(Array.from(/“(.*)”/.exec(text)?.[1] ?? "").length).toBeLessThanOrEqual(60);
    const { first_message: _none, ...silent } = conversation("c1", CAROL, { assignee: BOB, invited: [{ id: ALICE.id, display_name: ALICE.display_name }] });
    expect(goneText(silent, me, NOW)).toBe(`Your invitation to Carol Customer's session ended (started ${nine}).`);
  });

  it("dismiss_labels_are_unique_even_for_notices_alike", () => {
    expect(dismissLabels(["A.", "B.", "A.", "A."])).toEqual(["Dismiss: A.", "Dismiss: B.", "Dismiss: A. (2)", "Dismiss: A. (3)"]);
  });
});
