/**
 * The managers' console's wire types that `shared/wire.ts` does not hold: an assignment group
 * with its members (`GET /api/groups`), and what a queue's settings form and a canned message's
 * form send. `Queue`, `Canned`, `User` and `UserRef` are the shared ones.
 */
import { isUserRef, type Canned, type Queue, type UserRef } from "../../shared/wire";

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
] as const satisfies readonly (keyof Queue)[];

export type QueueField = (typeof QUEUE_FIELDS)[number];
export type QueuePatch = Partial<Pick<Queue, QueueField>>;

/** `POST /api/queues/{queue}/canned` and its PATCH. */
export type CannedInput = Pick<Canned, "title" | "body">;
