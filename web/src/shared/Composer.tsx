/**
 * The message field the agent and the customer share: a text area (Enter sends, Shift+Enter adds
 * a line, never while an IME composes), Send, and the length note. The caller owns the text
 * (so it can keep drafts) and adds its own tools above the field.
 */
import type { ComponentChildren, Ref } from "preact";
import { bodyProblem, enterSends } from "./composer";
import { LengthNote, lengthNoteId, lengthNoteShown } from "./LengthNote";
import "./composer.css";

export interface ComposerProps {
  /** Unique on the page: ids of the hint and the length note derive from it. */
  id: string;
  text: string;
  onText: (text: string) => void;
  /** Called with the trimmed body when it can be sent; the caller clears the text. */
  onSend: (body: string) => void;
  label: string;
  placeholder: string;
  workNote?: boolean;
  fieldRef?: Ref<HTMLTextAreaElement> | undefined;
  /** Keys handled before Enter (return true when handled). */
  onKey?: (event: KeyboardEvent) => boolean;
  onBlur?: (() => void) | undefined;
  /** Whether sending is allowed now (the field stays editable). */
  canSend?: boolean;
  tools?: ComponentChildren;
  hint?: ComponentChildren;
}

export function Composer(props: ComposerProps) {
  const { id, text, onText, onSend, label, placeholder, workNote = false, fieldRef, onKey, onBlur, canSend = true, tools, hint } = props;
  const hintId = `${id}-hint`;
  const noteId = lengthNoteId(id);
  const body = text.trim();

  function send() {
    if (body === "" || !canSend || bodyProblem(body) !== null) return;
    onSend(body);
  }

  return (
    <div class={`composer${workNote ? " composer--work-note" : ""}`}>
      {tools}
      <div class="composer__row">
        <textarea
          ref={fieldRef ?? null}
          id={id}
          class={`composer__input${workNote ? " composer__input--work-note" : ""}`}
          rows={2}
          aria-label={label}
          aria-describedby={`${hint === undefined ? "" : hintId} ${lengthNoteShown(text) ? noteId : ""}`.trim() || undefined}
          aria-invalid={bodyProblem(body) !== null}
          placeholder={placeholder}
          value={text}
          onInput={(event) => onText(event.currentTarget.value)}
          {...(onBlur === undefined ? {} : { onBlur })}
          onKeyDown={(event) => {
            if (onKey?.(event) === true) return;
            enterSends(event, send);
          }}
        />
        <button
          type="button"
          class="button composer__send"
          onClick={(event) => {
            send();
            // The button turns disabled with the field emptied, which would drop the focus to <body>.
            const field = event.currentTarget.parentElement?.querySelector("textarea");
            field?.focus();
          }}
          disabled={body === "" || !canSend || bodyProblem(body) !== null}
        >
          Send
        </button>
      </div>
      <LengthNote id={noteId} text={text} />
      {hint !== undefined && (
        <span id={hintId} class="composer__hint">
          {hint}
        </span>
      )}
    </div>
  );
}
