/**
 * The agent's message field: Comment or Work Note (toggle, or Alt+N / Ctrl+Shift+N), Enter
 * sends, Shift+Enter adds a line, "/" in an empty field opens the canned messages. The field
 * turns gold in work-note mode. Sends go through the socket's outbox, so nothing typed while
 * offline is lost.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { Conversation, PostKind, User } from "../../shared/wire";
import { connection, focusRequest, queueName } from "../state";
import { CannedMessagePicker } from "./CannedMessagePicker";

const TYPING_EVERY_MS = 2000;

export function MessageField({ conversation, user }: { conversation: Conversation; user: User }) {
  const assignee = conversation.assignee?.id === user.id;
  const canComment = assignee && conversation.state === "active";
  const closed = conversation.state === "closed";
  const mode = useSignal<PostKind>(canComment ? "comment" : "work_note");
  const text = useSignal("");
  const pickerOpen = useSignal(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const typingSentAt = useRef(0);
  const hintId = `composer-hint-${conversation.id}`;

  // Becoming the assignee (Accept, a transfer to me) makes Comment the natural mode; losing it, Work Note.
  useEffect(() => {
    mode.value = canComment ? "comment" : "work_note";
  }, [canComment]);

  useEffect(() => {
    if (focusRequest.value === conversation.id && field.current !== null) {
      field.current.focus();
      focusRequest.value = null;
    }
  }, [focusRequest.value, conversation.id]);

  function setTyping(active: boolean) {
    const socket = connection.value;
    if (socket === null) return;
    const now = Date.now();
    if (active && now - typingSentAt.current > TYPING_EVERY_MS) {
      typingSentAt.current = now;
      socket.setTyping(conversation.id, true);
    } else if (!active && typingSentAt.current !== 0) {
      typingSentAt.current = 0;
      socket.setTyping(conversation.id, false);
    }
  }

  function toggleMode() {
    if (mode.value === "work_note" && !canComment) return;
    mode.value = mode.value === "comment" ? "work_note" : "comment";
  }

  function send() {
    const body = text.value.trim();
    if (body === "" || closed) return;
    if (mode.value === "comment" && !canComment) return;
    connection.value?.send(conversation.id, mode.value, body);
    text.value = "";
    if (mode.value === "comment") setTyping(false);
  }

  function onKeyDown(event: KeyboardEvent) {
    const key = event.key.toLowerCase();
    if ((event.altKey && !event.ctrlKey && key === "n") || (event.ctrlKey && event.shiftKey && key === "n")) {
      event.preventDefault();
      toggleMode();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
      return;
    }
    if (event.key === "/" && text.value === "" && canComment) {
      event.preventDefault();
      pickerOpen.value = true;
    }
  }

  if (closed) {
    return (
      <div class="composer composer--closed">
        <p class="muted">This session is closed.</p>
      </div>
    );
  }

  const workNote = mode.value === "work_note";
  const customer = conversation.customer?.display_name ?? "the customer";
  return (
    <div class={`composer${workNote ? " composer--work-note" : ""}`}>
      <div class="composer__tools">
        <div class="mode-toggle" role="group" aria-label="Message type">
          <button
            type="button"
            class="mode-toggle__button"
            aria-pressed={!workNote}
            disabled={!canComment}
            title={canComment ? "Public comment, seen by the customer (Alt+N switches)" : "Only the assignee of an active session comments"}
            onClick={() => (mode.value = "comment")}
          >
            Comment
          </button>
          <button
            type="button"
            class="mode-toggle__button mode-toggle__button--work-note"
            aria-pressed={workNote}
            title="Internal work note, for agents (Alt+N switches)"
            onClick={() => (mode.value = "work_note")}
          >
            Work Note
          </button>
        </div>
        {canComment && (
          <button
            type="button"
            class="icon-button"
            aria-label="Canned messages"
            title="Canned messages (/ in an empty field)"
            aria-haspopup="dialog"
            aria-expanded={pickerOpen.value}
            onClick={() => (pickerOpen.value = !pickerOpen.value)}
          >
            <span aria-hidden="true">☰</span>
          </button>
        )}
        <span id={hintId} class="composer__hint">
          {workNote ? "Work note: agents only" : `Comment: ${customer} sees it`} · Enter sends · Shift+Enter new line
        </span>
      </div>
      {pickerOpen.value && conversation.queue !== undefined && (
        <CannedMessagePicker
          conversation={conversation}
          queue={conversation.queue}
          values={{ customer: conversation.customer?.display_name ?? "", agent: user.display_name, queue: queueName(conversation.queue) }}
          onClose={() => {
            pickerOpen.value = false;
            field.current?.focus();
          }}
        />
      )}
      <div class="composer__row">
        <textarea
          ref={field}
          class={`composer__input${workNote ? " composer__input--work-note" : ""}`}
          rows={2}
          aria-label={workNote ? "Message (work note)" : "Message (comment)"}
          aria-describedby={hintId}
          placeholder={workNote ? "Work note for agents…" : `Comment to ${customer}…`}
          value={text.value}
          onInput={(event) => {
            text.value = event.currentTarget.value;
            if (mode.value === "comment") setTyping(text.value !== "");
          }}
          onBlur={() => setTyping(false)}
          onKeyDown={onKeyDown}
        />
        <button type="button" class="button composer__send" onClick={send} disabled={text.value.trim() === ""}>
          Send
        </button>
      </div>
    </div>
  );
}
