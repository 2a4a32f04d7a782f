/**
 * The incident form (the content pane, or the workspace's Record tool): Number, Caller, Short
 * description, Description, Category, Contact type, Impact, Urgency, the derived Priority,
 * State, Resolution notes, Assignment group, Assigned to; Save, Follow / Unfollow. A new
 * incident is stored only on Save (one client id per draft); a saved one sends only what
 * changed, with the version it read, so a colleague's change is never overwritten silently
 * (409: their message, and Reload). A refusal about one field is shown next to it; the draft stays.
 */
import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { createIncident, getIncident, setFollowing, updateIncident } from "../../shared/api";
import { asApiError } from "../../shared/session";
import { INCIDENT_CATEGORIES, CONTACT_TYPES, type Incident, type Level, type Member, type QueueGroup, type User } from "../../shared/wire";
import { membersOf } from "../actions";
import { connection, openMiniWindow, queues } from "../state";
import { CallerPicker } from "./CallerPicker";
import { followingChanged } from "./follow";
import {
  CATEGORY_TEXT,
  CONTACT_TEXT,
  LEVEL_TEXT,
  STATE_TEXT,
  draftOf,
  isDirty,
  isFinal,
  leavingLosesWork,
  localProblems,
  needsResolutionNotes,
  priorityOf,
  priorityText,
  saveFailure,
  statesFrom,
  toInput,
  toPatch,
  type FieldErrors,
  type FormField,
  type IncidentDraft,
  type SaveFailure,
} from "./incident-form";
import type { NewIncident, Pane } from "./pane";
import "./records.css";

export type FormSource = { kind: "saved"; incident: Incident } | { kind: "new"; draft: NewIncident };

interface Props {
  source: FormSource;
  pane: Pane;
  user: User;
  /** The content pane's form is the page's main heading; the Record tool's is not. */
  headingLevel?: 1 | 2;
  /** Shown above the fields (e.g. "already created from this chat"). */
  notice?: ComponentChildren;
  /** A status to announce when the form opens (e.g. "INC0010001 was created."). */
  opened?: string;
  /** Offers Close (the content pane); the Record tool has none. */
  onClose?: () => void;
}

const LEVELS: readonly Level[] = [1, 2, 3];

/** The groups the agent can assign to: those of the queues they see, and the incident's own. */
function groupOptions(current: QueueGroup | null): QueueGroup[] {
  const groups = new Map<string, QueueGroup>();
  for (const q of queues.value) groups.set(q.group.id, q.group);
  if (current !== null) groups.set(current.id, current);
  return [...groups.values()];
}

/** The staff of a group, read through one of its queues (the Transfer list's endpoint). */
function useGroupMembers(group: string | null): Member[] | null {
  const members = useSignal<Member[] | null>(null);
  useEffect(() => {
    members.value = null;
    const queue = queues.value.find((q) => q.group.id === group);
    if (queue === undefined) return;
    let current = true;
    membersOf(queue.id).then(
      (list) => {
        if (current) members.value = list;
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [group]);
  return members.value;
}

export function IncidentForm({ source, pane, user, headingLevel = 1, notice, opened, onClose }: Props) {
  const initial = source.kind === "saved" ? draftOf(source.incident) : source.draft.initial;
  const base = useSignal<Incident | null>(source.kind === "saved" ? source.incident : null);
  const start = useSignal<IncidentDraft>(initial);
  const draft = useSignal<IncidentDraft>(initial);
  const errors = useSignal<FieldErrors>({});
  const failure = useSignal<SaveFailure | null>(null);
  const status = useSignal<string>(opened ?? "");
  const busy = useSignal(false);
  const following = useSignal(source.kind === "saved" ? source.incident.following : false);
  const followError = useSignal<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const saved = base.value !== null;
  const dirty = isDirty(start.value, draft.value);
  const members = useGroupMembers(draft.value.assignment_group?.id ?? null);
  const prefix = `incident-${base.value?.id ?? "new"}`;
  const final = base.value !== null && isFinal(base.value.state);

  // Records lists what the agent follows: an incident opened (or saved) without following it is not listed.
  useEffect(() => {
    if (source.kind === "saved") void followingChanged(source.incident, source.incident.following);
  }, []);

  const holds = leavingLosesWork(saved, dirty);
  useEffect(() => {
    pane.holding.value = holds;
  }, [holds]);
  useEffect(() => () => void (pane.holding.value = false), []);

  function set<K extends FormField>(field: K, value: IncidentDraft[K]) {
    draft.value = { ...draft.value, [field]: value };
    if (errors.value[field] !== undefined) {
      const rest = { ...errors.value };
      delete rest[field];
      errors.value = rest;
    }
    status.value = "";
  }

  function focusField(field: FormField) {
    setTimeout(() => document.getElementById(`${prefix}-${field}`)?.focus(), 0);
  }

  function adopt(incident: Incident) {
    base.value = incident;
    start.value = draftOf(incident);
    draft.value = draftOf(incident);
    following.value = incident.following;
    // Saved or read again: it may be followed now (the agent assigned it to themself) or no longer.
    void followingChanged(incident, incident.following);
    errors.value = {};
    failure.value = null;
  }

  async function save(event: Event) {
    event.preventDefault();
    if (busy.value || final) return;
    const problems = localProblems(draft.value);
    const first = Object.keys(problems)[0] as FormField | undefined;
    if (first !== undefined) {
      errors.value = problems;
      failure.value = null;
      status.value = "";
      focusField(first);
      return;
    }
    busy.value = true;
    // The server judges the whole draft again: what it refused before is shown only if it still does.
    errors.value = {};
    failure.value = null;
    status.value = "";
    try {
      const current = base.value;
      if (current === null && source.kind === "new") {
        const created = await createIncident(toInput(draft.value, source.draft.clientId, source.draft.session));
        adopt(created);
        pane.holding.value = false;
        // The pane now shows the saved incident (a form of its own, keyed by its id) and says so.
        pane.replace({ kind: "incident", id: created.id, incident: created, opened: `Saved: ${created.number} was created.` });
      } else if (current !== null) {
        const patch = toPatch(current, draft.value);
        if (Object.keys(patch).length === 1) {
          status.value = "Nothing changed: nothing to save.";
        } else {
          adopt(await updateIncident(current.id, patch));
          status.value = `Saved ${current.number}.`;
        }
      }
    } catch (error) {
      const why = saveFailure(error);
      if (why.kind === "field") {
        errors.value = { ...errors.value, [why.field]: why.message };
        focusField(why.field);
      } else if (why.kind === "closed") {
        // Closed or canceled elsewhere while this form was open: nothing can be saved any more,
        // so the form shows the incident as it is now (read-only), and says why.
        await reloadAfterClosed(why);
      } else {
        failure.value = why;
      }
    } finally {
      busy.value = false;
    }
  }

  async function reload() {
    const current = base.value;
    if (current === null) return;
    try {
      adopt(await getIncident(current.id));
      status.value = "Reloaded: this is the incident as it is now.";
    } catch (error) {
      failure.value = { kind: "general", message: asApiError(error).message };
    }
  }

  async function reloadAfterClosed(why: SaveFailure) {
    const current = base.value;
    if (current !== null) {
      try {
        adopt(await getIncident(current.id));
      } catch {
        // Not read: the refusal is still said; the form stays as it was.
      }
    }
    failure.value = why;
  }

  async function toggleFollow() {
    const current = base.value;
    if (current === null) return;
    followError.value = null;
    const next = !following.value;
    try {
      await setFollowing(current.id, next);
      following.value = next;
      await followingChanged(current, next);
      status.value = next ? `You follow ${current.number}: its activity is under Records.` : `You no longer follow ${current.number}.`;
    } catch (error) {
      followError.value = asApiError(error).message;
    }
  }

  function openActivity() {
    const current = base.value;
    if (current === null) return;
    connection.value?.watch(current.activity);
    openMiniWindow(current.activity);
  }

  const d = draft.value;
  const errorOf = (field: FormField) => errors.value[field];
  const described = (field: FormField, hint?: string) => {
    const ids = [errorOf(field) !== undefined ? `${prefix}-${field}-error` : null, hint ?? null].filter((x) => x !== null);
    return ids.length > 0 ? ids.join(" ") : undefined;
  };
  const FieldError = ({ field }: { field: FormField }) =>
    errorOf(field) === undefined ? null : (
      <p id={`${prefix}-${field}-error`} class="incident-form__error">
        <span aria-hidden="true">⚠ </span>
        {errorOf(field)}
      </p>
    );
  const Heading = headingLevel === 1 ? "h1" : "h2";
  const title = base.value === null ? "New incident" : `Incident ${base.value.number}`;
  const states = statesFrom(base.value?.state ?? null);
  const fieldErrorCount = Object.keys(errors.value).length;
  const assignable = members ?? [];
  const assignedKnown = d.assigned_to === null || assignable.some((m) => m.id === d.assigned_to?.id);

  return (
    <form ref={form} class="incident-form" aria-labelledby={`${prefix}-title`} onSubmit={(event) => void save(event)} noValidate>
      <header class="incident-form__header">
        <div class="incident-form__title-row">
          <Heading id={`${prefix}-title`} class="incident-form__title">
            {title}
          </Heading>
          {base.value === null ? (
            <span class="incident-form__unsaved">Not saved yet</span>
          ) : (
            <span class="incident-form__state">{STATE_TEXT[base.value.state]}</span>
          )}
        </div>
        <div class="incident-form__actions">
          {base.value !== null && (
            <>
              <button type="button" class="button button--small button--quiet" aria-pressed={following.value} onClick={() => void toggleFollow()}>
                {following.value ? "Unfollow" : "Follow"}
              </button>
              <button type="button" class="button button--small button--quiet" onClick={openActivity}>
                Activity
              </button>
            </>
          )}
          <button type="submit" class="button button--small" disabled={final} aria-disabled={busy.value}>
            {busy.value ? "Saving…" : "Save"}
          </button>
          {onClose !== undefined && (
            <button type="button" class="icon-button" aria-label={`Close ${title}`} title="Close" onClick={onClose}>
              <span aria-hidden="true">✕</span>
            </button>
          )}
        </div>
      </header>
      {notice}
      <p class="incident-form__status" role="status">
        {status.value}
      </p>
      {followError.value !== null && (
        <p class="alert" role="alert">
          {followError.value}
        </p>
      )}
      {/* After a Save refused for that reason, the alert below says it (once). */}
      {final && failure.value?.kind !== "closed" && <p class="muted">This incident is {STATE_TEXT[base.value?.state ?? "closed"].toLowerCase()}: it changes no more.</p>}
      {fieldErrorCount > 0 && (
        <p class="alert" role="alert">
          Not saved: {fieldErrorCount === 1 ? "one field needs" : `${fieldErrorCount} fields need`} attention. Your changes are kept.
        </p>
      )}
      {failure.value !== null && (
        <p class="alert incident-form__failure" role="alert">
          {failure.value.kind === "changed" || failure.value.kind === "closed" ? "Not saved: " : ""}
          {failure.value.message}
          {failure.value.kind === "closed" && final && " It was reloaded: this is the incident as it is now, read-only; your changes were dropped."}
          {failure.value.kind === "changed" && (
            <>
              {" "}
              Your changes are still in the form.{" "}
              <button type="button" class="button button--small" onClick={() => void reload()}>
                Reload
              </button>{" "}
              (shows the incident as it is now; your changes here are dropped)
            </>
          )}
        </p>
      )}
      <fieldset class="incident-form__grid" disabled={final}>
        <legend class="visually-hidden">{title}</legend>
        <div class="field">
          <label for={`${prefix}-number`}>Number</label>
          <input id={`${prefix}-number`} readOnly value={base.value?.number ?? ""} placeholder="Given on Save" />
        </div>
        <div class="field">
          <label for={`${prefix}-caller`}>Caller</label>
          <CallerPicker id={`${prefix}-caller`} value={d.caller} onChoose={(caller) => set("caller", caller)} invalid={errorOf("caller") !== undefined} describedBy={described("caller")} />
          <FieldError field="caller" />
        </div>
        <div class="field incident-form__wide">
          <label for={`${prefix}-short_description`}>Short description</label>
          <input
            id={`${prefix}-short_description`}
            value={d.short_description}
            required
            aria-invalid={errorOf("short_description") !== undefined}
            aria-describedby={described("short_description", `${prefix}-short-count`)}
            onInput={(event) => set("short_description", event.currentTarget.value)}
          />
          <span id={`${prefix}-short-count`} class="muted incident-form__count">
            {Array.from(d.short_description.trim()).length} / 160
          </span>
          <FieldError field="short_description" />
        </div>
        <div class="field incident-form__wide">
          <label for={`${prefix}-description`}>Description</label>
          <textarea
            id={`${prefix}-description`}
            rows={6}
            value={d.description}
            aria-invalid={errorOf("description") !== undefined}
            aria-describedby={described("description")}
            onInput={(event) => set("description", event.currentTarget.value)}
          />
          <FieldError field="description" />
        </div>
        <div class="field">
          <label for={`${prefix}-category`}>Category</label>
          <select id={`${prefix}-category`} value={d.category} aria-describedby={described("category")} onChange={(event) => set("category", event.currentTarget.value as IncidentDraft["category"])}>
            {INCIDENT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_TEXT[c]}
              </option>
            ))}
          </select>
          <FieldError field="category" />
        </div>
        <div class="field">
          <label for={`${prefix}-contact_type`}>Contact type</label>
          <select id={`${prefix}-contact_type`} value={d.contact_type} aria-describedby={described("contact_type")} onChange={(event) => set("contact_type", event.currentTarget.value as IncidentDraft["contact_type"])}>
            {CONTACT_TYPES.map((c) => (
              <option key={c} value={c}>
                {CONTACT_TEXT[c]}
              </option>
            ))}
          </select>
          <FieldError field="contact_type" />
        </div>
        <div class="field">
          <label for={`${prefix}-impact`}>Impact</label>
          <select id={`${prefix}-impact`} value={String(d.impact)} aria-describedby={described("impact")} onChange={(event) => set("impact", Number(event.currentTarget.value) as Level)}>
            {LEVELS.map((l) => (
              <option key={l} value={String(l)}>
                {LEVEL_TEXT[l]}
              </option>
            ))}
          </select>
          <FieldError field="impact" />
        </div>
        <div class="field">
          <label for={`${prefix}-urgency`}>Urgency</label>
          <select id={`${prefix}-urgency`} value={String(d.urgency)} aria-describedby={described("urgency")} onChange={(event) => set("urgency", Number(event.currentTarget.value) as Level)}>
            {LEVELS.map((l) => (
              <option key={l} value={String(l)}>
                {LEVEL_TEXT[l]}
              </option>
            ))}
          </select>
          <FieldError field="urgency" />
        </div>
        <div class="field">
          <label for={`${prefix}-priority`}>Priority</label>
          <input id={`${prefix}-priority`} readOnly value={priorityText(priorityOf(d.impact, d.urgency))} aria-describedby={`${prefix}-priority-hint`} />
          <span id={`${prefix}-priority-hint`} class="muted incident-form__count">
            From impact and urgency
          </span>
        </div>
        <div class="field">
          <label for={`${prefix}-state`}>State</label>
          <select id={`${prefix}-state`} value={d.state} aria-describedby={described("state")} onChange={(event) => set("state", event.currentTarget.value as IncidentDraft["state"])}>
            {states.map((s) => (
              <option key={s} value={s}>
                {STATE_TEXT[s]}
              </option>
            ))}
          </select>
          <FieldError field="state" />
        </div>
        <div class="field incident-form__wide">
          <label for={`${prefix}-resolution_notes`}>
            Resolution notes{needsResolutionNotes(d.state) ? " (required)" : ""}
          </label>
          <textarea
            id={`${prefix}-resolution_notes`}
            rows={3}
            value={d.resolution_notes}
            required={needsResolutionNotes(d.state)}
            aria-invalid={errorOf("resolution_notes") !== undefined}
            aria-describedby={described("resolution_notes")}
            onInput={(event) => set("resolution_notes", event.currentTarget.value)}
          />
          <FieldError field="resolution_notes" />
        </div>
        <div class="field">
          <label for={`${prefix}-assignment_group`}>Assignment group</label>
          <select
            id={`${prefix}-assignment_group`}
            value={d.assignment_group?.id ?? ""}
            aria-invalid={errorOf("assignment_group") !== undefined}
            aria-describedby={described("assignment_group")}
            onChange={(event) => {
              const id = event.currentTarget.value;
              const group = groupOptions(d.assignment_group).find((g) => g.id === id) ?? null;
              draft.value = { ...draft.value, assignment_group: group, assigned_to: group?.id === d.assignment_group?.id ? d.assigned_to : null };
            }}
          >
            <option value="">(none)</option>
            {groupOptions(d.assignment_group).map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <FieldError field="assignment_group" />
        </div>
        <div class="field">
          <label for={`${prefix}-assigned_to`}>Assigned to</label>
          <select
            id={`${prefix}-assigned_to`}
            value={d.assigned_to?.id ?? ""}
            aria-invalid={errorOf("assigned_to") !== undefined}
            aria-describedby={described("assigned_to")}
            onChange={(event) => {
              const id = event.currentTarget.value;
              const member = assignable.find((m) => m.id === id);
              const me = id === user.id ? { id: user.id, display_name: user.display_name } : null;
              set("assigned_to", member !== undefined ? { id: member.id, display_name: member.display_name } : (me ?? (id === d.assigned_to?.id ? d.assigned_to : null)));
            }}
          >
            <option value="">(nobody)</option>
            {!assignedKnown && d.assigned_to !== null && <option value={d.assigned_to.id}>{d.assigned_to.display_name}</option>}
            {assignable.map((m) => (
              <option key={m.id} value={m.id}>
                {m.display_name}
              </option>
            ))}
          </select>
          <FieldError field="assigned_to" />
        </div>
      </fieldset>
      {base.value !== null && (
        <p class="muted incident-form__meta">
          Created by {base.value.created_by.display_name} · last changed by {base.value.updated_by.display_name} ({new Date(base.value.updated_at).toLocaleString()}) · version {base.value.version}
        </p>
      )}
    </form>
  );
}
