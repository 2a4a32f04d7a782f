/** The incident list's filters: which incidents (mine, my groups', all open, all), one state, and a search. */
import type { IncidentQuery, IncidentView } from "../../shared/api";
import { INCIDENT_STATES, type Incident, type IncidentState } from "../../shared/wire";
import { STATE_TEXT } from "./incident-form";

export interface ListFilters {
  view: IncidentView;
  /** "" for any state. */
  state: IncidentState | "";
  search: string;
}

export const DEFAULT_FILTERS: ListFilters = { view: "mine", state: "", search: "" };

export const VIEW_TEXT: Record<IncidentView, string> = {
  mine: "Assigned to me",
  group: "My groups",
  open: "All open",
  all: "All",
};

export const VIEWS: readonly IncidentView[] = ["mine", "group", "open", "all"];

/** The query the server answers for these filters (the search trimmed; no search, no `q`). */
export function listQuery(filters: ListFilters): IncidentQuery {
  const query: IncidentQuery = { view: filters.view };
  if (filters.state !== "") query.state = filters.state;
  const q = filters.search.trim();
  if (q !== "") query.q = q;
  return query;
}

/** The states a view can show: "mine" and "group" never list closed or canceled ones; "open" lists no resolved either. */
export function statesFor(view: IncidentView): IncidentState[] {
  if (view === "mine" || view === "group") return INCIDENT_STATES.filter((s) => s !== "closed" && s !== "canceled");
  if (view === "open") return INCIDENT_STATES.filter((s) => s !== "closed" && s !== "canceled" && s !== "resolved");
  return [...INCIDENT_STATES];
}

/** A state chosen that the new view cannot show is dropped, so the list is not silently empty. */
export function withView(filters: ListFilters, view: IncidentView): ListFilters {
  const state = filters.state !== "" && !statesFor(view).includes(filters.state) ? "" : filters.state;
  return { ...filters, view, state };
}

/** What the list says when nothing matches. */
export function emptyText(filters: ListFilters): string {
  const parts = [VIEW_TEXT[filters.view].toLowerCase()];
  if (filters.state !== "") parts.push(`state ${STATE_TEXT[filters.state]}`);
  if (filters.search.trim() !== "") parts.push(`matching “${filters.search.trim()}”`);
  return `No incidents (${parts.join(", ")}).`;
}

/** Newest first, as the server sends them (kept when a change arrives out of order). */
export function newestFirst(list: readonly Incident[]): Incident[] {
  return [...list].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.number.localeCompare(a.number));
}
