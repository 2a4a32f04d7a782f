// @vitest-environment jsdom
/**
 * A manager is told, in a live region, which chat went back to the queue, why and when, with a
 * link that opens it; a notice stays until dismissed or until the session waits no more.
 */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE, CAROL, conversation } from "../shared/fixtures";
import { connectedForTest } from "../shared/socket.fakes";
import { ReturnedNotices } from "./ReturnedNotices";
import { connection } from "./state";

let feed: ReturnType<typeof connectedForTest>;

beforeEach(() => {
  feed = connectedForTest(ALICE.id);
  connection.value = feed.connection;
});

afterEach(() => {
  cleanup();
  connection.value = null;
});

function returned(at: string) {
  const { assignee: _a, ...queued } = conversation("c7", CAROL, { state: "queued", position: 1 });
  return { type: "returned", conversation: { ...queued, returned_from: { id: "u-bob", display_name: "Bob Agent" }, returned_at: at } };
}

describe("ReturnedNotices", () => {
  it("says_whose_chat_went_back_and_why_until_dismissed", async () => {
    render(<ReturnedNotices />);
    const region = screen.getByRole("status", { name: "Sessions back in the queue" });
    expect(region.textContent, "nothing yet").toBe("");
    feed.socket.receive(returned("2026-11-30T10:00:00Z"));
    await waitFor(() => expect(region.textContent).toContain("Carol Customer's chat went back to the queue: Bob Agent had to leave."));
    fireEvent.click(screen.getByRole("button", { name: "Dismiss: Carol Customer's chat went back to the queue: Bob Agent had to leave." }));
    await waitFor(() => expect(region.textContent, "dismissed").toBe(""));
  });

  it("says_when_it_came_back_links_the_chat_and_goes_once_accepted", async () => {
    const back = new Date(Date.now() - 3 * 60_000).toISOString();
    render(<ReturnedNotices />);
    const region = screen.getByRole("status", { name: "Sessions back in the queue" });
    const frame = returned(back);
    feed.socket.receive({ type: "offer", conversation: frame.conversation });
    feed.socket.receive(frame);
    const link = await screen.findByRole("link", { name: "Open Carol Customer's chat" });
    expect(link.getAttribute("href"), "opens the chat").toBe("/agent/workspace/c7");
    expect(region.textContent, "when it came back").toContain("Back 3 min ago.");
    feed.socket.receive({ type: "withdraw", conversation: "c7", by: { id: "u-dana", display_name: "Dana Agent" } });
    await waitFor(() => expect(region.textContent, "accepted: the notice went by itself").toBe(""));
  });
});
