/**
 * A modal form of the console (a user's roles, a new password): its fields as children, Cancel and
 * a submitting button. `onSubmit` answers whether the dialog closes: a field error the form shows
 * beside its field keeps it open, and so does a failure thrown (said in the dialog, role=alert).
 * Focus starts on the first field; `onClose` runs once the dialog has closed.
 */
import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import "../../shared/dialog.css";

interface Props {
  /** The heading's id (the dialog is named by it). */
  id: string;
  title: string;
  submit: string;
  children: ComponentChildren;
  onSubmit: () => Promise<"close" | "stay">;
  onClose: () => void;
  describeError: (failure: unknown) => string;
}

export function FormDialog({ id, title, submit, children, onSubmit, onClose, describeError }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const closed = useRef(false);

  useEffect(() => {
    const element = dialog.current;
    if (element !== null && typeof element.showModal === "function" && !element.open) element.showModal();
    element?.querySelector<HTMLElement>("input, select, textarea")?.focus();
  }, []);

  function close() {
    if (dialog.current?.open === true && typeof dialog.current.close === "function") dialog.current.close();
    else finish();
  }

  function finish() {
    if (closed.current) return;
    closed.current = true;
    onClose();
  }

  async function run(event: Event) {
    event.preventDefault();
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      const outcome = await onSubmit();
      busy.value = false;
      if (outcome === "close") close();
    } catch (failure) {
      error.value = describeError(failure);
      busy.value = false;
    }
  }

  return (
    <dialog ref={dialog} class="dialog manage-dialog" aria-labelledby={id} onClose={finish}>
      <form class="dialog__form" noValidate onSubmit={(event) => void run(event)}>
        <h2 id={id} class="dialog__title">
          {title}
        </h2>
        {children}
        {error.value !== null && (
          <p class="alert" role="alert">
            {error.value}
          </p>
        )}
        <div class="dialog__actions">
          <button type="button" class="button button--quiet" onClick={close}>
            Cancel
          </button>
          {/* Not disabled while busy: a disabled button drops the focus to <body>. */}
          <button type="submit" class="button" aria-disabled={busy.value}>
            {busy.value ? "Saving…" : submit}
          </button>
        </div>
      </form>
    </dialog>
  );
}
