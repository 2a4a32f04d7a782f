/**
 * `/kb`: the published articles, newest first, and a search as you type (ranked, with each
 * hit's passage). Staff also choose a state (draft, retired, all) and see each article's state;
 * they start a New article here. The search lives in the address (see listQuery.ts): the
 * address is replaced as it changes (no history entry per keystroke), and read when the list is
 * shown or the address changes under it (Back, the Knowledge Base link).
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { isStaff, navigate } from "../shared/nav";
import { Since } from "../shared/Since";
import type { User } from "../shared/wire";
import { articleHref, listArticles, type StateFilter } from "./api";
import { ArticleStateBadge } from "./ArticleStateBadge";
import { mayCreate } from "./editor";
import { LIST_PATH, listQueryUrl, readListQuery, sameListQuery } from "./listQuery";
import { Snippet } from "./Snippet";
import { useSearch } from "./useSearch";
import type { ArticleHit } from "./wire";

const STATE_FILTERS: readonly { value: StateFilter; text: string }[] = [
  { value: "published", text: "Published" },
  { value: "draft", text: "Drafts" },
  { value: "retired", text: "Retired" },
  { value: "all", text: "All states" },
];

/** What the list says when it is empty. */
export function emptyText(term: string, state: StateFilter): string {
  const which = state === "published" ? "published article" : state === "draft" ? "draft" : state === "retired" ? "retired article" : "article";
  return term === "" ? `There is no ${which} yet.` : `No ${which} matches “${term}”.`;
}

export function ArticleList({ user }: { user: User }) {
  const staff = isStaff(user);
  const router = useLocation();
  const [initial] = useState(() => readListQuery(window.location.search, staff));
  const text = useSignal(initial.text);
  const state = useSignal<StateFilter>(initial.state);
  // Every text is a query here (an empty one lists the newest), so nothing is too short.
  const { state: search, input } = useSearch<ArticleHit>((q, signal) => listArticles({ q, state: state.value }, signal), { delay: 250, minChars: 0 });
  // While a new search runs, the last answer stays on screen (no flicker).
  const shown = useRef<{ term: string; hits: ArticleHit[] } | null>(null);

  /**
   * Puts the search in the address as it changes, at once (were it left to an effect, the
   * address could lag the box by a keystroke and be taken for a change from outside). Replaced,
   * not pushed: Back leaves the list rather than stepping through each keystroke. Through the
   * router, so that it knows the address (a later link to the bare `/kb` is then a change).
   */
  const keepInAddress = () => {
    const href = listQueryUrl({ text: text.peek(), state: state.peek() });
    const at = window.location;
    if (at.pathname === LIST_PATH && at.pathname + at.search !== href) router.route(href, true);
  };

  // Shown, or the address changed under the list (Back or Forward to another search, the
  // Knowledge Base link to the bare list): show the search it holds, in its plainest address.
  useEffect(() => {
    const there = readListQuery(window.location.search, staff);
    if (!sameListQuery(there, { text: text.peek(), state: state.peek() })) {
      text.value = there.text;
      state.value = there.state;
    }
    keepInAddress();
  }, [router.url]);

  useEffect(() => {
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
            onInput={(event) => {
              text.value = event.currentTarget.value;
              keepInAddress();
            }}
          />
        </div>
        {staff && (
          <div class="field kb-list__state">
            <label for="kb-list-state">State</label>
            <select
              id="kb-list-state"
              value={state.value}
              onChange={(event) => {
                state.value = event.currentTarget.value as StateFilter;
                keepInAddress();
              }}
            >
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
