/**
 * Users (admins): every account with its roles, ITIL and whether it is disabled; Create user
 * (username, display name, password, roles, ITIL); per user Edit (name, roles, ITIL), Reset
 * password (a dialog) and Disable (asked first, as it signs them out at once) or Enable. What the
 * server refuses is said beside the field it is about, else in an alert.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { ApiError } from "../../shared/api";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { asApiError } from "../../shared/session";
import type { Role, User } from "../../shared/wire";
import type { ManageApi } from "./api";
import { FormDialog } from "./FormDialog";
import type { AdminUser } from "./types";
import { newUserProblems, PASSWORD_MAX, passwordProblem, ROLE_CHOICES, ROLE_LABEL, rolesInOrder, userFieldOf, userPatchOf, type UserField, type UserFieldErrors } from "./user-form";

interface Props {
  api: ManageApi;
  /** The admin using the console (they cannot disable themselves). */
  me: User;
  /** Told when an account was created or changed (the console's other lists may name it). */
  onChanged?: (user: AdminUser) => void;
}

export function UserAccounts({ api, me, onChanged }: Props) {
  const users = useSignal<AdminUser[] | null>(null);
  const loadError = useSignal<string | null>(null);
  const status = useSignal("");
  const actionError = useSignal<string | null>(null);
  const editing = useSignal<AdminUser | null>(null);
  const resetting = useSignal<AdminUser | null>(null);
  const disabling = useSignal<AdminUser | null>(null);
  const table = useRef<HTMLTableElement>(null);

  useEffect(() => {
    api.users().then(
      (list) => (users.value = list),
      (failure: unknown) => (loadError.value = asApiError(failure).message),
    );
  }, [api]);

  function replace(user: AdminUser) {
    const list = users.value ?? [];
    users.value = list.some((u) => u.id === user.id) ? list.map((u) => (u.id === user.id ? user : u)) : [...list, user];
    onChanged?.(user);
  }

  /** Back to the row's button once a dialog has closed. */
  function focusRow(user: AdminUser, action: string) {
    const buttons = table.current?.querySelectorAll<HTMLElement>(`[data-action="${action}"]`) ?? [];
    Array.from(buttons).find((b) => b.dataset["user"] === user.id)?.focus();
  }

  async function enable(user: AdminUser) {
    actionError.value = null;
    status.value = "";
    try {
      replace(await api.patchUser(user.id, { disabled: false }));
      status.value = `${user.display_name} is enabled and can sign in again.`;
    } catch (failure) {
      actionError.value = asApiError(failure).message;
    }
  }

  return (
    <div class="manage-stack manage-stack--wide">
      <section class="manage-card" aria-labelledby="users-heading">
        <h3 id="users-heading" class="manage-card__title">
          Users
        </h3>
        {loadError.value !== null ? (
          <p class="alert" role="alert">
            {loadError.value}
          </p>
        ) : users.value === null ? (
          <p class="muted">Loading users…</p>
        ) : (
          <div class="manage-table-wrap">
            <table ref={table} class="session-table manage-table" aria-labelledby="users-heading">
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Name</th>
                  <th scope="col">Roles</th>
                  <th scope="col">ITIL</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.value.map((u) => (
                  <tr key={u.id} class={u.disabled ? "manage-table__row--disabled" : undefined}>
                    <td>{u.username}</td>
                    <td>
                      {u.display_name}
                      {u.id === me.id && <span class="muted"> (you)</span>}
                    </td>
                    <td>{rolesInOrder(u.roles).map((r) => ROLE_LABEL[r]).join(", ")}</td>
                    <td>{u.itil ? "Yes" : "No"}</td>
                    <td>
                      {u.disabled ? (
                        <span class="manage-state manage-state--off">
                          <span aria-hidden="true">⊘ </span>Disabled
                        </span>
                      ) : (
                        <span class="manage-state">
                          <span aria-hidden="true">✓ </span>Active
                        </span>
                      )}
                    </td>
                    <td class="manage-table__actions">
                      <button type="button" class="button button--small button--quiet" data-user={u.id} data-action="edit" aria-label={`Edit ${u.display_name}`} onClick={() => (editing.value = u)}>
                        Edit
                      </button>
                      <button
                        type="button"
                        class="button button--small button--quiet"
                        data-user={u.id}
                        data-action="password"
                        aria-label={`Reset password of ${u.display_name}`}
                        onClick={() => (resetting.value = u)}
                      >
                        Reset password
                      </button>
                      {u.disabled ? (
                        <button type="button" class="button button--small button--quiet" data-user={u.id} data-action="disable" aria-label={`Enable ${u.display_name}`} onClick={() => void enable(u)}>
                          Enable
                        </button>
                      ) : (
                        u.id !== me.id && (
                          <button
                            type="button"
                            class="button button--small button--quiet"
                            data-user={u.id}
                            data-action="disable"
                            aria-label={`Disable ${u.display_name}`}
                            onClick={() => (disabling.value = u)}
                          >
                            Disable
                          </button>
                        )
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {actionError.value !== null && (
          <p class="alert" role="alert">
            {actionError.value}
          </p>
        )}
        <p class="manage-form__status" role="status">
          {status.value}
        </p>
      </section>

      <NewUserForm
        api={api}
        onCreated={(user) => {
          replace(user);
          status.value = "";
        }}
      />

      {editing.value !== null && (
        <EditUserDialog
          user={editing.value}
          api={api}
          onSaved={(saved, changed) => {
            replace(saved);
            status.value = changed ? `${saved.display_name} saved.` : "Nothing changed.";
          }}
          onClose={() => {
            const was = editing.value;
            editing.value = null;
            if (was !== null) focusRow(was, "edit");
          }}
        />
      )}
      {resetting.value !== null && (
        <PasswordDialog
          user={resetting.value}
          api={api}
          onSaved={(saved) => {
            replace(saved);
            status.value = `New password of ${saved.display_name} set. They were signed out everywhere.`;
          }}
          onClose={() => {
            const was = resetting.value;
            resetting.value = null;
            if (was !== null) focusRow(was, "password");
          }}
        />
      )}
      {disabling.value !== null && (
        <ConfirmDialog
          title={`Disable ${disabling.value.display_name}?`}
          confirm="Disable"
          onConfirm={async () => {
            const who = disabling.value;
            if (who === null) return;
            replace(await api.patchUser(who.id, { disabled: true }));
            status.value = `${who.display_name} is disabled.`;
          }}
          describeError={(failure) => asApiError(failure).message}
          onClose={() => {
            const was = disabling.value;
            disabling.value = null;
            if (was !== null) focusRow(was, "disable");
          }}
        >
          <p>They are signed out at once and cannot sign in until an admin enables them again. Nothing they wrote is removed.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error === undefined ? null : (
    <p id={id} class="field-error">
      <span aria-hidden="true">⚠ </span>
      {error}
    </p>
  );
}

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter((x): x is string => typeof x === "string" && x !== "").join(" ") || undefined;

/** Which field a refusal names, or null (then the caller shows it as an alert). */
function placeRefusal(error: ApiError, setErrors: (errors: UserFieldErrors) => void, focus: (field: UserField) => void): boolean {
  const field = userFieldOf(error);
  if (field === null) return false;
  setErrors({ [field]: error.message });
  focus(field);
  return true;
}

function RoleChoices({ prefix, roles, error, onChange }: { prefix: string; roles: readonly Role[]; error: string | undefined; onChange: (roles: Role[]) => void }) {
  const errorId = `${prefix}-roles-error`;
  return (
    <fieldset class="manage-form__group manage-roles" aria-describedby={error !== undefined ? errorId : undefined} aria-invalid={error !== undefined}>
      <legend>Roles</legend>
      {ROLE_CHOICES.map((choice) => (
        <label key={choice.role} class="manage-roles__choice">
          <input
            id={`${prefix}-role-${choice.role}`}
            type="checkbox"
            checked={roles.includes(choice.role)}
            onChange={(event) => onChange(event.currentTarget.checked ? rolesInOrder([...roles, choice.role]) : roles.filter((r) => r !== choice.role))}
          />{" "}
          {choice.label} <span class="muted">— {choice.hint}</span>
        </label>
      ))}
      <FieldError id={errorId} error={error} />
    </fieldset>
  );
}

function ItilChoice({ id, checked, onChange }: { id: string; checked: boolean; onChange: (itil: boolean) => void }) {
  return (
    <div class="field manage-form__check">
      <label>
        <input id={id} type="checkbox" checked={checked} aria-describedby={`${id}-hint`} onChange={(event) => onChange(event.currentTarget.checked)} /> ITIL
      </label>
      <span id={`${id}-hint`} class="muted manage-form__hint">
        A customer with ITIL also reads the work notes of their own chats; staff read them anyway.
      </span>
    </div>
  );
}

function NewUserForm({ api, onCreated }: { api: ManageApi; onCreated: (user: AdminUser) => void }) {
  const username = useSignal("");
  const displayName = useSignal("");
  const password = useSignal("");
  const roles = useSignal<Role[]>(["agent"]);
  const itil = useSignal(false);
  const errors = useSignal<UserFieldErrors>({});
  const formError = useSignal<string | null>(null);
  const status = useSignal("");
  const busy = useSignal(false);
  const prefix = "new-user";
  const id = (field: UserField) => (field === "roles" ? `${prefix}-role-agent` : `${prefix}-${field}`);
  const errorId = (field: UserField) => `${prefix}-${field}-error`;
  const focus = (field: UserField) => document.getElementById(id(field))?.focus();

  async function create(event: Event) {
    event.preventDefault();
    if (busy.value) return;
    status.value = "";
    formError.value = null;
    const input = { username: username.value.trim(), display_name: displayName.value, password: password.value, roles: roles.value, itil: itil.value };
    const problems = newUserProblems(input);
    errors.value = problems;
    const first = (["username", "display_name", "password", "roles"] as const).find((f) => problems[f] !== undefined);
    if (first !== undefined) return focus(first);
    busy.value = true;
    try {
      const made = await api.createUser(input);
      onCreated(made);
      status.value = `User ${made.username} (${made.display_name}) created.`;
      username.value = "";
      displayName.value = "";
      password.value = "";
      roles.value = ["agent"];
      itil.value = false;
    } catch (failure) {
      const error = asApiError(failure);
      if (!placeRefusal(error, (e) => (errors.value = e), focus)) formError.value = error.message;
    } finally {
      busy.value = false;
    }
  }

  const e = errors.value;
  return (
    <section class="manage-card" aria-labelledby="new-user-heading">
      <h3 id="new-user-heading" class="manage-card__title">
        Create user
      </h3>
      <form class="manage-form" noValidate onSubmit={(event) => void create(event)} aria-labelledby="new-user-heading">
        <div class="field">
          <label for={id("username")}>Username</label>
          <input
            id={id("username")}
            autoComplete="off"
            maxLength={64}
            value={username.value}
            aria-invalid={e.username !== undefined}
            aria-describedby={describedBy(`${prefix}-username-hint`, e.username !== undefined && errorId("username"))}
            onInput={(event) => (username.value = event.currentTarget.value)}
          />
          <span id={`${prefix}-username-hint`} class="muted manage-form__hint">
            Letters, digits, '.', '_' or '-'; kept in lowercase.
          </span>
          <FieldError id={errorId("username")} error={e.username} />
        </div>
        <div class="field">
          <label for={id("display_name")}>Display name</label>
          <input
            id={id("display_name")}
            autoComplete="off"
            maxLength={100}
            value={displayName.value}
            aria-invalid={e.display_name !== undefined}
            aria-describedby={describedBy(e.display_name !== undefined && errorId("display_name"))}
            onInput={(event) => (displayName.value = event.currentTarget.value)}
          />
          <FieldError id={errorId("display_name")} error={e.display_name} />
        </div>
        <div class="field">
          <label for={id("password")}>Password</label>
          <input
            id={id("password")}
            type="password"
            autoComplete="new-password"
            maxLength={PASSWORD_MAX}
            value={password.value}
            aria-invalid={e.password !== undefined}
            aria-describedby={describedBy(`${prefix}-password-hint`, e.password !== undefined && errorId("password"))}
            onInput={(event) => (password.value = event.currentTarget.value)}
          />
          <span id={`${prefix}-password-hint`} class="muted manage-form__hint">
            8 to 256 characters.
          </span>
          <FieldError id={errorId("password")} error={e.password} />
        </div>
        <div class="manage-form__wide">
          <RoleChoices prefix={prefix} roles={roles.value} error={e.roles} onChange={(r) => (roles.value = r)} />
        </div>
        <div class="manage-form__wide">
          <ItilChoice id={`${prefix}-itil`} checked={itil.value} onChange={(v) => (itil.value = v)} />
        </div>
        {formError.value !== null && (
          <p class="alert manage-form__wide" role="alert">
            {formError.value}
          </p>
        )}
        <div class="manage-form__actions manage-form__wide">
          <button type="submit" class="button" aria-disabled={busy.value}>
            {busy.value ? "Creating…" : "Create user"}
          </button>
          <p class="manage-form__status" role="status">
            {status.value}
          </p>
        </div>
      </form>
    </section>
  );
}

function EditUserDialog({ user, api, onSaved, onClose }: { user: AdminUser; api: ManageApi; onSaved: (user: AdminUser, changed: boolean) => void; onClose: () => void }) {
  const displayName = useSignal(user.display_name);
  const roles = useSignal<Role[]>(rolesInOrder(user.roles));
  const itil = useSignal(user.itil);
  const errors = useSignal<UserFieldErrors>({});
  const prefix = `edit-user-${user.id}`;
  const id = (field: UserField) => (field === "roles" ? `${prefix}-role-${roles.value[0] ?? "agent"}` : `${prefix}-${field}`);
  const focus = (field: UserField) => document.getElementById(id(field))?.focus();
  const e = errors.value;

  async function save(): Promise<"close" | "stay"> {
    const problems: UserFieldErrors = {};
    if (displayName.value.trim() === "") problems.display_name = "Give the user a display name.";
    if (roles.value.length === 0) problems.roles = "Choose at least one role.";
    errors.value = problems;
    const first = (["display_name", "roles"] as const).find((f) => problems[f] !== undefined);
    if (first !== undefined) {
      focus(first);
      return "stay";
    }
    const patch = userPatchOf(user, { display_name: displayName.value, roles: roles.value, itil: itil.value });
    if (Object.keys(patch).length === 0) {
      onSaved(user, false);
      return "close";
    }
    try {
      onSaved(await api.patchUser(user.id, patch), true);
      return "close";
    } catch (failure) {
      const error = asApiError(failure);
      // A refusal of the whole change (self_lockout, busy) is said in the dialog's alert.
      if (error.status === 409 || !placeRefusal(error, (x) => (errors.value = x), focus)) throw error;
      return "stay";
    }
  }

  return (
    <FormDialog id={`${prefix}-title`} title={`Edit ${user.display_name}`} submit="Save" onSubmit={save} onClose={onClose} describeError={(failure) => asApiError(failure).message}>
      <p class="muted">
        Username <strong>{user.username}</strong>. A change of roles or ITIL applies to their open pages at once.
      </p>
      <div class="field">
        <label for={`${prefix}-display_name`}>Display name</label>
        <input
          id={`${prefix}-display_name`}
          maxLength={100}
          value={displayName.value}
          aria-invalid={e.display_name !== undefined}
          aria-describedby={describedBy(e.display_name !== undefined && `${prefix}-display_name-error`)}
          onInput={(event) => (displayName.value = event.currentTarget.value)}
        />
        <FieldError id={`${prefix}-display_name-error`} error={e.display_name} />
      </div>
      <RoleChoices prefix={prefix} roles={roles.value} error={e.roles} onChange={(r) => (roles.value = r)} />
      <ItilChoice id={`${prefix}-itil`} checked={itil.value} onChange={(v) => (itil.value = v)} />
    </FormDialog>
  );
}

function PasswordDialog({ user, api, onSaved, onClose }: { user: AdminUser; api: ManageApi; onSaved: (user: AdminUser) => void; onClose: () => void }) {
  const password = useSignal("");
  const error = useSignal<string | null>(null);
  const fieldId = `password-${user.id}`;
  const field = () => document.getElementById(fieldId)?.focus();

  async function save(): Promise<"close" | "stay"> {
    const problem = passwordProblem(password.value);
    error.value = problem;
    if (problem !== null) {
      field();
      return "stay";
    }
    try {
      onSaved(await api.patchUser(user.id, { password: password.value }));
      return "close";
    } catch (failure) {
      const refused = asApiError(failure);
      if (refused.status !== 422) throw refused;
      error.value = refused.message;
      field();
      return "stay";
    }
  }

  return (
    <FormDialog id={`${fieldId}-title`} title={`Reset the password of ${user.display_name}`} submit="Set password" onSubmit={save} onClose={onClose} describeError={(failure) => asApiError(failure).message}>
      <div class="field">
        <label for={fieldId}>New password</label>
        <input
          id={fieldId}
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX}
          value={password.value}
          aria-invalid={error.value !== null}
          aria-describedby={describedBy(`${fieldId}-hint`, error.value !== null && `${fieldId}-error`)}
          onInput={(event) => (password.value = event.currentTarget.value)}
        />
        <span id={`${fieldId}-hint`} class="muted manage-form__hint">
          8 to 256 characters. {user.display_name} is signed out everywhere and signs in with the new one.
        </span>
        <FieldError id={`${fieldId}-error`} error={error.value ?? undefined} />
      </div>
    </FormDialog>
  );
}
