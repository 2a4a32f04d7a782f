// @vitest-environment jsdom
/**
 * Group membership in a DOM: members listed, Add member finds staff only and adds the one
 * chosen (PUT), Remove asks first (DELETE only after the confirmation; Escape or Cancel puts the
 * focus back on that Remove), a 422 is shown.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../shared/api";
import type { User } from "../../shared/wire";
import { fakeApi, GROUP, installDialogPolyfill } from "./fake-api";
import { GroupMembers } from "./GroupMembers";
import type { Group } from "./types";

const DANA: User = { id: "u-dana", username: "dana", display_name: "Dana Manager", roles: ["manager", "agent"], itil: false };
const BOB: User = { id: "u-bob", username: "bob", display_name: "Bob Agent", roles: ["agent"], itil: false };

beforeEach(() => installDialogPolyfill());
afterEach(() => cleanup());

function show(api = fakeApi()) {
  const find = vi.fn(async (q: string) => [BOB, DANA].filter((u) => u.display_name.toLowerCase().includes(q.toLowerCase())));
  const changed: Group[] = [];
  const view = render(<GroupMembers groups={[GROUP]} api={api} find={find} delay={0} onChanged={(g) => changed.push(g)} />);
  return { api, find, changed, view };
}

describe("GroupMembers", () => {
  it("lists_each_groups_members", () => {
    show();
    const list = screen.getByRole("list", { name: "Members of ITSD_chat" });
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Alice AgentRemove", "Bob AgentRemove"]);
  });

  it("add_member_offers_staff_not_yet_members_and_puts_the_one_chosen", async () => {
    const { api, find, changed } = show(fakeApi({ addMember: vi.fn(async () => ({ ...GROUP, members: [...GROUP.members, { id: DANA.id, display_name: DANA.display_name }] })) }));
    const picker = screen.getByRole("combobox", { name: "Add member to ITSD_chat" });
    fireEvent.input(picker, { target: { value: "ag" } });
    const options = await screen.findAllByRole("option");
    expect(options.map((o) => o.textContent), "Bob is a member already").toEqual(["Dana Manager dana"]);
    expect(find).toHaveBeenCalledWith("ag", expect.anything());
    fireEvent.click(options[0] as HTMLElement);
    await waitFor(() => expect(api.addMember).toHaveBeenCalledWith("g1", "u-dana"));
    await waitFor(() => expect(screen.getAllByRole("status").some((s) => s.textContent === "Dana Manager added to ITSD_chat.")).toBe(true));
    expect(changed[0]?.members.map((m) => m.display_name)).toContain("Dana Manager");
  });

  it("a_refused_add_is_shown_under_the_picker", async () => {
    show(
      fakeApi({
        addMember: async () => {
          throw new ApiError(422, "invalid", "Only agents and managers can be members of a group.");
        },
      }),
    );
    const picker = screen.getByRole("combobox", { name: "Add member to ITSD_chat" });
    fireEvent.input(picker, { target: { value: "dana" } });
    fireEvent.click(await screen.findByRole("option", { name: /^Dana Manager/ }));
    expect((await screen.findByRole("alert")).textContent).toContain("Only agents and managers can be members of a group.");
    expect(picker.getAttribute("aria-invalid")).toBe("true");
  });

  it("remove_asks_first_and_cancel_removes_nobody", async () => {
    const { api } = show();
    fireEvent.click(screen.getByRole("button", { name: "Remove Bob Agent" }));
    const dialog = screen.getByRole("dialog", { name: "Remove Bob Agent from ITSD_chat?" });
    expect(dialog.textContent).toContain("They lose this group's queues at once");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.removeMember).not.toHaveBeenCalled();
  });

  it("escape_in_the_remove_question_puts_the_focus_back_on_that_remove", async () => {
    show();
    const remove = screen.getByRole("button", { name: "Remove Bob Agent" });
    remove.focus();
    fireEvent.click(remove);
    const dialog = screen.getByRole("dialog", { name: "Remove Bob Agent from ITSD_chat?" }) as HTMLDialogElement;
    // Escape: the browser closes the modal dialog (its `close` event follows).
    fireEvent.keyDown(dialog, { key: "Escape" });
    dialog.close();
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(document.activeElement, "back on the Remove that asked, not in Add member").toBe(screen.getByRole("button", { name: "Remove Bob Agent" }));
  });

  it("cancel_in_the_remove_question_puts_the_focus_back_on_that_remove", async () => {
    show();
    fireEvent.click(screen.getByRole("button", { name: "Remove Alice Agent" }));
    fireEvent.click(within(screen.getByRole("dialog", { name: "Remove Alice Agent from ITSD_chat?" })).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Remove Alice Agent" }));
  });

  it("once_removed_the_focus_goes_to_the_groups_picker", async () => {
    show(fakeApi({ removeMember: vi.fn(async () => ({ ...GROUP, members: GROUP.members.filter((m) => m.id !== "u-bob") })) }));
    fireEvent.click(screen.getByRole("button", { name: "Remove Bob Agent" }));
    fireEvent.click(within(screen.getByRole("dialog", { name: "Remove Bob Agent from ITSD_chat?" })).getByRole("button", { name: "Remove member" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(document.activeElement, "its Remove is gone").toBe(screen.getByRole("combobox", { name: "Add member to ITSD_chat" }));
  });

  it("remove_confirmed_deletes_the_membership", async () => {
    const { api, changed } = show(fakeApi({ removeMember: vi.fn(async () => ({ ...GROUP, members: GROUP.members.filter((m) => m.id !== "u-bob") })) }));
    fireEvent.click(screen.getByRole("button", { name: "Remove Bob Agent" }));
    const dialog = screen.getByRole("dialog", { name: "Remove Bob Agent from ITSD_chat?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Remove member" }));
    await waitFor(() => expect(api.removeMember).toHaveBeenCalledWith("g1", "u-bob"));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(changed[0]?.members.map((m) => m.id)).toEqual(["u-alice"]);
  });

  it("a_refused_remove_stays_in_the_dialog", async () => {
    show(
      fakeApi({
        removeMember: async () => {
          throw new ApiError(403, "forbidden", "Only managers may change groups.");
        },
      }),
    );
    fireEvent.click(screen.getByRole("button", { name: "Remove Alice Agent" }));
    const dialog = screen.getByRole("dialog", { name: "Remove Alice Agent from ITSD_chat?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Remove member" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Only managers may change groups.");
  });
});
