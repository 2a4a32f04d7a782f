/**
 * Asked before an agent with open chats signs out: hand them back to the front of the queue
 * (a colleague accepts them there), Transfer them first, or Cancel. Focus starts on Cancel, so
 * an Enter by habit signs nobody out; Escape cancels. A failed hand-back is shown in the
 * dialog, which stays open.
 */
import type { Conversation } from "../../shared/wire";
import { useEffect, useRef } from "preact/hooks";
import { openChatsTitle } from "./signout";
import "../../shared/dialog.css";
import "./signout.css";

interface Props {
  chats: readonly Conversation[];
  /** The hand-back and sign-out request is under way. */
  busy: boolean;
  error: string | null;
  onHandBack: () => void;
  onTransfer: () => void;
  /** Cancel, Escape: nothing changes. */
  onClose: () => void;
}

export function SignOutDialog({ chats, busy, error, onHandBack, onTransfer, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  /** Set once the caller was told how the dialog ended (the native close event comes later). */
  const settled = useRef(false);
  const count = chats.length;

  useEffect(() => {
    const element = dialog.current;
    if (element !== null && typeof element.showModal === "function" && !element.open) element.showModal();
    else element?.setAttribute("open", "");
    cancel.current?.focus();
  }, []);

  /** Closes the modal first (the page is inert while it is open), then tells the caller. */
  function closeThen(after: () => void) {
    if (settled.current) return;
    settled.current = true;
    const element = dialog.current;
    if (element?.open === true && typeof element.close === "function") element.close();
    after();
  }

  return (
    <dialog ref={dialog} class="dialog dialog--confirm sign-out-dialog" aria-labelledby="sign-out-title" aria-describedby="sign-out-text" onClose={() => closeThen(onClose)}>
      <div class="dialog__form">
        <h2 id="sign-out-title" class="dialog__title">
          {openChatsTitle(count)}
        </h2>
        <div id="sign-out-text">
          <p>
            {count === 1 ? "It goes" : "They go"} back to the front of the queue, where a colleague can accept {count === 1 ? "it" : "them"}; the customer
            {count === 1 ? " is" : "s are"} told. Or transfer {count === 1 ? "it" : "them"} to a colleague first.
          </p>
          <ul class="sign-out-dialog__chats">
            {chats.map((c) => (
              <li key={c.id}>{c.customer?.display_name ?? "A customer"}</li>
            ))}
          </ul>
        </div>
        {error !== null && (
          <p class="alert" role="alert">
            Could not sign out: {error}
          </p>
        )}
        <div class="dialog__actions">
          <button ref={cancel} type="button" class="button button--quiet" onClick={() => closeThen(onClose)}>
            Cancel
          </button>
          <button type="button" class="button button--quiet" onClick={() => closeThen(onTransfer)}>
            Transfer
          </button>
          {/* Not disabled while busy: a disabled button drops the focus to <body>. */}
          <button type="button" class="button" aria-disabled={busy} onClick={() => !busy && onHandBack()}>
            {busy ? "Handing back…" : "Hand back to the queue"}
          </button>
        </div>
      </div>
    </dialog>
  );
}
