/**
 * The canned-message picker: a filter box and the queue's canned messages, read again each time
 * it opens (those read before show at once, and are replaced when the answer comes: a manager
 * may have renamed or edited one since); hovering or focusing one shows its text with the
 * placeholders filled; a click posts it as a comment through the socket's outbox (one client id
 * per pick, so a lost answer never posts it twice).
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { asApiError } from "../../shared/session";
import type { Canned, Conversation } from "../../shared/wire";
import { knownCanned, readCanned } from "../actions";
import { connection } from "../state";
import { fillPlaceholders, type PlaceholderValues } from "./placeholders";
import "./canned-picker.css";

interface Props {
  conversation: Conversation;
  queue: string;
  values: PlaceholderValues;
  onClose: () => void;
}

export function CannedMessagePicker({ conversation, queue, values, onClose }: Props) {
  const all = useSignal<Canned[] | null>(knownCanned(queue) ?? null);
  const filter = useSignal("");
  const preview = useSignal<Canned | null>(null);
  const error = useSignal<string | null>(null);
  const filterField = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const id = `canned-${conversation.id}`;

  useEffect(() => {
    filterField.current?.focus();
    // Another queue (the session was transferred while the picker was open): its own list.
    all.value = knownCanned(queue) ?? null;
    error.value = null;
    let open = true;
    readCanned(queue).then(
      (canned) => {
        if (!open) return;
        all.value = canned;
        // A message being previewed shows as it is now (or not at all, if it was deleted).
        const shown = preview.value;
        if (shown !== null) preview.value = canned.find((c) => c.id === shown.id) ?? null;
      },
      (failure: unknown) => {
        // Those read before stay shown: better than nothing.
        if (open && all.value === null) error.value = asApiError(failure).message;
      },
    );
    return () => {
      open = false;
    };
  }, [queue]);

  const needle = filter.value.trim().toLowerCase();
  const shown = (all.value ?? []).filter((c) => needle === "" || c.title.toLowerCase().includes(needle) || c.body.toLowerCase().includes(needle));

  function pick(canned: Canned) {
    const socket = connection.value;
    if (socket === null) return;
    socket.sendCanned(conversation.id, { id: canned.id, title: canned.title });
    onClose();
  }

  function buttons(): HTMLButtonElement[] {
    return Array.from(list.current?.querySelectorAll("button") ?? []);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const items = buttons();
    if (items.length === 0) return;
    event.preventDefault();
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const next = event.key === "ArrowDown" ? Math.min(items.length - 1, at + 1) : at <= 0 ? -1 : at - 1;
    if (next === -1) filterField.current?.focus();
    else items[next]?.focus();
  }

  return (
    <div class="canned-picker" role="dialog" aria-label="Canned messages" onKeyDown={onKeyDown}>
      <input
        ref={filterField}
        class="canned-picker__filter"
        type="search"
        aria-label="Filter canned messages"
        placeholder="Filter canned messages…"
        value={filter.value}
        onInput={(event) => {
          filter.value = event.currentTarget.value;
          preview.value = null;
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter" && shown[0] !== undefined) {
            event.preventDefault();
            pick(shown[0]);
          }
        }}
      />
      {error.value !== null && (
        <p class="canned-picker__error" role="alert">
          {error.value}
        </p>
      )}
      {all.value === null && error.value === null && <p class="muted">Loading…</p>}
      {all.value !== null && shown.length === 0 && <p class="muted">No canned message matches.</p>}
      <ul ref={list} class="canned-picker__list" aria-label="Canned messages to post">
        {shown.map((canned) => (
          <li key={canned.id}>
            <button
              type="button"
              class="canned-picker__item"
              aria-describedby={preview.value?.id === canned.id ? `${id}-preview` : undefined}
              onMouseEnter={() => (preview.value = canned)}
              onFocus={() => (preview.value = canned)}
              onClick={() => pick(canned)}
            >
              {canned.title}
            </button>
          </li>
        ))}
      </ul>
      <div id={`${id}-preview`} class="canned-picker__preview" aria-live="polite">
        {preview.value === null ? (
          <span class="muted">Hover or focus a message to preview it.</span>
        ) : (
          fillPlaceholders(preview.value.body, values)
        )}
      </div>
    </div>
  );
}
