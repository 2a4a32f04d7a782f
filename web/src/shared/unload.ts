/**
 * Leaving (or reloading) the page asks first while a message may still go out.
 *
 * The outbox keeps every such send in this tab's sessionStorage (outbox.ts), and the next page of
 * the tab restores and resends it with its client id (the server stores it once): a reload or a
 * crash of the tab loses nothing. But closing the tab ends its sessionStorage too, and a page
 * cannot tell a reload from a close, so the browser still asks while a send is on its way or
 * waiting for the network (a reload answered "leave" loses nothing). Sends the server refused
 * for good never prompt: they will not go out either way, and the page shows them with their
 * reason until discarded.
 */
import type { ReadonlySignal } from "@preact/signals";
import { hasUnsent, type PendingSend } from "./outbox";

interface UnloadTarget {
  addEventListener(type: "beforeunload", listener: (event: Event) => void): void;
  removeEventListener(type: "beforeunload", listener: (event: Event) => void): void;
}

/** The parts of a `Connection` this needs. */
export interface OutboxView {
  outbox: ReadonlySignal<readonly PendingSend[]>;
  /** Whether the outbox survives a reload. */
  outboxPersisted: ReadonlySignal<boolean>;
}

/** Whether leaving now may lose a message: one may still go out (kept or not: closing the tab ends its sessionStorage). */
export function leavingLosesMessages(outbox: readonly PendingSend[]): boolean {
  return hasUnsent(outbox);
}

/**
 * Warns on `beforeunload` while leaving would lose a message (see above); returns the undo.
 * Pass the connection; a bare outbox signal is taken as not persisted (the older call).
 */
export function warnBeforeLeavingUnsent(target: UnloadTarget, source: OutboxView | ReadonlySignal<readonly PendingSend[]>): () => void {
  const listener = (event: Event) => {
    const losing = leavingLosesMessages("outbox" in source ? source.outbox.value : source.value);
    if (!losing) return;
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
