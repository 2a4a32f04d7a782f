/**
 * The Knowledge Base tool of the workspace: before the agent types, "Suggested for this chat"
 * (published articles matching what the customer said, read again when the customer says
 * more); a search as you type with each hit's passage, the matched words highlighted; an
 * article opened in the tool; and Share, which posts the article's title and link into the
 * chat as a comment (only for the assignee of an active session).
 */
import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { asApiError } from "../../shared/session";
import type { Conversation, User } from "../../shared/wire";
import { articleHref, getArticle, listArticles, shareArticle, suggestionsFor } from "../../kb/api";
import { ArticleHtml } from "../../kb/ArticleHtml";
import { ArticleStateBadge } from "../../kb/ArticleStateBadge";
import { Snippet } from "../../kb/Snippet";
import type { SearchState } from "../../kb/search";
import { useSearch } from "../../kb/useSearch";
import type { Article, ArticleHit } from "../../kb/wire";
import { connection } from "../state";
import { lastCustomerSeq, mayShare, noShareReason, ShareIds } from "./knowledge";
import "../../kb/kb.css";
import "./knowledge-tool.css";

/** At most this many hits of a search in the tool. */
const TOOL_LIMIT = 10;
/** The customer wrote again: the suggestions are read after this pause (a burst of lines reads once). */
const SUGGEST_DELAY_MS = 400;

type ShareState = { kind: "idle" } | { kind: "sharing"; article: string } | { kind: "shared"; message: string } | { kind: "failed"; message: string };

export function KnowledgeTool({ conversation, user }: { conversation: Conversation; user: User }) {
  const text = useSignal("");
  const { state: search, input } = useSearch<ArticleHit>((q, signal) => listArticles({ q, limit: TOOL_LIMIT }, signal));
  const opened = useSignal<ArticleHit | null>(null);
  const share = useSignal<ShareState>({ kind: "idle" });
  const ids = useMemo(() => new ShareIds(), [conversation.id]);
  const searchField = useRef<HTMLInputElement>(null);
  const canShare = mayShare(conversation, user.id);
  const why = noShareReason(conversation, user.id);

  // Another conversation: what was shared (or failed) here says nothing about it.
  useEffect(() => {
    share.value = { kind: "idle" };
    opened.value = null;
  }, [conversation.id]);

  async function shareIt(hit: Pick<ArticleHit, "id" | "number" | "title">) {
    if (share.value.kind === "sharing") return;
    share.value = { kind: "sharing", article: hit.id };
    try {
      await shareArticle(conversation.id, ids.idFor(hit.id), hit.id);
      ids.done(hit.id);
      share.value = { kind: "shared", message: `Shared “${hit.title}” (${hit.number}) in the chat.` };
    } catch (failure) {
      share.value = { kind: "failed", message: `“${hit.title}” was not shared: ${asApiError(failure).message}` };
    }
  }

  const shareButton = (hit: Pick<ArticleHit, "id" | "number" | "title">, describedBy: string) =>
    canShare && (
      <button
        type="button"
        class="button button--small kb-tool__share"
        aria-describedby={describedBy}
        aria-disabled={share.value.kind === "sharing"}
        onClick={() => void shareIt(hit)}
      >
        {share.value.kind === "sharing" && share.value.article === hit.id ? "Sharing…" : "Share"}
      </button>
    );

  const status = share.value;
  return (
    <section class="kb-tool" aria-labelledby="kb-tool-title">
      <h2 id="kb-tool-title" class="visually-hidden">
        Knowledge Base
      </h2>
      <div class="kb-tool__search" role="search" aria-label="Knowledge Base">
        <label for="kb-tool-query" class="kb-tool__label">
          Search the knowledge base
        </label>
        <input
          ref={searchField}
          id="kb-tool-query"
          type="search"
          class="kb-tool__input"
          placeholder="e.g. VPN, password reset"
          autoComplete="off"
          value={text.value}
          onInput={(event) => {
            text.value = event.currentTarget.value;
            opened.value = null;
            input(text.value);
          }}
        />
      </div>
      {why !== null && <p class="muted kb-tool__note">{why}</p>}
      <p class="kb-tool__status" role="status">
        {status.kind === "shared" ? (
          <>
            <span aria-hidden="true">✓ </span>
            {status.message}
          </>
        ) : null}
      </p>
      {status.kind === "failed" && (
        <p class="alert" role="alert">
          {status.message}
        </p>
      )}
      {opened.value !== null ? (
        <OpenedArticle
          key={opened.value.id}
          hit={opened.value}
          shareButton={shareButton}
          onBack={() => {
            const back = opened.value?.id;
            opened.value = null;
            setTimeout(() => document.getElementById(`kb-tool-open-${back ?? ""}`)?.focus(), 0);
          }}
        />
      ) : search.value.kind === "idle" ? (
        conversation.kind === "support" && conversation.customer !== undefined ? (
          <Suggestions key={conversation.id} conversation={conversation} onOpen={(hit) => (opened.value = hit)} shareButton={shareButton} />
        ) : (
          <p class="muted">Type a few words to find articles.</p>
        )
      ) : (
        <SearchResults state={search.value} onOpen={(hit) => (opened.value = hit)} shareButton={shareButton} />
      )}
      <p class="kb-tool__footer">
        <a href="/kb" target="_blank" rel="noopener">
          All articles in the Knowledge Base
        </a>
      </p>
    </section>
  );
}

type ShareButton = (hit: Pick<ArticleHit, "id" | "number" | "title">, describedBy: string) => ComponentChildren;

function Suggestions({ conversation, onOpen, shareButton }: { conversation: Conversation; onOpen: (hit: ArticleHit) => void; shareButton: ShareButton }) {
  const hits = useSignal<ArticleHit[] | null>(null);
  const error = useSignal<string | null>(null);
  const said = lastCustomerSeq(connection.value?.entries.value.get(conversation.id), conversation.customer?.id);

  useEffect(() => {
    const controller = new AbortController();
    // At once when the tool opens; after a pause when the customer has just said more.
    const timer = setTimeout(
      () => {
        suggestionsFor(conversation.id, controller.signal).then(
          (found) => {
            hits.value = found;
            error.value = null;
          },
          (failure) => {
            if (failure instanceof DOMException && failure.name === "AbortError") return;
            error.value = asApiError(failure).message;
          },
        );
      },
      hits.value === null ? 0 : SUGGEST_DELAY_MS,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [conversation.id, said]);

  return (
    <section class="kb-tool__group" aria-labelledby="kb-tool-suggested">
      <h3 id="kb-tool-suggested" class="kb-tool__heading">
        Suggested for this chat
      </h3>
      {error.value !== null ? (
        <p class="alert" role="alert">
          No suggestions: {error.value}
        </p>
      ) : hits.value === null ? (
        <p class="muted">Looking for articles that match the customer’s words…</p>
      ) : hits.value.length === 0 ? (
        <p class="muted">Nothing matches what the customer wrote so far. Search above.</p>
      ) : (
        <HitList hits={hits.value} prefix="suggested" onOpen={onOpen} shareButton={shareButton} />
      )}
    </section>
  );
}

function SearchResults({ state, onOpen, shareButton }: { state: Exclude<SearchState<ArticleHit>, { kind: "idle" }>; onOpen: (hit: ArticleHit) => void; shareButton: ShareButton }) {
  // While a new search runs, the last results stay (no flicker); the status says it is searching.
  const last = useRef<ArticleHit[] | null>(null);
  if (state.kind === "results") last.current = state.hits;
  const hits = last.current;
  return (
    <section class="kb-tool__group" aria-labelledby="kb-tool-results">
      <h3 id="kb-tool-results" class="kb-tool__heading">
        Articles found
      </h3>
      <p class="muted kb-tool__count" role="status">
        {state.kind === "searching"
          ? "Searching…"
          : state.kind === "failed"
            ? ""
            : state.hits.length === 0
              ? `No published article matches “${state.term}”.`
              : `${state.hits.length} ${state.hits.length === 1 ? "article" : "articles"} for “${state.term}”`}
      </p>
      {state.kind === "failed" && (
        <p class="alert" role="alert">
          The search failed: {state.message}
        </p>
      )}
      {hits !== null && hits.length > 0 && state.kind !== "failed" && <HitList hits={hits} prefix="found" onOpen={onOpen} shareButton={shareButton} />}
    </section>
  );
}

function HitList({ hits, prefix, onOpen, shareButton }: { hits: readonly ArticleHit[]; prefix: string; onOpen: (hit: ArticleHit) => void; shareButton: ShareButton }) {
  return (
    <ul class="kb-tool__hits">
      {hits.map((hit) => {
        const titleId = `kb-tool-${prefix}-${hit.id}-title`;
        return (
          <li key={hit.id} class="kb-tool__hit">
            <div class="kb-tool__hit-head">
              <button type="button" id={`kb-tool-open-${hit.id}`} class="link-button kb-tool__hit-title" onClick={() => onOpen(hit)}>
                <span id={titleId}>{hit.title}</span>
              </button>
              {shareButton(hit, titleId)}
            </div>
            <p class="muted kb-tool__meta">
              {hit.number} · {hit.category}
              {hit.state !== "published" && (
                <>
                  {" "}
                  <ArticleStateBadge state={hit.state} />
                </>
              )}
            </p>
            <Snippet parts={hit.snippet} />
          </li>
        );
      })}
    </ul>
  );
}

function OpenedArticle({ hit, onBack, shareButton }: { hit: ArticleHit; onBack: () => void; shareButton: ShareButton }) {
  const article = useSignal<Article | null>(null);
  const error = useSignal<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    getArticle(hit.id, controller.signal).then(
      (found) => (article.value = found),
      (failure) => {
        if (failure instanceof DOMException && failure.name === "AbortError") return;
        error.value = asApiError(failure).message;
      },
    );
    return () => controller.abort();
  }, [hit.id]);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const a = article.value;
  return (
    <article class="kb-tool__article" aria-labelledby="kb-tool-article-title">
      <button type="button" class="button button--quiet button--small" onClick={onBack}>
        <span aria-hidden="true">← </span>Back to the list
      </button>
      <div class="kb-tool__article-head">
        <h3 id="kb-tool-article-title" ref={heading} tabIndex={-1} class="kb-tool__article-title">
          {hit.title}
        </h3>
        {shareButton(hit, "kb-tool-article-title")}
      </div>
      <p class="muted kb-tool__meta">
        {hit.number} · {hit.category}{" "}
        {a !== null && a.state !== "published" && <ArticleStateBadge state={a.state} />}{" "}
        <a href={articleHref(hit.number)} target="_blank" rel="noopener">
          Open in a new tab
        </a>
      </p>
      {error.value !== null ? (
        <p class="alert" role="alert">
          The article could not be opened: {error.value}
        </p>
      ) : a === null ? (
        <p class="muted" role="status">
          Loading the article…
        </p>
      ) : (
        <ArticleHtml html={a.html} />
      )}
    </article>
  );
}
