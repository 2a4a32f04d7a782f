// @vitest-environment jsdom
/**
 * The agent's message field in a DOM: Comment / Work Note, drafts and mode kept through an
 * unmount and a reload (sessionStorage per user), the length counter and "too long" message
 * (code points, as the server counts), and canned messages through the socket's idempotent send.
 */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, BOB, CAROL, chat, conversation } from "../../shared/fixtures";
import { Connection } from "../../shared/socket";
import { draftsKey, type KeyValueStore } from "../persist";
import { connection, miniWindows, restoreSession } from "../state";
import { MessageField } from "./MessageField";

class MemoryStore implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const CHAT = conversation("c1", CAROL);
let store: MemoryStore;
let socket: Connection;

beforeEach(() => {
  store = new MemoryStore();
  restoreSession(ALICE.id, store);
  socket = new Connection({ me: ALICE.id, url: "ws://test.invalid/api/ws", createSocket: () => ({}) as never });
  socket.noteConversation(CHAT);
  connection.value = socket;
  // The customer's profile (ITIL or not) and the queue's canned messages.
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => {
      const body = path.includes("/canned")
        ? [{ id: "k1", queue: "q-itsd", title: "Greeting", body: "Hi {customer.first_name}!" }]
        : { id: CAROL.id, username: "carol", display_name: CAROL.display_name, roles: ["customer"], itil: false };
      return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  connection.value = null;
  miniWindows.value = [];
});

const field = (kind: "comment" | "work note") => screen.getByRole("textbox", { name: `Message (${kind})` }) as HTMLTextAreaElement;
const type = (element: HTMLTextAreaElement, text: string) => fireEvent.input(element, { target: { value: text } });

describe("MessageField", () => {
  it("switches_between_comment_and_work_note_and_sends_under_the_chosen_kind", () => {
    const send = vi.spyOn(socket, "send");
    render(<MessageField conversation={CHAT} user={ALICE} />);
    fireEvent.click(screen.getByRole("button", { name: "Work Note" }));
    expect(screen.getByRole("button", { name: "Work Note" }).getAttribute("aria-pressed")).toBe("true");
    type(field("work note"), "Checked the logs");
    fireEvent.keyDown(field("work note"), { key: "Enter" });
    expect(send).toHaveBeenCalledWith("c1", "work_note", "Checked the logs", { seen: 0 });
    expect(field("work note").value, "sent: the field is empty").toBe("");
  });

  it("keeps_the_draft_and_the_mode_through_an_unmount_and_a_reload", () => {
    const first = render(<MessageField conversation={CHAT} user={ALICE} />);
    fireEvent.click(screen.getByRole("button", { name: "Work Note" }));
    type(field("work note"), "Half a note");
    first.unmount();

    render(<MessageField conversation={CHAT} user={ALICE} />);
    expect(field("work note").value, "a remounted field has the draft, still a work note").toBe("Half a note");
    cleanup();

    expect(JSON.parse(store.getItem(draftsKey(ALICE.id)) ?? "null"), "saved in the tab's storage").toEqual({ c1: { text: "Half a note", mode: "work_note" } });
    // A reload: memory is gone, the storage is not.
    restoreSession(ALICE.id, store);
    render(<MessageField conversation={CHAT} user={ALICE} />);
    expect(field("work note").value, "after a reload the draft is back, as a work note").toBe("Half a note");
    cleanup();

    restoreSession("u-bob", store);
    render(<MessageField conversation={CHAT} user={ALICE} />);
    expect(screen.queryByRole("textbox", { name: "Message (work note)" }), "another user of the tab does not get Alice's drafts").toBeNull();
  });

  it("shows_a_counter_near_the_limit_and_refuses_a_too_long_message_without_cutting_it", () => {
    const send = vi.spyOn(socket, "send");
    render(<MessageField conversation={CHAT} user={ALICE} />);
    // 9,500 emoji: 19,000 UTF-16 units but 9,500 characters as the server counts.
    type(field("comment"), "🙂".repeat(9_500));
    expect(screen.getByText("9,500 / 10,000 characters")).toBeTruthy();
    expect(screen.queryByRole("alert"), "not too long").toBeNull();

    const pasted = "x".repeat(10_001);
    type(field("comment"), pasted);
    expect(screen.getByRole("alert").textContent).toBe("Too long: at most 10,000 characters (this one has 10,001).");
    expect(field("comment").value.length, "nothing was cut").toBe(10_001);
    expect(field("comment").hasAttribute("maxlength"), "no silent maxLength").toBe(false);
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(field("comment"), { key: "Enter" });
    expect(send, "Enter does not send a too long message").not.toHaveBeenCalled();
  });

  it("posts_a_canned_message_through_the_sockets_idempotent_send", async () => {
    const sendCanned = vi.spyOn(socket, "sendCanned");
    const send = vi.spyOn(socket, "send");
    render(<MessageField conversation={CHAT} user={ALICE} />);
    fireEvent.keyDown(field("comment"), { key: "/" });
    const item = await screen.findByRole("button", { name: "Greeting" });
    fireEvent.click(item);
    expect(sendCanned).toHaveBeenCalledWith("c1", { id: "k1", title: "Greeting" });
    expect(send, "not as a typed comment").not.toHaveBeenCalled();
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Canned messages" })).toBeNull());
    expect(document.activeElement, "focus back in the field").toBe(field("comment"));
  });
});

describe("a record's message field", () => {
  const record = (state: "in_progress" | "closed" | "canceled") =>
    ({ ...conversation("r1", CAROL), kind: "record", record: { incident: "i1", number: "INC0010001", short_description: "VPN drops", state } }) as const;

  it("takes_comments_and_work_notes_while_the_incident_is_open", () => {
    render(<MessageField conversation={record("in_progress")} user={ALICE} />);
    expect(field("comment").disabled).toBe(false);
  });

  it.each([
    ["closed", "This incident is closed."],
    ["canceled", "This incident is canceled."],
  ] as const)("a_%s_incident_offers_no_field_and_says_why", (state, note) => {
    render(<MessageField conversation={record(state)} user={ALICE} />);
    expect(screen.queryByRole("textbox"), "nothing to type in: a post would be refused (409)").toBeNull();
    expect(screen.getByText(note)).toBeTruthy();
  });
});

describe("a chat's and a helper's message field", () => {
  it("a_chat_takes_comments_only_with_no_type_toggle_or_canned_messages", () => {
    const send = vi.spyOn(socket, "send");
    render(<MessageField conversation={chat("k1", [BOB])} user={ALICE} />);
    expect(screen.queryByRole("group", { name: "Message type" }), "no Comment / Work Note in a chat").toBeNull();
    expect(screen.queryByRole("button", { name: /Canned messages/ })).toBeNull();
    const box = screen.getByRole("textbox", { name: "Message to Bob Agent" }) as HTMLTextAreaElement;
    type(box, "Lunch at 12?");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(send).toHaveBeenCalledWith("k1", "comment", "Lunch at 12?", { seen: 0 });
  });

  it("a_colleague_invited_into_a_session_writes_work_notes_only", () => {
    const send = vi.spyOn(socket, "send");
    // Bob's session, Alice invited to help.
    const helping = conversation("c7", CAROL, { assignee: BOB, invited: [{ id: ALICE.id, display_name: ALICE.display_name }] });
    render(<MessageField conversation={helping} user={ALICE} />);
    expect(screen.queryByRole("button", { name: "Comment" }), "Comment is not offered").toBeNull();
    expect(screen.getByRole("button", { name: "Work Note" }).getAttribute("aria-pressed")).toBe("true");
    type(field("work note"), "Try the VPN profile reset");
    fireEvent.keyDown(field("work note"), { key: "Enter" });
    expect(send).toHaveBeenCalledWith("c7", "work_note", "Try the VPN profile reset", { seen: 0 });
    fireEvent.keyDown(field("work note"), { key: "n", altKey: true });
    expect(screen.getByRole("button", { name: "Work Note" }).getAttribute("aria-pressed"), "Alt+N does not switch to Comment").toBe("true");
  });
});
