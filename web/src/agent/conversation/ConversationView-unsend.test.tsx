// @vitest-environment jsdom
/**
 * Unsend in the agent's conversation view: Withdraw on Alice's own message within the queue's
 * window (none when the queue says 0), the server's answer shown at once, and the marker that
 * arrives over the socket afterwards changing nothing more.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, conversation } from "../../shared/fixtures";
import { now } from "../../shared/now";
import { connectedForTest, ManualScheduler } from "../../shared/socket.fakes";
import { clearWithdrawnAnswers } from "../../shared/withdraw";
import type { Entry, Queue } from "../../shared/wire";
import { connection, queues } from "../state";
import { ConversationView } from "./ConversationView";

const me = { id: ALICE.id, display_name: ALICE.display_name };
const SENT = "2026-11-30T09:30:00Z";
const WITHDRAWN_AT = "2026-11-30T09:30:40Z";
let feed: ReturnType<typeof connectedForTest>;
let withdrawCalls: string[];

function queue(unsend_seconds: number): Queue {
  return { id: "q-itsd", name: "IT Service Desk", group: { id: "g", name: "ITSD" }, greeting: "", inactivity_warning_seconds: 600, auto_close_seconds: 300, assignee_grace_seconds: 60, unsend_seconds, max_sessions_per_agent: 0, survey: true, offer_alert_seconds: 60, reply_alert_seconds: 120 };
}

function entry(seq: number, fields: Partial<Entry> = {}): Entry {
  return { conversation: "c1", seq, kind: "comment", author: me, body: "Restart the laptop, please.", at: SENT, ...fields };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

beforeEach(() => {
  withdrawCalls = [];
  feed = connectedForTest(ALICE.id);
  connection.value = feed.connection;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => {
      if (path.endsWith("/withdraw")) {
        withdrawCalls.push(path);
        return json(entry(2, { body: "", withdrawn: { by: me, at: WITHDRAWN_AT } }));
      }
      return json([]);
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  clearWithdrawnAnswers();
  connection.value = null;
});

function View() {
  const c = connection.value?.conversations.value.get("c1");
  return c === undefined ? null : <ConversationView conversation={c} user={ALICE} visible={true} where="window" />;
}

function opened(): void {
  // Both entries were there when the view opened (no new entry: no reading of the server's clock).
  feed.connection.noteConversation(conversation("c1", CAROL, { assignee: me, last_seq: 2 }));
  feed.socket.receive({ type: "entry", ...entry(1, { author: CAROL, body: "My VPN drops." }) });
  feed.socket.receive({ type: "entry", ...entry(2) });
  render(<View />);
}

const log = () => screen.getByRole("log", { name: "Conversation with Carol Customer" });

describe("ConversationView unsend", () => {
  it("withdraws_at_once_and_the_marker_after_it_changes_nothing", async () => {
    queues.value = [queue(120)];
    now.value = Date.parse(SENT) + 30_000;
    opened();
    fireEvent.click(within(log()).getByRole("button", { name: "Withdraw message" }));
    fireEvent.click(within(screen.getByRole("dialog", { name: "Withdraw this message?" })).getByRole("button", { name: "Withdraw" }));
    await waitFor(() => expect(within(log()).getByText("Message withdrawn"), "shown from the answer, before any marker").toBeTruthy());
    expect(withdrawCalls).toEqual(["/api/conversations/c1/entries/2/withdraw"]);
    expect(within(log()).queryByText("Restart the laptop, please."), "the body is gone").toBeNull();
    expect(within(log()).queryByRole("button", { name: "Withdraw message" })).toBeNull();

    feed.socket.receive({ type: "entry", ...entry(3, { event: "withdrawn", withdraws: 2, body: "Alice Agent withdrew a message.", at: WITHDRAWN_AT }) });
    await waitFor(() => expect(feed.connection.entries.value.get("c1")?.at(-1)?.seq).toBe(3));
    expect(within(log()).getAllByText("Message withdrawn"), "once").toHaveLength(1);
    expect(within(log()).queryByText(/withdrew a message/), "the marker is no message").toBeNull();
    expect(feed.connection.entries.value.get("c1")?.[1]?.withdrawn?.by, "the feed marked it too").toEqual(me);
  });

  it("offers_nothing_when_the_queue_allows_no_unsend", () => {
    queues.value = [queue(0)];
    now.value = Date.parse(SENT) + 1_000;
    opened();
    expect(within(log()).getByText("Restart the laptop, please.")).toBeTruthy();
    expect(within(log()).queryByRole("button", { name: "Withdraw message" })).toBeNull();
  });

  it.each([
    ["behind", -300_000],
    ["ahead", 300_000],
  ])("follows_the_servers_clock_when_the_browsers_is_%s", async (_how, skew) => {
    queues.value = [queue(120)];
    // Alice's browser clock is 5 minutes off; her message arrives live as the server stored it.
    const scheduler = new ManualScheduler(Date.parse(SENT) + skew);
    feed = connectedForTest(ALICE.id, scheduler);
    connection.value = feed.connection;
    feed.connection.noteConversation(conversation("c1", CAROL, { assignee: me, last_seq: 1 }));
    feed.socket.receive({ type: "entry", ...entry(1, { author: CAROL, body: "My VPN drops." }) });
    now.value = scheduler.now();
    feed.socket.receive({ type: "entry", ...entry(2) });
    render(<View />);
    expect(within(log()).getByRole("button", { name: "Withdraw message" }), "just sent: the window is open").toBeTruthy();
    now.value = scheduler.now() + 119_000;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(within(log()).getByRole("button", { name: "Withdraw message" }), "119 s after it was stored on the server's clock").toBeTruthy();
    now.value = scheduler.now() + 120_000;
    await waitFor(() => expect(within(log()).queryByRole("button", { name: "Withdraw message" }), "120 s on the server's clock").toBeNull());
  });

  it("follows_the_queues_window", async () => {
    queues.value = [queue(30)];
    now.value = Date.parse(SENT) + 29_000;
    opened();
    expect(within(log()).getByRole("button", { name: "Withdraw message" })).toBeTruthy();
    now.value = Date.parse(SENT) + 30_000;
    await waitFor(() => expect(within(log()).queryByRole("button", { name: "Withdraw message" }), "30 s of this queue are over").toBeNull());
  });
});
