// @vitest-environment jsdom
/**
 * The agent's message field in a DOM: Comment / Work Note, drafts and mode kept through an
 * unmount and a reload (sessionStorage per user), the length counter and "too long" message
 * (code points, as the server counts), and canned messages through the socket's idempotent send.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAttachmentDrafts } from "../../shared/composer/attachment";
import { forgetStaleGuards } from "../../shared/composer/staleView";
import { FakeUpload } from "../../shared/composer/upload.fakes";
import { ALICE, BOB, CAROL, chat, conversation, entry } from "../../shared/fixtures";
import { Connection } from "../../shared/socket";
import { connectedForTest, FakeSocket, ManualScheduler } from "../../shared/socket.fakes";
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
  FakeUpload.abortPending();
  cleanup();
  forgetStaleGuards();
  forgetAttachmentDrafts();
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

    expect(JSON.parse(store.getItem(draftsKey(ALICE.id)) ?? "null"), "saved in the tab's storage, with what the view showed when it was begun (nothing)").toEqual({ c1: { text: "Half a note", mode: "work_note", began: 0 } });
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

describe("the stale-view guard and attachments in the agent's field", () => {
  let feed: ReturnType<typeof connectedForTest>;
  const carolSays = (seq: number, body: string) => feed.socket.receive({ type: "entry", ...entry("c1", seq, CAROL, body) });
  const sends = () => feed.socket.framesOf("send");
  const notice = () => screen.queryByRole("alert");

  beforeEach(() => {
    feed = connectedForTest(ALICE.id);
    feed.connection.noteConversation(CHAT);
    connection.value = feed.connection;
    for (let seq = 1; seq <= 3; seq += 1) carolSays(seq, `message ${seq}`);
    FakeUpload.reset();
    vi.stubGlobal("XMLHttpRequest", FakeUpload);
  });


  /** Alice begins a reply, Carol writes twice meanwhile, Alice presses Enter: the send is refused as stale. */
  function refusedAfterTwoNewMessages(): string {
    type(field("comment"), "Try restarting the VPN client");
    carolSays(4, "Oh wait");
    carolSays(5, "It works again");
    fireEvent.keyDown(field("comment"), { key: "Enter" });
    const sent = sends().at(-1);
    expect(sent, "the send carries what the view showed when Alice began").toMatchObject({ kind: "comment", body: "Try restarting the VPN client", seen: 3 });
    const clientId = String(sent?.client_id);
    act(() => feed.socket.receive({ type: "error", ref: clientId, conversation: "c1", error: { code: "stale_view", message: "2 new messages since you started typing", newer: 2 } }));
    return clientId;
  }

  it("a_stale_view_refusal_keeps_the_text_in_the_field_with_send_anyway_and_edit", () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    refusedAfterTwoNewMessages();
    expect(field("comment").value, "not sent and not lost: back in the field").toBe("Try restarting the VPN client");
    expect(notice()?.textContent).toContain("2 new messages since you started typing");
    expect(screen.getByRole("button", { name: "Send anyway" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Edit" })).toBeTruthy();
    expect(feed.connection.outbox.value, "taken out of the outbox: the log does not show it as a failed message too").toEqual([]);
  });

  it("send_anyway_sends_the_same_client_id_with_the_newest_seen_once", () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    const clientId = refusedAfterTwoNewMessages();
    fireEvent.click(screen.getByRole("button", { name: "Send anyway" }));
    expect(sends().at(-1)).toEqual({ type: "send", ref: clientId, conversation: "c1", client_id: clientId, kind: "comment", body: "Try restarting the VPN client", seen: 5 });
    expect(field("comment").value).toBe("");
    expect(notice(), "the notice goes").toBeNull();
    expect(document.activeElement, "focus in the field").toBe(field("comment"));
    act(() => feed.socket.receive({ type: "ack", ref: clientId, conversation: "c1", seq: 6 }));
    expect(sends(), "sent twice in all: refused once, stored once").toHaveLength(2);
  });

  it("send_anyway_refused_again_shows_the_notice_again", () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    const clientId = refusedAfterTwoNewMessages();
    carolSays(6, "Actually no");
    fireEvent.click(screen.getByRole("button", { name: "Send anyway" }));
    expect(sends().at(-1)?.seen).toBe(6);
    carolSays(7, "It dropped again");
    act(() => feed.socket.receive({ type: "error", ref: clientId, conversation: "c1", error: { code: "stale_view", message: "1 new message since you started typing", newer: 1 } }));
    expect(field("comment").value).toBe("Try restarting the VPN client");
    expect(notice()?.textContent).toContain("1 new message since you started typing");
    fireEvent.click(screen.getByRole("button", { name: "Send anyway" }));
    expect(sends().at(-1)).toMatchObject({ client_id: clientId, seen: 7 });
  });

  it("edit_dismisses_the_notice_and_the_next_send_counts_from_then", () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    const clientId = refusedAfterTwoNewMessages();
    screen.getByRole("button", { name: "Send anyway" }).focus();
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    expect(notice()).toBeNull();
    expect(document.activeElement, "focus back in the field").toBe(field("comment"));
    expect(field("comment").value).toBe("Try restarting the VPN client");
    type(field("comment"), "Good to hear it works again!");
    fireEvent.keyDown(field("comment"), { key: "Enter" });
    const sent = sends().at(-1);
    expect(sent).toMatchObject({ body: "Good to hear it works again!", seen: 5 });
    expect(sent?.client_id, "a new send").not.toBe(clientId);
  });

  it("a_refused_work_note_comes_back_as_a_work_note", () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    fireEvent.click(screen.getByRole("button", { name: "Work Note" }));
    type(field("work note"), "Customer seems on the old client");
    carolSays(4, "Hello?");
    fireEvent.keyDown(field("work note"), { key: "Enter" });
    const clientId = String(sends().at(-1)?.client_id);
    fireEvent.click(screen.getByRole("button", { name: "Comment" }));
    act(() => feed.socket.receive({ type: "error", ref: clientId, conversation: "c1", error: { code: "stale_view", message: "1 new message since you started typing", newer: 1 } }));
    expect(field("work note").value).toBe("Customer seems on the old client");
  });

  it("after_a_refused_comment_a_switch_to_work_note_sends_a_work_note_with_enter", () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    const clientId = refusedAfterTwoNewMessages();
    fireEvent.click(screen.getByRole("button", { name: "Work Note" }));
    type(field("work note"), "INTERNAL ONLY: her account is flagged");
    fireEvent.keyDown(field("work note"), { key: "Enter" });
    expect(sends().at(-1), "sent as the field shows it now: a work note, never a comment").toMatchObject({ client_id: clientId, kind: "work_note", body: "INTERNAL ONLY: her account is flagged", seen: 5 });
    expect(sends().filter((f) => f.kind === "comment"), "only the first, refused send went as a comment").toHaveLength(1);
  });

  it("after_a_refused_work_note_a_switch_to_comment_sends_a_comment_with_send_anyway", () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    fireEvent.click(screen.getByRole("button", { name: "Work Note" }));
    type(field("work note"), "Try the profile reset");
    carolSays(4, "Still broken");
    fireEvent.keyDown(field("work note"), { key: "Enter" });
    const clientId = String(sends().at(-1)?.client_id);
    act(() => feed.socket.receive({ type: "error", ref: clientId, conversation: "c1", error: { code: "stale_view", message: "1 new message since you started typing", newer: 1 } }));
    expect(field("work note").value).toBe("Try the profile reset");
    fireEvent.click(screen.getByRole("button", { name: "Comment" }));
    fireEvent.click(screen.getByRole("button", { name: "Send anyway" }));
    expect(sends().at(-1)).toMatchObject({ client_id: clientId, kind: "comment", body: "Try the profile reset", seen: 4 });
  });

  it("after_a_refused_file_comment_a_switch_to_work_note_uploads_a_work_note", async () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    type(field("comment"), "INTERNAL ONLY: screenshot of her admin page");
    fireEvent.change(screen.getByLabelText("Attach file", { selector: "input" }), { target: { files: [new File([new Uint8Array(16)], "admin.png", { type: "image/png" })] } });
    carolSays(4, "Hello?");
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(Object.fromEntries(FakeUpload.last().fields())).toMatchObject({ kind: "comment", seen: "3" });
    FakeUpload.last().answer(409, { error: { code: "stale_view", message: "1 new message since you started typing", newer: 1 } });
    await screen.findByRole("button", { name: "Send anyway" });
    fireEvent.click(screen.getByRole("button", { name: "Work Note" }));
    fireEvent.click(screen.getByRole("button", { name: "Send anyway" }));
    expect(Object.fromEntries(FakeUpload.last().fields()), "uploaded as the field shows it now").toMatchObject({ kind: "work_note", seen: "4" });
    FakeUpload.last().answer(201, { ...entry("c1", 5, ALICE, "INTERNAL ONLY: screenshot of her admin page"), kind: "work_note" });
    await waitFor(() => expect(screen.queryByRole("group", { name: "Attachment admin.png" })).toBeNull());
  });

  it("after_a_refused_work_note_file_a_switch_to_comment_sends_it_as_a_comment_with_enter", async () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    fireEvent.click(screen.getByRole("button", { name: "Work Note" }));
    fireEvent.change(screen.getByLabelText("Attach file", { selector: "input" }), { target: { files: [new File([new Uint8Array(16)], "steps.png", { type: "image/png" })] } });
    carolSays(4, "Hello?");
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    FakeUpload.last().answer(409, { error: { code: "stale_view", message: "1 new message since you started typing", newer: 1 } });
    await screen.findByRole("button", { name: "Send anyway" });
    fireEvent.click(screen.getByRole("button", { name: "Comment" }));
    fireEvent.keyDown(field("comment"), { key: "Enter" });
    expect(Object.fromEntries(FakeUpload.last().fields())).toMatchObject({ kind: "comment", seen: "4" });
  });

  it("a_draft_restored_after_a_reload_keeps_what_the_view_showed_when_it_was_begun", () => {
    const first = render(<MessageField conversation={CHAT} user={ALICE} />);
    type(field("comment"), "Try restarting the VPN client");
    expect(JSON.parse(store.getItem(draftsKey(ALICE.id)) ?? "null"), "kept with the draft").toEqual({ c1: { text: "Try restarting the VPN client", mode: "comment", began: 3 } });
    first.unmount();
    // A reload: memory is gone (the guard too), and Carol wrote meanwhile.
    forgetStaleGuards();
    restoreSession(ALICE.id, store);
    feed = connectedForTest(ALICE.id);
    feed.connection.noteConversation(CHAT);
    connection.value = feed.connection;
    for (let seq = 1; seq <= 4; seq += 1) carolSays(seq, `message ${seq}`);
    render(<MessageField conversation={CHAT} user={ALICE} />);
    expect(field("comment").value).toBe("Try restarting the VPN client");
    carolSays(5, "It works again");
    fireEvent.keyDown(field("comment"), { key: "Enter" });
    expect(sends().at(-1), "what the view showed when the draft was begun, before the reload").toMatchObject({ body: "Try restarting the VPN client", seen: 3 });
  });

  it("a_restored_draft_without_a_stored_start_counts_from_the_view_shown_when_the_field_opened", () => {
    // A draft saved before the start was kept with it.
    store.setItem(draftsKey(ALICE.id), JSON.stringify({ c1: { text: "Try restarting the VPN client", mode: "comment" } }));
    restoreSession(ALICE.id, store);
    render(<MessageField conversation={CHAT} user={ALICE} />);
    carolSays(4, "Oh wait");
    fireEvent.keyDown(field("comment"), { key: "Enter" });
    expect(sends().at(-1), "Carol's message after the view opened is news to the draft").toMatchObject({ body: "Try restarting the VPN client", seen: 3 });
  });

  it("a_restored_draft_opened_before_the_catch_up_counts_from_the_view_once_it_is_ready", () => {
    store.setItem(draftsKey(ALICE.id), JSON.stringify({ c1: { text: "Try restarting the VPN client", mode: "comment" } }));
    restoreSession(ALICE.id, store);
    // The page reloads: the field opens before the socket has caught up.
    let opened: FakeSocket | null = null;
    const reloaded = new Connection({ me: ALICE.id, url: "ws://test.invalid/api/ws", storage: null, scheduler: new ManualScheduler(), createSocket: () => (opened = new FakeSocket()) });
    reloaded.noteConversation(CHAT);
    connection.value = reloaded;
    reloaded.start();
    render(<MessageField conversation={CHAT} user={ALICE} />);
    const socket = opened as unknown as FakeSocket;
    act(() => {
      socket.open();
      for (let seq = 1; seq <= 3; seq += 1) socket.receive({ type: "entry", ...entry("c1", seq, CAROL, `message ${seq}`) });
      socket.receive({ type: "ready" });
    });
    act(() => socket.receive({ type: "entry", ...entry("c1", 4, CAROL, "Oh wait") }));
    fireEvent.keyDown(field("comment"), { key: "Enter" });
    expect(socket.framesOf("send").at(-1), "not the first entry of the catch-up, nor the newest at send time").toMatchObject({ body: "Try restarting the VPN client", seen: 3 });
  });

  it("text_put_back_after_a_file_went_out_counts_from_then", async () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    fireEvent.change(screen.getByLabelText("Attach file", { selector: "input" }), { target: { files: [new File([new Uint8Array(16)], "error.png", { type: "image/png" })] } });
    type(field("comment"), "Here it is");
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    // Typed on while it uploaded: that stays, a new message.
    type(field("comment"), "Here it is. And one more thing");
    FakeUpload.last().answer(201, entry("c1", 4, ALICE, "Here it is"));
    await waitFor(() => expect(screen.queryByRole("group", { name: "Attachment error.png" })).toBeNull());
    expect(field("comment").value).toBe("Here it is. And one more thing");
    carolSays(5, "Thanks");
    fireEvent.keyDown(field("comment"), { key: "Enter" });
    expect(sends().at(-1), "Carol's message after the file went out is news to the words left").toMatchObject({ seen: 3 });
  });

  it("a_pasted_screenshot_becomes_a_chip_that_can_be_removed", () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    const shot = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "image.png", { type: "image/png" });
    fireEvent.paste(field("comment"), { clipboardData: { files: [shot], getData: () => "" } });
    const chip = screen.getByRole("group", { name: /^Attachment Screenshot \d{4}-\d\d-\d\d \d\d\.\d\d\.png$/ });
    expect(chip.textContent).toContain("PNG image · 4 bytes");
    expect(field("comment").value, "no text was pasted").toBe("");
    fireEvent.click(screen.getByRole("button", { name: "Remove attachment" }));
    expect(screen.queryByRole("group", { name: /^Attachment/ })).toBeNull();
    expect(document.activeElement, "focus back in the field").toBe(field("comment"));
  });

  it("uploads_a_work_note_file_with_seen_and_a_stale_refusal_keeps_file_and_caption_for_send_anyway", async () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    fireEvent.click(screen.getByRole("button", { name: "Work Note" }));
    type(field("work note"), "Error dialog from her laptop");
    const shot = new File([new Uint8Array(16)], "error.png", { type: "image/png" });
    fireEvent.change(screen.getByLabelText("Attach file", { selector: "input" }), { target: { files: [shot] } });
    carolSays(4, "Sent you a photo too");
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    const first = FakeUpload.last();
    expect(first.url).toBe("/api/conversations/c1/attachments");
    const fields = Object.fromEntries(first.fields());
    expect(fields).toMatchObject({ kind: "work_note", body: "Error dialog from her laptop", seen: "3", file: "error.png (image/png, 16 bytes)" });
    act(() => first.progress(8, 16));
    expect((screen.getByRole("progressbar", { name: "Uploading error.png" }) as HTMLProgressElement).value).toBe(50);

    first.answer(409, { error: { code: "stale_view", message: "1 new message since you started typing", newer: 1 } });
    await screen.findByRole("button", { name: "Send anyway" });
    expect(field("work note").value, "the caption stays").toBe("Error dialog from her laptop");
    expect(screen.getByRole("group", { name: "Attachment error.png" }), "the file stays").toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Send anyway" }));
    const again = Object.fromEntries(FakeUpload.last().fields());
    expect(again).toMatchObject({ client_id: fields.client_id, seen: "4", kind: "work_note" });
    FakeUpload.last().answer(201, { ...entry("c1", 5, ALICE, "Error dialog from her laptop"), kind: "work_note" });
    await waitFor(() => expect(screen.queryByRole("group", { name: "Attachment error.png" })).toBeNull());
    expect(field("work note").value).toBe("");
    expect(FakeUpload.made).toHaveLength(2);
    expect(feed.connection.entries.value.get("c1")?.map((e) => e.seq), "the answer is not added here: the socket brings the entry").toEqual([1, 2, 3, 4]);
  });

  it("an_upload_refused_by_the_server_keeps_text_and_file_with_its_message_and_can_be_retried", async () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    type(field("comment"), "Here is the log");
    fireEvent.change(screen.getByLabelText("Attach file", { selector: "input" }), { target: { files: [new File(["MZ\u0090\u0000"], "photo.png", { type: "image/png" })] } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    const clientId = Object.fromEntries(FakeUpload.last().fields()).client_id;
    FakeUpload.last().answer(415, { error: { code: "unsupported_type", message: "Only pictures (PNG, JPEG, GIF, WebP), PDF and text files can be sent." } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("photo.png was not sent: Only pictures (PNG, JPEG, GIF, WebP), PDF and text files can be sent.");
    expect(field("comment").value).toBe("Here is the log");
    expect(screen.getByRole("group", { name: "Attachment photo.png" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(Object.fromEntries(FakeUpload.last().fields()).client_id, "a retry is the same send").toBe(clientId);
  });

  it("a_stalled_upload_can_be_cancelled_keeping_file_and_text", async () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    type(field("comment"), "Here is the log");
    fireEvent.change(screen.getByLabelText("Attach file", { selector: "input" }), { target: { files: [new File(["boot failed"], "boot.log", { type: "text/plain" })] } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    const first = FakeUpload.last();
    const clientId = Object.fromEntries(first.fields()).client_id;
    act(() => first.progress(3, 11));
    expect(screen.queryByRole("button", { name: "Remove attachment" }), "no Remove while it uploads").toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Cancel upload" }));
    expect(first.aborted, "the request is aborted").toBe(true);
    await waitFor(() => expect(screen.queryByRole("progressbar")).toBeNull());
    expect(screen.getByRole("group", { name: "Attachment boot.log" }), "the file stays").toBeTruthy();
    expect(field("comment").value, "the text stays").toBe("Here is the log");
    expect(screen.queryByRole("alert"), "a cancel is no error").toBeNull();
    expect(screen.getByRole("button", { name: "Remove attachment" })).toBeTruthy();
    expect((screen.getByRole("button", { name: "Attach file" }) as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(false);
    expect(document.activeElement, "focus back in the field").toBe(field("comment"));
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(Object.fromEntries(FakeUpload.last().fields()).client_id, "sent again: the same send").toBe(clientId);
  });

  it("a_stalled_upload_is_given_up_after_two_minutes_without_progress_keeping_file_and_text", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      render(<MessageField conversation={CHAT} user={ALICE} />);
      type(field("comment"), "Here is the log");
      fireEvent.change(screen.getByLabelText("Attach file", { selector: "input" }), { target: { files: [new File(["boot failed"], "boot.log", { type: "text/plain" })] } });
      fireEvent.click(screen.getByRole("button", { name: "Send" }));
      const first = FakeUpload.last();
      await act(async () => {
        vi.advanceTimersByTime(120_000);
      });
      expect(first.aborted).toBe(true);
      expect(screen.getByRole("alert").textContent).toBe("boot.log was not sent: Nothing reached the server for 2 minutes. Check your connection and try again.");
      expect(screen.getByRole("group", { name: "Attachment boot.log" })).toBeTruthy();
      expect(field("comment").value).toBe("Here is the log");
      expect(screen.queryByRole("progressbar")).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("a_screenshot_pasted_while_a_file_uploads_is_not_swallowed_silently", async () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    fireEvent.change(screen.getByLabelText("Attach file", { selector: "input" }), { target: { files: [new File(["boot failed"], "boot.log", { type: "text/plain" })] } });
    const status = screen.getByRole("status");
    expect(status.textContent, "the polite region is there before anything is said").toBe("");
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    const shot = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "image.png", { type: "image/png" });
    fireEvent.paste(field("comment"), { clipboardData: { files: [shot], getData: () => "" } });
    expect(screen.getByRole("status").textContent).toBe("Wait for the file being sent, then paste again.");
    expect(screen.getByRole("group", { name: "Attachment boot.log" }), "the file being sent stays").toBeTruthy();
    expect(screen.queryByRole("alert"), "said politely: nothing went wrong").toBeNull();
    FakeUpload.last().answer(201, entry("c1", 4, ALICE, ""));
    await waitFor(() => expect(screen.queryByRole("group", { name: "Attachment boot.log" })).toBeNull());
    expect(screen.queryByText("Wait for the file being sent, then paste again."), "said only while it is so").toBeNull();
    fireEvent.paste(field("comment"), { clipboardData: { files: [shot], getData: () => "" } });
    expect(screen.getByRole("group", { name: /^Attachment Screenshot/ }), "pasted again: taken").toBeTruthy();
  });

  it("a_file_over_the_limit_or_of_a_refused_type_is_not_taken", () => {
    render(<MessageField conversation={CHAT} user={ALICE} />);
    const input = screen.getByLabelText("Attach file", { selector: "input" });
    const big = new File([new Uint8Array(8)], "dump.log", { type: "text/plain" });
    Object.defineProperty(big, "size", { value: 11 * 1024 * 1024 });
    fireEvent.change(input, { target: { files: [big] } });
    expect(screen.getByRole("alert").textContent).toBe("dump.log is too large (11 MB): files up to 10 MB can be sent.");
    fireEvent.change(input, { target: { files: [new File(["MZ"], "tool.exe", { type: "application/x-msdownload" })] } });
    expect(screen.getByRole("alert").textContent).toContain("tool.exe cannot be sent");
    expect(screen.queryByRole("group", { name: /^Attachment/ })).toBeNull();
    expect(FakeUpload.made, "nothing was uploaded").toHaveLength(0);
  });
});
