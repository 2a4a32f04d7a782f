// @vitest-environment jsdom
/** A manager is told, in a live region, which chat went back to the queue and why; a notice stays until dismissed. */
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
});
