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
