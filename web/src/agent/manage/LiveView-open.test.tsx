// @vitest-environment jsdom
/**
 * A session opened from the live view (its Open link: `/agent/workspace/<id>`) that is not the
 * manager's: the workspace asks the socket to watch it, shows it once the server sends it, and
 * offers the manager work notes only (the customer's agent comments, not the manager).
 */
import { cleanup, fireEvent, render, screen, within } from "@testing-library/preact";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, conversation, DANA } from "../../shared/fixtures";
import { connectedForTest } from "../../shared/socket.fakes";
import type { User } from "../../shared/wire";
import { connection, me, queues } from "../state";
import { Workspace } from "../workspace/Workspace";

const MANAGER: User = { id: DANA.id, username: "dana", display_name: DANA.display_name, roles: ["manager", "agent"], itil: false };
let feed: ReturnType<typeof connectedForTest>;

beforeEach(() => {
  feed = connectedForTest(MANAGER.id);
  connection.value = feed.connection;
  me.value = MANAGER;
  queues.value = [{ id: "q-itsd", name: "IT Service Desk" } as never];
  vi.stubGlobal("fetch", vi.fn(async () => new Response("[]", { status: 200, headers: { "Content-Type": "application/json" } })));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
  me.value = null;
  queues.value = [];
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 150));
});

describe("a session opened from the live view", () => {
  it("is_watched_and_offers_the_manager_work_notes_only", async () => {
    render(<Workspace user={MANAGER} id="s3" />);
    expect(feed.socket.framesOf("watch"), "the workspace asks for it").toEqual([{ type: "watch", conversation: "s3" }]);
    // Alice's session, as the server sends it to a watcher.
    feed.socket.receive({ type: "conversation", ...conversation("s3", CAROL) });
    const pane = screen.getByRole("main", { name: "Conversation pane" });
    await within(pane).findByRole("heading", { name: "Carol Customer" });
    expect(within(pane).getByText(`Assigned to ${ALICE.display_name}`)).toBeTruthy();

    const field = within(pane).getByRole("textbox", { name: "Message (work note)" });
    expect(field, "a work note from the start").toBeTruthy();
    const comment = within(pane).getByRole("button", { name: "Comment" }) as HTMLButtonElement;
    expect(comment.disabled, "no comment: the session is Alice's").toBe(true);
    fireEvent.click(comment);
    expect(within(pane).getByRole("textbox", { name: "Message (work note)" }), "still a work note").toBeTruthy();
    expect(within(pane).getByRole("button", { name: "Work Note" }).getAttribute("aria-pressed")).toBe("true");
    expect((within(pane).getByRole("button", { name: "End" }) as HTMLButtonElement).disabled, "not the manager's to end here").toBe(true);
  });
});
