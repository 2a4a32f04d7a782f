/** The agent app's state: who is signed in, the socket, the queues and the open mini windows. */
import { signal } from "@preact/signals";
import type { Connection } from "../shared/socket";
import type { PostKind, Queue, User } from "../shared/wire";

export const me = signal<User | null>(null);
export const connection = signal<Connection | null>(null);
export const queues = signal<readonly Queue[]>([]);

/** A docked mini window; minimised ones collapse to their header. */
export interface MiniWindowState {
  id: string;
  minimised: boolean;
}

/** Open mini windows, oldest first (so the newest docks on the right). */
export const miniWindows = signal<readonly MiniWindowState[]>([]);
/** The conversation whose message field should take focus next. */
export const focusRequest = signal<string | null>(null);
export const sidebarCollapsed = signal(false);
/** The queue notification whose Accept button should take focus next (a desktop notification was clicked). */
export const offerFocusRequest = signal<string | null>(null);
export const presenceChoice = signal<"available" | "away">("available");

/**
 * What an agent typed but has not sent, and in which mode, per conversation: a minimised or
 * closed mini window unmounts its message field, and restoring it must bring both back (a work
 * note in progress must never come back as a comment).
 */
export const drafts = new Map<string, { text: string; mode: PostKind }>();

/** Opens (or brings back) the mini window of `id`, and asks for its message field to take focus. */
export function openMiniWindow(id: string, focus = true): void {
  const existing = miniWindows.value.find((w) => w.id === id);
  if (existing === undefined) miniWindows.value = [...miniWindows.value, { id, minimised: false }];
  else if (existing.minimised) miniWindows.value = miniWindows.value.map((w) => (w.id === id ? { ...w, minimised: false } : w));
  if (focus) focusRequest.value = id;
}

/** Shows the queue notification of `id` (the sidebar expanded) and focuses its Accept button. */
export function showOffer(id: string): void {
  sidebarCollapsed.value = false;
  offerFocusRequest.value = id;
}

export function closeMiniWindow(id: string): void {
  miniWindows.value = miniWindows.value.filter((w) => w.id !== id);
}

export function toggleMinimised(id: string): void {
  miniWindows.value = miniWindows.value.map((w) => (w.id === id ? { ...w, minimised: !w.minimised } : w));
}

export function queueName(id: string | undefined): string {
  return queues.value.find((q) => q.id === id)?.name ?? "Queue";
}
