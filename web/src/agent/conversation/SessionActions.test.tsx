// @vitest-environment jsdom
/** Sign out's Transfer reaches a chat's session actions: its Transfer dialog opens, once, and only for a chat of mine. */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, BOB, CAROL, chat, conversation, DANA } from "../../shared/fixtures";
import { connectedForTest } from "../../shared/socket.fakes";
import { connection, me, queues, transferRequest } from "../state";
import { SessionActions } from "./SessionActions";

beforeEach(() => {
  // jsdom has no modal dialogs: open is enough here.
  if (typeof HTMLDialogElement.prototype.showModal !== "function") {
    HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
  }
  connection.value = connectedForTest(ALICE.id).connection;
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(JSON.stringify([]), { status: 200, headers: { "Content-Type": "application/json" } })),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
  transferRequest.value = null;
});

describe("SessionActions", () => {
  it("opens_its_transfer_dialog_when_sign_out_asks_for_it", async () => {
    render(<SessionActions conversation={conversation("c1", CAROL)} me={ALICE.id} />);
    expect(screen.queryByRole("dialog"), "nothing asked yet").toBeNull();
    transferRequest.value = "c1";
    await waitFor(() => expect(screen.getByRole("dialog", { name: "Transfer Carol Customer" })).toBeTruthy());
    expect(transferRequest.value, "the request is taken").toBeNull();
  });

  it("leaves_a_request_for_another_chat_alone", async () => {
    render(<SessionActions conversation={conversation("c1", CAROL)} me={ALICE.id} />);
    transferRequest.value = "c2";
    await Promise.resolve();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(transferRequest.value, "still waiting for its own chat").toBe("c2");
  });

  it("opens_nothing_for_a_chat_that_is_not_mine_any_more", async () => {
    render(<SessionActions conversation={conversation("c1", CAROL, { assignee: { id: "u-bob", display_name: "Bob Agent" } })} me={ALICE.id} />);
    transferRequest.value = "c1";
    await waitFor(() => expect(transferRequest.value).toBeNull());
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});

describe("SessionActions and Connect Chat", () => {
  const MANAGER = { ...ALICE, id: "u-dana", display_name: "Dana Manager", roles: ["manager" as const, "agent" as const] };
  const names = () => screen.getAllByRole("button").map((b) => b.textContent);

  afterEach(() => {
    me.value = null;
  });

  it("the_assignee_of_an_active_session_may_invite_and_sees_who_is_invited", () => {
    me.value = ALICE;
    render(<SessionActions conversation={conversation("c1", CAROL, { invited: [BOB] })} me={ALICE.id} />);
    expect(names()).toEqual(["Transfer", "Invite", "End"]);
    expect(screen.getByText("Invited: Bob Agent")).toBeTruthy();
  });

  it("a_manager_may_invite_into_a_colleagues_session_but_an_agent_may_not", () => {
    me.value = MANAGER;
    const bobs = conversation("c1", CAROL, { assignee: BOB });
    const first = render(<SessionActions conversation={bobs} me={MANAGER.id} />);
    expect(names()).toContain("Invite");
    first.unmount();
    me.value = ALICE;
    render(<SessionActions conversation={bobs} me={ALICE.id} />);
    expect(names()).not.toContain("Invite");
  });

  it("nobody_is_invited_into_a_session_that_is_not_active", () => {
    me.value = ALICE;
    render(<SessionActions conversation={conversation("c1", CAROL, { state: "closed" })} me={ALICE.id} />);
    expect(names()).not.toContain("Invite");
  });

  it("a_colleague_invited_to_help_gets_neither_transfer_nor_end_nor_invite", () => {
    me.value = ALICE;
    render(<SessionActions conversation={conversation("c1", CAROL, { assignee: BOB, invited: [{ id: ALICE.id, display_name: ALICE.display_name }] })} me={ALICE.id} onNewWindow={() => undefined} />);
    expect(names()).toEqual(["New Window"]);
    expect(screen.getByText("Invited: Alice Agent (you: work notes only)")).toBeTruthy();
  });

  describe("Create Incident", () => {
    const GWEN = { ...ALICE, id: "u-gwen", username: "gwen", display_name: "Gwen Agent" };
    const ITSD = { id: "q-itsd", name: "IT Service Desk", group: { id: "g-itsd", name: "ITSD_chat" }, greeting: "", inactivity_warning_seconds: 120, auto_close_seconds: 60, assignee_grace_seconds: 60, unsend_seconds: 120, max_sessions_per_agent: 0, survey: true, offer_alert_seconds: 60, reply_alert_seconds: 120 };
    const HR = { ...ITSD, id: "q-hr", name: "HR", group: { id: "g-hr", name: "HR" } };
    /** Bob's session of the IT Service Desk queue, into which `who` was invited. */
    const helping = (who: { id: string; display_name: string }) => conversation("c1", CAROL, { assignee: BOB, invited: [{ id: who.id, display_name: who.display_name }] });

    afterEach(() => {
      queues.value = [];
    });

    it("is_not_offered_to_a_colleague_only_invited_into_the_session", () => {
      // Gwen works another queue: the session is hers only through the invitation.
      me.value = GWEN;
      queues.value = [HR];
      render(<SessionActions conversation={helping(GWEN)} me={GWEN.id} onNewWindow={() => undefined} onCreateIncident={() => undefined} />);
      expect(names()).toEqual(["New Window"]);
    });

    it("is_not_offered_to_an_invited_colleague_before_the_queues_are_known", () => {
      me.value = GWEN;
      render(<SessionActions conversation={helping(GWEN)} me={GWEN.id} onCreateIncident={() => undefined} />);
      expect(screen.queryByRole("button", { name: "Create Incident" })).toBeNull();
    });

    it("stays_for_an_invited_colleague_who_is_staff_of_the_queue", () => {
      me.value = GWEN;
      queues.value = [HR, ITSD];
      const created = vi.fn();
      render(<SessionActions conversation={helping(GWEN)} me={GWEN.id} onNewWindow={() => undefined} onCreateIncident={created} />);
      expect(names()).toEqual(["Create Incident", "New Window"]);
      fireEvent.click(screen.getByRole("button", { name: "Create Incident" }));
      expect(created).toHaveBeenCalledOnce();
    });

    it("stays_for_an_invited_manager_and_for_the_assignee", () => {
      me.value = MANAGER;
      const first = render(<SessionActions conversation={helping(MANAGER)} me={MANAGER.id} onCreateIncident={() => undefined} />);
      expect(names(), "a manager sees every queue's sessions").toContain("Create Incident");
      first.unmount();
      me.value = ALICE;
      render(<SessionActions conversation={conversation("c1", CAROL, { invited: [BOB] })} me={ALICE.id} onCreateIncident={() => undefined} />);
      expect(names()).toEqual(["Transfer", "Invite", "Create Incident", "End"]);
    });

    it("stays_for_staff_of_the_queue_reading_a_colleagues_session", () => {
      me.value = ALICE;
      queues.value = [ITSD];
      render(<SessionActions conversation={conversation("c1", CAROL, { assignee: BOB })} me={ALICE.id} onCreateIncident={() => undefined} />);
      expect(names()).toContain("Create Incident");
    });
  });

  it("invite_opens_its_dialog", async () => {
    me.value = ALICE;
    render(<SessionActions conversation={conversation("c1", CAROL)} me={ALICE.id} />);
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));
    await waitFor(() => expect(screen.getByRole("dialog", { name: "Invite a colleague to Carol Customer's session" })).toBeTruthy());
  });

  it("a_group_chat_offers_add_people_and_leave_and_a_direct_chat_neither", () => {
    me.value = ALICE;
    const first = render(<SessionActions conversation={chat("k1", [BOB, DANA], { title: "Printers" })} me={ALICE.id} onNewWindow={() => undefined} />);
    expect(names(), "no Transfer, Create Incident or End for a chat").toEqual(["Add people", "New Window", "Leave chat"]);
    first.unmount();
    render(<SessionActions conversation={chat("k2", [BOB])} me={ALICE.id} onNewWindow={() => undefined} onCreateIncident={() => undefined} />);
    expect(names()).toEqual(["New Window"]);
  });

  it("leave_chat_asks_first_then_leaves_and_forgets_the_chat", async () => {
    me.value = ALICE;
    const calls: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (path: string, init: RequestInit = {}) => {
        calls.push(`${init.method ?? "GET"} ${path}`);
        return new Response(null, { status: 204 });
      }),
    );
    const socket = connection.value;
    const printers = chat("k1", [BOB, DANA], { title: "Printers" });
    socket?.noteConversation(printers);
    const left = vi.fn();
    render(<SessionActions conversation={printers} me={ALICE.id} onLeft={left} />);
    fireEvent.click(screen.getByRole("button", { name: "Leave chat" }));
    const confirm = await screen.findByRole("dialog", { name: "Leave “Printers”?" });
    expect(calls, "nothing before the answer").toEqual([]);
    fireEvent.click(within(confirm).getByRole("button", { name: "Leave chat" }));
    await waitFor(() => expect(left).toHaveBeenCalled());
    expect(calls).toEqual(["DELETE /api/chats/k1/members/u-alice"]);
    expect(socket?.conversations.value.has("k1"), "gone from the lists at once").toBe(false);
  });
});
