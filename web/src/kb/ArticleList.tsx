/**
 * `/kb`: the published articles, newest first, and a search as you type (ranked, with each
 * hit's passage). Staff also choose a state (draft, retired, all) and see each article's state;
 * they start a New article here.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { isStaff, navigate } from "../shared/nav";
import { Since } from "../shared/Since";
import type { User } from "../shared/wire";
import { articleHref, listArticles, type StateFilter } from "./api";
import { ArticleStateBadge } from "./ArticleStateBadge";
import { mayCreate } from "./editor";
import { Snippet } from "./Snippet";
import { useSearch } from "./useSearch";
import type { ArticleHit } from "./wire";

const STATE_FILTERS: readonly { value: StateFilter; text: string }[] = [
  { value: "published", text: "Published" },
  { value: "draft", text: "Drafts" },
  { value: "retired", text: "Retired" },
  { value: "all", text: "All states" },
];

/** The list page's filters outlive it (back from an article, they are as they were). */
const remembered: { text: string; state: StateFilter } = { text: "", state: "published" };

/** What the list says when it is empty. */
export function emptyText(term: string, state: StateFilter): string {
  const which = state === "published" ? "published article" : state === "draft" ? "draft" : state === "retired" ? "retired article" : "article";
  return term === "" ? `There is no ${which} yet.` : `No ${which} matches “${term}”.`;
}

export function ArticleList({ user }: { user: User }) {
  const staff = isStaff(user);
  const text = useSignal(remembered.text);
  const state = useSignal<StateFilter>(staff ? remembered.state : "published");
  // Every text is a query here (an empty one lists the newest), so nothing is too short.
  const { state: search, input } = useSearch<ArticleHit>((q, signal) => listArticles({ q, state: state.value }, signal), { delay: 250, minChars: 0 });
  // While a new search runs, the last answer stays on screen (no flicker).
  const shown = useRef<{ term: string; hits: ArticleHit[] } | null>(null);

  useEffect(() => {
    remembered.text = text.value;
    remembered.state = state.value;
    input(text.value);
  }, [text.value, state.value]);

  const s = search.value;
  if (s.kind === "results" && shown.current?.hits !== s.hits) shown.current = { term: s.term, hits: s.hits };
  const list = shown.current;

  return (
    <section class="kb-list" aria-labelledby="kb-list-title">
      <div class="kb-list__head">
        <h1 id="kb-list-title" class="kb-page__title">
          Knowledge Base
        </h1>
        {mayCreate(user) && (
          <button type="button" class="button button--small" onClick={() => navigate("/kb/new")}>
            New article
          </button>
        )}
      </div>
      <div class="kb-list__filters" role="search" aria-label="Articles">
        <div class="field kb-list__search">
          <label for="kb-list-query">Search articles</label>
          <input
            id="kb-list-query"
            type="search"
            autoComplete="off"
            placeholder="e.g. VPN, password, printer"
            value={text.value}
            onInput={(event) => (text.value = event.currentTarget.value)}
          />
        </div>
        {staff && (
          <div class="field kb-list__state">
            <label for="kb-list-state">State</label>
            <select id="kb-list-state" value={state.value} onChange={(event) => (state.value = event.currentTarget.value as StateFilter)}>
              {STATE_FILTERS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.text}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <p class="muted kb-list__count" role="status">
        {s.kind === "searching" && list === null
          ? "Loading articles…"
          : s.kind === "failed" || list === null
            ? ""
            : list.hits.length === 0
              ? emptyText(list.term, state.value)
              : list.term === ""
                ? `${list.hits.length} ${list.hits.length === 1 ? "article" : "articles"}, newest first`
                : `${list.hits.length} ${list.hits.length === 1 ? "article" : "articles"} for “${list.term}”, best match first`}
      </p>
      {s.kind === "failed" && (
        <p class="alert" role="alert">
          The articles could not be listed: {s.message}
        </p>
      )}
      {list !== null && list.hits.length > 0 && (
        <ul class="kb-list__items">
          {list.hits.map((hit) => (
            <li key={hit.id} class="kb-list__item">
              <h2 class="kb-list__title">
                <a href={articleHref(hit.number)}>{hit.title}</a>
              </h2>
              <p class="muted kb-list__meta">
                {staff && (
                  <>
                    <ArticleStateBadge state={hit.state} />{" "}
                  </>
                )}
                {hit.number} · {hit.category} · updated <Since at={hit.updated_at} />
              </p>
              <Snippet parts={hit.snippet} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
