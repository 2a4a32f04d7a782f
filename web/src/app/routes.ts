/** The document title of each route the shell knows. */

const SUFFIX = "Switchboard";

/**
 * The title for `path` (without query), or null for the agent app's routes, whose title
 * counts waiting chats and is kept by the agent app itself.
 */
export function titleFor(path: string): string | null {
  const clean = path.replace(/\/+$/, "") || "/";
  if (clean === "/") return `Sign in · ${SUFFIX}`;
  if (clean === "/support") return `Support · ${SUFFIX}`;
  if (clean === "/agent" || /^\/agent\/workspace\/[^/]+$/.test(clean)) return null;
  return `Page not found · ${SUFFIX}`;
}
