/**
 * A clock signal that ticks once a second, for waiting times and countdowns.
 *
 * Read it only where a time is shown: a component that reads `now.value` re-renders every
 * second, and so does everything it renders. `useClockText` gives a text that follows the
 * clock without re-rendering any component.
 */
import { computed, signal, useSignal, type ReadonlySignal } from "@preact/signals";
import { useMemo } from "preact/hooks";

export const now = signal(Date.now());

let ticking: ReturnType<typeof setInterval> | null = null;

export function startClock(): void {
  if (ticking !== null) return;
  ticking = setInterval(() => {
    now.value = Date.now();
  }, 1000);
}

/**
 * `format(now)` as a signal that follows the clock. Render it as a child (`{text}`): Preact
 * then rewrites only that text node each second, and the component that renders it does not
 * re-render. `format` may close over props; the text follows them on the next render.
 */
export function useClockText(format: (at: number) => string): ReadonlySignal<string> {
  const latest = useSignal(format);
  // A new closure on every render (its props may have changed): the text recomputes with it.
  latest.value = format;
  return useMemo(() => computed(() => latest.value(now.value)), [latest]);
}
