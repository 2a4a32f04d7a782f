// @vitest-environment jsdom
/**
 * The customer's message field: text through the socket without `seen` (the stale-view guard is
 * for staff), and a screenshot pasted or a file attached, uploaded with the text as its caption;
 * a refusal keeps both with the server's words.
 */
import { signal } from "@preact/signals";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAttachmentDrafts } from "../shared/composer/attachment";
import { FakeUpload } from "../shared/composer/upload.fakes";
import { CAROL, conversation, entry } from "../shared/fixtures";
import { connectedForTest } from "../shared/socket.fakes";
import { CustomerComposer } from "./CustomerComposer";

const CHAT = conversation("c1", CAROL);
let feed: ReturnType<typeof connectedForTest>;

beforeEach(() => {
  feed = connectedForTest(CAROL.id);
  feed.connection.noteConversation(CHAT);
  feed.socket.receive({ type: "entry", ...entry("c1", 1, CAROL, "My VPN drops") });
  FakeUpload.reset();
  vi.stubGlobal("XMLHttpRequest", FakeUpload);
});

afterEach(() => {
  FakeUpload.abortPending();
  cleanup();
  forgetAttachmentDrafts();
  vi.unstubAllGlobals();
});

const field = () => screen.getByRole("textbox", { name: "Message" }) as HTMLTextAreaElement;
const screenshot = () => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])], "image.png", { type: "image/png" });

describe("the customer's message field", () => {
  it("sends_text_without_seen", () => {
    render(<CustomerComposer conversation={CHAT} draft={signal("")} socket={feed.connection} />);
    fireEvent.input(field(), { target: { value: "Still dropping" } });
    fireEvent.keyDown(field(), { key: "Enter" });
    const sent = feed.socket.framesOf("send")[0];
    expect(sent).toMatchObject({ kind: "comment", body: "Still dropping" });
    expect(sent, "customers send no seen").not.toHaveProperty("seen");
  });

  it("a_pasted_screenshot_is_sent_with_the_caption_and_no_seen", async () => {
    const draft = signal("");
    render(<CustomerComposer conversation={CHAT} draft={draft} socket={feed.connection} />);
    fireEvent.input(field(), { target: { value: "This is what I see" } });
    fireEvent.paste(field(), { clipboardData: { files: [screenshot()], getData: () => "" } });
    const chip = screen.getByRole("group", { name: /^Attachment Screenshot / });
    expect(chip.textContent).toContain("PNG image · 8 bytes");
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    const fields = FakeUpload.last().fields();
    expect(fields.map(([name]) => name)).toEqual(["client_id", "kind", "body", "file"]);
    expect(Object.fromEntries(fields)).toMatchObject({ kind: "comment", body: "This is what I see" });
    expect(String(Object.fromEntries(fields).file)).toMatch(/^Screenshot \d{4}-\d\d-\d\d \d\d\.\d\d\.png \(image\/png, 8 bytes\)$/);
    FakeUpload.last().answer(201, { ...entry("c1", 2, CAROL, "This is what I see") });
    await waitFor(() => expect(screen.queryByRole("group", { name: /^Attachment/ })).toBeNull());
    expect(draft.value, "sent: the field is empty").toBe("");
    expect(feed.socket.framesOf("send"), "not also sent as text").toHaveLength(0);
  });

  it("a_file_only_needs_no_caption_and_a_413_keeps_file_and_text", async () => {
    const draft = signal("");
    render(<CustomerComposer conversation={CHAT} draft={draft} socket={feed.connection} />);
    fireEvent.change(screen.getByLabelText("Attach file", { selector: "input" }), { target: { files: [new File(["x".repeat(64)], "vpn.log", { type: "" })] } });
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled, "a file alone can be sent").toBe(false);
    fireEvent.input(field(), { target: { value: "the log" } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    FakeUpload.last().answer(413, { error: { code: "too_large", message: "The file is larger than the 10 MiB allowed." } });
    expect((await screen.findByRole("alert")).textContent).toBe("vpn.log was not sent: The file is larger than the 10 MiB allowed.");
    expect(draft.value).toBe("the log");
    expect(screen.getByRole("group", { name: "Attachment vpn.log" }).textContent).toContain("Text file · 64 bytes");
  });

  it("a_paste_of_text_stays_text", () => {
    render(<CustomerComposer conversation={CHAT} draft={signal("")} socket={feed.connection} />);
    const event = fireEvent.paste(field(), { clipboardData: { files: [screenshot()], getData: (format: string) => (format === "text/plain" ? "Error 809" : "") } });
    expect(event, "the browser pastes the words as usual").toBe(true);
    expect(screen.queryByRole("group", { name: /^Attachment/ })).toBeNull();
  });
});
