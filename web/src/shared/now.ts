/** A clock signal that ticks once a second, for waiting times and countdowns. */
import { signal } from "@preact/signals";

export const now = signal(Date.now());

let ticking: ReturnType<typeof setInterval> | null = null;

export function startClock(): void {
  if (ticking !== null) return;
  ticking = setInterval(() => {
    now.value = Date.now();
  }, 1000);
}
