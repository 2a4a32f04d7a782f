/** The agent app's state: who is signed in, the socket, the queues, the open mini windows and the drafts. */
import { computed, effect, signal, untracked } from "@preact/signals";
import type { Connection } from "../shared/socket";
import type { Queue, User } from "../shared/wire";
import { keepDraft, loadDrafts, loadWindows, saveDrafts, saveWindows, sessionStore, type Draft, type KeyValueStore, type MiniWindowState } from "./persist";

export type { Draft, MiniWindowState } from "./persist";

export const me = signal<User | null>(null);
export const connection = signal<Connection | null>(null);
export const queues = signal<readonly Queue[]>([]);

/** Open mini windows, oldest first (so the newest docks on the right). */
export const miniWindows = signal<readonly MiniWindowState[]>([]);
/** How many mini windows fit beside each other (the dock measures it); the rest wait in "+N more". */
export const dockCapacity = signal(Number.POSITIVE_INFINITY);
/** The conversation whose message field should take focus next. */
export const focusRequest = signal<string | null>(null);
/**
 * The mini window a reload brought back that takes the focus, as a freshly opened one does
 * (so what arrives in it is read), unless the agent has put the focus elsewhere by then.
 */
export const restoreFocusRequest = signal<string | null>(null);
export const sidebarCollapsed = signal(false);
/** Sections of the Connect sidebar the agent folded (by id: `support`, `chats`, `records`, `closed`). */
export const foldedSections = signal<ReadonlySet<string>>(new Set());

export function toggleSection(id: string): void {
  const next = new Set(foldedSections.value);
  if (!next.delete(id)) next.add(id);
  foldedSections.value = next;
}
/** The queue notification whose Accept button should take focus next (a desktop notification was clicked). */
export const offerFocusRequest = signal<string | null>(null);
/** The queue notification that should run its Accept (the "Accept the oldest" shortcut). */
export const acceptRequest = signal<string | null>(null);
export const presenceChoice = signal<"available" | "away">("available");
/** The conversation whose Transfer dialog should open (Sign out's Transfer); its session actions take it. */
export const transferRequest = signal<string | null>(null);
/**
 * Set when the Transfer that Sign out asked for went through, so Sign out asks again about what
 * is left (a cancelled one ends the sign-out: focus goes back to the chat's Transfer button).
 */
export const signOutTransferDone = signal(false);

/**
 * Records (activity conversation ids) this client knows the agent does not follow: unfollowed
 * here, or an incident opened without following it (its activity may still be held, to look at
 * it in a mini window). The sidebar's Records never lists them.
 */
export const notFollowed = signal<ReadonlySet<string>>(new Set());

/** What an incident's `following` (or a Follow / Unfollow here) says about its activity. */
export function noteFollowing(activity: string, following: boolean): void {
  const current = notFollowed.value;
  if (current.has(activity) !== following) return;
  const next = new Set(current);
  if (following) next.delete(activity);
  else next.add(activity);
  notFollowed.value = next;
}

/**
 * What an agent typed but has not sent, and in which mode, per conversation: a minimised or
 * closed mini window unmounts its message field, and restoring it (or reloading the tab) must
 * bring both back (a work note in progress must never come back as a comment).
 */
class Drafts {
  private readonly byConversation = new Map<string, Draft>();
  private store: KeyValueStore | null = null;
  private user: string | null = null;

  /** Reads what this tab saved for `user` and saves every change from now on. */
  bind(store: KeyValueStore | null, user: string): void {
    this.store = store;
    this.user = user;
    this.byConversation.clear();
    for (const [id, draft] of loadDrafts(store, user)) this.byConversation.set(id, draft);
  }

  get(id: string): Draft | undefined {
    return this.byConversation.get(id);
  }

  set(id: string, draft: Draft): void {
    const current = this.byConversation.get(id);
    if (current?.text === draft.text && current.mode === draft.mode && current.began === draft.began) return;
    if (current === undefined && !keepDraft(draft)) return;
    if (keepDraft(draft)) this.byConversation.set(id, draft);
    else this.byConversation.delete(id);
    if (this.user !== null) saveDrafts(this.store, this.user, this.byConversation);
  }
}

export const drafts = new Drafts();

let unbindWindows: (() => void) | null = null;

/**
 * Brings back this tab's drafts and mini windows for `user` (after a reload) and keeps saving
 * them. Call once the signed-in user is known.
 */
export function restoreSession(user: string, store: KeyValueStore | null = sessionStore()): void {
  drafts.bind(store, user);
  unbindWindows?.();
  miniWindows.value = loadWindows(store, user);
  restoreFocusRequest.value = miniWindows.value.findLast((w) => !w.minimised)?.id ?? null;
  let first = true;
  unbindWindows = effect(() => {
    const windows = miniWindows.value;
    if (first) {
      first = false;
      return;
    }
    saveWindows(store, user, windows);
  });
}

/** Opens (or brings back) the mini window of `id`, and asks for its message field to take focus. */
export function openMiniWindow(id: string, focus = true): void {
  const windows = miniWindows.value;
  const at = windows.findIndex((w) => w.id === id);
  const hidden = at !== -1 && at < windows.length - dockCapacity.value;
  if (at === -1) miniWindows.value = [...windows, { id, minimised: false }];
  else if (hidden) miniWindows.value = [...windows.filter((w) => w.id !== id), { id, minimised: false }];
  else if (windows[at]?.minimised === true) miniWindows.value = windows.map((w) => (w.id === id ? { ...w, minimised: false } : w));
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

// The tab's drafts and mini windows come back as soon as the signed-in user is known, before
// anything renders a message field; once per user, not again when their roles change (`me` is
// read again then, see `followRightsChanges`).
const myId = computed(() => me.value?.id ?? null);
effect(() => {
  const id = myId.value;
  if (id !== null) untracked(() => restoreSession(id));
});
