// @vitest-environment jsdom
/**
 * The Connect sidebar by kind: Support sessions (mine and those I help with), Chats, Followed
 * records, each with its own unread total in its name; a chat's colleague presence and typing;
 * folding a section; New chat; a conversation gone goes from the list.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, BOB, CAROL, chat, conversation, DANA, IVAN } from "../../shared/fixtures";
import type { Connection } from "../../shared/socket";
import { connectedForTest, type FakeSocket } from "../../shared/socket.fakes";
import { connection, foldedSections, miniWindows, queues, sidebarCollapsed } from "../state";
import { ConnectSidebar } from "./ConnectSidebar";

let socket: Connection;
let server: FakeSocket;

beforeEach(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  const feed = connectedForTest(ALICE.id);
  socket = feed.connection;
  server = feed.socket;
  connection.value = socket;
  queues.value = [];
  sidebarCollapsed.value = false;
  foldedSections.value = new Set();
  vi.stubGlobal("fetch", vi.fn(async () => new Response("[]", { status: 200, headers: { "Content-Type": "application/json" } })));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
  miniWindows.value = [];
});

function holdAll() {
  socket.noteConversation(conversation("c1", CAROL, { unread: 2 }));
  // Bob's session; Alice is invited to help.
  socket.noteConversation(conversation("c2", IVAN, { assignee: BOB, invited: [{ id: ALICE.id, display_name: ALICE.display_name }] }));
  socket.noteConversation(chat("k1", [BOB], { unread: 3 }));
  socket.noteConversation(chat("k2", [BOB, DANA], { title: "Printers", unread: 1 }));
  socket.noteConversation({ ...conversation("r1", CAROL, { unread: 1 }), kind: "record", record: { incident: "i1", number: "INC0010001", short_description: "VPN drops", state: "new" } });
}

describe("ConnectSidebar sections", () => {
  it("groups_conversations_by_kind_each_with_its_unread_total", () => {
    holdAll();
    render(<ConnectSidebar user={ALICE} />);
    const support = screen.getByRole("region", { name: "Support sessions, 2 unread" });
    const chats = screen.getByRole("region", { name: "Chats, 4 unread" });
    const records = screen.getByRole("region", { name: "Followed records, 1 unread" });
    expect(within(support).getAllByRole("button", { name: /Customer/ }).map((b) => b.textContent?.split("Active")[0]), "mine and the one I help with").toHaveLength(2);
    expect(within(support).getByRole("button", { name: /^Ivan Customer/ }).textContent, "whose session I help with").toContain("helping Bob Agent");
    expect(within(chats).getByRole("button", { name: /^Bob Agent/ }).textContent).toContain("3 unread");
    expect(within(chats).getByRole("button", { name: /^Printers/ }).textContent, "a group: its title and size").toContain("Group · 3 people");
    expect(within(records).getByRole("button", { name: /^INC0010001/ })).toBeTruthy();
    expect(within(chats).queryByRole("button", { name: /Customer/ }), "no session among the chats").toBeNull();
    expect(screen.getByText("7 unread", { selector: ".connect-sidebar__head .badge" }), "the total counts every section").toBeTruthy();
  });

  it("a_section_without_unread_is_named_by_its_title_only", () => {
    socket.noteConversation(chat("k1", [BOB]));
    render(<ConnectSidebar user={ALICE} />);
    expect(screen.getByRole("region", { name: "Chats" })).toBeTruthy();
    expect(screen.getByRole("region", { name: "Support sessions" }).textContent).toContain("No sessions yet.");
  });

  it("a_direct_chat_shows_the_colleagues_presence_and_who_is_typing", async () => {
    socket.noteConversation(chat("k1", [BOB], { preview: { conversation: "k1", seq: 1, kind: "comment", author: BOB, body: "Lunch?", at: "2026-11-30T09:01:00Z" } }));
    const view = render(<ConnectSidebar user={ALICE} />);
    const item = () => screen.getByRole("button", { name: /^Bob Agent/ });
    expect(item().textContent, "presence not known yet: no guess").not.toMatch(/Available|Away|Offline/);
    expect(item().textContent).toContain("Bob: Lunch?");
    server.receive({ type: "presence", user: BOB, status: "away" });
    server.receive({ type: "typing", conversation: "k1", user: BOB, active: true });
    view.rerender(<ConnectSidebar user={ALICE} />);
    await waitFor(() => expect(item().textContent, "in words, not colour alone").toContain("Away"));
    expect(item().textContent).toContain("Bob Agent is typing…");
  });

  it("folding_a_section_hides_its_items_and_keeps_its_unread_in_its_name", async () => {
    holdAll();
    render(<ConnectSidebar user={ALICE} />);
    const fold = screen.getByRole("button", { name: "Chats, 4 unread" });
    expect(fold.getAttribute("aria-expanded")).toBe("true");
    fireEvent.click(fold);
    await waitFor(() => expect(fold.getAttribute("aria-expanded")).toBe("false"));
    expect(screen.queryByRole("button", { name: /^Printers/ }), "folded: its items are hidden").toBeNull();
    expect(screen.getByRole("region", { name: "Chats, 4 unread" }), "still says what waits in it").toBeTruthy();
    fireEvent.click(fold);
    await waitFor(() => expect(screen.getByRole("button", { name: /^Printers/ })).toBeTruthy());
  });

  it("new_chat_opens_the_dialog_and_closing_it_brings_the_focus_back", async () => {
    render(<ConnectSidebar user={ALICE} />);
    const button = screen.getByRole("button", { name: "New chat" });
    fireEvent.click(button);
    const dialog = await screen.findByRole("dialog", { name: "New chat" });
    expect(document.activeElement, "the colleague search takes the focus").toBe(within(dialog).getByRole("combobox", { name: "Colleagues" }));
    // jsdom has no dialog.close(): the close event is what the browser sends after Cancel.
    dialog.dispatchEvent(new Event("close"));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "New chat" })).toBeNull());
    expect(document.activeElement).toBe(button);
  });

  it("a_conversation_gone_leaves_the_list", async () => {
    holdAll();
    render(<ConnectSidebar user={ALICE} />);
    server.receive({ type: "gone", conversation: "c2" });
    server.receive({ type: "gone", conversation: "k2" });
    await waitFor(() => expect(screen.queryByRole("button", { name: /^Ivan Customer/ })).toBeNull());
    expect(screen.queryByRole("button", { name: /^Printers/ })).toBeNull();
    expect(screen.getByRole("region", { name: "Chats, 3 unread" }), "the total follows").toBeTruthy();
  });

  it("the_rail_lists_chats_with_their_badges", () => {
    socket.noteConversation(chat("k2", [BOB, DANA], { title: "Printers", unread: 1 }));
    sidebarCollapsed.value = true;
    render(<ConnectSidebar user={ALICE} />);
    expect(screen.getByRole("button", { name: "Printers, group chat, 1 unread" })).toBeTruthy();
  });
});
