/** Whether the page is on screen (document.visibilityState), as a signal: read marks wait for it. */
import { signal } from "@preact/signals";

function visibleNow(): boolean {
  return typeof document === "undefined" || document.visibilityState === "visible";
}

export const pageVisible = signal(visibleNow());

if (typeof document !== "undefined") {
  document.addEventListener("visibilitychange", () => {
    pageVisible.value = visibleNow();
  });
}

/** A read mark goes out only for a conversation shown on a visible page, and only for something new. */
export function readMarkDue(shown: boolean, visible: boolean, last: number): boolean {
  return shown && visible && last > 0;
}
