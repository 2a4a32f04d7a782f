// @vitest-environment jsdom
/**
 * The caller's incident view is live while it is open: it watches the incident's activity over
 * the socket, a new comment appears at once, and a field change reads the incident again so the
 * state shown is the current one.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAttachmentDrafts } from "../shared/composer/attachment";
import { FakeUpload } from "../shared/composer/upload.fakes";
import { CAROL, entry, incident } from "../shared/fixtures";
import { connectedForTest } from "../shared/socket.fakes";
import type { Entry, Incident } from "../shared/wire";
import { IncidentView, mergeEntries } from "./incidents";

const BOB = { id: "u-bob", display_name: "Bob Agent" };
const CAROL_USER = { ...CAROL, username: "carol", roles: ["customer"], itil: false } as never;
let current: Incident;
let asked: string[];
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

beforeEach(() => {
  current = incident({ state: "new" });
  asked = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => {
      asked.push(path);
      if (path === "/api/incidents/i1") return json(current);
      if (path.startsWith("/api/conversations/c9/entries")) return json({ entries: [entry("c9", 1, undefined, "Incident INC0010001 was created.")], next_after: null });
      return json({ id: "c9", kind: "record", state: "active", last_seq: 1, created_at: "2026-11-30T09:05:00Z" });
    }),
  );
});

afterEach(() => {
  FakeUpload.abortPending();
  cleanup();
  forgetAttachmentDrafts();
  vi.unstubAllGlobals();
});

describe("mergeEntries", () => {
  it("adds_new_entries_in_seq_order_each_once", () => {
    const held: Entry[] = [entry("c9", 1, BOB, "a"), entry("c9", 3, BOB, "c")];
    expect(mergeEntries(held, [entry("c9", 2, BOB, "b"), entry("c9", 3, BOB, "c")]).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(mergeEntries(held, [entry("c9", 3, BOB, "c")]), "nothing new: the same list").toBe(held);
  });
});

describe("IncidentView live", () => {
  it("watches_the_activity_and_shows_a_comment_and_a_state_change_at_once", async () => {
    const { connection, socket } = connectedForTest(CAROL.id);
    render(<IncidentView id="i1" user={CAROL_USER} socket={connection} onBack={() => undefined} />);
    await screen.findByText("Incident INC0010001 was created.");
    await waitFor(() => expect(socket.framesOf("watch"), "watched while open").toEqual([{ type: "watch", conversation: "c9" }]));

    socket.receive({ type: "entry", ...entry("c9", 2, BOB, "Please restart the dock.") });
    await screen.findByText("Please restart the dock.");

    current = { ...current, state: "in_progress", version: 2 };
    const reads = asked.filter((p) => p === "/api/incidents/i1").length;
    socket.receive({ type: "entry", ...entry("c9", 3, BOB, "State: New → In progress"), kind: "system", event: "field_changed" });
    await waitFor(() => expect(asked.filter((p) => p === "/api/incidents/i1").length, "read again after a field change").toBe(reads + 1));
    await waitFor(() => expect(screen.getByText("In progress", { selector: "dd" })).toBeTruthy());
  });

  it("watches_again_after_a_reconnect", async () => {
    const { connection, socket } = connectedForTest(CAROL.id);
    render(<IncidentView id="i1" user={CAROL_USER} socket={connection} onBack={() => undefined} />);
    await waitFor(() => expect(socket.framesOf("watch")).toHaveLength(1));
    socket.receive({ type: "ready" });
    await waitFor(() => expect(socket.framesOf("watch"), "a new socket forgot it: watched again").toHaveLength(2));
  });
});

describe("IncidentView comments with a file", () => {
  it("the_caller_attaches_a_log_to_the_activity_and_it_shows_once", async () => {
    FakeUpload.reset();
    vi.stubGlobal("XMLHttpRequest", FakeUpload);
    const { connection, socket } = connectedForTest(CAROL.id);
    render(<IncidentView id="i1" user={CAROL_USER} socket={connection} onBack={() => undefined} />);
    const field = (await screen.findByRole("textbox", { name: "Add a comment" })) as HTMLTextAreaElement;
    fireEvent.input(field, { target: { value: "The log from this morning" } });
    fireEvent.change(screen.getByLabelText("Attach file", { selector: "input" }), { target: { files: [new File(["09:30 dock lost\n"], "dock.log", { type: "text/plain" })] } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(FakeUpload.last().url, "into the incident's activity").toBe("/api/conversations/c9/attachments");
    expect(Object.fromEntries(FakeUpload.last().fields())).toMatchObject({ kind: "comment", body: "The log from this morning", file: "dock.log (text/plain, 16 bytes)" });
    const posted = { ...entry("c9", 2, CAROL, "The log from this morning"), attachment: { id: "a1", name: "dock.log", type: "text/plain", size: 16, url: "/api/attachments/a1" } };
    FakeUpload.last().answer(201, posted);
    const log = screen.getByRole("log", { name: "Comments on INC0010001" });
    await within(log).findByText("The log from this morning");
    await waitFor(() => expect(field.value).toBe(""));
    socket.receive({ type: "entry", ...posted });
    expect(within(log).getAllByText("The log from this morning"), "the socket's copy is the same entry").toHaveLength(1);
  });
});
