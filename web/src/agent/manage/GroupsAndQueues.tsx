/**
 * Groups and queues (admins): the assignment groups with their member counts and the queues
 * with the group that works them; New group (a name) and New queue (a name, its group, a
 * greeting; the other settings take their defaults and are changed under Queue settings). A new
 * one is handed to the console, which reads its lists again so every tab's picker offers it.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { ApiError } from "../../shared/api";
import { asApiError } from "../../shared/session";
import type { Queue } from "../../shared/wire";
import type { ManageApi } from "./api";
import type { Group } from "./types";

interface Props {
  groups: readonly Group[];
  queues: readonly Queue[];
  api: ManageApi;
  /** A group or queue was created: the console reads its lists again. */
  onCreated: () => void;
}

export const NAME_MAX = 100;
export const GREETING_MAX = 1000;

export function GroupsAndQueues({ groups, queues, api, onCreated }: Props) {
  return (
    <div class="manage-stack">
      <section class="manage-card" aria-labelledby="directory-groups-heading">
        <h3 id="directory-groups-heading" class="manage-card__title">
          Groups
        </h3>
        {groups.length === 0 ? (
          <p class="muted">There are no groups yet.</p>
        ) : (
          <ul class="manage-members" aria-labelledby="directory-groups-heading">
            {groups.map((g) => (
              <li key={g.id} class="manage-members__item">
                <span>{g.name}</span>
                <span class="muted">{g.members.length === 1 ? "1 member" : `${g.members.length} members`}</span>
              </li>
            ))}
          </ul>
        )}
        <NewGroupForm api={api} onCreated={onCreated} />
      </section>
      <section class="manage-card" aria-labelledby="directory-queues-heading">
        <h3 id="directory-queues-heading" class="manage-card__title">
          Queues
        </h3>
        {queues.length === 0 ? (
          <p class="muted">There are no queues yet.</p>
        ) : (
          <ul class="manage-members" aria-labelledby="directory-queues-heading">
            {queues.map((q) => (
              <li key={q.id} class="manage-members__item">
                <span>{q.name}</span>
                <span class="muted">worked by {q.group.name}</span>
              </li>
            ))}
          </ul>
        )}
        <NewQueueForm groups={groups} api={api} onCreated={onCreated} />
      </section>
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

/** A refusal about the name (taken, too long), or about the form as a whole (null). */
function nameRefusal(error: ApiError, fields: readonly string[]): string | null {
  if (error.field !== null) return fields.includes(error.field) ? error.field : null;
  if (error.status === 409 && error.code === "already_exists") return "name";
  if (error.status !== 422) return null;
  const text = error.message.toLowerCase();
  if (fields.includes("greeting") && text.includes("greeting")) return "greeting";
  if (fields.includes("group") && text.includes("group")) return "group";
  return text.includes("name") ? "name" : null;
}

function NewGroupForm({ api, onCreated }: { api: ManageApi; onCreated: () => void }) {
  const name = useSignal("");
  const error = useSignal<string | undefined>(undefined);
  const formError = useSignal<string | null>(null);
  const status = useSignal("");
  const busy = useSignal(false);

  async function create(event: Event) {
    event.preventDefault();
    if (busy.value) return;
    status.value = "";
    formError.value = null;
    error.value = name.value.trim() === "" ? "Give the group a name." : undefined;
    if (error.value !== undefined) return document.getElementById("new-group-name")?.focus();
    busy.value = true;
    try {
      const made = await api.createGroup({ name: name.value });
      name.value = "";
      status.value = `Group ${made.name} created. Add its members under Group membership.`;
      onCreated();
    } catch (failure) {
      const refused = asApiError(failure);
      if (nameRefusal(refused, ["name"]) === "name") {
        error.value = refused.message;
        document.getElementById("new-group-name")?.focus();
      } else formError.value = refused.message;
    } finally {
      busy.value = false;
    }
  }

  return (
    <form class="manage-form manage-form--inline" noValidate aria-label="New group" onSubmit={(event) => void create(event)}>
      <h4 class="manage-form__heading manage-form__wide">New group</h4>
      <div class="field">
        <label for="new-group-name">Group name</label>
        <input
          id="new-group-name"
          maxLength={NAME_MAX}
          value={name.value}
          aria-invalid={error.value !== undefined}
          aria-describedby={error.value !== undefined ? "new-group-name-error" : undefined}
          onInput={(event) => (name.value = event.currentTarget.value)}
        />
        <FieldError id="new-group-name-error" error={error.value} />
      </div>
      {formError.value !== null && (
        <p class="alert manage-form__wide" role="alert">
          {formError.value}
        </p>
      )}
      <div class="manage-form__actions manage-form__wide">
        <button type="submit" class="button" aria-disabled={busy.value}>
          {busy.value ? "Creating…" : "Create group"}
        </button>
        <p class="manage-form__status" role="status">
          {status.value}
        </p>
      </div>
    </form>
  );
}

type QueueFormField = "name" | "group" | "greeting";

function NewQueueForm({ groups, api, onCreated }: { groups: readonly Group[]; api: ManageApi; onCreated: () => void }) {
  const name = useSignal("");
  const group = useSignal(groups[0]?.id ?? "");
  const greeting = useSignal("");
  const errors = useSignal<Partial<Record<QueueFormField, string>>>({});
  const formError = useSignal<string | null>(null);
  const status = useSignal("");
  const busy = useSignal(false);
  const id = (field: QueueFormField) => `new-queue-${field}`;
  const errorId = (field: QueueFormField) => `new-queue-${field}-error`;

  // A group created in the meantime is offered; keep the one chosen while it exists.
  useEffect(() => {
    if (!groups.some((g) => g.id === group.value)) group.value = groups[0]?.id ?? "";
  }, [groups]);

  async function create(event: Event) {
    event.preventDefault();
    if (busy.value) return;
    status.value = "";
    formError.value = null;
    const problems: Partial<Record<QueueFormField, string>> = {};
    if (name.value.trim() === "") problems.name = "Give the queue a name.";
    if (group.value === "") problems.group = "Create a group first: a queue is worked by one group.";
    errors.value = problems;
    const first = (["name", "group"] as const).find((f) => problems[f] !== undefined);
    if (first !== undefined) return document.getElementById(id(first))?.focus();
    busy.value = true;
    try {
      const made = await api.createQueue({ name: name.value, group: group.value, ...(greeting.value.trim() === "" ? {} : { greeting: greeting.value }) });
      name.value = "";
      greeting.value = "";
      status.value = `Queue ${made.name} created for ${made.group.name}. Its timers and guards are under Queue settings.`;
      onCreated();
    } catch (failure) {
      const refused = asApiError(failure);
      const field = nameRefusal(refused, ["name", "group", "greeting"]) as QueueFormField | null;
      if (field !== null) {
        errors.value = { [field]: refused.message };
        document.getElementById(id(field))?.focus();
      } else formError.value = refused.message;
    } finally {
      busy.value = false;
    }
  }

  const e = errors.value;
  return (
    <form class="manage-form manage-form--inline" noValidate aria-label="New queue" onSubmit={(event) => void create(event)}>
      <h4 class="manage-form__heading manage-form__wide">New queue</h4>
      <div class="field">
        <label for={id("name")}>Queue name</label>
        <input
          id={id("name")}
          maxLength={NAME_MAX}
          value={name.value}
          aria-invalid={e.name !== undefined}
          aria-describedby={e.name !== undefined ? errorId("name") : undefined}
          onInput={(event) => (name.value = event.currentTarget.value)}
        />
        <FieldError id={errorId("name")} error={e.name} />
      </div>
      <div class="field">
        <label for={id("group")}>Group</label>
        <select
          id={id("group")}
          class="manage-select"
          value={group.value}
          aria-invalid={e.group !== undefined}
          aria-describedby={[`${id("group")}-hint`, e.group !== undefined ? errorId("group") : ""].join(" ").trim()}
          onChange={(event) => (group.value = event.currentTarget.value)}
        >
          {groups.length === 0 && <option value="">No groups yet</option>}
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
        <span id={`${id("group")}-hint`} class="muted manage-form__hint">
          Its members are offered the queue's chats.
        </span>
        <FieldError id={errorId("group")} error={e.group} />
      </div>
      <div class="field manage-form__wide">
        <label for={id("greeting")}>Greeting</label>
        <textarea
          id={id("greeting")}
          rows={2}
          maxLength={GREETING_MAX}
          value={greeting.value}
          aria-invalid={e.greeting !== undefined}
          aria-describedby={[`${id("greeting")}-hint`, e.greeting !== undefined ? errorId("greeting") : ""].join(" ").trim()}
          onInput={(event) => (greeting.value = event.currentTarget.value)}
        />
        <span id={`${id("greeting")}-hint`} class="muted manage-form__hint">
          Optional: posted when an agent accepts a chat.
        </span>
        <FieldError id={errorId("greeting")} error={e.greeting} />
      </div>
      {formError.value !== null && (
        <p class="alert manage-form__wide" role="alert">
          {formError.value}
        </p>
      )}
      <div class="manage-form__actions manage-form__wide">
        <button type="submit" class="button" aria-disabled={busy.value}>
          {busy.value ? "Creating…" : "Create queue"}
        </button>
        <p class="manage-form__status" role="status">
          {status.value}
        </p>
      </div>
    </form>
  );
}
