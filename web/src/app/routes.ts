/** The document title of each route the shell knows. */
import { KB_TITLE, NEW_ARTICLE_TITLE } from "../kb/titles";

const SUFFIX = "Switchboard";

/**
 * The title for `path` (without query), or null for the agent app's routes, whose title
 * counts waiting chats and is kept by the agent app itself. An article's page and its editor
 * start with the Knowledge Base's title and put the article's in once it is read.
 */
export function titleFor(path: string): string | null {
  const clean = path.replace(/\/+$/, "") || "/";
  if (clean === "/") return `Sign in · ${SUFFIX}`;
  if (clean === "/support") return `Support · ${SUFFIX}`;
  if (clean === "/agent" || clean === "/agent/manage" || /^\/agent\/workspace\/[^/]+$/.test(clean)) return null;
  if (clean === "/kb/new") return NEW_ARTICLE_TITLE;
  if (clean === "/kb" || /^\/kb\/[^/]+(?:\/edit)?$/.test(clean)) return KB_TITLE;
  return `Page not found · ${SUFFIX}`;
}
