/**
 * The audit log (managers and admins): every change made through the console or the admin API,
 * newest first — when, who, the action, its target and the change (before → after of the fields
 * that changed). Filters: the action, the kind of target, who made it (a staff picker) and a
 * range of days; Apply reads the first page again, Load more the next (`next_before`). The log
 * is append-only: nothing here changes it.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { Since } from "../../shared/Since";
import { asApiError } from "../../shared/session";
import { AUDIT_ACTIONS, type AuditEntry, type User, type UserRef } from "../../shared/wire";
import { PeoplePicker } from "../chats/PeoplePicker";
import type { ManageApi } from "./api";
import { ACTION_LABEL, changeLines, dayEnd, dayStart, lineText, TARGET_KIND_LABEL } from "./audit-format";
import { AUDIT_TARGET_KINDS, type AuditQuery } from "./types";

interface Props {
  api: ManageApi;
  /** For tests: how the Who picker finds staff. */
  find?: ((q: string, signal: AbortSignal) => Promise<User[]>) | undefined;
  delay?: number | undefined;
}

interface Filters {
  action: string;
  targetKind: string;
  actor: UserRef | null;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { action: "", targetKind: "", actor: null, from: "", to: "" };
export const AUDIT_PAGE_SIZE = 50;

/** The query of the filters (an empty one is left out). */
export function auditQueryOf(filters: Filters): AuditQuery {
  const query: AuditQuery = { limit: AUDIT_PAGE_SIZE };
  if (filters.action !== "") query.action = filters.action;
  if (filters.targetKind !== "") query.target_kind = filters.targetKind;
  if (filters.actor !== null) query.actor = filters.actor.id;
  if (filters.from !== "") query.from = dayStart(filters.from);
  if (filters.to !== "") query.to = dayEnd(filters.to);
  return query;
}

export function AuditLog({ api, find, delay }: Props) {
  const draft = useSignal<Filters>(NO_FILTERS);
  const applied = useRef<Filters>(NO_FILTERS);
  const entries = useSignal<AuditEntry[] | null>(null);
  const next = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const rangeError = useSignal<string | null>(null);
  const loadingMore = useSignal(false);
  const status = useSignal("");
  const generation = useRef(0);

  async function load(filters: Filters, more: boolean) {
    const mine = more ? generation.current : ++generation.current;
    error.value = null;
    if (more) loadingMore.value = true;
    else {
      entries.value = null;
      next.value = null;
    }
    try {
      const before = more ? next.value : null;
      const page = await api.audit(before === null ? auditQueryOf(filters) : { ...auditQueryOf(filters), before });
      if (mine !== generation.current) return;
      entries.value = more ? [...(entries.value ?? []), ...page.entries] : page.entries;
      next.value = page.next_before ?? null;
      status.value = more ? `${page.entries.length} more shown.` : "";
    } catch (failure) {
      if (mine !== generation.current) return;
      error.value = asApiError(failure).message;
      if (!more) entries.value = [];
    } finally {
      if (more) loadingMore.value = false;
    }
  }

  useEffect(() => {
    void load(NO_FILTERS, false);
  }, [api]);

  function apply(event: Event) {
    event.preventDefault();
    const d = draft.value;
    if (d.from !== "" && d.to !== "" && d.to < d.from) {
      rangeError.value = "The last day comes before the first.";
      document.getElementById("audit-to")?.focus();
      return;
    }
    rangeError.value = null;
    applied.current = d;
    void load(d, false);
  }

  function clear() {
    draft.value = NO_FILTERS;
    rangeError.value = null;
    applied.current = NO_FILTERS;
    void load(NO_FILTERS, false);
  }

  const d = draft.value;
  const set = (patch: Partial<Filters>) => (draft.value = { ...draft.value, ...patch });
  const list = entries.value;

  return (
    <div class="manage-stack manage-stack--wide">
      <form class="manage-card manage-form manage-audit__filters" role="search" aria-label="Filter the audit log" noValidate onSubmit={apply}>
        <div class="field">
          <label for="audit-action">Action</label>
          <select id="audit-action" class="manage-select" value={d.action} onChange={(event) => set({ action: event.currentTarget.value })}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_LABEL[a]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-target-kind">Target</label>
          <select id="audit-target-kind" class="manage-select" value={d.targetKind} onChange={(event) => set({ targetKind: event.currentTarget.value })}>
            <option value="">Anything</option>
            {AUDIT_TARGET_KINDS.map((k) => (
              <option key={k} value={k}>
                {TARGET_KIND_LABEL[k]}s
              </option>
            ))}
          </select>
        </div>
        <div class="field manage-audit__who">
          {d.actor === null ? (
            <>
              <label for="audit-actor">Who</label>
              <PeoplePicker
                id="audit-actor"
                chosen={[]}
                exclude={new Set()}
                onChoose={(user) => set({ actor: user })}
                {...(find === undefined ? {} : { find })}
                {...(delay === undefined ? {} : { delay })}
              />
            </>
          ) : (
            <>
              <span id="audit-actor-label" class="manage-audit__label">
                Who
              </span>
              <ul class="chosen-people" aria-labelledby="audit-actor-label">
                <li class="chosen-people__item">
                  <span>{d.actor.display_name}</span>
                  <button
                    type="button"
                    class="icon-button chosen-people__remove"
                    aria-label={`Anyone, not only ${d.actor.display_name}`}
                    title="Anyone"
                    onClick={() => {
                      set({ actor: null });
                      // The picker comes back in the chosen one's place.
                      setTimeout(() => document.getElementById("audit-actor")?.focus(), 0);
                    }}
                  >
                    <span aria-hidden="true">✕</span>
                  </button>
                </li>
              </ul>
            </>
          )}
        </div>
        <div class="field">
          <label for="audit-from">From (day)</label>
          <input id="audit-from" type="date" value={d.from} onInput={(event) => set({ from: event.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="audit-to">To (day, included)</label>
          <input
            id="audit-to"
            type="date"
            value={d.to}
            aria-invalid={rangeError.value !== null}
            aria-describedby={rangeError.value !== null ? "audit-to-error" : undefined}
            onInput={(event) => set({ to: event.currentTarget.value })}
          />
          {rangeError.value !== null && (
            <p id="audit-to-error" class="field-error">
              <span aria-hidden="true">⚠ </span>
              {rangeError.value}
            </p>
          )}
        </div>
        <div class="manage-form__actions manage-form__wide">
          <button type="submit" class="button">
            Apply filters
          </button>
          <button type="button" class="button button--quiet" onClick={clear}>
            Clear filters
          </button>
        </div>
      </form>

      {error.value !== null && (
        <p class="alert" role="alert">
          {error.value}
        </p>
      )}
      {list === null ? (
        <p class="muted">Loading the audit log…</p>
      ) : list.length === 0 ? (
        error.value === null && <p class="muted">No changes match these filters.</p>
      ) : (
        <table class="session-table manage-table manage-audit">
          <caption class="visually-hidden">Audit log, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {list.map((entry) => {
              const lines = changeLines(entry);
              return (
                <tr key={entry.id}>
                  <td>
                    <time dateTime={entry.at}>
                      <Since at={entry.at} />
                    </time>
                  </td>
                  <td>{entry.actor.display_name}</td>
                  <td>{ACTION_LABEL[entry.action]}</td>
                  <td>
                    <span class="muted">{TARGET_KIND_LABEL[entry.target.kind]}</span> {entry.target.name}
                  </td>
                  <td>
                    {lines.length === 0 ? (
                      <span class="muted">—</span>
                    ) : (
                      <ul class="manage-audit__change">
                        {lines.map((line) => (
                          <li key={line.field}>{lineText(line)}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div class="manage-form__actions">
        {next.value !== null && list !== null && (
          <button type="button" class="button button--quiet" aria-disabled={loadingMore.value} onClick={() => !loadingMore.value && void load(applied.current, true)}>
            {loadingMore.value ? "Loading…" : "Load more"}
          </button>
        )}
        <p class="manage-form__status" role="status">
          {status.value}
        </p>
      </div>
    </div>
  );
}
