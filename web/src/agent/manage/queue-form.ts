/**
 * The queue settings form's logic, apart from its DOM: the draft as the fields hold it (numbers
 * as typed), what Save sends (only the fields changed, whole numbers checked here first) and
 * which field a 422 is about (`error.field`, else the field the message names).
 */
import type { ApiError } from "../../shared/api";
import type { Queue } from "../../shared/wire";
import { QUEUE_FIELDS, type QueueField, type QueuePatch } from "./types";

export type NumberField = Exclude<QueueField, "greeting" | "survey">;
export const NUMBER_FIELDS: readonly NumberField[] = ["inactivity_warning_seconds", "auto_close_seconds", "assignee_grace_seconds", "unsend_seconds", "max_sessions_per_agent", "offer_alert_seconds", "reply_alert_seconds"];

export interface QueueDraft {
  greeting: string;
  survey: boolean;
  numbers: Record<NumberField, string>;
}

export type QueueFieldErrors = Partial<Record<QueueField, string>>;

export function draftOf(queue: Queue): QueueDraft {
  const numbers = {} as Record<NumberField, string>;
  for (const f of NUMBER_FIELDS) numbers[f] = String(queue[f]);
  return { greeting: queue.greeting, survey: queue.survey, numbers };
}

/** What Save sends, or the fields typed wrong (not whole numbers) when there are any. */
export function patchOf(queue: Queue, draft: QueueDraft): { kind: "patch"; patch: QueuePatch } | { kind: "invalid"; errors: QueueFieldErrors } {
  const patch: QueuePatch = {};
  const errors: QueueFieldErrors = {};
  if (draft.greeting !== queue.greeting) patch.greeting = draft.greeting;
  if (draft.survey !== queue.survey) patch.survey = draft.survey;
  for (const f of NUMBER_FIELDS) {
    const text = draft.numbers[f].trim();
    if (!/^\d+$/.test(text)) {
      errors[f] = "Enter a whole number of 0 or more.";
      continue;
    }
    const value = Number(text);
    if (value !== queue[f]) patch[f] = value;
  }
  return Object.keys(errors).length > 0 ? { kind: "invalid", errors } : { kind: "patch", patch };
}

/** The field a refusal is about: the server's `error.field`, else a field its message names, else none. */
export function fieldOf(error: ApiError): QueueField | null {
  const named = error.field ?? QUEUE_FIELDS.find((f) => error.message.includes(f)) ?? null;
  return named !== null && (QUEUE_FIELDS as readonly string[]).includes(named) ? (named as QueueField) : null;
}
