/**
 * The support page, while the customer writes the first message: up to three published
 * articles matching it ("These articles may help"), each opening in a new tab so the message
 * stays. Asked after a pause in the typing; only the answer to the newest text counts; nothing
 * is shown when nothing matches (or the search failed: the chat is what matters here).
 */
import { useEffect, useRef } from "preact/hooks";
import { articleHref, listArticles } from "./api";
import { FIRST_MESSAGE_SEARCH } from "./search";
import { useSearch } from "./useSearch";
import type { ArticleHit } from "./wire";
import "./kb.css";

/** At most this many articles are offered. */
export const SUGGESTION_LIMIT = 3;

export function ArticleSuggestions({ text }: { text: string }) {
  const { state, input } = useSearch<ArticleHit>((q, signal) => listArticles({ q, limit: SUGGESTION_LIMIT }, signal), FIRST_MESSAGE_SEARCH);
  useEffect(() => input(text), [text]);

  // While the next search runs, the articles shown stay (no flicker as she types).
  const shown = useRef<ArticleHit[]>([]);
  const s = state.value;
  if (s.kind === "results") shown.current = s.hits.slice(0, SUGGESTION_LIMIT);
  else if (s.kind !== "searching") shown.current = [];
  const hits = shown.current;
  if (hits.length === 0) return null;
  return (
    <section class="article-suggestions" aria-labelledby="article-suggestions-title">
      <h3 id="article-suggestions-title" class="article-suggestions__title">
        These articles may help
      </h3>
      <ul class="article-suggestions__list">
        {hits.map((hit) => (
          <li key={hit.id}>
            <a href={articleHref(hit.number)} target="_blank" rel="noopener">
              {hit.title}
              <span class="visually-hidden"> (opens in a new tab)</span>
            </a>
            <span class="muted article-suggestions__category"> · {hit.category}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
