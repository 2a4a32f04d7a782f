// @vitest-environment jsdom
/** A conversation gone (the `gone` frame): a notice says why, in a live region, until dismissed. */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, conversation } from "../../shared/fixtures";
import { connectedForTest, type FakeSocket } from "../../shared/socket.fakes";
import { connection, me } from "../state";
import { GoneNotices } from "./GoneNotices";

let server: FakeSocket;

beforeEach(() => {
  const feed = connectedForTest(ALICE.id);
  server = feed.socket;
  connection.value = feed.connection;
  me.value = ALICE;
  feed.connection.noteConversation(conversation("c7", CAROL, { assignee: BOB, invited: [{ id: ALICE.id, display_name: ALICE.display_name }] }));
});

afterEach(() => {
  cleanup();
  connection.value = null;
  me.value = null;
});

describe("GoneNotices", () => {
  it("says_the_invitation_ended_until_dismissed", async () => {
    render(<GoneNotices />);
    const region = screen.getByRole("status", { name: "Conversations that ended for you" });
    expect(region.textContent).toBe("");
    server.receive({ type: "gone", conversation: "c7" });
    await waitFor(() => expect(region.textContent).toContain("Your invitation to Carol Customer's session ended."));
    fireEvent.click(screen.getByRole("button", { name: "Dismiss: Your invitation to Carol Customer's session ended." }));
    await waitFor(() => expect(region.textContent).toBe(""));
  });
});
