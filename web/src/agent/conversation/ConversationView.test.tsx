// @vitest-environment jsdom
/**
 * A message the agent queued while away, refused because the chat went back to the queue
 * meanwhile: it says so (not the server's "add a work note" advice), offers Discard, and Retry
 * with the same client id once the agent has the chat again.
 */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, conversation } from "../../shared/fixtures";
import { connectedForTest } from "../../shared/socket.fakes";
import type { Conversation } from "../../shared/wire";
import { connection, queues } from "../state";
import { ConversationView } from "./ConversationView";

let feed: ReturnType<typeof connectedForTest>;
const me = { id: ALICE.id, display_name: ALICE.display_name };

beforeEach(() => {
  feed = connectedForTest(ALICE.id);
  connection.value = feed.connection;
  queues.value = [{ id: "q-itsd", name: "IT Service Desk" } as never];
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(JSON.stringify({ id: CAROL.id, username: "carol", display_name: CAROL.display_name, roles: ["customer"], itil: false }), { status: 200, headers: { "Content-Type": "application/json" } })),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
});

function View() {
  const c = connection.value?.conversations.value.get("c1");
  return c === undefined ? null : <ConversationView conversation={c} user={ALICE} visible={true} where="window" />;
}

function backInTheQueue(): Conversation {
  const { assignee: _a, ...queued } = conversation("c1", CAROL, { state: "queued", position: 1 });
  return { ...queued, returned_from: me, returned_at: "2026-11-30T10:00:00Z" };
}

describe("ConversationView refused sends", () => {
  it.each([
    ["refusal_first", true],
    ["return_first", false],
  ])("a_send_refused_after_the_chat_went_back_says_so_and_retries_once_mine_again (%s)", async (_name, refusalFirst) => {
    feed.connection.noteConversation(conversation("c1", CAROL, { assignee: me }));
    render(<View />);
    const clientId = feed.connection.send("c1", "comment", "Try the other dock.");
    const refuse = () =>
      feed.socket.receive({ type: "error", ref: clientId, conversation: "c1", error: { code: "forbidden", message: "Only the assigned agent may post comments; add a work note instead." } });
    const goBack = () => feed.socket.receive({ type: "offer", conversation: backInTheQueue() });
    if (refusalFirst) {
      refuse();
      goBack();
    } else {
      goBack();
      refuse();
    }
    await waitFor(() => expect(screen.getByText(/^Not sent:/).textContent).toContain("Not sent: the chat went back to the queue while you were away."));
    expect(screen.queryByText(/add a work note instead/), "not the server's advice").toBeNull();
    expect(screen.getByRole("button", { name: "Discard" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Retry" }), "no Retry while it waits in the queue").toBeNull();

    // Alice accepts it again: Retry sends it with the same client id.
    feed.socket.receive({ type: "conversation", ...conversation("c1", CAROL, { assignee: me }) });
    fireEvent.click(await screen.findByRole("button", { name: "Retry" }));
    const sends = feed.socket.framesOf("send").filter((f) => f.client_id === clientId);
    expect(sends, "sent twice under one client id").toHaveLength(2);
    expect(sends[1]?.body).toBe("Try the other dock.");
  });

  it("another_forbidden_refusal_keeps_the_servers_words_and_no_retry", async () => {
    feed.connection.noteConversation(conversation("c1", CAROL, { assignee: me }));
    render(<View />);
    const clientId = feed.connection.send("c1", "comment", "Hello");
    feed.socket.receive({ type: "error", ref: clientId, conversation: "c1", error: { code: "forbidden", message: "Only the assigned agent may post comments; add a work note instead." } });
    await waitFor(() => expect(screen.getByText(/^Not sent:/).textContent).toContain("add a work note instead"));
    expect(screen.queryByRole("button", { name: "Retry" })).toBeNull();
  });
});
