/**
 * The `/kb` list's search in its address (`/kb?q=vpn&state=draft`): read when the list is shown
 * and written as the search changes, so a search can be bookmarked, a reload keeps it, and Back
 * from an article opened from the results comes back to it.
 */
import type { StateFilter } from "./api";

/** What the list page searches for: the text in the box and the staff's State filter. */
export interface ListQuery {
  text: string;
  state: StateFilter;
}

export const LIST_PATH = "/kb";

const STATE_FILTERS: ReadonlySet<string> = new Set<StateFilter>(["published", "draft", "retired", "all"]);

function isStateFilter(value: string | null): value is StateFilter {
  return value !== null && STATE_FILTERS.has(value);
}

/**
 * The search an address's query string (`location.search`) holds. Only staff choose a state: for
 * others, and for a state that is none of the filters, it is the published articles.
 */
export function readListQuery(search: string, staff: boolean): ListQuery {
  const params = new URLSearchParams(search);
  const state = params.get("state");
  return { text: params.get("q") ?? "", state: staff && isStateFilter(state) ? state : "published" };
}

/** The list's address for a search: the defaults (no text, published) are left out, the text is trimmed. */
export function listQueryUrl(query: ListQuery): string {
  const params = new URLSearchParams();
  const text = query.text.trim();
  if (text !== "") params.set("q", text);
  if (query.state !== "published") params.set("state", query.state);
  const search = params.toString();
  return search === "" ? LIST_PATH : `${LIST_PATH}?${search}`;
}

/** True when two searches have the same address (e.g. "vpn" and "vpn " while typing). */
export function sameListQuery(a: ListQuery, b: ListQuery): boolean {
  return listQueryUrl(a) === listQueryUrl(b);
}
