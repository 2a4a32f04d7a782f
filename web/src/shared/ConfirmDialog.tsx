/**
 * A modal question with a confirming and a cancelling button (e.g. "End the chat with Carol?").
 * Cancel, Escape and the backdrop's close leave things as they were (`onClose` runs once the
 * dialog has closed, when the page is no longer inert, so it can put focus back); focus starts on Cancel so
 * an Enter pressed by habit does not end anything. A failure of the action is shown in the
 * dialog, which stays open.
 */
import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import "./dialog.css";

interface Props {
  title: string;
  children?: ComponentChildren;
  confirm: string;
  /** The cancelling button's words (default "Cancel"). */
  cancel?: string;
  /** Runs the action; a thrown error's message is shown and the dialog stays open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
  /** What the failure says, from the thrown value. */
  describeError?: (failure: unknown) => string;
}

export function ConfirmDialog({ title, children, confirm, cancel: cancelText = "Cancel", onConfirm, onClose, describeError }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const titleId = useRef(`confirm-${Math.random().toString(36).slice(2, 10)}`).current;

  useEffect(() => {
    const element = dialog.current;
    if (element !== null && typeof element.showModal === "function" && !element.open) element.showModal();
    else element?.setAttribute("open", "");
    cancel.current?.focus();
  }, []);

  async function run() {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      await onConfirm();
      dialog.current?.close?.();
      onClose();
    } catch (failure) {
      error.value = describeError?.(failure) ?? (failure instanceof Error ? failure.message : "That did not work. Try again.");
      busy.value = false;
    }
  }

  return (
    <dialog ref={dialog} class="dialog dialog--confirm" aria-labelledby={titleId} onClose={onClose}>
      <div class="dialog__form">
        <h2 id={titleId} class="dialog__title">
          {title}
        </h2>
        {children}
        {error.value !== null && (
          <p class="alert" role="alert">
            {error.value}
          </p>
        )}
        <div class="dialog__actions">
          <button ref={cancel} type="button" class="button button--quiet" onClick={() => (dialog.current?.open === true && typeof dialog.current.close === "function" ? dialog.current.close() : onClose())}>
            {cancelText}
          </button>
          {/* Not disabled while busy: a disabled button drops the focus to <body>. */}
          <button type="button" class="button button--danger" aria-disabled={busy.value} onClick={() => void run()}>
            {busy.value ? "…" : confirm}
          </button>
        </div>
      </div>
    </dialog>
  );
}
