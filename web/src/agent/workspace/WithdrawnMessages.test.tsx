// @vitest-environment jsdom
/**
 * The managers' "Withdrawn messages" in the workspace: shown to a manager once the session holds
 * a withdrawn entry, listing from the audit records who wrote what and when and who withdrew it;
 * never to an agent, and not for a session with nothing withdrawn.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, conversation, DANA } from "../../shared/fixtures";
import { connectedForTest } from "../../shared/socket.fakes";
import type { Entry, User, Withdrawal } from "../../shared/wire";
import { connection, me, queues } from "../state";
import { recordPane } from "../records/pane";
import { Workspace } from "./Workspace";

const alice = { id: ALICE.id, display_name: ALICE.display_name };
const MANAGER: User = { id: DANA.id, username: "dana", display_name: DANA.display_name, roles: ["manager"], itil: true };
const SHOT = { id: "41", name: "screenshot.png", type: "image/png", size: 48213, url: "/api/attachments/41" };

const RECORDS: Withdrawal[] = [
  { seq: 2, kind: "comment", author: alice, body: "Your password is Winter2026!", at: "2026-11-30T09:30:00Z", withdrawn_by: alice, withdrawn_at: "2026-11-30T09:30:40Z" },
  { seq: 4, kind: "work_note", author: alice, body: "", attachment: SHOT, at: "2026-11-30T09:32:00Z", withdrawn_by: alice, withdrawn_at: "2026-11-30T09:33:00Z" },
];

let feed: ReturnType<typeof connectedForTest>;
let asked: string[];

function entry(seq: number, fields: Partial<Entry> = {}): Entry {
  return { conversation: "c1", seq, kind: "comment", author: CAROL, body: `message ${seq}`, at: "2026-11-30T09:29:00Z", ...fields };
}

function open(user: User, withdrawn: boolean): void {
  feed = connectedForTest(user.id);
  connection.value = feed.connection;
  me.value = user;
  feed.connection.noteConversation(conversation("c1", CAROL, { assignee: alice, last_seq: 3 }));
  feed.socket.receive({ type: "entry", ...entry(1) });
  feed.socket.receive({ type: "entry", ...entry(2, withdrawn ? { author: alice, body: "", withdrawn: { by: alice, at: "2026-11-30T09:30:40Z" } } : { author: alice }) });
  render(<Workspace user={user} id="c1" />);
}

beforeEach(() => {
  asked = [];
  queues.value = [{ id: "q-itsd", name: "IT Service Desk" } as never];
  recordPane.replace({ kind: "home" });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => {
      asked.push(path);
      const body = path.endsWith("/withdrawals") ? RECORDS : [];
      return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
  me.value = null;
  queues.value = [];
});

const pane = () => screen.getByRole("main", { name: "Conversation pane" });

describe("Withdrawn messages", () => {
  it("a_manager_reads_who_wrote_what_and_who_withdrew_it", async () => {
    open(MANAGER, true);
    const summary = within(pane()).getByText(/^Withdrawn messages/);
    expect(asked.filter((p) => p.endsWith("/withdrawals")), "read only when opened").toEqual([]);
    const details = summary.closest("details") as HTMLDetailsElement;
    details.open = true;
    fireEvent(details, new Event("toggle"));
    const list = await within(pane()).findByRole("list", { name: "Withdrawn messages" });
    expect(asked.filter((p) => p.endsWith("/withdrawals"))).toEqual(["/api/conversations/c1/withdrawals"]);
    const [first, second] = within(list).getAllByRole("listitem");
    expect(first?.textContent, "the author").toContain("Alice Agent wrote");
    expect(first?.textContent, "the original body").toContain("Your password is Winter2026!");
    expect(first?.textContent, "who withdrew it").toContain("Withdrawn by Alice Agent");
    expect(first?.querySelector("[title]")?.getAttribute("title"), "the exact time on hover").toBeTruthy();
    expect(second?.textContent, "a work note keeps its label").toContain("Work note");
    expect(within(second as HTMLElement).getByRole("img", { name: "screenshot.png" }), "and its file").toBeTruthy();
    expect(within(pane()).getByRole("log").textContent, "the log itself still says only that it was withdrawn").not.toContain("Winter2026");
  });

  it("reads_again_when_another_message_is_withdrawn_while_open", async () => {
    open(MANAGER, true);
    const details = within(pane()).getByText(/^Withdrawn messages/).closest("details") as HTMLDetailsElement;
    details.open = true;
    fireEvent(details, new Event("toggle"));
    await within(pane()).findByRole("list", { name: "Withdrawn messages" });
    feed.socket.receive({ type: "entry", ...entry(3, { author: alice }) });
    feed.socket.receive({ type: "entry", ...entry(4, { author: alice, event: "withdrawn", withdraws: 3, body: "Alice Agent withdrew a message." }) });
    await waitFor(() => expect(asked.filter((p) => p.endsWith("/withdrawals"))).toHaveLength(2));
  });

  it("an_agent_never_sees_it", () => {
    open({ ...ALICE, roles: ["agent"] }, true);
    expect(within(pane()).queryByText(/^Withdrawn messages/)).toBeNull();
    expect(within(pane()).getByText("Message withdrawn"), "only the mark in the log").toBeTruthy();
  });

  it("not_shown_when_nothing_was_withdrawn", () => {
    open(MANAGER, false);
    expect(within(pane()).queryByText(/^Withdrawn messages/)).toBeNull();
  });
});
