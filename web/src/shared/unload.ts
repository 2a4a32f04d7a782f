/**
 * Leaving (or reloading) the page asks first only when that would lose a message.
 *
 * The outbox keeps every send that may still go out in this tab's sessionStorage (outbox.ts),
 * and the next page of the tab restores and resends it with its client id (the server stores it
 * once). So a reload, a crash of the tab or a navigation within the tab loses nothing, and
 * asking would only nag. What still deserves the prompt: sends that may still go out while the
 * outbox cannot be kept (sessionStorage refused or full, e.g. a strict privacy setting in a
 * frame) — leaving would lose them. Sends the server refused for good never prompt: they will
 * not go out either way, and the page shows them with their reason until discarded.
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

/** Whether leaving now would lose a message. */
export function leavingLosesMessages(outbox: readonly PendingSend[], persisted: boolean): boolean {
  return !persisted && hasUnsent(outbox);
}

/**
 * Warns on `beforeunload` while leaving would lose a message (see above); returns the undo.
 * Pass the connection; a bare outbox signal is taken as not persisted (the older call).
 */
export function warnBeforeLeavingUnsent(target: UnloadTarget, source: OutboxView | ReadonlySignal<readonly PendingSend[]>): () => void {
  const listener = (event: Event) => {
    const losing = "outboxPersisted" in source ? leavingLosesMessages(source.outbox.value, source.outboxPersisted.value) : leavingLosesMessages(source.value, false);
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
