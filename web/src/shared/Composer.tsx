/**
 * The message field the agent and the customer share: a text area (Enter sends, Shift+Enter adds
 * a line, never while an IME composes), Send, and the length note. The caller owns the text
 * (so it can keep drafts) and adds its own tools above the field.
 *
 * With an `attachment` draft it also takes a file: Attach file (a file picker behind it) or a
 * picture pasted into the field (Ctrl+V of a screenshot), shown as a chip until sent; Send then
 * sends the file with the text as its caption (`onSendAttachment`). A `notice` (the stale-view
 * one) goes above the field.
 */
import type { ComponentChildren, Ref } from "preact";
import { useRef } from "preact/hooks";
import { bodyProblem, enterSends } from "./composer";
import type { AttachmentDraft } from "./composer/attachment";
import { AttachmentChip } from "./composer/AttachmentChip";
import { ATTACHMENT_ACCEPT, MAX_ATTACHMENT_BYTES, pastedFile, pastedFileName } from "./composer/files";
import { PaperclipIcon } from "./composer/icons";
import { formatSize } from "./format";
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
  /** The file this composer may send (Attach file, paste, the chip); absent: text only. */
  attachment?: AttachmentDraft | undefined;
  /** Send with a file waiting: called with the caption (the trimmed text, may be empty). */
  onSendAttachment?: (caption: string) => void;
  /** A file was taken (true) or removed (false). */
  onAttachmentChange?: (attached: boolean) => void;
  /** Shown above the field (e.g. newer messages arrived than the writer had seen). */
  notice?: ComponentChildren;
}

export function Composer(props: ComposerProps) {
  const { id, text, onText, onSend, label, placeholder, workNote = false, fieldRef, onKey, onBlur, canSend = true, tools, hint, attachment, onSendAttachment, onAttachmentChange, notice } = props;
  const hintId = `${id}-hint`;
  const noteId = lengthNoteId(id);
  const body = text.trim();
  const picker = useRef<HTMLInputElement>(null);
  const row = useRef<HTMLDivElement>(null);
  const file = attachment?.file.value ?? null;
  const uploading = attachment !== undefined && attachment.progress.value !== null;
  const sendable = canSend && bodyProblem(body) === null && (file !== null ? !uploading : body !== "");

  function focusField() {
    row.current?.querySelector("textarea")?.focus();
  }

  function send() {
    if (!sendable) return;
    if (file !== null) onSendAttachment?.(body);
    else onSend(body);
  }

  function take(chosen: File, name: string) {
    if (attachment === undefined) return;
    if (attachment.choose(chosen, name)) onAttachmentChange?.(true);
  }

  return (
    <div class={`composer${workNote ? " composer--work-note" : ""}`}>
      {notice}
      {tools}
      {attachment !== undefined && (
        <AttachmentChip
          draft={attachment}
          onRemoved={() => {
            onAttachmentChange?.(false);
            focusField();
          }}
          onCancelled={focusField}
        />
      )}
      <div class="composer__row" ref={row}>
        {attachment !== undefined && (
          <>
            <button
              type="button"
              class="icon-button composer__attach"
              aria-label="Attach file"
              title={`Attach a file: a picture, PDF or text, up to ${formatSize(MAX_ATTACHMENT_BYTES)} (or paste a screenshot into the field)`}
              disabled={uploading}
              onClick={() => picker.current?.click()}
            >
              <PaperclipIcon />
            </button>
            <input
              ref={picker}
              type="file"
              class="composer__file"
              hidden
              tabIndex={-1}
              aria-label="Attach file"
              accept={ATTACHMENT_ACCEPT}
              onChange={(event) => {
                const input = event.currentTarget;
                const chosen = input.files?.[0];
                if (chosen !== undefined) take(chosen, chosen.name);
                // The same file may be chosen again after a Remove.
                input.value = "";
                focusField();
              }}
            />
          </>
        )}
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
          {...(attachment === undefined
            ? {}
            : {
                onPaste: (event: ClipboardEvent) => {
                  const pasted = pastedFile(event.clipboardData);
                  if (pasted === null) return;
                  event.preventDefault();
                  take(pasted, pastedFileName(pasted));
                },
              })}
        />
        <button
          type="button"
          class="button composer__send"
          onClick={() => {
            send();
            // The button turns disabled with the field emptied, which would drop the focus to <body>.
            focusField();
          }}
          disabled={!sendable}
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
