// @vitest-environment jsdom
/**
 * Sign out with open chats asks first: the question names how many and whose, starts on Cancel,
 * hands them back with `?hand_back=true`, or opens a chat's Transfer dialog; without open chats
 * it signs out at once, as before.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, conversation, IVAN } from "../../shared/fixtures";
import { connectedForTest } from "../../shared/socket.fakes";
import { SessionActions } from "../conversation/SessionActions";
import { contentPane } from "../records/pane";
import { connection, miniWindows, signOutTransferDone, transferRequest } from "../state";
import { AgentSignOut } from "./AgentSignOut";
import { chatToTransfer, openChats, openChatsTitle } from "./signout";

let fetchCalls: { path: string; method: string }[];
let answer: () => Response;
const assign = vi.fn();

beforeEach(() => {
  connection.value = connectedForTest(ALICE.id).connection;
  fetchCalls = [];
  answer = () => new Response(null, { status: 204 });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit) => {
      fetchCalls.push({ path, method: init.method ?? "GET" });
      return answer();
    }),
  );
  vi.stubGlobal("location", { assign, pathname: "/agent", search: "", hash: "" });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  assign.mockReset();
  connection.value = null;
  miniWindows.value = [];
  transferRequest.value = null;
  signOutTransferDone.value = false;
  contentPane.replace({ kind: "home" });
});

function withOpenChats(...customers: (typeof CAROL)[]) {
  customers.forEach((customer, i) => connection.value?.noteConversation(conversation(`c${i + 1}`, customer, { created_at: `2026-11-30T09:0${i}:00Z` })));
}

describe("sign-out decisions", () => {
  it("counts_only_active_chats_assigned_to_me", () => {
    const mine = conversation("c1", CAROL);
    const colleagues = conversation("c2", IVAN, { assignee: { id: "u-bob", display_name: "Bob Agent" } });
    const closed = conversation("c3", IVAN, { state: "closed" });
    const { assignee: _a, ...queued } = conversation("c4", IVAN, { state: "queued" });
    expect(openChats([mine, colleagues, closed, queued], ALICE.id).map((c) => c.id)).toEqual(["c1"]);
  });

  it.each([
    [1, "You have 1 open chat"],
    [2, "You have 2 open chats"],
  ])("title_for_%i", (count, title) => {
    expect(openChatsTitle(count)).toBe(title);
  });

  it("transfer_takes_the_chat_the_workspace_shows_else_the_first", () => {
    const open = [conversation("c1", CAROL), conversation("c2", IVAN)];
    expect(chatToTransfer(open, "c2")?.id, "the workspace's chat").toBe("c2");
    expect(chatToTransfer(open, "c9")?.id, "not open with me: the first").toBe("c1");
    expect(chatToTransfer(open, null)?.id).toBe("c1");
    expect(chatToTransfer([], null)).toBeNull();
  });
});

describe("AgentSignOut", () => {
  it("signs_out_at_once_without_open_chats", async () => {
    render(<AgentSignOut user={ALICE} workspace={null} />);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(screen.queryByRole("dialog"), "nothing to ask").toBeNull();
    await waitFor(() => expect(assign).toHaveBeenCalledWith("/"));
    expect(fetchCalls).toEqual([{ path: "/api/session", method: "DELETE" }]);
  });

  it("asks_with_open_chats_and_cancel_changes_nothing", () => {
    withOpenChats(CAROL, IVAN);
    render(<AgentSignOut user={ALICE} workspace={null} />);
    const signOut = screen.getByRole("button", { name: "Sign out" });
    fireEvent.click(signOut);
    const dialog = screen.getByRole("dialog", { name: "You have 2 open chats" });
    expect(dialog.textContent, "whose chats").toContain("Carol Customer");
    expect(dialog.textContent).toContain("Ivan Customer");
    const cancel = screen.getByRole("button", { name: "Cancel" });
    expect(document.activeElement, "an Enter by habit cancels").toBe(cancel);
    fireEvent.click(cancel);
    expect(screen.queryByRole("dialog"), "closed").toBeNull();
    expect(fetchCalls, "nothing was sent").toEqual([]);
    expect(document.activeElement, "focus back on Sign out").toBe(signOut);
  });

  it("hand_back_signs_out_with_hand_back", async () => {
    withOpenChats(CAROL);
    render(<AgentSignOut user={ALICE} workspace={null} />);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    screen.getByRole("dialog", { name: "You have 1 open chat" });
    fireEvent.click(screen.getByRole("button", { name: "Hand back to the queue" }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith("/"));
    expect(fetchCalls).toEqual([{ path: "/api/session?hand_back=true", method: "DELETE" }]);
  });

  it("a_failed_hand_back_is_shown_and_the_question_stays", async () => {
    withOpenChats(CAROL);
    answer = () => new Response(JSON.stringify({ error: { code: "internal", message: "The server had a problem." } }), { status: 500, headers: { "Content-Type": "application/json" } });
    render(<AgentSignOut user={ALICE} workspace={null} />);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    fireEvent.click(screen.getByRole("button", { name: "Hand back to the queue" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Could not sign out: The server had a problem.");
    expect(screen.getByRole("dialog", { name: "You have 1 open chat" }), "still asking").toBeTruthy();
    expect(assign).not.toHaveBeenCalled();
  });

  it("transfer_opens_the_first_chats_window_and_asks_for_its_transfer_dialog", () => {
    withOpenChats(CAROL);
    render(<AgentSignOut user={ALICE} workspace={null} />);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    fireEvent.click(screen.getByRole("button", { name: "Transfer" }));
    expect(screen.queryByRole("dialog"), "the question is gone").toBeNull();
    expect(miniWindows.value.map((w) => w.id), "its mini window is open").toEqual(["c1"]);
    expect(transferRequest.value, "its Transfer dialog is asked for").toBe("c1");
    expect(fetchCalls, "nobody signed out").toEqual([]);
  });
});

describe("AgentSignOut with an incident form not saved", () => {
  function withUnsavedChanges() {
    contentPane.show({ kind: "incident", id: "i1" });
    contentPane.holding.value = true;
  }

  it("asks_about_the_incident_first_and_keep_editing_signs_nobody_out", () => {
    withUnsavedChanges();
    render(<AgentSignOut user={ALICE} workspace={null} />);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    const question = screen.getByRole("dialog", { name: "Discard your changes to the incident and sign out?" });
    expect(document.activeElement, "an Enter by habit keeps the work").toBe(within(question).getByRole("button", { name: "Keep editing" }));
    fireEvent.click(within(question).getByRole("button", { name: "Keep editing" }));
    fireEvent(question, new Event("close"));
    expect(screen.queryByRole("dialog"), "closed").toBeNull();
    expect(fetchCalls, "the session goes on").toEqual([]);
    expect(contentPane.holding.value, "the changes are still there").toBe(true);
    expect(assign).not.toHaveBeenCalled();
  });

  it("discard_drops_the_changes_then_signs_out", async () => {
    withUnsavedChanges();
    render(<AgentSignOut user={ALICE} workspace={null} />);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    fireEvent.click(within(screen.getByRole("dialog", { name: /^Discard your changes/ })).getByRole("button", { name: "Discard" }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith("/"));
    expect(contentPane.holding.value, "nothing holds the page: no second question as it unloads").toBe(false);
    expect(fetchCalls).toEqual([{ path: "/api/session", method: "DELETE" }]);
  });

  it("a_new_incident_is_named_as_such_and_open_chats_are_asked_about_after_it", async () => {
    withOpenChats(CAROL);
    contentPane.show({ kind: "new", draft: { session: "c1", clientId: "d1", initial: {} as never } });
    contentPane.holding.value = true;
    render(<AgentSignOut user={ALICE} workspace={null} />);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(screen.queryByRole("dialog", { name: "You have 1 open chat" }), "the incident first").toBeNull();
    fireEvent.click(within(screen.getByRole("dialog", { name: "Discard the new incident and sign out?" })).getByRole("button", { name: "Discard" }));
    await screen.findByRole("dialog", { name: "You have 1 open chat" });
    expect(fetchCalls, "not signed out yet").toEqual([]);
  });
});

describe("AgentSignOut after its Transfer", () => {
  const BOB = { id: "u-bob", display_name: "Bob Agent" };

  beforeEach(() => {
    // jsdom has no modal dialogs: open and close are enough here.
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
      this.removeAttribute("open");
    };
    vi.stubGlobal(
      "fetch",
      vi.fn(async (path: string, init: RequestInit = {}) => {
        fetchCalls.push({ path, method: init.method ?? "GET" });
        const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
        if (path.endsWith("/members")) return json([{ ...BOB, status: "available" }]);
        const transfer = /^\/api\/conversations\/(c\d)\/transfer$/.exec(path);
        if (transfer !== null) {
          const id = transfer[1] ?? "";
          return json(conversation(id, id === "c1" ? CAROL : IVAN, { assignee: BOB }));
        }
        if (path.startsWith("/api/users/")) return json({ id: "u-x", username: "x", display_name: "X", roles: ["customer"], itil: false });
        return new Response(null, { status: 204 });
      }),
    );
  });

  /** The sign-out and each open chat's actions, as the app shows them (their mini windows). */
  function App() {
    const chats = [...(connection.value?.conversations.value.values() ?? [])];
    return (
      <>
        <AgentSignOut user={ALICE} workspace={null} />
        {chats.map((c) => (
          <SessionActions key={c.id} conversation={c} me={ALICE.id} />
        ))}
      </>
    );
  }

  /** Transfer from the question, to Bob; returns whose chat its Transfer dialog was for. */
  async function transferTheChatToBob(question: HTMLElement): Promise<string> {
    fireEvent.click(within(question).getByRole("button", { name: "Transfer" }));
    const dialog = await screen.findByRole("dialog", { name: /^Transfer / });
    const name = (dialog.querySelector("h2")?.textContent ?? "").replace(/^Transfer /, "");
    fireEvent.click(await within(dialog).findByRole("radio", { name: /Bob Agent/ }));
    fireEvent.submit(dialog.querySelector("form") as HTMLFormElement);
    return name;
  }

  it("asks_again_about_what_is_left_then_signs_out_when_nothing_is", async () => {
    withOpenChats(CAROL, IVAN);
    render(<App />);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    const first = await transferTheChatToBob(screen.getByRole("dialog", { name: "You have 2 open chats" }));
    const left = first === "Carol Customer" ? "Ivan Customer" : "Carol Customer";
    const again = await screen.findByRole("dialog", { name: "You have 1 open chat" });
    expect(again.textContent, "the chat left is named").toContain(left);
    expect(again.textContent, "the transferred one is not").not.toContain(first);
    expect(assign, "not signed out yet").not.toHaveBeenCalled();

    expect(await transferTheChatToBob(again), "the second Transfer is for the chat left").toBe(left);
    await waitFor(() => expect(assign, "nothing left: signed out").toHaveBeenCalledWith("/"));
    expect(fetchCalls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path}`).sort()).toEqual(["DELETE /api/session", "POST /api/conversations/c1/transfer", "POST /api/conversations/c2/transfer"]);
  });

  it("a_cancelled_transfer_ends_the_sign_out", async () => {
    withOpenChats(CAROL);
    render(<App />);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    fireEvent.click(within(screen.getByRole("dialog", { name: "You have 1 open chat" })).getByRole("button", { name: "Transfer" }));
    const dialog = await screen.findByRole("dialog", { name: "Transfer Carol Customer" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    fireEvent(dialog, new Event("close"));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Transfer Carol Customer" })).toBeNull());
    expect(screen.queryByRole("dialog", { name: "You have 1 open chat" }), "not asked again").toBeNull();
    expect(signOutTransferDone.value).toBe(false);
    expect(assign, "not signed out").not.toHaveBeenCalled();
  });
});
