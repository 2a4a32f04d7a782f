// @vitest-environment jsdom
/**
 * Focus and reading in the dock: a mini window brought back by a reload takes the focus like a
 * freshly opened one (so what arrives in it is read), without taking it from where the agent put
 * it; opening a chat from the sidebar moves the focus into its window, even once it is closed.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, chat, conversation, DANA, entry, IVAN } from "../../shared/fixtures";
import { connectedForTest, MemoryStorage } from "../../shared/socket.fakes";
import { pageVisible } from "../../shared/visibility";
import { focusedConversation, pageFocused } from "../attention";
import { windowsKey } from "../persist";
import { ConnectSidebar } from "../sidebar/ConnectSidebar";
import { connection, focusRequest, me, miniWindows, queues, restoreFocusRequest, restoreSession } from "../state";
import { MiniWindowDock } from "./MiniWindowDock";

let feed: ReturnType<typeof connectedForTest>;

beforeEach(() => {
  feed = connectedForTest(ALICE.id);
  connection.value = feed.connection;
  queues.value = [{ id: "q-itsd", name: "IT Service Desk" } as never];
  pageFocused.value = true;
  pageVisible.value = true;
  // Room for two windows beside each other.
  Object.defineProperty(window, "innerWidth", { value: 1600, configurable: true });
});

afterEach(() => {
  cleanup();
  connection.value = null;
  miniWindows.value = [];
  focusRequest.value = null;
  restoreFocusRequest.value = null;
  focusedConversation.value = null;
});

/** What this tab saved before the reload: the given windows, oldest first. */
function reloadWith(windows: { id: string; minimised: boolean }[]): void {
  const store = new MemoryStorage();
  store.setItem(windowsKey(ALICE.id), JSON.stringify(windows));
  restoreSession(ALICE.id, store);
}

function readMarks(): unknown[] {
  return feed.socket.framesOf("read").map((f) => [f.conversation, f.seq]);
}

describe("MiniWindowDock focus", () => {
  it("a_window_restored_by_a_reload_takes_the_focus_and_reads_what_arrives", async () => {
    feed.connection.noteConversation(conversation("c1", CAROL));
    feed.connection.noteConversation(conversation("c2", IVAN));
    feed.socket.receive({ type: "entry", ...entry("c1", 1, CAROL, "Hello") });
    feed.socket.receive({ type: "entry", ...entry("c2", 1, IVAN, "Hi") });
    reloadWith([
      { id: "c1", minimised: false },
      { id: "c2", minimised: true },
    ]);
    render(<MiniWindowDock user={ALICE} />);
    const carol = screen.getByRole("region", { name: "Carol Customer" });
    expect(carol.contains(document.activeElement), "the newest window not minimised has the focus, as a fresh one would").toBe(true);
    // Carol ends the chat: the closing arrives in the focused window and is read.
    feed.socket.receive({ type: "entry", ...entry("c1", 2, undefined, "Carol Customer ended the chat."), kind: "system" });
    feed.socket.receive({ type: "conversation", ...conversation("c1", CAROL, { state: "closed", unread: 1 }) });
    await waitFor(() => expect(readMarks(), "the closing is marked read").toContainEqual(["c1", 2]));
    expect(readMarks().some((m) => (m as unknown[])[0] === "c2"), "the minimised one is not read").toBe(false);
  });

  it("a_restored_window_leaves_the_focus_where_the_agent_put_it", () => {
    feed.connection.noteConversation(conversation("c1", CAROL));
    reloadWith([{ id: "c1", minimised: false }]);
    const search = document.createElement("input");
    search.setAttribute("aria-label", "Search");
    document.body.append(search);
    search.focus();
    render(<MiniWindowDock user={ALICE} />);
    expect(document.activeElement, "the agent's own focus stays").toBe(search);
    search.remove();
  });

  it("opening_a_closed_chat_from_the_sidebar_focuses_its_log", () => {
    feed.connection.noteConversation(conversation("c1", CAROL, { state: "closed" }));
    miniWindows.value = [{ id: "c1", minimised: false }];
    render(
      <>
        <MiniWindowDock user={ALICE} />
        <ConnectSidebar user={ALICE} />
      </>,
    );
    const item = within(screen.getByRole("region", { name: "Recently closed" })).getByRole("button", { name: /^Carol Customer/ });
    item.focus();
    fireEvent.click(item);
    const log = screen.getByRole("log", { name: "Conversation with Carol Customer" });
    expect(document.activeElement, "focus moved into the chat's log (no field once closed)").toBe(log);
    expect(focusedConversation.value, "so the chat counts as being read").toBe("c1");
  });
});

describe("chat mini windows", () => {
  it("a_group_chat_window_says_who_is_in_it_and_offers_chat_actions_only", async () => {
    feed.connection.noteConversation(chat("k2", [BOB, DANA], { title: "Printer fleet" }));
    miniWindows.value = [{ id: "k2", minimised: false }];
    render(<MiniWindowDock user={ALICE} />);
    const window = await screen.findByRole("region", { name: "Printer fleet" });
    expect(window.textContent).toContain("Group chat · Bob Agent, Dana Manager and you");
    expect(within(window).getAllByRole("button").map((b) => b.textContent).filter((t) => /^[A-Z]/.test(t ?? "")), "no Transfer, Create Incident or End").toEqual(["Add people", "New Window", "Leave chat", "Send"]);
    expect(within(window).getByRole("log", { name: "Group chat Printer fleet" })).toBeTruthy();
  });

  it("a_long_group_name_is_cut_in_the_header_yet_whole_in_its_title_and_the_windows_name", async () => {
    const name = "Printer".repeat(14) + "Fleet12"; // 100 characters, no space
    feed.connection.noteConversation(chat("k3", [BOB, DANA], { title: name }));
    feed.socket.receive({ type: "entry", ...entry("k3", 1, undefined, `Alice Agent created ${name} with Bob Agent and Dana Manager.`) });
    miniWindows.value = [{ id: "k3", minimised: false }];
    render(<MiniWindowDock user={ALICE} />);
    const window = await screen.findByRole("region", { name });
    const heading = within(window).getByRole("heading", { name });
    expect(heading.getAttribute("title"), "the whole name on hover").toBe(name);
    // The system line is a centred muted line, whose long words wrap (conversation.css).
    const line = await within(window).findByText(`Alice Agent created ${name} with Bob Agent and Dana Manager.`, { exact: false });
    expect(line.closest("li")?.classList.contains("entry--system")).toBe(true);
  });

  it("a_direct_chat_window_shows_the_colleagues_presence_in_words", async () => {
    feed.connection.noteConversation(chat("k1", [BOB]));
    feed.socket.receive({ type: "presence", user: BOB, status: "available" });
    miniWindows.value = [{ id: "k1", minimised: false }];
    render(<MiniWindowDock user={ALICE} />);
    const window = await screen.findByRole("region", { name: "Bob Agent" });
    await waitFor(() => expect(window.textContent).toContain("Available"));
    expect(window.textContent).toContain("Direct chat");
    expect(within(window).getByRole("textbox", { name: "Message to Bob Agent" })).toBeTruthy();
  });
});

describe("a support session's window", () => {
  const GWEN = { ...ALICE, id: "u-gwen", username: "gwen", display_name: "Gwen Agent" };
  const actions = (window: HTMLElement) => within(window).getAllByRole("button").map((b) => b.textContent).filter((t) => /^[A-Z]/.test(t ?? ""));

  afterEach(() => {
    me.value = null;
  });

  it("offers_no_create_incident_to_a_colleague_only_invited_into_it", async () => {
    // Gwen works another queue; she sees Bob's session of the IT Service Desk through the invitation.
    me.value = GWEN;
    queues.value = [{ id: "q-hr", name: "HR" } as never];
    feed.connection.noteConversation(conversation("c1", CAROL, { assignee: BOB, invited: [{ id: GWEN.id, display_name: GWEN.display_name }] }));
    miniWindows.value = [{ id: "c1", minimised: false }];
    render(<MiniWindowDock user={GWEN} />);
    const window = await screen.findByRole("region", { name: "Carol Customer" });
    expect(actions(window)).not.toContain("Create Incident");
    expect(actions(window)).toContain("New Window");
  });

  it("offers_create_incident_to_the_assignee", async () => {
    me.value = ALICE;
    feed.connection.noteConversation(conversation("c1", CAROL, { invited: [BOB] }));
    miniWindows.value = [{ id: "c1", minimised: false }];
    render(<MiniWindowDock user={ALICE} />);
    const window = await screen.findByRole("region", { name: "Carol Customer" });
    expect(actions(window)).toContain("Create Incident");
  });
});
