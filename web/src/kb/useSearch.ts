/** A search as you type inside a component: its state as a signal, and what to call on input. */
import { useSignal, type Signal } from "@preact/signals";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { DebouncedSearch, TYPING_SEARCH, type SearchOptions, type SearchState } from "./search";

export function useSearch<T>(find: (term: string, signal: AbortSignal) => Promise<T[]>, options: SearchOptions = TYPING_SEARCH): { state: Signal<SearchState<T>>; input: (text: string) => void } {
  const state = useSignal<SearchState<T>>({ kind: "idle" });
  // The newest `find` (it may close over a filter chosen since).
  const latest = useRef(find);
  latest.current = find;
  const search = useMemo(() => new DebouncedSearch<T>((term, signal) => latest.current(term, signal), (next) => (state.value = next), options), []);
  useEffect(() => () => search.cancel(), []);
  return { state, input: (text: string) => search.input(text) };
}
