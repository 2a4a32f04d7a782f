/** The list of keyboard shortcuts, behind the "Keyboard shortcuts" button (or Alt+Shift+/). */
import { useEffect, useRef } from "preact/hooks";
import "../../shared/dialog.css";
import { SHORTCUTS, shortcutsOpen } from "./shortcuts";
import "./shortcuts.css";

export function ShortcutsButton() {
  return (
    <button type="button" class="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (Alt+Shift+/)" aria-haspopup="dialog" onClick={() => (shortcutsOpen.value = true)}>
      <span aria-hidden="true">⌨</span>
    </button>
  );
}

export function ShortcutsDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const open = shortcutsOpen.value;

  useEffect(() => {
    const element = dialog.current;
    if (!open || element === null) return;
    opener.current = document.activeElement;
    if (typeof element.showModal === "function" && !element.open) element.showModal();
    else element.setAttribute("open", "");
  }, [open]);

  if (!open) return null;

  function close() {
    shortcutsOpen.value = false;
    const back = opener.current;
    if (back instanceof HTMLElement && back.isConnected && back !== document.body) back.focus();
  }

  return (
    <dialog ref={dialog} class="dialog shortcuts-dialog" aria-labelledby="shortcuts-title" onClose={close}>
      <div class="dialog__form">
        <h2 id="shortcuts-title" class="dialog__title">
          Keyboard shortcuts
        </h2>
        <table class="shortcuts-table">
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">What they do</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.code}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>Alt+N</kbd>
              </td>
              <td>Switch the message field between Comment and Work Note</td>
            </tr>
            <tr>
              <td>
                <kbd>/</kbd>
              </td>
              <td>Canned messages (in an empty Comment field)</td>
            </tr>
            <tr>
              <td>
                <kbd>Enter</kbd> · <kbd>Shift+Enter</kbd>
              </td>
              <td>Send · new line</td>
            </tr>
          </tbody>
        </table>
        <div class="dialog__actions">
          <button type="button" class="button" autoFocus onClick={() => (dialog.current?.open === true && typeof dialog.current.close === "function" ? dialog.current.close() : close())}>
            Close
          </button>
        </div>
      </div>
    </dialog>
  );
}
