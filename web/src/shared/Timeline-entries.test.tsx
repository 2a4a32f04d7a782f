// @vitest-environment jsdom
/**
 * What an entry shows: an image as a bounded preview opening the full image, other files as a
 * download card, "Message withdrawn" in place of a withdrawn entry (the marker never shown), and
 * Withdraw on the viewer's own messages only while the window lasts on the injected clock (never
 * in a view without `unsend`, as the customer's), with the server's refusal shown by the message.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api";
import { now } from "./now";
import { Timeline, type TimelineProps } from "./Timeline";
import type { Attachment, Entry, UserRef } from "./wire";

afterEach(cleanup);

const ALICE: UserRef = { id: "u-alice", display_name: "Alice Agent" };
const CAROL: UserRef = { id: "u-carol", display_name: "Carol Customer" };
const SENT = "2026-11-30T09:30:00Z";
const SENT_MS = Date.parse(SENT);

const SHOT: Attachment = { id: "41", name: "screenshot.png", type: "image/png", size: 48213, url: "/api/attachments/41" };
const REPORT: Attachment = { id: "42", name: "vpn-report.pdf", type: "application/pdf", size: 1_234_567, url: "/api/attachments/42" };
const LOG: Attachment = { id: "43", name: "vpn.log", type: "text/plain", size: 812, url: "/api/attachments/43" };

function entry(seq: number, author: UserRef, body: string, fields: Partial<Entry> = {}): Entry {
  return { conversation: "c1", seq, kind: "comment", author, body, at: SENT, ...fields };
}

function props(entries: readonly Entry[], extra: Partial<TimelineProps> = {}): TimelineProps {
  return { label: "Conversation with Carol", entries, pending: [], typing: [], me: ALICE.id, online: true, now: SENT_MS, ...extra };
}

const log = () => screen.getByRole("log", { name: "Conversation with Carol" });
const item = (text: string) => within(log()).getByText(text).closest("li") as HTMLElement;

describe("Timeline attachments", () => {
  it("shows_an_image_inline_with_its_name_as_alt_opening_the_full_image_in_a_new_tab", () => {
    render(<Timeline {...props([entry(1, CAROL, "The error I get", { attachment: SHOT })])} />);
    const image = within(log()).getByRole("img", { name: "screenshot.png" });
    expect(image.getAttribute("src"), "the attachment's url").toBe("/api/attachments/41");
    const link = image.closest("a");
    expect(link?.getAttribute("href"), "click or Enter opens the full image").toBe("/api/attachments/41");
    expect(link?.getAttribute("target")).toBe("_blank");
    expect(link?.getAttribute("rel")).toBe("noopener noreferrer");
    expect(within(log()).getByText("The error I get"), "the caption is shown with it").toBeTruthy();
  });

  it("writes_a_cards_size_in_the_units_the_composer_and_the_limit_use", () => {
    const pdf = (id: string, size: number): Attachment => ({ id, name: `${id}.pdf`, type: "application/pdf", size, url: `/api/attachments/${id}` });
    render(<Timeline {...props([entry(1, CAROL, "", { attachment: pdf("limit", 10 * 1024 * 1024) }), entry(2, CAROL, "", { attachment: pdf("half", 10.5 * 1024 * 1024) }), entry(3, CAROL, "", { attachment: pdf("million", 1_000_000) })])} />);
    expect(within(log()).getByRole("link", { name: "Download limit.pdf, PDF, 10 MB" }), "exactly the limit (10 MiB) reads as the limit").toBeTruthy();
    expect(within(log()).getByRole("link", { name: "Download half.pdf, PDF, 10.5 MB" }), "as the composer's chip writes it").toBeTruthy();
    expect(within(log()).getByRole("link", { name: "Download million.pdf, PDF, 977 KB" })).toBeTruthy();
  });

  it("shows_other_files_as_a_download_card_with_type_and_size", () => {
    render(<Timeline {...props([entry(1, CAROL, "", { attachment: REPORT }), entry(2, CAROL, "Here is the log", { attachment: LOG })])} />);
    const pdf = within(log()).getByRole("link", { name: "Download vpn-report.pdf, PDF, 1.2 MB" });
    expect(pdf.getAttribute("href"), "always as a download").toBe("/api/attachments/42?download=1");
    expect(pdf.textContent).toContain("PDF · 1.2 MB");
    const text = within(log()).getByRole("link", { name: "Download vpn.log, Text file, 812 bytes" });
    expect(text.textContent).toContain("Text file · 812 bytes");
    expect(within(log()).queryByRole("img"), "no preview for a file").toBeNull();
    expect(item("Here is the log").querySelectorAll(".entry__body"), "one caption").toHaveLength(1);
    expect(pdf.closest("li")?.querySelector(".entry__body"), "an empty caption leaves no empty paragraph").toBeNull();
  });

  it("an_image_that_cannot_be_loaded_becomes_a_download_card", () => {
    render(<Timeline {...props([entry(1, CAROL, "", { attachment: SHOT })])} />);
    fireEvent.error(within(log()).getByRole("img", { name: "screenshot.png" }));
    expect(within(log()).getByRole("link", { name: "Download screenshot.png, PNG image, 47.1 KB" }).getAttribute("href")).toBe("/api/attachments/41?download=1");
  });

  it("a_work_note_with_a_file_stays_gold_and_labelled", () => {
    render(<Timeline {...props([entry(1, ALICE, "Customer's screen", { kind: "work_note", attachment: SHOT })])} />);
    const note = within(log()).getByRole("img", { name: "screenshot.png" }).closest("li");
    expect(note?.classList.contains("entry--work-note"), "the gold class").toBe(true);
    expect(note?.textContent).toContain("Work note");
  });
});

describe("Timeline withdrawn entries", () => {
  const withdrawn = { by: ALICE, at: "2026-11-30T09:31:00Z" };

  it.each([
    ["agent", ALICE.id],
    ["customer", CAROL.id],
  ])("shows_message_withdrawn_in_place_of_body_and_file (%s)", (_who, me) => {
    const entries = [entry(1, CAROL, "Hello"), entry(2, ALICE, "", { withdrawn }), entry(3, ALICE, "Alice Agent withdrew a message.", { event: "withdrawn", withdraws: 2 })];
    render(<Timeline {...props(entries, { me, avatars: me === CAROL.id })} />);
    const line = item("Message withdrawn");
    expect(line.querySelector(".entry__withdrawn"), "muted and italic").not.toBeNull();
    expect(within(log()).queryByRole("img"), "no attachment").toBeNull();
    expect(within(log()).queryByText(/withdrew a message/), "the marker is no message").toBeNull();
    expect(log().querySelectorAll("li"), "two messages, no third for the marker").toHaveLength(2);
  });

  it("a_list_holding_a_marker_shows_its_entry_withdrawn_though_the_list_did_not_mark_it", () => {
    // As a view that merges an HTTP read with live entries (the customer's incident) holds them.
    const entries = [entry(1, ALICE, "Wrong incident, sorry", { attachment: SHOT }), entry(2, ALICE, "Alice Agent withdrew a message.", { event: "withdrawn", withdraws: 1 })];
    render(<Timeline {...props(entries, { me: CAROL.id, avatars: true })} />);
    expect(within(log()).getByText("Message withdrawn")).toBeTruthy();
    expect(within(log()).queryByText("Wrong incident, sorry"), "never the body").toBeNull();
    expect(within(log()).queryByRole("img"), "nor the file").toBeNull();
    expect(log().querySelectorAll("li")).toHaveLength(1);
  });

  it("a_withdrawn_work_note_keeps_its_label", () => {
    render(<Timeline {...props([entry(1, ALICE, "", { kind: "work_note", withdrawn })])} />);
    const line = item("Message withdrawn");
    expect(line.classList.contains("entry--work-note")).toBe(true);
    expect(line.textContent).toContain("Work note");
  });
});

describe("Timeline Withdraw", () => {
  function unsend(onWithdraw: (e: Entry) => Promise<void> = vi.fn(async () => undefined), seconds = 120) {
    return { seconds, onWithdraw };
  }

  it("offers_withdraw_on_own_messages_only_while_the_window_lasts", async () => {
    now.value = SENT_MS + 5_000;
    const entries = [entry(1, CAROL, "Carol's question"), entry(2, ALICE, "My answer"), entry(3, ALICE, "My note", { kind: "work_note" }), entry(4, ALICE, "", { withdrawn: { by: ALICE, at: SENT } })];
    render(<Timeline {...props(entries, { unsend: unsend() })} />);
    expect(within(item("My answer")).getByRole("button", { name: "Withdraw message" }), "own comment").toBeTruthy();
    expect(within(item("My note")).getByRole("button", { name: "Withdraw message" }), "own work note").toBeTruthy();
    expect(within(item("Carol's question")).queryByRole("button", { name: "Withdraw message" }), "not another's").toBeNull();
    expect(within(item("Message withdrawn")).queryByRole("button", { name: "Withdraw message" }), "not one withdrawn already").toBeNull();

    now.value = SENT_MS + 119_000;
    expect(within(log()).getAllByRole("button", { name: "Withdraw message" }), "still within 120 s").toHaveLength(2);
    now.value = SENT_MS + 120_000;
    await waitFor(() => expect(within(log()).queryAllByRole("button", { name: "Withdraw message" }), "gone once the window passed").toHaveLength(0));
  });

  it("is_never_offered_without_unsend_or_with_a_window_of_0", () => {
    now.value = SENT_MS + 1_000;
    render(<Timeline {...props([entry(1, CAROL, "Mine, as the customer")], { me: CAROL.id, avatars: true })} />);
    expect(screen.queryByRole("button", { name: "Withdraw message" }), "a customer's view has no unsend").toBeNull();
    cleanup();
    render(<Timeline {...props([entry(1, ALICE, "Mine")], { unsend: unsend(undefined, 0) })} />);
    expect(screen.queryByRole("button", { name: "Withdraw message" }), "unsend_seconds 0: never").toBeNull();
  });

  it("asks_first_then_withdraws_and_puts_focus_on_the_log", async () => {
    now.value = SENT_MS + 1_000;
    const onWithdraw = vi.fn(async (_entry: Entry) => undefined);
    const view = render(<Timeline {...props([entry(1, ALICE, "Wrong window, sorry")], { unsend: unsend(onWithdraw) })} />);
    fireEvent.click(screen.getByRole("button", { name: "Withdraw message" }));
    const dialog = screen.getByRole("dialog", { name: "Withdraw this message?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(onWithdraw, "Cancel withdraws nothing").not.toHaveBeenCalled();
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    fireEvent.click(screen.getByRole("button", { name: "Withdraw message" }));
    fireEvent.click(within(screen.getByRole("dialog", { name: "Withdraw this message?" })).getByRole("button", { name: "Withdraw" }));
    await waitFor(() => expect(onWithdraw).toHaveBeenCalledTimes(1));
    expect(onWithdraw.mock.calls[0]?.[0]?.seq, "the entry").toBe(1);
    // The answer arrives as the entry withdrawn.
    view.rerender(<Timeline {...props([entry(1, ALICE, "", { withdrawn: { by: ALICE, at: SENT } })], { unsend: unsend(onWithdraw) })} />);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(within(log()).getByText("Message withdrawn")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Withdraw message" })).toBeNull();
    expect(document.activeElement, "focus goes to the log, not to <body>").toBe(log());
  });

  it.each([
    ["too_late", new ApiError(409, "unsend_expired", "Messages can be withdrawn only within 2 minutes of sending."), true],
    ["not_allowed", new ApiError(403, "forbidden", "You can only withdraw your own messages."), true],
    ["network", new ApiError(0, "network_error", "Could not reach the server. Check your connection and try again."), false],
  ])("shows_the_servers_refusal_by_the_message (%s)", async (_name, failure, buttonGoes) => {
    now.value = SENT_MS + 1_000;
    render(<Timeline {...props([entry(1, ALICE, "Restart the laptop")], { unsend: unsend(async () => Promise.reject(failure)) })} />);
    fireEvent.click(screen.getByRole("button", { name: "Withdraw message" }));
    fireEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Withdraw" }));
    const alert = await within(item("Restart the laptop")).findByRole("alert");
    expect(alert.textContent, "the server's words, near the message").toBe(failure.message);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(within(log()).getByText("Restart the laptop"), "the message stays").toBeTruthy();
    expect(screen.queryByRole("button", { name: "Withdraw message" }) === null, buttonGoes ? "refused for good: no button" : "a network failure may be tried again").toBe(buttonGoes);
  });
});
