/**
 * The incident form's decisions, apart from the component: the derived priority, a new
 * incident prefilled from a support session, what a Save sends (all fields for a new one, the
 * changed ones with `version` for a saved one), the server's 422 mapped to its field, and
 * whether leaving the form loses work.
 */
import { ApiError } from "../../shared/api";
import type {
  ContactType,
  Conversation,
  Entry,
  Incident,
  IncidentCategory,
  IncidentInput,
  IncidentPatch,
  IncidentState,
  Level,
  Priority,
  QueueGroup,
  UserRef,
} from "../../shared/wire";

/** What the agent edits; ids of people and groups travel with their names. */
export interface IncidentDraft {
  caller: UserRef | null;
  short_description: string;
  description: string;
  category: IncidentCategory;
  contact_type: ContactType;
  impact: Level;
  urgency: Level;
  state: IncidentState;
  resolution_notes: string;
  assignment_group: QueueGroup | null;
  assigned_to: UserRef | null;
}

export type FormField = keyof IncidentDraft;
export const FORM_FIELDS: readonly FormField[] = [
  "caller",
  "short_description",
  "description",
  "category",
  "contact_type",
  "impact",
  "urgency",
  "state",
  "resolution_notes",
  "assignment_group",
  "assigned_to",
];

/** A message per field the server (or the form) refused. */
export type FieldErrors = Partial<Record<FormField, string>>;

export const SHORT_DESCRIPTION_MAX = 160;
export const DESCRIPTION_MAX = 15_000;

/** The ITIL matrix: impact + urgency - 1 (1 critical … 5 planning). */
export function priorityOf(impact: Level, urgency: Level): Priority {
  return (impact + urgency - 1) as Priority;
}

const PRIORITY_WORDS: Record<Priority, string> = { 1: "Critical", 2: "High", 3: "Moderate", 4: "Low", 5: "Planning" };

/** "1 - Critical" … "5 - Planning". */
export function priorityText(priority: Priority): string {
  return `${priority} - ${PRIORITY_WORDS[priority]}`;
}

export const LEVEL_TEXT: Record<Level, string> = { 1: "1 - High", 2: "2 - Medium", 3: "3 - Low" };

export const STATE_TEXT: Record<IncidentState, string> = {
  new: "New",
  in_progress: "In Progress",
  on_hold: "On Hold",
  resolved: "Resolved",
  closed: "Closed",
  canceled: "Canceled",
};

export const CATEGORY_TEXT: Record<IncidentCategory, string> = {
  inquiry: "Inquiry / Help",
  software: "Software",
  hardware: "Hardware",
  network: "Network",
  database: "Database",
};

export const CONTACT_TEXT: Record<ContactType, string> = {
  chat: "Chat",
  email: "Email",
  phone: "Phone",
  self_service: "Self-service",
  walk_in: "Walk-in",
};

/** Resolved and closed incidents need resolution notes. */
export function needsResolutionNotes(state: IncidentState): boolean {
  return state === "resolved" || state === "closed";
}

/** A closed or canceled incident changes no more. */
export function isFinal(state: IncidentState): boolean {
  return state === "closed" || state === "canceled";
}

/** The states a saved incident in `from` may be put in (closed only from resolved). */
export function statesFrom(from: IncidentState | null): IncidentState[] {
  const all: IncidentState[] = ["new", "in_progress", "on_hold", "resolved", "closed", "canceled"];
  if (from === null) return all.filter((s) => s !== "closed");
  if (isFinal(from)) return [from];
  return all.filter((s) => s !== "closed" || from === "resolved");
}

/** The first `max` characters of `text` (whole characters, not UTF-16 halves), spaces around trimmed. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join("") : chars.slice(0, max).join("").trimEnd();
}

/** The line that starts a transcript whose oldest messages were cut to fit the description. */
export const EARLIER_CUT = "[Earlier messages cut to fit]";

/**
 * `text` within `max` characters (whole characters), keeping its END: the newest messages of a
 * transcript matter most. When something is cut, it is cut from the start, at a line's start
 * where one is left (no message begins in its middle), and the text begins with EARLIER_CUT.
 */
export function keepNewest(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const room = max - Array.from(EARLIER_CUT).length - 1;
  if (room <= 0) return Array.from(EARLIER_CUT).slice(0, max).join("");
  const from = chars.length - room;
  let kept = chars.slice(from).join("");
  const lineStart = kept.indexOf("\n");
  // Unless the cut fell on a line's start, begin at the next whole line (not in the middle of a message).
  if (chars[from - 1] !== "\n" && lineStart !== -1 && lineStart < kept.length - 1) kept = kept.slice(lineStart + 1);
  return `${EARLIER_CUT}\n${kept}`;
}

/** The session's comments as "Name: text" lines; work notes and system entries are left out. */
export function transcript(entries: readonly Entry[]): string {
  return entries
    .filter((e) => e.kind === "comment")
    .map((e) => `${e.author?.display_name ?? "Unknown"}: ${e.body}`)
    .join("\n");
}

/**
 * A new incident from a support session: caller the customer, short description the first
 * message (at most 160 characters), description the transcript (its newest part when it is
 * longer than the description may be), contact type chat, the
 * queue's group, assigned to the agent, impact and urgency 3.
 */
export function prefillFromSession(conversation: Conversation, entries: readonly Entry[], agent: UserRef, group: QueueGroup | null): IncidentDraft {
  const firstComment = entries.find((e) => e.kind === "comment" && e.author?.id === conversation.customer?.id)?.body ?? "";
  return {
    caller: conversation.customer ?? null,
    short_description: cut(conversation.first_message ?? firstComment, SHORT_DESCRIPTION_MAX),
    // The newest messages are kept: a long transcript loses its start, and says so.
    description: keepNewest(transcript(entries).trim(), DESCRIPTION_MAX),
    category: "inquiry",
    contact_type: "chat",
    impact: 3,
    urgency: 3,
    state: "new",
    resolution_notes: "",
    assignment_group: group,
    assigned_to: { id: agent.id, display_name: agent.display_name },
  };
}

/**
 * A new incident not from a session (New incident on the list): Caller empty (the agent
 * chooses one), contact type phone, impact and urgency 3, the agent's group, assigned to the agent.
 */
export function blankIncident(agent: UserRef, group: QueueGroup | null): IncidentDraft {
  return {
    caller: null,
    short_description: "",
    description: "",
    category: "inquiry",
    contact_type: "phone",
    impact: 3,
    urgency: 3,
    state: "new",
    resolution_notes: "",
    assignment_group: group,
    assigned_to: { id: agent.id, display_name: agent.display_name },
  };
}

/** A saved incident as the form edits it. */
export function draftOf(incident: Incident): IncidentDraft {
  return {
    caller: incident.caller,
    short_description: incident.short_description,
    description: incident.description,
    category: incident.category,
    contact_type: incident.contact_type,
    impact: incident.impact,
    urgency: incident.urgency,
    state: incident.state,
    resolution_notes: incident.resolution_notes ?? "",
    assignment_group: incident.assignment_group ?? null,
    assigned_to: incident.assigned_to ?? null,
  };
}

/** What the form can tell before asking the server (the server decides the rest, field by field). */
export function localProblems(draft: IncidentDraft): FieldErrors {
  const errors: FieldErrors = {};
  if (draft.caller === null) errors.caller = "Choose a caller.";
  const short = draft.short_description.trim();
  if (short === "") errors.short_description = "Write a short description.";
  else if (Array.from(short).length > SHORT_DESCRIPTION_MAX) errors.short_description = `At most ${SHORT_DESCRIPTION_MAX} characters.`;
  if (Array.from(draft.description).length > DESCRIPTION_MAX) errors.description = `At most ${DESCRIPTION_MAX.toLocaleString("en")} characters.`;
  if (needsResolutionNotes(draft.state) && draft.resolution_notes.trim() === "") {
    errors.resolution_notes = `Resolution notes are required when the state is ${STATE_TEXT[draft.state]}.`;
  }
  return errors;
}

function isFormField(value: string): value is FormField {
  return (FORM_FIELDS as readonly string[]).includes(value);
}

/** What a failed Save shows: next to a field (a 422 naming one of the form's), or above the form. */
export type SaveFailure =
  | { kind: "field"; field: FormField; message: string }
  | { kind: "changed"; message: string }
  | { kind: "closed"; message: string }
  | { kind: "general"; message: string };

export function saveFailure(error: unknown): SaveFailure {
  if (!(error instanceof ApiError)) return { kind: "general", message: "The incident could not be saved. Try again." };
  if (error.status === 422 && error.field !== null) {
    // The server names wire fields; `priority` is derived from impact and urgency.
    const field = error.field === "priority" ? "impact" : error.field;
    if (isFormField(field)) return { kind: "field", field, message: error.message };
  }
  if (error.status === 409 && error.code === "changed") return { kind: "changed", message: error.message };
  if (error.status === 409 && error.code === "incident_closed") return { kind: "closed", message: error.message };
  return { kind: "general", message: error.message };
}

/** The body of POST /api/incidents for a new incident. */
export function toInput(draft: IncidentDraft, clientId: string, session: string | null): IncidentInput {
  const input: IncidentInput = {
    client_id: clientId,
    caller: draft.caller?.id ?? "",
    short_description: draft.short_description.trim(),
    category: draft.category,
    contact_type: draft.contact_type,
    impact: draft.impact,
    urgency: draft.urgency,
    state: draft.state,
    assignment_group: draft.assignment_group?.id ?? null,
    assigned_to: draft.assigned_to?.id ?? null,
  };
  if (draft.description !== "") input.description = draft.description;
  if (draft.resolution_notes.trim() !== "") input.resolution_notes = draft.resolution_notes;
  if (session !== null) input.session = session;
  return input;
}

/** The body of PATCH for what changed between `base` (as read) and `draft`, with the version read. */
export function toPatch(base: Incident, draft: IncidentDraft): IncidentPatch {
  const before = draftOf(base);
  const patch: IncidentPatch = { version: base.version };
  if (draft.caller?.id !== before.caller?.id && draft.caller !== null) patch.caller = draft.caller.id;
  if (draft.short_description.trim() !== before.short_description) patch.short_description = draft.short_description.trim();
  if (draft.description !== before.description) patch.description = draft.description;
  if (draft.category !== before.category) patch.category = draft.category;
  if (draft.contact_type !== before.contact_type) patch.contact_type = draft.contact_type;
  if (draft.impact !== before.impact) patch.impact = draft.impact;
  if (draft.urgency !== before.urgency) patch.urgency = draft.urgency;
  if (draft.state !== before.state) patch.state = draft.state;
  if (draft.resolution_notes !== before.resolution_notes) patch.resolution_notes = draft.resolution_notes;
  if ((draft.assignment_group?.id ?? null) !== (before.assignment_group?.id ?? null)) patch.assignment_group = draft.assignment_group?.id ?? null;
  if ((draft.assigned_to?.id ?? null) !== (before.assigned_to?.id ?? null)) patch.assigned_to = draft.assigned_to?.id ?? null;
  return patch;
}

/** Whether the draft differs from what it started as. */
export function isDirty(start: IncidentDraft, draft: IncidentDraft): boolean {
  return (
    start.caller?.id !== draft.caller?.id ||
    start.short_description !== draft.short_description ||
    start.description !== draft.description ||
    start.category !== draft.category ||
    start.contact_type !== draft.contact_type ||
    start.impact !== draft.impact ||
    start.urgency !== draft.urgency ||
    start.state !== draft.state ||
    start.resolution_notes !== draft.resolution_notes ||
    (start.assignment_group?.id ?? null) !== (draft.assignment_group?.id ?? null) ||
    (start.assigned_to?.id ?? null) !== (draft.assigned_to?.id ?? null)
  );
}

/** Leaving asks first when work would be lost: a new incident never saved, or unsaved changes. */
export function leavingLosesWork(saved: boolean, dirty: boolean): boolean {
  return !saved || dirty;
}
