// @vitest-environment jsdom
/**
 * A conversation gone (the `gone` frame): a notice says why, from what the client held of it (an
 * invitation ended; a session of the user's own no longer theirs), in a live region, until
 * dismissed.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, conversation } from "../../shared/fixtures";
import { startedAt } from "../../shared/format";
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
    const text = `Your invitation to Carol Customer's session ended (started ${startedAt("2026-11-30T09:00:00Z")}: “My VPN drops every few minutes.”).`;
    await waitFor(() => expect(region.textContent).toContain(text));
    fireEvent.click(screen.getByRole("button", { name: `Dismiss: ${text}` }));
    await waitFor(() => expect(region.textContent).toBe(""));
  });

  it("a_session_that_was_the_users_own_is_not_called_an_invitation", async () => {
    // Alice was its agent; removed from the group, a manager handed it to Bob: it is gone for her.
    connection.value?.noteConversation(conversation("c8", CAROL, { first_message: "Printer on floor 3 is jammed" }));
    render(<GoneNotices />);
    const region = screen.getByRole("status", { name: "Conversations that ended for you" });
    server.receive({ type: "gone", conversation: "c8" });
    const text = `Carol Customer's session is no longer yours (started ${startedAt("2026-11-30T09:00:00Z")}: “Printer on floor 3 is jammed”).`;
    await waitFor(() => expect(region.textContent).toContain(text));
    expect(region.textContent, "she was not invited").not.toContain("invitation");
    expect(screen.getByRole("button", { name: `Dismiss: ${text}` })).toBeTruthy();
  });

  it("a_session_seen_as_staff_of_its_queue_is_no_longer_available", async () => {
    // Neither hers nor one she was invited to: she saw it through the queue's group.
    connection.value?.noteConversation(conversation("c8", CAROL, { assignee: BOB, first_message: "Printer on floor 3 is jammed" }));
    render(<GoneNotices />);
    const region = screen.getByRole("status", { name: "Conversations that ended for you" });
    server.receive({ type: "gone", conversation: "c8" });
    await waitFor(() => expect(region.textContent).toContain(`Carol Customer's session is no longer available to you (started ${startedAt("2026-11-30T09:00:00Z")}: “Printer on floor 3 is jammed”).`));
    expect(region.textContent).not.toContain("invitation");
  });

  it("tells_two_sessions_of_one_customer_apart", async () => {
    const invited = [{ id: ALICE.id, display_name: ALICE.display_name }];
    connection.value?.noteConversation(conversation("c8", CAROL, { assignee: BOB, invited, created_at: "2026-11-30T11:15:00Z", first_message: "Printer on floor 3 is jammed" }));
    // Alike but for their ids: the notices cannot differ, their Dismiss buttons still do.
    connection.value?.noteConversation(conversation("c9", CAROL, { assignee: BOB, invited, created_at: "2026-11-30T11:15:00Z", first_message: "Printer on floor 3 is jammed" }));
    render(<GoneNotices />);
    for (const id of ["c7", "c8", "c9"]) server.receive({ type: "gone", conversation: id });
    const region = screen.getByRole("status", { name: "Conversations that ended for you" });
    await waitFor(() => expect(within(region).getAllByRole("button")).toHaveLength(3));
    const texts = Array.from(region.querySelectorAll(".gone-notice__text"), (t) => t.textContent);
    expect(texts[0]).toContain("“My VPN drops every few minutes.”");
    expect(texts[1]).toContain("“Printer on floor 3 is jammed”");
    expect(texts[0]).not.toBe(texts[1]);
    const names = within(region).getAllByRole("button").map((b) => b.getAttribute("aria-label"));
    expect(new Set(names).size, names.join(" | ")).toBe(3);
    expect(names[2]).toBe(`${names[1] ?? ""} (2)`);
  });
});
