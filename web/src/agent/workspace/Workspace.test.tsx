// @vitest-environment jsdom
/**
 * A chat between colleagues in the workspace: its header says what kind of chat it is and who
 * is in it (not a queue and a session state), and its tools are only the Knowledge Base,
 * selected; a support session keeps its queue, state and three tools.
 */
import { cleanup, render, screen, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, BOB, CAROL, chat, conversation, DANA } from "../../shared/fixtures";
import { connectedForTest } from "../../shared/socket.fakes";
import { connection, me, queues } from "../state";
import { recordPane } from "../records/pane";
import { Workspace } from "./Workspace";

let feed: ReturnType<typeof connectedForTest>;

beforeEach(() => {
  feed = connectedForTest(ALICE.id);
  connection.value = feed.connection;
  me.value = ALICE;
  queues.value = [{ id: "q-itsd", name: "IT Service Desk" } as never];
  recordPane.replace({ kind: "home" });
  vi.stubGlobal("fetch", vi.fn(async () => new Response("[]", { status: 200, headers: { "Content-Type": "application/json" } })));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
  me.value = null;
  queues.value = [];
});

const header = () => within(screen.getByRole("main", { name: "Conversation pane" })).getByRole("banner");
const tabs = () => within(screen.getByRole("complementary", { name: "Tools" })).getAllByRole("tab");

describe("Workspace with a chat", () => {
  it("a_direct_chat_names_itself_in_the_header_not_a_queue_and_state", () => {
    feed.connection.noteConversation(chat("k1", [BOB]));
    render(<Workspace user={ALICE} id="k1" />);
    expect(within(header()).getByRole("heading", { name: "Bob Agent" })).toBeTruthy();
    expect(within(header()).getByText("Direct chat")).toBeTruthy();
    expect(header().textContent, "no queue name").not.toContain("Queue");
    expect(header().textContent, "no session state").not.toContain("Active");
  });

  it("a_group_chat_lists_its_members_in_the_header", () => {
    feed.connection.noteConversation(chat("k2", [BOB, DANA], { title: "Printer fleet" }));
    render(<Workspace user={ALICE} id="k2" />);
    expect(within(header()).getByRole("heading", { name: "Printer fleet" })).toBeTruthy();
    expect(within(header()).getByText("Group chat · Bob Agent, Dana Manager and you")).toBeTruthy();
  });

  it("a_chat_offers_only_the_knowledge_base_selected", () => {
    feed.connection.noteConversation(chat("k1", [BOB]));
    render(<Workspace user={ALICE} id="k1" />);
    const [only, ...rest] = tabs();
    expect(rest.map((t) => t.textContent), "no Record, no Customer").toEqual([]);
    expect(only?.textContent).toBe("Knowledge Base");
    expect(only?.getAttribute("aria-selected")).toBe("true");
    expect(only?.tabIndex, "the one tab is the Tab stop").toBe(0);
    const panel = screen.getByRole("tabpanel", { name: "Knowledge Base" });
    expect(only?.getAttribute("aria-controls")).toBe(panel.id);
    expect(panel.hidden).toBe(false);
  });

  it("a_chat_arriving_after_the_workspace_opened_shows_the_knowledge_base", async () => {
    render(<Workspace user={ALICE} id="k1" />);
    feed.connection.noteConversation(chat("k1", [BOB]));
    await screen.findByRole("tabpanel", { name: "Knowledge Base" });
    expect(tabs().map((t) => [t.textContent, t.getAttribute("aria-selected"), t.tabIndex])).toEqual([["Knowledge Base", "true", 0]]);
  });
});

describe("Workspace with a support session", () => {
  it("keeps_its_queue_state_and_three_tools", () => {
    feed.connection.noteConversation(conversation("c1", CAROL, { queue: "q-itsd" }));
    render(<Workspace user={ALICE} id="c1" />);
    expect(within(header()).getByText("IT Service Desk")).toBeTruthy();
    expect(within(header()).getByText("Active", { exact: false })).toBeTruthy();
    expect(within(header()).queryByText("Direct chat")).toBeNull();
    expect(tabs().map((t) => [t.textContent, t.getAttribute("aria-selected")])).toEqual([
      ["Record", "false"],
      ["Knowledge Base", "false"],
      ["Customer", "true"],
    ]);
  });
});
