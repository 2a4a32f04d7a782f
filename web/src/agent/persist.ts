/**
 * What must survive a reload of the agent's tab (sessionStorage, so per tab, keyed per
 * signed-in user): the drafts, with the Comment / Work Note mode of each conversation and what
 * the view showed when the draft was begun (the stale-view guard), and the
 * open mini windows with their minimised state. A storage that throws (private mode, quota)
 * leaves everything working in memory.
 */
import type { PostKind } from "../shared/wire";

/** What an agent typed but has not sent in one conversation, and in which mode. */
export interface Draft {
  text: string;
  mode: PostKind;
  /** The newest seq the view showed when the text was begun (the stale-view guard's `seen`). */
  began?: number;
}

/** A docked mini window; minimised ones collapse to their header. */
export interface MiniWindowState {
  id: string;
  minimised: boolean;
}

/** The part of `Storage` used here (tests pass a Map-backed one). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const PREFIX = "switchboard.agent";

export function draftsKey(user: string): string {
  return `${PREFIX}.${user}.drafts`;
}

export function windowsKey(user: string): string {
  return `${PREFIX}.${user}.windows`;
}

function read(store: KeyValueStore | null, key: string): unknown {
  if (store === null) return null;
  try {
    const raw = store.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

function write(store: KeyValueStore | null, key: string, value: unknown, empty: boolean): void {
  if (store === null) return;
  try {
    if (empty) store.removeItem(key);
    else store.setItem(key, JSON.stringify(value));
  } catch {
    // Full or refused: the draft stays in memory for this page's life.
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isMode(value: unknown): value is PostKind {
  return value === "comment" || value === "work_note";
}

/** The drafts saved for `user`, ignoring anything malformed. */
export function loadDrafts(store: KeyValueStore | null, user: string): Map<string, Draft> {
  const saved = read(store, draftsKey(user));
  const drafts = new Map<string, Draft>();
  if (!isRecord(saved)) return drafts;
  for (const [id, value] of Object.entries(saved)) {
    if (!isRecord(value) || typeof value.text !== "string" || !isMode(value.mode)) continue;
    const began = Number.isSafeInteger(value.began) && (value.began as number) >= 0 ? (value.began as number) : null;
    drafts.set(id, { text: value.text, mode: value.mode, ...(began === null ? {} : { began }) });
  }
  return drafts;
}

export function saveDrafts(store: KeyValueStore | null, user: string, drafts: ReadonlyMap<string, Draft>): void {
  write(store, draftsKey(user), Object.fromEntries(drafts), drafts.size === 0);
}

/** The mini windows saved for `user` (oldest first), ignoring anything malformed. */
export function loadWindows(store: KeyValueStore | null, user: string): MiniWindowState[] {
  const saved = read(store, windowsKey(user));
  if (!Array.isArray(saved)) return [];
  const seen = new Set<string>();
  const windows: MiniWindowState[] = [];
  for (const value of saved) {
    if (!isRecord(value) || typeof value.id !== "string" || seen.has(value.id)) continue;
    seen.add(value.id);
    windows.push({ id: value.id, minimised: value.minimised === true });
  }
  return windows;
}

export function saveWindows(store: KeyValueStore | null, user: string, windows: readonly MiniWindowState[]): void {
  write(store, windowsKey(user), windows, windows.length === 0);
}

/** A draft worth keeping: some text, or a Work Note mode chosen for the conversation. */
export function keepDraft(draft: Draft): boolean {
  return draft.text !== "" || draft.mode === "work_note";
}

/** The session's storage, or null where there is none (or it refuses access). */
export function sessionStore(): KeyValueStore | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** The browser's local storage (settings), or null. */
export function localStore(): KeyValueStore | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}
