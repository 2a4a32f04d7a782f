/**
 * Queue settings: one form per queue with its greeting, timers, unsend window, the most sessions
 * per agent, the satisfaction survey and the two routing guards (offer and reply alerts). Save sends PATCH with the fields changed; a 422 is
 * shown beside the field it names (focus goes there), a success is confirmed politely.
 */
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { asApiError } from "../../shared/session";
import type { Queue } from "../../shared/wire";
import type { ManageApi } from "./api";
import { draftOf, fieldOf, patchOf, type NumberField, type QueueDraft, type QueueFieldErrors } from "./queue-form";
import type { QueueField } from "./types";

const NUMBER_LABELS: Record<NumberField, { label: string; hint: string; min: number; max: number }> = {
  inactivity_warning_seconds: { label: "Inactivity warning (seconds)", hint: "How long a customer may stay silent before they are warned.", min: 1, max: 86400 },
  auto_close_seconds: { label: "Auto-close after the warning (seconds)", hint: "How long after the warning the chat closes.", min: 1, max: 86400 },
  assignee_grace_seconds: { label: "Assignee grace (seconds)", hint: "How long an agent may be offline before their session goes back to the queue.", min: 1, max: 86400 },
  unsend_seconds: { label: "Unsend window (seconds)", hint: "How long staff may withdraw their own message; 0 turns Withdraw off.", min: 0, max: 3600 },
  max_sessions_per_agent: { label: "Maximum concurrent sessions per agent", hint: "0 means no limit.", min: 0, max: 100 },
  offer_alert_seconds: {
    label: "Offer alert after (seconds)",
    hint: "A waiting chat nobody accepts this long is offered again, urgently, and managers are alerted. 0 turns it off; at most 3600.",
    min: 0,
    max: 3600,
  },
  reply_alert_seconds: {
    label: "Reply alert after (seconds)",
    hint: "An agent who has not replied this long after taking a chat is alerted; as long again and the chat goes back to the front of the queue. 0 turns it off; at most 3600.",
    min: 0,
    max: 3600,
  },
};

const GUARD_FIELDS: readonly NumberField[] = ["offer_alert_seconds", "reply_alert_seconds"];
const TIMER_FIELDS = (Object.keys(NUMBER_LABELS) as NumberField[]).filter((f) => !GUARD_FIELDS.includes(f));

export function QueueSettings({ queues, api, onSaved }: { queues: readonly Queue[]; api: ManageApi; onSaved: (queue: Queue) => void }) {
  if (queues.length === 0) return <p class="muted">There are no queues yet.</p>;
  return (
    <div class="manage-stack">
      {queues.map((queue) => (
        <QueueForm key={queue.id} queue={queue} api={api} onSaved={onSaved} />
      ))}
    </div>
  );
}

function QueueForm({ queue, api, onSaved }: { queue: Queue; api: ManageApi; onSaved: (queue: Queue) => void }) {
  const draft = useSignal<QueueDraft>(draftOf(queue));
  const errors = useSignal<QueueFieldErrors>({});
  const formError = useSignal<string | null>(null);
  const status = useSignal("");
  const busy = useSignal(false);
  const form = useRef<HTMLFormElement>(null);
  const prefix = `queue-${queue.id}`;
  const id = (field: QueueField) => `${prefix}-${field}`;
  const errorId = (field: QueueField) => `${prefix}-${field}-error`;
  const headingId = `${prefix}-heading`;

  function focusField(field: QueueField) {
    document.getElementById(id(field))?.focus();
  }

  async function save(event: Event) {
    event.preventDefault();
    if (busy.value) return;
    status.value = "";
    formError.value = null;
    const outcome = patchOf(queue, draft.value);
    if (outcome.kind === "invalid") {
      errors.value = outcome.errors;
      const first = Object.keys(outcome.errors)[0] as QueueField | undefined;
      if (first !== undefined) focusField(first);
      return;
    }
    errors.value = {};
    if (Object.keys(outcome.patch).length === 0) {
      status.value = "Nothing changed.";
      return;
    }
    busy.value = true;
    try {
      const saved = await api.patchQueue(queue.id, outcome.patch);
      draft.value = draftOf(saved);
      onSaved(saved);
      status.value = `Settings of ${saved.name} saved.`;
    } catch (failure) {
      const error = asApiError(failure);
      const field = error.status === 422 ? fieldOf(error) : null;
      if (field !== null) {
        errors.value = { [field]: error.message };
        focusField(field);
      } else formError.value = error.message;
    } finally {
      busy.value = false;
    }
  }

  const described = (field: QueueField, hint?: string) => [hint, errors.value[field] !== undefined ? errorId(field) : undefined].filter((x) => x !== undefined).join(" ") || undefined;
  const FieldError = ({ field }: { field: QueueField }) =>
    errors.value[field] === undefined ? null : (
      <p id={errorId(field)} class="field-error">
        <span aria-hidden="true">⚠ </span>
        {errors.value[field]}
      </p>
    );
  const d = draft.value;
  const numberField = (field: NumberField) => {
    const meta = NUMBER_LABELS[field];
    const hintId = `${id(field)}-hint`;
    return (
      <div class="field" key={field}>
        <label for={id(field)}>{meta.label}</label>
        <input
          id={id(field)}
          type="number"
          inputMode="numeric"
          min={meta.min}
          max={meta.max}
          step={1}
          value={d.numbers[field]}
          aria-invalid={errors.value[field] !== undefined}
          aria-describedby={described(field, hintId)}
          onInput={(event) => (draft.value = { ...draft.value, numbers: { ...draft.value.numbers, [field]: event.currentTarget.value } })}
        />
        <span id={hintId} class="muted manage-form__hint">
          {meta.hint}
        </span>
        <FieldError field={field} />
      </div>
    );
  };

  return (
    <section class="manage-card" aria-labelledby={headingId}>
      <h3 id={headingId} class="manage-card__title">
        {queue.name} <span class="muted manage-card__sub">group {queue.group.name}</span>
      </h3>
      <form ref={form} class="manage-form" noValidate onSubmit={(event) => void save(event)} aria-labelledby={headingId}>
        <div class="field manage-form__wide">
          <label for={id("greeting")}>Greeting</label>
          <textarea
            id={id("greeting")}
            rows={3}
            value={d.greeting}
            aria-invalid={errors.value.greeting !== undefined}
            aria-describedby={described("greeting")}
            onInput={(event) => (draft.value = { ...draft.value, greeting: event.currentTarget.value })}
          />
          <FieldError field="greeting" />
        </div>
        {TIMER_FIELDS.map(numberField)}
        <fieldset class="manage-form__wide manage-form__group">
          <legend>Routing guards</legend>
          <div class="manage-form">{GUARD_FIELDS.map(numberField)}</div>
        </fieldset>
        <div class="field manage-form__wide manage-form__check">
          <label>
            <input
              id={id("survey")}
              type="checkbox"
              checked={d.survey}
              aria-invalid={errors.value.survey !== undefined}
              aria-describedby={described("survey")}
              onChange={(event) => (draft.value = { ...draft.value, survey: event.currentTarget.checked })}
            />{" "}
            Ask customers to rate the chat (satisfaction survey)
          </label>
          <FieldError field="survey" />
        </div>
        {formError.value !== null && (
          <p class="alert manage-form__wide" role="alert">
            {formError.value}
          </p>
        )}
        <div class="manage-form__actions manage-form__wide">
          <button type="submit" class="button" aria-disabled={busy.value}>
            {busy.value ? "Saving…" : "Save"}
          </button>
          <p class="manage-form__status" role="status">
            {status.value}
          </p>
        </div>
      </form>
    </section>
  );
}
