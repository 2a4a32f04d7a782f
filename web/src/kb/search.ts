/**
 * Search as you type, apart from the components: each keystroke waits a short pause for more
 * typing; a text too short is not searched; only the answer to the newest text counts (an older
 * request is aborted, and its answer dropped should it still arrive).
 */
import { clip } from "./api";

/** What a search shows. */
export type SearchState<T> =
  | { kind: "idle" }
  | { kind: "searching"; term: string }
  | { kind: "results"; term: string; hits: T[] }
  | { kind: "failed"; term: string; message: string };

export interface SearchOptions {
  /** Milliseconds of quiet before the search goes out. */
  delay: number;
  /** Fewer characters than this (trimmed) is no search: the state goes back to idle. */
  minChars: number;
}

/** The Knowledge Base tool and page: a search per pause of 250 ms, from 2 characters ("pa" finds "password"). */
export const TYPING_SEARCH: SearchOptions = { delay: 250, minChars: 2 };
/** The support page, while the customer writes the first message: fewer requests, longer texts. */
export const FIRST_MESSAGE_SEARCH: SearchOptions = { delay: 500, minChars: 3 };

/** What is searched for `text`, or null when it is too short to search. */
export function searchTerm(text: string, minChars: number): string | null {
  const term = clip(text);
  return Array.from(term).length < minChars ? null : term;
}

export class DebouncedSearch<T> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private controller: AbortController | null = null;
  /** Counts inputs: an answer is shown only if no input came after the one it answers. */
  private generation = 0;

  constructor(
    private readonly find: (term: string, signal: AbortSignal) => Promise<T[]>,
    private readonly report: (state: SearchState<T>) => void,
    private readonly options: SearchOptions = TYPING_SEARCH,
  ) {}

  input(text: string): void {
    this.cancel();
    const generation = ++this.generation;
    const term = searchTerm(text, this.options.minChars);
    if (term === null) {
      this.report({ kind: "idle" });
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      const controller = new AbortController();
      this.controller = controller;
      this.report({ kind: "searching", term });
      const current = () => generation === this.generation && !controller.signal.aborted;
      this.find(term, controller.signal).then(
        (hits) => {
          if (current()) this.report({ kind: "results", term, hits });
        },
        (error: unknown) => {
          if (current()) this.report({ kind: "failed", term, message: error instanceof Error ? error.message : "The search failed." });
        },
      );
    }, this.options.delay);
  }

  /** Stops a pending search and drops any answer still coming. */
  cancel(): void {
    this.generation += 1;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.controller?.abort();
    this.controller = null;
  }
}
