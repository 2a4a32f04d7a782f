/** What the support page decides from the data: which queue, which chat, whether a warning waits. */
import type { Conversation, Entry, Queue } from "../shared/wire";

/** The queue asked for with `?queue=`, else the first one the customer may use. */
export function chooseQueue(queues: readonly Queue[], wanted: string | null): Queue | null {
  return queues.find((q) => q.id === wanted) ?? queues[0] ?? null;
}

/** The newest chat of this queue that is still open, or null. */
export function openChat(conversations: Iterable<Conversation>, queue: string, me: string): Conversation | null {
  let best: Conversation | null = null;
  for (const c of conversations) {
    // Only the signed-in customer's own chat: staff on this page also know others' sessions.
    if (c.queue !== queue || c.state === "closed" || c.customer?.id !== me) continue;
    if (best === null || c.created_at > best.created_at) best = c;
  }
  return best;
}

/** The inactivity warning still waiting for an answer, if any. */
export function pendingWarning(entries: readonly Entry[], me: string): Entry | null {
  let warning: Entry | null = null;
  for (const e of entries) {
    if (e.event === "inactivity_warning") warning = e;
    else if (warning !== null && (e.event === "still_here" || e.event === "closed" || (e.kind === "comment" && e.author?.id === me))) warning = null;
  }
  return warning;
}

/**
 * Seconds left before an unanswered inactivity warning closes the chat, counted on the
 * browser's clock from when the warning arrived (the server's `at` is another clock).
 */
export function countdownLeft(receivedAt: number, closeAfterSeconds: number, now: number): number {
  const deadline = receivedAt + closeAfterSeconds * 1000;
  return Math.min(closeAfterSeconds, Math.max(0, Math.ceil((deadline - now) / 1000)));
}
