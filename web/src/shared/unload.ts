/** Leaving (or reloading) the page while messages are still unsent asks first: the outbox lives in memory only. */
import type { ReadonlySignal } from "@preact/signals";
import { hasUnsent, type PendingSend } from "./socket";

interface UnloadTarget {
  addEventListener(type: "beforeunload", listener: (event: Event) => void): void;
  removeEventListener(type: "beforeunload", listener: (event: Event) => void): void;
}

/** Warns on `beforeunload` while `outbox` holds a send the server has not stored; returns the undo. */
export function warnBeforeLeavingUnsent(target: UnloadTarget, outbox: ReadonlySignal<readonly PendingSend[]>): () => void {
  const listener = (event: Event) => {
    if (!hasUnsent(outbox.value)) return;
    event.preventDefault();
    // Older browsers show the dialog only when returnValue is set (a plain Event's is read-only).
    try {
      (event as unknown as { returnValue: string }).returnValue = "unsent";
    } catch {
      // preventDefault was enough.
    }
  };
  target.addEventListener("beforeunload", listener);
  return () => target.removeEventListener("beforeunload", listener);
}
