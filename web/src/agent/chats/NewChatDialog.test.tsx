// @vitest-environment jsdom
/**
 * New chat in a DOM: colleagues found by name (staff only, never the agent), chosen with the
 * keyboard or a click and removed again; one colleague starts a direct chat, several need a
 * Group name; a refusal is said in the dialog, which stays open.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../shared/api";
import { ALICE, BOB, chat, DANA } from "../../shared/fixtures";
import type { Conversation, NewChat, User } from "../../shared/wire";
import { NewChatDialog } from "./NewChatDialog";

const staff: User[] = [
  { id: ALICE.id, username: "alice", display_name: "Alice Agent", roles: ["agent"], itil: false },
  { id: BOB.id, username: "bob", display_name: "Bob Agent", roles: ["agent"], itil: false },
  { id: DANA.id, username: "dana", display_name: "Dana Manager", roles: ["manager", "agent"], itil: false },
];

let find: ReturnType<typeof vi.fn<(q: string, signal: AbortSignal) => Promise<User[]>>>;
let start: ReturnType<typeof vi.fn<(request: NewChat) => Promise<Conversation>>>;
let closed: (Conversation | null)[];

beforeEach(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
  find = vi.fn(async (q: string) => staff.filter((u) => u.display_name.toLowerCase().includes(q.toLowerCase())));
  start = vi.fn(async (request: NewChat) => chat("k9", request.members.map((id) => staff.find((u) => u.id === id) ?? BOB), request.title === undefined ? {} : { title: request.title }));
  closed = [];
});

afterEach(() => cleanup());

function open() {
  render(<NewChatDialog me={ALICE.id} find={find} start={start} delay={0} onClose={(c) => closed.push(c)} />);
  return screen.getByRole("dialog", { name: "New chat" });
}

const search = (dialog: HTMLElement) => within(dialog).getByRole("combobox", { name: "Colleagues" }) as HTMLInputElement;

async function choose(dialog: HTMLElement, text: string, name: string) {
  fireEvent.input(search(dialog), { target: { value: text } });
  const option = await within(dialog).findByRole("option", { name: new RegExp(`^${name}`) });
  fireEvent.click(option);
  await waitFor(() => expect(within(dialog).getByRole("list", { name: "Chosen colleagues" }).textContent).toContain(name));
}

describe("NewChatDialog", () => {
  it("one_colleague_chosen_with_the_keyboard_starts_a_direct_chat", async () => {
    const dialog = open();
    expect(document.activeElement, "the search takes the focus").toBe(search(dialog));
    fireEvent.input(search(dialog), { target: { value: "bo" } });
    await within(dialog).findByRole("option", { name: /^Bob Agent/ });
    expect(search(dialog).getAttribute("aria-expanded")).toBe("true");
    fireEvent.keyDown(search(dialog), { key: "Enter" });
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Remove Bob Agent" })).toBeTruthy());
    expect(search(dialog).value, "emptied for the next one").toBe("");
    expect(find.mock.calls[0]?.[0]).toBe("bo");

    fireEvent.click(within(dialog).getByRole("button", { name: "Start chat" }));
    await waitFor(() => expect(closed).toHaveLength(1));
    expect(start).toHaveBeenCalledWith({ members: [BOB.id] });
    expect(closed[0]?.id, "the chat started is handed on (to open its window)").toBe("k9");
  });

  it("the_agent_is_never_offered_and_a_chosen_colleague_not_twice", async () => {
    const dialog = open();
    fireEvent.input(search(dialog), { target: { value: "agent" } });
    const options = await within(dialog).findAllByRole("option");
    expect(options.map((o) => o.textContent), "Alice herself is left out").toEqual(["Bob Agent bob"]);
    fireEvent.click(options[0] as HTMLElement);
    fireEvent.input(search(dialog), { target: { value: "agent" } });
    await waitFor(() => expect(within(dialog).getByRole("status").textContent).toBe("Nobody else matches “agent”."));
    expect(within(dialog).queryAllByRole("option")).toEqual([]);
  });

  it("several_colleagues_need_a_group_name_which_is_sent_as_the_title", async () => {
    const dialog = open();
    await choose(dialog, "bob", "Bob Agent");
    await choose(dialog, "dana", "Dana Manager");
    fireEvent.click(within(dialog).getByRole("button", { name: "Start chat" }));
    const name = within(dialog).getByRole("textbox", { name: "Group name" });
    await waitFor(() => expect(name.getAttribute("aria-invalid")).toBe("true"));
    expect(within(dialog).getByText(/Give the group a name/)).toBeTruthy();
    expect(document.activeElement, "the field to fix takes the focus").toBe(name);
    expect(start, "nothing sent").not.toHaveBeenCalled();

    fireEvent.input(name, { target: { value: "  Printers  " } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Start chat" }));
    await waitFor(() => expect(closed).toHaveLength(1));
    expect(start).toHaveBeenCalledWith({ members: [BOB.id, DANA.id], title: "Printers" });
  });

  it("nobody_chosen_is_said_beside_the_search", async () => {
    const dialog = open();
    fireEvent.click(within(dialog).getByRole("button", { name: "Start chat" }));
    await waitFor(() => expect(search(dialog).getAttribute("aria-invalid")).toBe("true"));
    expect(within(dialog).getByText("Choose at least one colleague.")).toBeTruthy();
    expect(start).not.toHaveBeenCalled();
  });

  it("a_chosen_colleague_can_be_removed", async () => {
    const dialog = open();
    await choose(dialog, "bob", "Bob Agent");
    fireEvent.click(within(dialog).getByRole("button", { name: "Remove Bob Agent" }));
    await waitFor(() => expect(within(dialog).queryByRole("list", { name: "Chosen colleagues" })).toBeNull());
    expect(document.activeElement, "back to the search").toBe(search(dialog));
  });

  it("a_refusal_is_said_and_the_dialog_stays_open", async () => {
    start.mockRejectedValueOnce(new ApiError(422, "invalid", "Bob Agent cannot be added: not staff.", null, "members"));
    const dialog = open();
    await choose(dialog, "bob", "Bob Agent");
    fireEvent.click(within(dialog).getByRole("button", { name: "Start chat" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Bob Agent cannot be added: not staff.");
    expect(closed, "still open").toEqual([]);
  });

  it("cancel_closes_with_no_chat", async () => {
    const dialog = open();
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(closed).toEqual([null]));
  });
});
