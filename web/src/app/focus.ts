/**
 * After the shell changes the page, focus goes to the new page's main heading, so a
 * screen-reader user hears where they are (a changed address alone says nothing to them).
 */

/** How long to wait for the heading of a page that is still loading its data. */
const WAIT_MS = 10_000;

let cancelPending: (() => void) | null = null;

/**
 * Focuses the page's `h1` (made focusable by script only) as soon as there is one, unless the
 * person has meanwhile put focus somewhere else themselves.
 */
export function focusMainHeadingSoon(root: ParentNode = document): void {
  cancelPending?.();
  cancelPending = null;
  const focusedAtChange = document.activeElement;
  const movedOn = () => {
    const active = document.activeElement;
    return active !== null && active !== focusedAtChange && active !== document.body;
  };
  const tryFocus = (): boolean => {
    if (movedOn()) return true;
    const heading = root.querySelector<HTMLElement>("h1");
    if (heading === null) return false;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus();
    return true;
  };
  if (tryFocus()) return;

  const observer = new MutationObserver(() => {
    if (tryFocus()) stop();
  });
  const timer = setTimeout(() => stop(), WAIT_MS);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
    if (cancelPending === stop) cancelPending = null;
  };
  observer.observe(root instanceof Document ? root.body : (root as Node), { childList: true, subtree: true });
  cancelPending = stop;
}
