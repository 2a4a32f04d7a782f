/**
 * The Caller picker's decisions, apart from the component: when typing searches (at least
 * CALLER_MIN_CHARS characters, after a short pause, only the newest answer counts), and what a
 * key does to the open listbox (arrows move, Enter chooses, Escape closes).
 */
import type { User, UserRef } from "../../shared/wire";

export const CALLER_MIN_CHARS = 2;
/** GET /api/users takes at most 100 characters. */
export const CALLER_MAX_CHARS = 100;
export const CALLER_SEARCH_DELAY_MS = 200;

/** What is searched for the text typed, or null when it is too short to search. */
export function searchTerm(text: string): string | null {
  const chars = Array.from(text.trim());
  if (chars.length < CALLER_MIN_CHARS) return null;
  return chars.slice(0, CALLER_MAX_CHARS).join("");
}

/** What the listbox shows. */
export type SearchState =
  | { kind: "idle" }
  | { kind: "searching"; term: string }
  | { kind: "results"; term: string; users: User[] }
  | { kind: "failed"; term: string; message: string };

/**
 * Searches as the agent types: each `input` waits `delay` ms for more typing; a term too short
 * is not searched; an answer to an older term than the newest is dropped (and its request aborted).
 */
export class CallerSearch {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private controller: AbortController | null = null;
  private latest: string | null = null;

  constructor(
    private readonly find: (q: string, signal: AbortSignal) => Promise<User[]>,
    private readonly report: (state: SearchState) => void,
    private readonly delay: number = CALLER_SEARCH_DELAY_MS,
  ) {}

  input(text: string): void {
    this.cancel();
    const term = searchTerm(text);
    this.latest = term;
    if (term === null) {
      this.report({ kind: "idle" });
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      const controller = new AbortController();
      this.controller = controller;
      this.report({ kind: "searching", term });
      this.find(term, controller.signal).then(
        (users) => {
          if (this.latest === term && !controller.signal.aborted) this.report({ kind: "results", term, users });
        },
        (error: unknown) => {
          if (controller.signal.aborted || this.latest !== term) return;
          this.report({ kind: "failed", term, message: error instanceof Error ? error.message : "The search failed." });
        },
      );
    }, this.delay);
  }

  /** Stops a pending search and drops any answer still coming. */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.controller?.abort();
    this.controller = null;
  }
}

/** The open listbox: its options and the one active (-1: none). */
export interface ListState {
  open: boolean;
  active: number;
}

export type KeyOutcome =
  | { kind: "move"; state: ListState }
  | { kind: "choose"; index: number }
  | { kind: "close"; state: ListState }
  | { kind: "none" };

/** What a key does in the combobox with `count` options listed. */
export function pickerKey(state: ListState, key: string, count: number): KeyOutcome {
  switch (key) {
    case "ArrowDown":
      if (count === 0) return { kind: "none" };
      if (!state.open) return { kind: "move", state: { open: true, active: 0 } };
      return { kind: "move", state: { open: true, active: (state.active + 1) % count } };
    case "ArrowUp":
      if (count === 0) return { kind: "none" };
      if (!state.open) return { kind: "move", state: { open: true, active: count - 1 } };
      return { kind: "move", state: { open: true, active: state.active <= 0 ? count - 1 : state.active - 1 } };
    case "Home":
      return state.open && count > 0 ? { kind: "move", state: { open: true, active: 0 } } : { kind: "none" };
    case "End":
      return state.open && count > 0 ? { kind: "move", state: { open: true, active: count - 1 } } : { kind: "none" };
    case "Enter":
      return state.open && state.active >= 0 && state.active < count ? { kind: "choose", index: state.active } : { kind: "none" };
    case "Escape":
      return state.open ? { kind: "close", state: { open: false, active: -1 } } : { kind: "none" };
    default:
      return { kind: "none" };
  }
}

/** The caller as the form keeps it (id and name). */
export function callerRef(user: User): UserRef {
  return { id: user.id, display_name: user.display_name };
}
