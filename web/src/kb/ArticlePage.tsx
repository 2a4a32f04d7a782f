/**
 * `/kb/<number>`: one article as the server rendered it. What the reader may not see (a
 * customer and a draft) is "not found", exactly as an article that does not exist. Staff see its
 * state; Edit for who may edit it (agents: drafts); managers and admins change its state
 * (Publish, Retire, Back to draft), with the version read (a colleague's change meanwhile: their
 * message, and Reload).
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { ApiError } from "../shared/api";
import { isStaff, navigate } from "../shared/nav";
import { asApiError } from "../shared/session";
import { Since } from "../shared/Since";
import type { User } from "../shared/wire";
import { getArticle, updateArticle } from "./api";
import { ArticleHtml } from "./ArticleHtml";
import { ArticleStateBadge } from "./ArticleStateBadge";
import { mayEdit, saveFailure, stateActions, type SaveFailure, type StateAction } from "./editor";
import { takeFlash } from "./KnowledgePage";
import { ARTICLE_NOT_FOUND_TITLE, articleTitle } from "./titles";
import type { Article } from "./wire";

type Loaded = { kind: "loading" } | { kind: "found"; article: Article } | { kind: "not_found" } | { kind: "failed"; message: string };

export function ArticlePage({ user, id }: { user: User; id: string }) {
  const loaded = useSignal<Loaded>({ kind: "loading" });
  const status = useSignal<string>(takeFlash() ?? "");
  const failure = useSignal<SaveFailure | null>(null);
  const busy = useSignal(false);

  function read(then?: () => void): () => void {
    const controller = new AbortController();
    getArticle(id, controller.signal).then(
      (article) => {
        loaded.value = { kind: "found", article };
        then?.();
      },
      (error) => {
        if (error instanceof DOMException && error.name === "AbortError") return;
        loaded.value = error instanceof ApiError && error.status === 404 ? { kind: "not_found" } : { kind: "failed", message: asApiError(error).message };
      },
    );
    return () => controller.abort();
  }

  useEffect(() => read(), [id]);

  const l = loaded.value;
  useEffect(() => {
    if (l.kind === "found") document.title = articleTitle(l.article.title);
    else if (l.kind === "not_found") document.title = ARTICLE_NOT_FOUND_TITLE;
  }, [l.kind === "found" ? l.article.title : l.kind]);

  async function change(article: Article, action: StateAction) {
    if (busy.value) return;
    busy.value = true;
    failure.value = null;
    status.value = "";
    try {
      const changed = await updateArticle(article.id, { version: article.version, state: action.to });
      loaded.value = { kind: "found", article: changed };
      status.value = action.done;
    } catch (error) {
      failure.value = saveFailure(error);
    } finally {
      busy.value = false;
    }
  }

  if (l.kind === "loading") {
    return (
      <p class="muted kb-page__status" role="status">
        Loading the article…
      </p>
    );
  }
  if (l.kind === "not_found") return <ArticleNotFound id={id} />;
  if (l.kind === "failed") {
    return (
      <div class="kb-article">
        <p class="alert" role="alert">
          The article could not be opened: {l.message}
        </p>
        <p>
          <a href="/kb">Back to the Knowledge Base</a>
        </p>
      </div>
    );
  }

  const a = l.article;
  const staff = isStaff(user);
  const actions = stateActions(user, a.state);
  return (
    <article class="kb-article" aria-labelledby="kb-article-title">
      <p class="kb-article__back">
        <a href="/kb">
          <span aria-hidden="true">← </span>All articles
        </a>
      </p>
      <header class="kb-article__header">
        <div class="kb-article__title-row">
          <h1 id="kb-article-title" class="kb-page__title">
            {a.title}
          </h1>
          {staff && <ArticleStateBadge state={a.state} />}
        </div>
        <p class="muted kb-article__meta">
          {a.number} · {a.category} · updated <Since at={a.updated_at} /> by {a.updated_by.display_name}
        </p>
        {staff && (mayEdit(user, a) || actions.length > 0) && (
          <div class="kb-article__actions" role="group" aria-label="Article actions">
            {mayEdit(user, a) && (
              <button type="button" class="button button--small" onClick={() => navigate(`/kb/${encodeURIComponent(a.number)}/edit`)}>
                Edit
              </button>
            )}
            {actions.map((action) => (
              <button key={action.to} type="button" class="button button--small button--quiet" aria-disabled={busy.value} onClick={() => void change(a, action)}>
                {action.label}
              </button>
            ))}
          </div>
        )}
        {staff && !mayEdit(user, a) && <p class="muted kb-article__note">Only a manager can edit a {a.state} article.</p>}
      </header>
      <p class="kb-article__status" role="status">
        {status.value !== "" && (
          <>
            <span aria-hidden="true">✓ </span>
            {status.value}
          </>
        )}
      </p>
      {failure.value !== null && (
        <p class="alert" role="alert">
          {failure.value.message}
          {failure.value.kind === "changed" && (
            <>
              {" "}
              <button
                type="button"
                class="button button--small"
                onClick={() =>
                  read(() => {
                    failure.value = null;
                    status.value = "Reloaded: this is the article as it is now.";
                  })
                }
              >
                Reload
              </button>
            </>
          )}
        </p>
      )}
      <ArticleHtml html={a.html} />
    </article>
  );
}

/** What a reader sees for an article that does not exist or that they may not read. */
export function ArticleNotFound({ id }: { id: string }) {
  return (
    <section class="kb-article kb-not-found" aria-labelledby="kb-not-found-title">
      <h1 id="kb-not-found-title" class="kb-page__title">
        Article not found
      </h1>
      <p class="muted">
        There is no article {id} that you can read. It may have been withdrawn, or the link is mistyped.
      </p>
      <p>
        <a class="button" href="/kb">
          Search the Knowledge Base
        </a>
      </p>
    </section>
  );
}
