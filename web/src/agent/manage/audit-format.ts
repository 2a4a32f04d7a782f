/**
 * The audit log in words: an action's label, a target's kind, and an entry's change as lines of
 * "field: before → after" (only the fields the entry holds: an update holds those that changed,
 * a creation its new fields, a deletion what was there), values made readable (a person by name,
 * yes/no, lists joined). The filters' dates as the times `GET /api/audit` takes.
 */
import type { AuditAction, AuditEntry, AuditTargetKind } from "../../shared/wire";

export const ACTION_LABEL: Record<AuditAction, string> = {
  "user.create": "User created",
  "user.update": "User changed",
  "group.create": "Group created",
  "group.add_member": "Member added",
  "group.remove_member": "Member removed",
  "queue.create": "Queue created",
  "queue.update": "Queue settings changed",
  "canned.create": "Canned message created",
  "canned.update": "Canned message changed",
  "canned.delete": "Canned message deleted",
  "canned.reorder": "Canned messages reordered",
};

export const TARGET_KIND_LABEL: Record<AuditTargetKind, string> = {
  user: "User",
  group: "Group",
  queue: "Queue",
  canned: "Canned message",
};

export interface ChangeLine {
  field: string;
  /** Null: the field was not there before (a creation), or is no longer (a deletion). */
  before: string | null;
  after: string | null;
}

/** Fields that say nothing to a person reading the log. */
const HIDDEN = new Set(["id", "created_at", "queue"]);
const LONGEST = 160;

/** "display_name" → "display name", "offer_alert_seconds" → "offer alert (seconds)". */
export function fieldLabel(field: string): string {
  const seconds = field.endsWith("_seconds");
  const words = (seconds ? field.slice(0, -"_seconds".length) : field).replace(/_/g, " ");
  return seconds ? `${words} (seconds)` : words;
}

/** A value as a person reads it. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") {
    if (value === "") return "(empty)";
    return value.length > LONGEST ? `${value.slice(0, LONGEST - 1)}…` : value;
  }
  if (Array.isArray(value)) return value.length === 0 ? "(none)" : value.map(valueText).join(", ");
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (typeof v["display_name"] === "string") return v["display_name"];
    if (typeof v["name"] === "string") return v["name"];
    if (typeof v["title"] === "string") return v["title"];
    return JSON.stringify(value);
  }
  return String(value);
}

/** The entry's change, field by field, in the order the server wrote them (before's first). */
export function changeLines(entry: Pick<AuditEntry, "before" | "after">): ChangeLine[] {
  const before = entry.before ?? null;
  const after = entry.after ?? null;
  const fields = [...Object.keys(before ?? {}), ...Object.keys(after ?? {})].filter((f, i, all) => all.indexOf(f) === i && !HIDDEN.has(f));
  const lines: ChangeLine[] = [];
  for (const field of fields) {
    const had = before !== null && field in before;
    const has = after !== null && field in after;
    // A password is never shown, before or after: only that it was set.
    const secret = field === "password";
    const line = { field: fieldLabel(field), before: had && !secret ? valueText(before[field]) : null, after: has ? valueText(after[field]) : null };
    // The same on both sides: nothing changed there.
    if (had && has && JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    lines.push(line);
  }
  return lines;
}

/** One line as text: "roles: agent → agent, manager", "member: Bob Agent". */
export function lineText(line: ChangeLine): string {
  if (line.before !== null && line.after !== null) return `${line.field}: ${line.before} → ${line.after}`;
  return `${line.field}: ${line.after ?? line.before ?? "—"}`;
}

/** A date field's value (YYYY-MM-DD) as the local midnight starting that day, in RFC 3339; "" for none. */
export function dayStart(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) return "";
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).toISOString();
}

/** The local midnight ending that day (the day is included; `to` is exclusive on the server). */
export function dayEnd(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) return "";
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1).toISOString();
}
