// @vitest-environment jsdom
/**
 * Invite in a DOM: staff found by name, minus the agent, the assignee, who is invited already
 * and the customer; Invite sends the colleague chosen; a session that closed meanwhile takes
 * nobody, and says why.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../shared/api";
import { ALICE, BOB, CAROL, conversation, DANA } from "../../shared/fixtures";
import type { Conversation, User } from "../../shared/wire";
import { InviteDialog } from "./InviteDialog";

const people: User[] = [
  { id: ALICE.id, username: "alice", display_name: "Alice Agent", roles: ["agent"], itil: false },
  { id: BOB.id, username: "bob", display_name: "Bob Agent", roles: ["agent"], itil: false },
  { id: DANA.id, username: "dana", display_name: "Dana Manager", roles: ["manager"], itil: false },
];

let invite: ReturnType<typeof vi.fn<(conversation: string, user: string) => Promise<Conversation>>>;
let closed: boolean[];

beforeEach(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
  invite = vi.fn(async (id: string, user: string) => conversation(id, CAROL, { invited: [people.find((p) => p.id === user) ?? BOB] }));
  closed = [];
});

afterEach(() => cleanup());

function open(session: Conversation = conversation("c1", CAROL)) {
  const find = async () => people;
  return render(<InviteDialog conversation={session} me={ALICE.id} find={find} invite={invite} delay={0} onClose={(done) => closed.push(done)} />);
}

const dialog = () => screen.getByRole("dialog", { name: "Invite a colleague to Carol Customer's session" });
const search = () => within(dialog()).getByRole("combobox", { name: "Colleague" });

describe("InviteDialog", () => {
  it("invites_the_colleague_chosen", async () => {
    open();
    expect(dialog().textContent, "what the colleague may do, and that the customer is not told").toContain("write work notes only. Carol Customer is not told.");
    fireEvent.input(search(), { target: { value: "ag" } });
    const options = await within(dialog()).findAllByRole("option");
    expect(options.map((o) => o.textContent?.split(" ")[0]), "not Alice herself (the assignee)").toEqual(["Bob", "Dana"]);
    fireEvent.click(options[0] as HTMLElement);
    await waitFor(() => expect(within(dialog()).getByRole("list", { name: "Colleague to invite" }).textContent).toContain("Bob Agent"));
    fireEvent.click(within(dialog()).getByRole("button", { name: "Invite" }));
    await waitFor(() => expect(closed).toEqual([true]));
    expect(invite).toHaveBeenCalledWith("c1", BOB.id);
  });

  it("the_hint_shows_only_while_nobody_is_chosen", async () => {
    open();
    const hint = "Type 2 or more letters of a name or username.";
    expect(within(dialog()).getByText(hint)).toBeTruthy();
    expect(search().getAttribute("aria-describedby")).toContain("invite-c1-hint");
    fireEvent.input(search(), { target: { value: "bob" } });
    fireEvent.click((await within(dialog()).findAllByRole("option"))[0] as HTMLElement);
    await within(dialog()).findByRole("list", { name: "Colleague to invite" });
    expect(within(dialog()).queryByText(hint), "someone is chosen").toBeNull();
    expect(search().getAttribute("aria-describedby") ?? "", "nor does the field point at it").not.toContain("hint");
    fireEvent.click(within(dialog()).getByRole("button", { name: "Remove Bob Agent" }));
    await waitFor(() => expect(within(dialog()).getByText(hint)).toBeTruthy());
  });

  it("who_is_invited_already_is_not_offered_again", async () => {
    open(conversation("c1", CAROL, { invited: [BOB] }));
    fireEvent.input(search(), { target: { value: "ag" } });
    const options = await within(dialog()).findAllByRole("option");
    expect(options.map((o) => o.textContent?.split(" ")[0])).toEqual(["Dana"]);
  });

  it("nobody_chosen_is_said_and_nothing_sent", async () => {
    open();
    fireEvent.click(within(dialog()).getByRole("button", { name: "Invite" }));
    expect((await within(dialog()).findByRole("alert")).textContent).toBe("Choose the colleague to invite.");
    expect(invite).not.toHaveBeenCalled();
  });

  it("a_refusal_is_said_and_the_dialog_stays_open", async () => {
    invite.mockRejectedValueOnce(new ApiError(409, "session_closed", "This session has closed."));
    open();
    fireEvent.input(search(), { target: { value: "bob" } });
    fireEvent.click(await within(dialog()).findByRole("option", { name: /^Bob Agent/ }));
    fireEvent.click(within(dialog()).getByRole("button", { name: "Invite" }));
    expect((await within(dialog()).findByRole("alert")).textContent).toBe("This session has closed.");
    expect(closed).toEqual([]);
  });

  it("a_session_that_closed_while_the_dialog_was_open_takes_nobody", async () => {
    const view = open();
    view.rerender(
      <InviteDialog conversation={conversation("c1", CAROL, { state: "closed", closed_reason: "ended_by_customer" })} me={ALICE.id} find={async () => people} invite={invite} onClose={(done) => closed.push(done)} />,
    );
    expect(within(dialog()).getByRole("alert").textContent).toBe("This chat has closed: there is nobody to help any more.");
    fireEvent.click(within(dialog()).getByRole("button", { name: "Invite" }));
    expect(invite).not.toHaveBeenCalled();
    expect(within(dialog()).getByRole("button", { name: "Close" })).toBeTruthy();
  });
});
