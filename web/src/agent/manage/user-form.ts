/**
 * The Users tab's forms apart from their DOM: the roles in the order the forms offer them, what a
 * new user must have before it is sent (the server's rules, checked here first), what an edit
 * sends (only what changed) and which field a refusal is about.
 */
import type { ApiError } from "../../shared/api";
import type { Role } from "../../shared/wire";
import type { AdminUser, NewUserInput, UserPatch } from "./types";

/** As the forms list them: the staff roles first. */
export const ROLE_CHOICES: readonly { role: Role; label: string; hint: string }[] = [
  { role: "agent", label: "Agent", hint: "answers chats of their groups' queues" },
  { role: "manager", label: "Manager", hint: "runs the managers' console" },
  { role: "admin", label: "Admin", hint: "also manages users, groups and queues" },
  { role: "customer", label: "Customer", hint: "asks for help on the support page" },
];

export const ROLE_LABEL: Record<Role, string> = { agent: "Agent", manager: "Manager", admin: "Admin", customer: "Customer" };

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export type UserField = "username" | "display_name" | "password" | "roles" | "itil";
export type UserFieldErrors = Partial<Record<UserField, string>>;

/** The roles chosen, in the forms' order (the server keeps a set). */
export function rolesInOrder(roles: Iterable<Role>): Role[] {
  const chosen = new Set(roles);
  return ROLE_CHOICES.map((c) => c.role).filter((r) => chosen.has(r));
}

/** What is wrong with a new user before anything is sent (nothing: an empty object). */
export function newUserProblems(input: NewUserInput): UserFieldErrors {
  const errors: UserFieldErrors = {};
  if (input.username.trim() === "") errors.username = "Give the user a username.";
  else if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(input.username.trim())) {
    errors.username = "A username is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.";
  }
  if (input.display_name.trim() === "") errors.display_name = "Give the user a display name.";
  const password = passwordProblem(input.password);
  if (password !== null) errors.password = password;
  if (input.roles.length === 0) errors.roles = "Choose at least one role.";
  return errors;
}

export function passwordProblem(password: string): string | null {
  return password.length < PASSWORD_MIN || password.length > PASSWORD_MAX ? `A password is ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.` : null;
}

/** What Save of the edit form sends: only the fields changed (empty when nothing did). */
export function userPatchOf(user: AdminUser, draft: { display_name: string; roles: readonly Role[]; itil: boolean }): UserPatch {
  const patch: UserPatch = {};
  if (draft.display_name !== user.display_name) patch.display_name = draft.display_name;
  const before = rolesInOrder(user.roles).join(",");
  const after = rolesInOrder(draft.roles);
  if (after.join(",") !== before) patch.roles = after;
  if (draft.itil !== user.itil) patch.itil = draft.itil;
  return patch;
}

/** The field a refusal is about: the server's `error.field`, a taken username, else the field its message names. */
export function userFieldOf(error: ApiError): UserField | null {
  const fields: readonly UserField[] = ["username", "display_name", "password", "roles", "itil"];
  if (error.field !== null && (fields as readonly string[]).includes(error.field)) return error.field as UserField;
  if (error.status === 409 && error.code === "already_exists") return "username";
  if (error.status !== 422) return null;
  const text = error.message.toLowerCase();
  if (text.includes("display name") || text.includes("display_name")) return "display_name";
  if (text.includes("username")) return "username";
  if (text.includes("password")) return "password";
  if (text.includes("role")) return "roles";
  return null;
}
