/** The incident list in the content pane: mine, my groups', all open or all; a state; a search by number or words. */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { incidentsPath, listIncidents } from "../../shared/api";
import { asApiError } from "../../shared/session";
import type { Incident, UserRef } from "../../shared/wire";
import { newBlankIncident } from "./create";
import { priorityText, STATE_TEXT } from "./incident-form";
import { DEFAULT_FILTERS, emptyText, listQuery, newestFirst, statesFor, VIEW_TEXT, VIEWS, withView, type ListFilters } from "./incident-list";
import type { Pane } from "./pane";
import "./records.css";

const SEARCH_DELAY_MS = 250;

/** The filters outlive the list (back from an incident, they are as they were). */
const remembered = { filters: DEFAULT_FILTERS };

export function IncidentList({ pane, user }: { pane: Pane; user: UserRef }) {
  const filters = useSignal<ListFilters>(remembered.filters);
  const list = useSignal<Incident[] | null>(null);
  const error = useSignal<string | null>(null);
  const path = incidentsPath(listQuery(filters.value));

  useEffect(() => {
    remembered.filters = filters.value;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      listIncidents(listQuery(filters.value), controller.signal).then(
        (incidents) => {
          list.value = newestFirst(incidents);
          error.value = null;
        },
        (failure) => {
          if (failure instanceof DOMException && failure.name === "AbortError") return;
          error.value = asApiError(failure).message;
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [path]);

  const f = filters.value;
  return (
    <section class="incident-list" aria-labelledby="incident-list-title">
      <div class="incident-list__head">
        <h1 id="incident-list-title" class="content-pane__heading">
          Incidents
        </h1>
        <button type="button" class="button button--small" onClick={() => newBlankIncident(user, pane)}>
          New incident
        </button>
      </div>
      <div class="incident-list__filters" role="search">
        <div class="incident-list__views" role="group" aria-label="Which incidents">
          {VIEWS.map((v) => (
            <button key={v} type="button" class="incident-list__view" aria-pressed={f.view === v} onClick={() => (filters.value = withView(f, v))}>
              {VIEW_TEXT[v]}
            </button>
          ))}
        </div>
        <label class="incident-list__filter">
          <span>State</span>
          <select value={f.state} onChange={(event) => (filters.value = { ...f, state: event.currentTarget.value as ListFilters["state"] })}>
            <option value="">Any</option>
            {statesFor(f.view).map((s) => (
              <option key={s} value={s}>
                {STATE_TEXT[s]}
              </option>
            ))}
          </select>
        </label>
        <label class="incident-list__filter incident-list__search">
          <span>Search incidents</span>
          <input type="search" placeholder="Number or words" value={f.search} onInput={(event) => (filters.value = { ...f, search: event.currentTarget.value })} />
        </label>
      </div>
      {error.value !== null && (
        <p class="alert" role="alert">
          The incidents could not be listed: {error.value}
        </p>
      )}
      {list.value === null ? (
        error.value === null && <p class="muted" role="status">Loading incidents…</p>
      ) : list.value.length === 0 ? (
        <p class="muted" role="status">
          {emptyText(f)}
        </p>
      ) : (
        <table class="session-table incident-table">
          <caption class="visually-hidden">
            Incidents: {VIEW_TEXT[f.view]}, {list.value.length} shown
          </caption>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Short description</th>
              <th scope="col">Caller</th>
              <th scope="col">Priority</th>
              <th scope="col">State</th>
              <th scope="col">Assigned to</th>
            </tr>
          </thead>
          <tbody>
            {list.value.map((i) => (
              <tr key={i.id}>
                <td>
                  <button type="button" class="link-button" onClick={() => pane.show({ kind: "incident", id: i.id, incident: i })}>
                    {i.number}
                  </button>
                </td>
                <td class="incident-table__short">{i.short_description}</td>
                <td>{i.caller.display_name}</td>
                <td>{priorityText(i.priority)}</td>
                <td>{STATE_TEXT[i.state]}</td>
                <td>{i.assigned_to?.display_name ?? <span class="muted">(nobody)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
