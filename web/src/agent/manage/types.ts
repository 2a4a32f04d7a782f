/**
 * The managers' console's wire types that `shared/wire.ts` does not hold: an assignment group
 * with its members (`GET /api/groups`), a user as admins see them (`GET /api/admin/users`), what
 * the console's forms send, and the guards of the audit log's page. `Queue`, `Canned`, `User`,
 * `UserRef`, `AuditEntry` and `AuditPage` are the shared ones.
 */
import { AUDIT_ACTIONS, isRole, isUserRef, type AuditEntry, type AuditPage, type AuditTargetKind, type Canned, type Queue, type Role, type UserRef } from "../../shared/wire";

/** `Group` = `{"id","name","members":[UserRef]}`. */
export interface Group {
  id: string;
  name: string;
  members: UserRef[];
}

export function isGroup(value: unknown): value is Group {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v["id"] === "string" && typeof v["name"] === "string" && Array.isArray(v["members"]) && v["members"].every(isUserRef);
}

export function isGroupList(value: unknown): value is Group[] {
  return Array.isArray(value) && value.every(isGroup);
}

/** The settings of a queue the form edits (`PATCH /api/queues/{id}` takes any of them). */
export const QUEUE_FIELDS = [
  "greeting",
  "inactivity_warning_seconds",
  "auto_close_seconds",
  "assignee_grace_seconds",
  "unsend_seconds",
  "max_sessions_per_agent",
  "survey",
  "offer_alert_seconds",
  "reply_alert_seconds",
] as const satisfies readonly (keyof Queue)[];

export type QueueField = (typeof QUEUE_FIELDS)[number];
export type QueuePatch = Partial<Pick<Queue, QueueField>>;

/** `POST /api/queues/{queue}/canned` and its PATCH. */
export type CannedInput = Pick<Canned, "title" | "body">;

/** `POST /api/queues`: a name and a group; the settings left out take their defaults. */
export interface QueueInput {
  name: string;
  group: string;
  greeting?: string;
}

/** `POST /api/groups`. */
export interface GroupInput {
  name: string;
}

/** `AdminUser` = the `User` fields with the stored `itil`, `disabled` and `created_at`. */
export interface AdminUser {
  id: string;
  username: string;
  display_name: string;
  roles: Role[];
  itil: boolean;
  disabled: boolean;
  created_at: string;
}

export function isAdminUser(value: unknown): value is AdminUser {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v["id"] === "string" &&
    typeof v["username"] === "string" &&
    typeof v["display_name"] === "string" &&
    Array.isArray(v["roles"]) &&
    v["roles"].every(isRole) &&
    typeof v["itil"] === "boolean" &&
    typeof v["disabled"] === "boolean" &&
    typeof v["created_at"] === "string"
  );
}

export function isAdminUserList(value: unknown): value is AdminUser[] {
  return Array.isArray(value) && value.every(isAdminUser);
}

/** `POST /api/admin/users`. */
export interface NewUserInput {
  username: string;
  display_name: string;
  password: string;
  roles: Role[];
  itil: boolean;
}

/** `PATCH /api/admin/users/{id}`: any of these. */
export type UserPatch = Partial<Pick<AdminUser, "display_name" | "roles" | "itil" | "disabled">> & { password?: string };

export const AUDIT_TARGET_KINDS: readonly AuditTargetKind[] = ["user", "group", "queue", "canned"];

/** The filters of `GET /api/audit`; every one optional (times RFC 3339, `before` an entry id). */
export interface AuditQuery {
  actor?: string;
  action?: string;
  target_kind?: string;
  target?: string;
  from?: string;
  to?: string;
  before?: string;
  limit?: number;
}

function isAuditEntry(value: unknown): value is AuditEntry {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const target = v["target"] as Record<string, unknown> | null | undefined;
  const isFields = (x: unknown) => x === null || (typeof x === "object" && !Array.isArray(x));
  return (
    typeof v["id"] === "string" &&
    typeof v["at"] === "string" &&
    isUserRef(v["actor"]) &&
    typeof v["action"] === "string" &&
    (AUDIT_ACTIONS as readonly string[]).includes(v["action"]) &&
    typeof target === "object" &&
    target !== null &&
    typeof target["kind"] === "string" &&
    (AUDIT_TARGET_KINDS as readonly string[]).includes(target["kind"]) &&
    typeof target["id"] === "string" &&
    typeof target["name"] === "string" &&
    isFields(v["before"] ?? null) &&
    isFields(v["after"] ?? null)
  );
}

export function isAuditPage(value: unknown): value is AuditPage {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v["entries"]) && v["entries"].every(isAuditEntry) && (v["next_before"] === null || v["next_before"] === undefined || typeof v["next_before"] === "string");
}
