// @vitest-environment jsdom
/**
 * Users in a DOM: the accounts listed; Create user (POST with the roles ticked; what the server
 * refuses beside its field); Edit (PATCH with only what changed; a refusal of the whole change
 * in the dialog); Reset password (a dialog; PATCH with the password alone); Disable asked first,
 * Enable at once; the admin cannot disable themselves from here.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../../shared/api";
import type { User } from "../../shared/wire";
import { ALICE, CAROL, fakeApi, installDialogPolyfill } from "./fake-api";
import { UserAccounts } from "./UserAccounts";

const ADMIN: User = { id: "u-admin", username: "admin", display_name: "Admin", roles: ["admin"], itil: false };

beforeEach(() => installDialogPolyfill());
afterEach(() => cleanup());

async function show(api = fakeApi()) {
  render(<UserAccounts api={api} me={ADMIN} />);
  await screen.findByRole("table", { name: "Users" });
  return api;
}

const row = (name: string) => screen.getByRole("row", { name: new RegExp(name) });
const cells = (name: string) => within(row(name)).getAllByRole("cell").map((c) => c.textContent);
const describedText = (element: Element) =>
  (element.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => document.getElementById(id)?.textContent ?? "")
    .join(" | ");

function fillNewUser(fields: { username?: string; name?: string; password?: string }) {
  const form = screen.getByRole("form", { name: "Create user" });
  if (fields.username !== undefined) fireEvent.input(within(form).getByLabelText("Username"), { target: { value: fields.username } });
  if (fields.name !== undefined) fireEvent.input(within(form).getByLabelText("Display name"), { target: { value: fields.name } });
  if (fields.password !== undefined) fireEvent.input(within(form).getByLabelText("Password"), { target: { value: fields.password } });
  return form;
}

describe("UserAccounts", () => {
  it("lists_each_user_with_roles_itil_and_whether_disabled", async () => {
    const api = await show();
    expect(api.users).toHaveBeenCalledTimes(1);
    expect(cells("Alice Agent").slice(0, 5)).toEqual(["alice", "Alice Agent", "Agent", "No", "✓ Active"]);
    expect(cells("Carol Customer").slice(0, 5)).toEqual(["carol", "Carol Customer", "Customer", "Yes", "⊘ Disabled"]);
    expect(within(row("Alice Agent")).getByRole("button", { name: "Disable Alice Agent" })).toBeTruthy();
    expect(within(row("Carol Customer")).getByRole("button", { name: "Enable Carol Customer" })).toBeTruthy();
    expect(within(row("Alice Agent")).getByRole("button", { name: "Reset password of Alice Agent" })).toBeTruthy();
  });

  it("the_admin_has_no_disable_button_for_themselves", async () => {
    await show(fakeApi({ users: async () => [{ ...ALICE, id: ADMIN.id, username: "admin", display_name: "Admin", roles: ["admin"] }] }));
    expect(cells("Admin")[1]).toBe("Admin (you)");
    expect(screen.queryByRole("button", { name: "Disable Admin" })).toBeNull();
  });

  it("a_list_that_cannot_be_read_is_an_alert", async () => {
    render(
      <UserAccounts
        api={fakeApi({
          users: async () => {
            throw new ApiError(403, "forbidden", "Only admins may do this.");
          },
        })}
        me={ADMIN}
      />,
    );
    expect((await screen.findByRole("alert")).textContent).toBe("Only admins may do this.");
  });

  describe("create user", () => {
    it("posts_the_fields_and_the_roles_ticked_and_lists_the_new_user", async () => {
      const api = await show();
      const form = fillNewUser({ username: "erin", name: "Erin Engineer", password: "correct horse" });
      fireEvent.click(within(form).getByRole("checkbox", { name: /^Manager/ }));
      fireEvent.click(within(form).getByRole("checkbox", { name: "ITIL" }));
      fireEvent.click(within(form).getByRole("button", { name: "Create user" }));
      await waitFor(() =>
        expect(api.createUser).toHaveBeenCalledWith({ username: "erin", display_name: "Erin Engineer", password: "correct horse", roles: ["agent", "manager"], itil: true }),
      );
      await within(form).findByText("User erin (Erin Engineer) created.");
      expect(cells("Erin Engineer").slice(0, 4)).toEqual(["erin", "Erin Engineer", "Agent, Manager", "Yes"]);
      expect((within(form).getByLabelText("Username") as HTMLInputElement).value, "the form is emptied").toBe("");
      expect((within(form).getByLabelText("Password") as HTMLInputElement).value).toBe("");
    });

    it("a_short_password_and_no_role_are_said_beside_them_and_nothing_is_sent", async () => {
      const api = await show();
      const form = fillNewUser({ username: "erin", name: "Erin Engineer", password: "short" });
      fireEvent.click(within(form).getByRole("checkbox", { name: /^Agent/ }));
      fireEvent.click(within(form).getByRole("button", { name: "Create user" }));
      const password = within(form).getByLabelText("Password");
      await waitFor(() => expect(password.getAttribute("aria-invalid")).toBe("true"));
      expect(describedText(password)).toContain("A password is 8 to 256 characters.");
      expect(document.activeElement).toBe(password);
      const roles = within(form).getByRole("group", { name: "Roles" });
      expect(describedText(roles)).toContain("Choose at least one role.");
      expect(api.createUser).not.toHaveBeenCalled();
    });

    it.each([
      [new ApiError(409, "already_exists", "The username erin is taken."), "Username"],
      [new ApiError(422, "invalid", "A display name is 1 to 100 characters, not only spaces, without control characters."), "Display name"],
      [new ApiError(422, "invalid", "A password is 8 to 256 characters.", null, "password"), "Password"],
    ])("the_server_refusal_%#_is_shown_beside_its_field", async (refusal, label) => {
      await show(
        fakeApi({
          createUser: async () => {
            throw refusal;
          },
        }),
      );
      const form = fillNewUser({ username: "erin", name: "Erin", password: "long enough" });
      fireEvent.click(within(form).getByRole("button", { name: "Create user" }));
      const field = within(form).getByLabelText(label);
      await waitFor(() => expect(field.getAttribute("aria-invalid"), label).toBe("true"));
      expect(describedText(field)).toContain(refusal.message);
      expect(document.activeElement).toBe(field);
      expect(within(form).queryByRole("alert")).toBeNull();
    });

    it("a_busy_server_is_an_alert", async () => {
      await show(
        fakeApi({
          createUser: async () => {
            throw new ApiError(503, "busy", "The server is busy; try again in a moment.", 1);
          },
        }),
      );
      const form = fillNewUser({ username: "erin", name: "Erin", password: "long enough" });
      fireEvent.click(within(form).getByRole("button", { name: "Create user" }));
      expect((await within(form).findByRole("alert")).textContent).toBe("The server is busy; try again in a moment.");
    });
  });

  describe("edit", () => {
    it("sends_only_what_changed_and_the_table_follows", async () => {
      const api = await show();
      fireEvent.click(screen.getByRole("button", { name: "Edit Alice Agent" }));
      const dialog = screen.getByRole("dialog", { name: "Edit Alice Agent" });
      expect(document.activeElement, "focus starts on the first field").toBe(within(dialog).getByLabelText("Display name"));
      fireEvent.click(within(dialog).getByRole("checkbox", { name: /^Manager/ }));
      fireEvent.click(within(dialog).getByRole("checkbox", { name: "ITIL" }));
      fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
      await waitFor(() => expect(api.patchUser).toHaveBeenCalledWith("u-alice", { roles: ["agent", "manager"], itil: true }));
      await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
      expect(cells("Alice Agent").slice(2, 4)).toEqual(["Agent, Manager", "Yes"]);
      expect(screen.getAllByRole("status").some((s) => s.textContent === "Alice Agent saved.")).toBe(true);
      expect(document.activeElement, "focus goes back to the row").toBe(screen.getByRole("button", { name: "Edit Alice Agent" }));
    });

    it("no_role_left_is_refused_here", async () => {
      const api = await show();
      fireEvent.click(screen.getByRole("button", { name: "Edit Alice Agent" }));
      const dialog = screen.getByRole("dialog", { name: "Edit Alice Agent" });
      fireEvent.click(within(dialog).getByRole("checkbox", { name: /^Agent/ }));
      fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
      await within(dialog).findByText("Choose at least one role.");
      expect(api.patchUser).not.toHaveBeenCalled();
    });

    it("a_refusal_of_the_whole_change_is_said_in_the_dialog", async () => {
      await show(
        fakeApi({
          patchUser: async () => {
            throw new ApiError(409, "self_lockout", "You cannot disable yourself or remove your own admin role.");
          },
        }),
      );
      fireEvent.click(screen.getByRole("button", { name: "Edit Alice Agent" }));
      const dialog = screen.getByRole("dialog", { name: "Edit Alice Agent" });
      fireEvent.click(within(dialog).getByRole("checkbox", { name: /^Customer/ }));
      fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
      expect((await within(dialog).findByRole("alert")).textContent).toBe("You cannot disable yourself or remove your own admin role.");
    });
  });

  describe("reset password", () => {
    it("sends_the_new_password_alone", async () => {
      const api = await show();
      fireEvent.click(screen.getByRole("button", { name: "Reset password of Alice Agent" }));
      const dialog = screen.getByRole("dialog", { name: "Reset the password of Alice Agent" });
      const field = within(dialog).getByLabelText("New password") as HTMLInputElement;
      expect(field.type).toBe("password");
      fireEvent.input(field, { target: { value: "a new secret" } });
      fireEvent.click(within(dialog).getByRole("button", { name: "Set password" }));
      await waitFor(() => expect(api.patchUser).toHaveBeenCalledWith("u-alice", { password: "a new secret" }));
      await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
      expect(screen.getAllByRole("status").some((s) => s.textContent === "New password of Alice Agent set. They were signed out everywhere.")).toBe(true);
    });

    it("a_short_password_is_said_beside_the_field_and_not_sent", async () => {
      const api = await show();
      fireEvent.click(screen.getByRole("button", { name: "Reset password of Alice Agent" }));
      const dialog = screen.getByRole("dialog", { name: "Reset the password of Alice Agent" });
      const field = within(dialog).getByLabelText("New password");
      fireEvent.input(field, { target: { value: "1234" } });
      fireEvent.click(within(dialog).getByRole("button", { name: "Set password" }));
      await waitFor(() => expect(field.getAttribute("aria-invalid")).toBe("true"));
      expect(describedText(field)).toContain("A password is 8 to 256 characters.");
      expect(api.patchUser).not.toHaveBeenCalled();
    });

    it("a_busy_server_is_said_in_the_dialog", async () => {
      await show(
        fakeApi({
          patchUser: async () => {
            throw new ApiError(503, "busy", "The server is busy; try again in a moment.", 1);
          },
        }),
      );
      fireEvent.click(screen.getByRole("button", { name: "Reset password of Alice Agent" }));
      const dialog = screen.getByRole("dialog", { name: "Reset the password of Alice Agent" });
      fireEvent.input(within(dialog).getByLabelText("New password"), { target: { value: "long enough" } });
      fireEvent.click(within(dialog).getByRole("button", { name: "Set password" }));
      expect((await within(dialog).findByRole("alert")).textContent).toBe("The server is busy; try again in a moment.");
    });
  });

  describe("disable and enable", () => {
    it("disable_asks_first_and_cancel_changes_nothing", async () => {
      const api = await show();
      fireEvent.click(screen.getByRole("button", { name: "Disable Alice Agent" }));
      const dialog = screen.getByRole("dialog", { name: "Disable Alice Agent?" });
      expect(dialog.textContent).toContain("signed out at once");
      fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
      await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
      expect(api.patchUser).not.toHaveBeenCalled();
    });

    it("disable_confirmed_patches_disabled_and_the_row_says_so", async () => {
      const api = await show();
      fireEvent.click(screen.getByRole("button", { name: "Disable Alice Agent" }));
      fireEvent.click(within(screen.getByRole("dialog", { name: "Disable Alice Agent?" })).getByRole("button", { name: "Disable" }));
      await waitFor(() => expect(api.patchUser).toHaveBeenCalledWith("u-alice", { disabled: true }));
      await waitFor(() => expect(cells("Alice Agent")[4]).toBe("⊘ Disabled"));
      expect(within(row("Alice Agent")).getByRole("button", { name: "Enable Alice Agent" })).toBeTruthy();
    });

    it("enable_patches_at_once", async () => {
      const api = await show();
      fireEvent.click(screen.getByRole("button", { name: "Enable Carol Customer" }));
      await waitFor(() => expect(api.patchUser).toHaveBeenCalledWith(CAROL.id, { disabled: false }));
      await waitFor(() => expect(cells("Carol Customer")[4]).toBe("✓ Active"));
    });
  });
});
