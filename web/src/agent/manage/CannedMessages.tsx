/**
 * A queue's canned messages: the list in the order agents see it, with Move up / Move down (the
 * whole new order is sent, `PUT …/canned/order`, and the list shows the order the server
 * answers), Edit and Delete (asked first), and one form for a new message or the one being edited (title, body) with a live preview of the text as an agent
 * would send it (the placeholders filled by `conversation/placeholders.ts`, for a sample
 * customer). The server refuses an unknown placeholder (422): said beside the body. A field's
 * error goes as soon as that field is edited (it said what was wrong with the old text).
 */
import { useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { asApiError } from "../../shared/session";
import type { Canned, Queue } from "../../shared/wire";
import { fillPlaceholders } from "../conversation/placeholders";
import type { ManageApi } from "./api";

/** Who the preview writes to. */
export const SAMPLE_CUSTOMER = "Sam Sample";

type Field = "title" | "body";

export function CannedMessages({ queues, api, agentName }: { queues: readonly Queue[]; api: ManageApi; agentName: string }) {
  const queueId = useSignal(queues[0]?.id ?? "");
  const list = useSignal<Canned[] | null>(null);
  const loadError = useSignal<string | null>(null);
  const editing = useSignal<Canned | null>(null);
  const title = useSignal("");
  const body = useSignal("");
  const errors = useSignal<Partial<Record<Field, string>>>({});
  const formError = useSignal<string | null>(null);
  const status = useSignal("");
  const busy = useSignal(false);
  const deleting = useSignal<Canned | null>(null);
  const moving = useSignal(false);
  const orderError = useSignal<string | null>(null);
  /** The button to focus once the list has been drawn in its new order. */
  const refocus = useRef<string | null>(null);
  const titleField = useRef<HTMLInputElement>(null);
  const bodyField = useRef<HTMLTextAreaElement>(null);
  const queue = queues.find((q) => q.id === queueId.value) ?? null;

  useEffect(() => {
    if (queueId.value === "") return;
    let live = true;
    list.value = null;
    loadError.value = null;
    orderError.value = null;
    api.canned(queueId.value).then(
      (canned) => live && (list.value = canned),
      (failure: unknown) => live && (loadError.value = asApiError(failure).message),
    );
    return () => {
      live = false;
    };
  }, [queueId.value]);

  useLayoutEffect(() => {
    if (refocus.current === null) return;
    document.getElementById(refocus.current)?.focus();
    refocus.current = null;
  });

  /** Moves one message a place up (-1) or down (+1): the whole new order goes to the server. */
  async function move(canned: Canned, by: -1 | 1) {
    const current = list.value;
    if (moving.value || queue === null || current === null) return;
    const from = current.findIndex((c) => c.id === canned.id);
    const to = from + by;
    if (from < 0 || to < 0 || to >= current.length) return;
    const ids = current.map((c) => c.id);
    ids.splice(from, 1);
    ids.splice(to, 0, canned.id);
    moving.value = true;
    orderError.value = null;
    status.value = "";
    try {
      const answered = await api.reorderCanned(queue.id, ids);
      list.value = answered;
      const place = answered.findIndex((c) => c.id === canned.id);
      status.value = `“${canned.title}” moved ${by < 0 ? "up" : "down"}: now ${place + 1} of ${answered.length}.`;
    } catch (failure) {
      orderError.value = asApiError(failure).message;
      // The list may have changed meanwhile (a message added elsewhere): show it as it is now.
      api.canned(queue.id).then(
        (fresh) => (list.value = fresh),
        () => undefined,
      );
    } finally {
      // A moved item's buttons move with it; the browser may drop their focus on the way.
      refocus.current = `canned-${canned.id}-${by < 0 ? "up" : "down"}`;
      moving.value = false;
    }
  }

  /** A field was edited: what was said of its old text no longer holds. */
  function edited(field: Field) {
    if (errors.value[field] === undefined) return;
    const { [field]: _gone, ...rest } = errors.value;
    errors.value = rest;
  }

  function startEdit(canned: Canned | null) {
    editing.value = canned;
    title.value = canned?.title ?? "";
    body.value = canned?.body ?? "";
    errors.value = {};
    formError.value = null;
    status.value = "";
    titleField.current?.focus();
  }

  async function save(event: Event) {
    event.preventDefault();
    if (busy.value || queue === null) return;
    const missing: Partial<Record<Field, string>> = {};
    if (title.value.trim() === "") missing.title = "Give the message a title.";
    if (body.value.trim() === "") missing.body = "Write the message's text.";
    errors.value = missing;
    formError.value = null;
    status.value = "";
    if (missing.title !== undefined) return titleField.current?.focus();
    if (missing.body !== undefined) return bodyField.current?.focus();
    busy.value = true;
    const was = editing.value;
    try {
      if (was === null) {
        const made = await api.createCanned(queue.id, { title: title.value, body: body.value });
        list.value = [...(list.value ?? []), made];
        status.value = `Canned message “${made.title}” created.`;
      } else {
        const patch: { title?: string; body?: string } = {};
        if (title.value !== was.title) patch.title = title.value;
        if (body.value !== was.body) patch.body = body.value;
        const edited = Object.keys(patch).length === 0 ? was : await api.editCanned(queue.id, was.id, patch);
        list.value = (list.value ?? []).map((c) => (c.id === edited.id ? edited : c));
        status.value = `Canned message “${edited.title}” saved.`;
      }
      editing.value = null;
      title.value = "";
      body.value = "";
    } catch (failure) {
      const error = asApiError(failure);
      if (error.status === 422) {
        const field: Field = error.field === "title" ? "title" : "body";
        errors.value = { [field]: error.message };
        (field === "title" ? titleField : bodyField).current?.focus();
      } else formError.value = error.message;
    } finally {
      busy.value = false;
    }
  }

  const errorId = (f: Field) => `canned-${f}-error`;
  const FieldError = ({ field }: { field: Field }) =>
    errors.value[field] === undefined ? null : (
      <p id={errorId(field)} class="field-error">
        <span aria-hidden="true">⚠ </span>
        {errors.value[field]}
      </p>
    );
  const preview = fillPlaceholders(body.value, { customer: SAMPLE_CUSTOMER, agent: agentName, queue: queue?.name ?? "" });
  const formHeading = editing.value === null ? "New canned message" : `Edit “${editing.value.title}”`;

  return (
    <div class="manage-stack">
      <div class="field manage-canned__queue">
        <label for="canned-queue">Queue</label>
        <select id="canned-queue" value={queueId.value} onChange={(event) => ((queueId.value = event.currentTarget.value), startEdit(null))}>
          {queues.map((q) => (
            <option key={q.id} value={q.id}>
              {q.name}
            </option>
          ))}
        </select>
      </div>
      {loadError.value !== null ? (
        <p class="alert" role="alert">
          {loadError.value}
        </p>
      ) : list.value === null ? (
        <p class="muted">Loading canned messages…</p>
      ) : list.value.length === 0 ? (
        <p class="muted">This queue has no canned messages yet.</p>
      ) : (
        <ul class="manage-canned" aria-label={`Canned messages of ${queue?.name ?? "the queue"}`}>
          {list.value.map((c, index, all) => (
            <li key={c.id} class="manage-canned__item">
              <div class="manage-canned__text">
                <strong>{c.title}</strong>
                <span class="muted manage-canned__body">{c.body}</span>
              </div>
              <div class="manage-canned__actions">
                <button
                  id={`canned-${c.id}-up`}
                  type="button"
                  class="button button--small button--quiet"
                  aria-label={`Move '${c.title}' up`}
                  aria-disabled={index === 0 || moving.value}
                  onClick={() => void move(c, -1)}
                >
                  <span aria-hidden="true">↑</span> Up
                </button>
                <button
                  id={`canned-${c.id}-down`}
                  type="button"
                  class="button button--small button--quiet"
                  aria-label={`Move '${c.title}' down`}
                  aria-disabled={index === all.length - 1 || moving.value}
                  onClick={() => void move(c, 1)}
                >
                  <span aria-hidden="true">↓</span> Down
                </button>
                <button type="button" class="button button--small button--quiet" aria-label={`Edit ${c.title}`} onClick={() => startEdit(c)}>
                  Edit
                </button>
                <button type="button" class="button button--small button--quiet" aria-label={`Delete ${c.title}`} onClick={() => (deleting.value = c)}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {orderError.value !== null && (
        <p class="alert" role="alert">
          {orderError.value}
        </p>
      )}
      <section class="manage-card" aria-labelledby="canned-form-heading">
        <h3 id="canned-form-heading" class="manage-card__title">
          {formHeading}
        </h3>
        <form class="manage-form" noValidate onSubmit={(event) => void save(event)} aria-labelledby="canned-form-heading">
          <div class="field manage-form__wide">
            <label for="canned-title">Title</label>
            <input
              ref={titleField}
              id="canned-title"
              maxLength={100}
              value={title.value}
              aria-invalid={errors.value.title !== undefined}
              aria-describedby={errors.value.title !== undefined ? errorId("title") : undefined}
              onInput={(event) => {
                title.value = event.currentTarget.value;
                edited("title");
              }}
            />
            <FieldError field="title" />
          </div>
          <div class="field manage-form__wide">
            <label for="canned-body">Text</label>
            <textarea
              ref={bodyField}
              id="canned-body"
              rows={4}
              value={body.value}
              aria-invalid={errors.value.body !== undefined}
              aria-describedby={["canned-body-hint", errors.value.body !== undefined ? errorId("body") : ""].join(" ").trim()}
              onInput={(event) => {
                body.value = event.currentTarget.value;
                edited("body");
              }}
            />
            <span id="canned-body-hint" class="muted manage-form__hint">
              Placeholders: {"{customer.first_name}"}, {"{customer.name}"}, {"{agent.first_name}"}, {"{agent.name}"}, {"{queue.name}"}, {"{incident.number}"}.
            </span>
            <FieldError field="body" />
          </div>
          <div class="manage-form__wide manage-canned__preview" role="group" aria-labelledby="canned-preview-label">
            <p id="canned-preview-label" class="manage-canned__preview-label">
              Preview, to a customer named {SAMPLE_CUSTOMER}
            </p>
            <p class="manage-canned__preview-text" data-testid="canned-preview">
              {body.value.trim() === "" ? <span class="muted">The filled-in text shows here.</span> : preview}
            </p>
          </div>
          {formError.value !== null && (
            <p class="alert manage-form__wide" role="alert">
              {formError.value}
            </p>
          )}
          <div class="manage-form__actions manage-form__wide">
            <button type="submit" class="button" aria-disabled={busy.value}>
              {busy.value ? "Saving…" : editing.value === null ? "Create" : "Save changes"}
            </button>
            {editing.value !== null && (
              <button type="button" class="button button--quiet" onClick={() => startEdit(null)}>
                Cancel editing
              </button>
            )}
            <p class="manage-form__status" role="status">
              {status.value}
            </p>
          </div>
        </form>
      </section>
      {deleting.value !== null && queue !== null && (
        <ConfirmDialog
          title={`Delete the canned message “${deleting.value.title}”?`}
          confirm="Delete"
          onConfirm={async () => {
            const gone = deleting.value;
            if (gone === null) return;
            await api.deleteCanned(queue.id, gone.id);
            list.value = (list.value ?? []).filter((c) => c.id !== gone.id);
            if (editing.value?.id === gone.id) startEdit(null);
            status.value = `Canned message “${gone.title}” deleted.`;
          }}
          describeError={(failure) => asApiError(failure).message}
          onClose={() => {
            deleting.value = null;
            titleField.current?.focus();
          }}
        >
          <p>Agents can no longer pick it. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
