/** Where people go after signing in, and which `?next=` targets may be followed. */
import type { User } from "./wire";

const STAFF_ROLES = new Set(["agent", "manager", "admin"]);

/** True for people who work the queues (the agent app is theirs). */
export function isStaff(user: User): boolean {
  return user.roles.some((role) => STAFF_ROLES.has(role));
}

/** The page a user lands on after signing in. */
export function homeFor(user: User): "/agent" | "/support" {
  return isStaff(user) ? "/agent" : "/support";
}

/**
 * Returns `next` only when it is a path on this site, so a crafted sign-in link cannot
 * send someone elsewhere: it must start with one "/" and not "//" or "/\" (which browsers
 * read as another host), and hold no control characters or backslashes (browsers drop
 * tabs and newlines and turn "\" into "/", which can make "//" out of harmless-looking text).
 */
export function safeNext(next: string | null): string | null {
  if (next === null || !next.startsWith("/")) return null;
  if (next.startsWith("//") || next.startsWith("/\\")) return null;
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return null;
  return next;
}

/** The sign-in page's address that comes back to `path` afterwards. */
export function signInUrl(path: string): string {
  return `/?next=${encodeURIComponent(path)}`;
}

/** Goes to `url` on this site; `replace` swaps the current history entry instead of adding one. */
export type Navigate = (url: string, options?: { replace?: boolean }) => void;

/** Outside the app shell (e.g. in tests): a full page load. */
const loadPage: Navigate = (url, options) => (options?.replace === true ? location.replace(url) : location.assign(url));

let current: Navigate = loadPage;

/**
 * Goes to another page of the app: through the shell's router (no reload, the socket stays)
 * once the shell has installed it with `setNavigate`, else by loading the page.
 */
export function navigate(url: string, options?: { replace?: boolean }): void {
  current(url, options);
}

/** The shell installs its router here; the returned function puts the page load back. */
export function setNavigate(to: Navigate): () => void {
  current = to;
  return () => {
    if (current === to) current = loadPage;
  };
}

/**
 * The paths the app shell routes itself (links to them change the page without a reload).
 * The sign-in page is left out on purpose: going there (e.g. "Sign in again" after a session
 * ended) loads a fresh page, so nothing of the previous session survives in memory.
 */
export const SHELL_LINKS = /^\/(?:agent|support)(?:[/?#]|$)/;
