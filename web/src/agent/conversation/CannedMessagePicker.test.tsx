// @vitest-environment jsdom
/**
 * The canned-message picker reads the queue's list each time it opens: a manager may have
 * renamed or edited a message since. What was read before shows at once (no empty list in
 * between), and is replaced, preview included, when the answer comes.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, conversation } from "../../shared/fixtures";
import { Connection } from "../../shared/socket";
import type { Canned } from "../../shared/wire";
import { connection, restoreSession } from "../state";
import { MessageField } from "./MessageField";

const SESSION = conversation("c1", CAROL);
const GREETING: Canned = { id: "k1", queue: "q-itsd", title: "Greeting", body: "Hi {customer.first_name}!" };
const RENAMED: Canned = { ...GREETING, title: "Welcome", body: "Welcome, {customer.first_name}: how can I help?" };

/** The queue's canned messages as the server has them now. */
let stored: Canned[];
/** Answers to `GET …/canned` held back until the test lets them go. */
let held: (() => void)[];
let hold: boolean;

beforeEach(() => {
  stored = [GREETING];
  held = [];
  hold = false;
  restoreSession(ALICE.id, null);
  const socket = new Connection({ me: ALICE.id, url: "ws://test.invalid/api/ws", createSocket: () => ({}) as never, storage: null });
  socket.noteConversation(SESSION);
  connection.value = socket;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => {
      if (!path.includes("/canned")) {
        const carol = { id: CAROL.id, username: "carol", display_name: CAROL.display_name, roles: ["customer"], itil: false };
        return new Response(JSON.stringify(carol), { status: 200, headers: { "Content-Type": "application/json" } });
      }
      // The list as it is when asked, answered when the test says so.
      const body = JSON.stringify(stored);
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      return new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 150));
});

const cannedCalls = () => vi.mocked(fetch).mock.calls.filter(([path]) => String(path).includes("/canned")).length;
const openPicker = () => fireEvent.click(screen.getByRole("button", { name: "Canned messages (posted as a comment to Carol Customer)" }));
const picker = () => screen.getByRole("dialog", { name: "Canned messages" });

describe("CannedMessagePicker", () => {
  it("reads_the_list_again_on_each_open_showing_the_one_read_before_meanwhile", async () => {
    render(<MessageField conversation={SESSION} user={ALICE} />);
    openPicker();
    await within(picker()).findByRole("button", { name: "Greeting" });
    fireEvent.keyDown(picker(), { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Canned messages" })).toBeNull());

    // A manager renames the message and changes its text.
    stored = [RENAMED];
    hold = true;
    openPicker();
    expect(cannedCalls(), "asked again on opening").toBe(2);
    expect(within(picker()).getByRole("button", { name: "Greeting" }), "the list read before, at once").toBeTruthy();
    expect(within(picker()).queryByText("Loading…"), "no empty list in between").toBeNull();
    fireEvent.focus(within(picker()).getByRole("button", { name: "Greeting" }));
    expect(picker().textContent).toContain("Hi Carol!");

    for (const answer of held) answer();
    await within(picker()).findByRole("button", { name: "Welcome" });
    expect(within(picker()).queryByRole("button", { name: "Greeting" }), "the old title is gone").toBeNull();
    expect(picker().textContent, "the preview shows the new text").toContain("Welcome, Carol: how can I help?");
    expect(picker().textContent).not.toContain("Hi Carol!");
  });
});
