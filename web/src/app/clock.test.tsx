// @vitest-environment jsdom
/**
 * The per-second clock re-renders only what shows a live time: the agent's home view and the
 * workspace stay as they are while their waiting times and "min ago" texts follow the clock.
 */
import { cleanup, render, screen, waitFor, within } from "@testing-library/preact";
import { options, type VNode } from "preact";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentApp } from "../agent/AgentApp";
import { connection, me, queues } from "../agent/state";
import { now } from "../shared/now";
import { connectedForTest, putOffers } from "../shared/socket.fakes";
import type { Conversation, User } from "../shared/wire";

const T0 = Date.parse("2026-01-05T10:00:00Z");
const alice: User = { id: "u1", username: "alice", display_name: "Alice Agent", roles: ["agent"], itil: true };

function conversation(id: string, state: Conversation["state"], minutesAgo: number): Conversation {
  return {
    id,
    kind: "support",
    state,
    queue: "q1",
    customer: { id: `c${id}`, display_name: `Customer ${id}` },
    ...(state === "active" ? { assignee: { id: alice.id, display_name: alice.display_name } } : {}),
    last_seq: 0,
    created_at: new Date(T0 - minutesAgo * 60_000).toISOString(),
  };
}

/** Renders of each named component since the last reset. */
const renders = new Map<string, number>();
const previousDiffed = options.diffed;
options.diffed = (vnode: VNode) => {
  if (typeof vnode.type === "function") renders.set(vnode.type.name, (renders.get(vnode.type.name) ?? 0) + 1);
  previousDiffed?.(vnode);
};
afterAll(() => {
  if (previousDiffed === undefined) delete options.diffed;
  else options.diffed = previousDiffed;
});

beforeEach(() => {
  now.value = T0;
  const feed = connectedForTest(alice.id);
  const socket = feed.connection;
  const mine = conversation("7", "active", 5);
  socket.noteConversation(mine);
  const waiting = conversation("8", "queued", 1);
  putOffers(feed, [waiting]);
  connection.value = socket;
  me.value = alice;
  queues.value = [
    { id: "q1", name: "IT Service Desk", group: { id: "g1", name: "IT" }, greeting: "", inactivity_warning_seconds: 120, auto_close_seconds: 60, assignee_grace_seconds: 60, unsend_seconds: 120, max_sessions_per_agent: 0, survey: true, offer_alert_seconds: 60, reply_alert_seconds: 120 },
  ];
});

// Preact runs deferred effects (and their cleanups) up to 100 ms after a render; let that
// happen while this file's page still exists, not after jsdom has been torn down.
afterAll(async () => {
  await new Promise<void>((resolve) => setTimeout(resolve, 150));
});

afterEach(() => {
  cleanup();
  connection.value = null;
  me.value = null;
});

function tick(seconds: number): void {
  now.value += seconds * 1000;
}

describe("the per-second clock", () => {
  it("home_view_keeps_still_while_the_longest_wait_follows_the_clock", async () => {
    render(<AgentApp workspace={null} />);
    const pane = screen.getByRole("main", { name: "Content pane" });
    await waitFor(() => expect(within(pane).getByText(/longest 1:00/)).toBeTruthy());
    renders.clear();

    tick(1);
    await waitFor(() => expect(within(pane).getByText(/longest 1:01/)).toBeTruthy());
    tick(1);
    await waitFor(() => expect(within(pane).getByText(/longest 1:02/)).toBeTruthy());
    for (const name of ["SignedIn", "ContentPane", "SessionTable", "TopBar"]) {
      expect(renders.get(name) ?? 0, `${name} re-rendered on a tick`).toBe(0);
    }
  });

  it("workspace_keeps_still_while_its_list_times_follow_the_clock", async () => {
    render(<AgentApp workspace="7" />);
    const list = screen.getByRole("navigation", { name: "Conversations" });
    await waitFor(() => expect(within(list).getByText("5 min ago")).toBeTruthy());
    renders.clear();

    tick(60);
    await waitFor(() => expect(within(list).getByText("6 min ago")).toBeTruthy());
    tick(60);
    await waitFor(() => expect(within(list).getByText("7 min ago")).toBeTruthy());
    for (const name of ["SignedIn", "Workspace", "ConversationView", "Since"]) {
      expect(renders.get(name) ?? 0, `${name} re-rendered on a tick`).toBe(0);
    }
  });
});
