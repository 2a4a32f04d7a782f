/**
 * `/kb/new` and `/kb/<number>/edit`: Title, Category and Body (Markdown) with a Preview as the
 * server renders it. A new article is stored as a draft on Save (one client id per draft); a
 * saved one sends what changed with the version it read, so a colleague's change is never
 * overwritten silently (409: their message, and Reload). A refusal about one field is shown
 * beside it; the draft stays.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { ApiError } from "../shared/api";
import { ConfirmDialog } from "../shared/ConfirmDialog";
import { navigate } from "../shared/nav";
import { asApiError } from "../shared/session";
import { newClientId } from "../shared/socket";
import type { User } from "../shared/wire";
import { articleHref, createArticle, getArticle, previewBody, updateArticle } from "./api";
import { ArticleHtml } from "./ArticleHtml";
import { ArticleStateBadge } from "./ArticleStateBadge";
import { ArticleNotFound } from "./ArticlePage";
import {
  BODY_MAX,
  CATEGORY_MAX,
  TITLE_MAX,
  blankDraft,
  changesSomething,
  draftOf,
  isDirty,
  localProblems,
  mayEdit,
  saveFailure,
  toInput,
  toPatch,
  type ArticleDraft,
  type DraftField,
  type FieldErrors,
  type SaveFailure,
} from "./editor";
import { flash } from "./KnowledgePage";
import { editTitle, NEW_ARTICLE_TITLE } from "./titles";
import type { Article } from "./wire";

type Loaded = { kind: "loading" } | { kind: "ready"; base: Article | null } | { kind: "not_found" } | { kind: "failed"; message: string };

/** `id` is the article's number or id; null for a new article. */
export function ArticleEditor({ user, id }: { user: User; id: string | null }) {
  const loaded = useSignal<Loaded>(id === null ? { kind: "ready", base: null } : { kind: "loading" });

  useEffect(() => {
    if (id === null) return;
    const controller = new AbortController();
    getArticle(id, controller.signal).then(
      (article) => (loaded.value = { kind: "ready", base: article }),
      (error) => {
        if (error instanceof DOMException && error.name === "AbortError") return;
        loaded.value = error instanceof ApiError && error.status === 404 ? { kind: "not_found" } : { kind: "failed", message: asApiError(error).message };
      },
    );
    return () => controller.abort();
  }, [id]);

  const l = loaded.value;
  if (l.kind === "loading") {
    return (
      <p class="muted kb-page__status" role="status">
        Loading the article…
      </p>
    );
  }
  if (l.kind === "not_found") return <ArticleNotFound id={id ?? ""} />;
  if (l.kind === "failed") {
    return (
      <p class="alert" role="alert">
        The article could not be opened: {l.message}
      </p>
    );
  }
  if (l.base !== null && !mayEdit(user, l.base)) {
    return (
      <section class="kb-article" aria-labelledby="kb-editor-refused">
        <h1 id="kb-editor-refused" class="kb-page__title">
          {l.base.number} cannot be edited by you
        </h1>
        <p class="muted">Agents edit drafts; a {l.base.state} article is edited by a manager.</p>
        <p>
          <a href={articleHref(l.base.number)}>Back to the article</a>
        </p>
      </section>
    );
  }
  return <ArticleForm key={l.base?.id ?? "new"} initial={l.base} />;
}

function ArticleForm({ initial }: { initial: Article | null }) {
  const base = useSignal<Article | null>(initial);
  const start = useSignal<ArticleDraft>(initial === null ? blankDraft() : draftOf(initial));
  const draft = useSignal<ArticleDraft>(start.value);
  const errors = useSignal<FieldErrors>({});
  const failure = useSignal<SaveFailure | null>(null);
  const status = useSignal("");
  const busy = useSignal(false);
  const preview = useSignal<{ body: string; html: string } | null>(null);
  const previewState = useSignal<{ kind: "idle" } | { kind: "loading" } | { kind: "failed"; message: string }>({ kind: "idle" });
  const leaving = useSignal(false);
  /** One client id per new draft: a Save repeated after a lost answer creates one article. */
  const clientId = useRef(newClientId());
  const cancelButton = useRef<HTMLButtonElement>(null);
  const dirty = isDirty(start.value, draft.value);
  const b = base.value;
  const prefix = `kb-editor-${b?.id ?? "new"}`;
  const fieldId = (field: DraftField) => `${prefix}-field-${field}`;

  useEffect(() => {
    document.title = b === null ? NEW_ARTICLE_TITLE : editTitle(b.number);
  }, [b?.number]);

  // Unsaved changes: the browser asks before the page goes.
  useEffect(() => {
    if (!dirty) return;
    const ask = (event: BeforeUnloadEvent) => event.preventDefault();
    // The window as it is now: a cleanup that runs late (after a test's page is gone) still finds it.
    const target = window;
    target.addEventListener("beforeunload", ask);
    return () => target.removeEventListener("beforeunload", ask);
  }, [dirty]);

  function set(field: DraftField, value: string) {
    draft.value = { ...draft.value, [field]: value };
    if (errors.value[field] !== undefined) {
      const rest = { ...errors.value };
      delete rest[field];
      errors.value = rest;
    }
    status.value = "";
  }

  function focusField(field: DraftField) {
    setTimeout(() => document.getElementById(fieldId(field))?.focus(), 0);
  }

  async function save(event: Event) {
    event.preventDefault();
    if (busy.value) return;
    const problems = localProblems(draft.value);
    const first = Object.keys(problems)[0] as DraftField | undefined;
    if (first !== undefined) {
      errors.value = problems;
      failure.value = null;
      focusField(first);
      return;
    }
    busy.value = true;
    errors.value = {};
    failure.value = null;
    status.value = "";
    try {
      const current = base.value;
      if (current === null) {
        const created = await createArticle(toInput(draft.value, clientId.current));
        start.value = draft.value;
        flash.value = `Saved as a draft: ${created.number}. Customers see it once a manager publishes it.`;
        navigate(articleHref(created.number), { replace: true });
      } else {
        const patch = toPatch(current, draft.value);
        if (!changesSomething(patch)) {
          status.value = "Nothing changed: nothing to save.";
          return;
        }
        const saved = await updateArticle(current.id, patch);
        base.value = saved;
        start.value = draftOf(saved);
        draft.value = draftOf(saved);
        flash.value = `Saved ${saved.number}.`;
        navigate(articleHref(saved.number));
      }
    } catch (error) {
      const why = saveFailure(error);
      if (why.kind === "field") {
        errors.value = { [why.field]: why.message };
        focusField(why.field);
      } else {
        failure.value = why;
      }
    } finally {
      busy.value = false;
    }
  }

  async function reload() {
    const current = base.value;
    if (current === null) return;
    try {
      const fresh = await getArticle(current.id);
      base.value = fresh;
      start.value = draftOf(fresh);
      draft.value = draftOf(fresh);
      errors.value = {};
      failure.value = null;
      status.value = "Reloaded: this is the article as it is now.";
    } catch (error) {
      failure.value = { kind: "general", message: asApiError(error).message };
    }
  }

  async function showPreview() {
    const body = draft.value.body;
    previewState.value = { kind: "loading" };
    try {
      const html = await previewBody(body);
      preview.value = { body, html };
      previewState.value = { kind: "idle" };
    } catch (error) {
      previewState.value = { kind: "failed", message: asApiError(error).message };
    }
  }

  function leave() {
    navigate(b === null ? "/kb" : articleHref(b.number));
  }

  const d = draft.value;
  const errorOf = (field: DraftField) => errors.value[field];
  const describedBy = (field: DraftField, hint?: string) => [errorOf(field) !== undefined ? `${fieldId(field)}-error` : null, hint ?? null].filter((x) => x !== null).join(" ") || undefined;
  const FieldError = ({ field }: { field: DraftField }) =>
    errorOf(field) === undefined ? null : (
      <p id={`${fieldId(field)}-error`} class="kb-editor__error">
        <span aria-hidden="true">⚠ </span>
        {errorOf(field)}
      </p>
    );
  const fieldErrors = Object.keys(errors.value).length;
  const title = b === null ? "New article" : `Edit ${b.number}`;
  const p = preview.value;

  return (
    <form class="kb-editor" aria-labelledby={`${prefix}-title`} onSubmit={(event) => void save(event)} noValidate>
      <header class="kb-editor__header">
        <div class="kb-article__title-row">
          <h1 id={`${prefix}-title`} class="kb-page__title">
            {title}
          </h1>
          {b === null ? <span class="kb-editor__unsaved">Not saved yet</span> : <ArticleStateBadge state={b.state} />}
        </div>
        <div class="kb-editor__actions">
          <button ref={cancelButton} type="button" class="button button--small button--quiet" onClick={() => (dirty ? (leaving.value = true) : leave())}>
            Cancel
          </button>
          <button type="submit" class="button button--small" aria-disabled={busy.value}>
            {busy.value ? "Saving…" : b === null ? "Save draft" : "Save"}
          </button>
        </div>
      </header>
      <p class="kb-editor__status" role="status">
        {status.value}
      </p>
      {fieldErrors > 0 && (
        <p class="alert" role="alert">
          Not saved: {fieldErrors === 1 ? "one field needs" : `${fieldErrors} fields need`} attention. Your changes are kept.
        </p>
      )}
      {failure.value !== null && (
        <p class="alert kb-editor__failure" role="alert">
          Not saved: {failure.value.message}
          {failure.value.kind === "changed" && (
            <>
              {" "}
              Your changes are still in the form.{" "}
              <button type="button" class="button button--small" onClick={() => void reload()}>
                Reload
              </button>{" "}
              (shows the article as it is now; your changes here are dropped)
            </>
          )}
        </p>
      )}
      <div class="kb-editor__fields">
        <div class="field kb-editor__title">
          <label for={fieldId("title")}>Title</label>
          <input
            id={fieldId("title")}
            value={d.title}
            required
            aria-invalid={errorOf("title") !== undefined}
            aria-describedby={describedBy("title", `${prefix}-title-count`)}
            onInput={(event) => set("title", event.currentTarget.value)}
          />
          <span id={`${prefix}-title-count`} class="muted kb-editor__count">
            {Array.from(d.title.trim()).length} / {TITLE_MAX}
          </span>
          <FieldError field="title" />
        </div>
        <div class="field kb-editor__category">
          <label for={fieldId("category")}>Category</label>
          <input
            id={fieldId("category")}
            value={d.category}
            required
            aria-invalid={errorOf("category") !== undefined}
            aria-describedby={describedBy("category", `${prefix}-category-hint`)}
            placeholder="e.g. Network"
            onInput={(event) => set("category", event.currentTarget.value)}
          />
          <span id={`${prefix}-category-hint`} class="muted kb-editor__count">
            At most {CATEGORY_MAX} characters
          </span>
          <FieldError field="category" />
        </div>
        <div class="field kb-editor__body">
          <label for={fieldId("body")}>Body</label>
          <textarea
            id={fieldId("body")}
            rows={16}
            value={d.body}
            required
            aria-invalid={errorOf("body") !== undefined}
            aria-describedby={describedBy("body", `${prefix}-body-hint`)}
            onInput={(event) => set("body", event.currentTarget.value)}
          />
          <span id={`${prefix}-body-hint`} class="muted kb-editor__count">
            Markdown: # heading, **bold**, - list, [link](https://…), tables. {Array.from(d.body).length.toLocaleString("en")} / {BODY_MAX.toLocaleString("en")}
          </span>
          <FieldError field="body" />
        </div>
      </div>
      <section class="kb-editor__preview" aria-labelledby={`${prefix}-preview-title`}>
        <div class="kb-editor__preview-head">
          <h2 id={`${prefix}-preview-title`} class="kb-editor__preview-title">
            Preview
          </h2>
          <button type="button" class="button button--small button--quiet" aria-disabled={previewState.value.kind === "loading"} onClick={() => void showPreview()}>
            {p === null ? "Preview" : "Preview again"}
          </button>
        </div>
        {previewState.value.kind === "failed" && (
          <p class="alert" role="alert">
            No preview: {previewState.value.message}
          </p>
        )}
        {previewState.value.kind === "loading" && (
          <p class="muted" role="status">
            Rendering the preview…
          </p>
        )}
        {p === null ? (
          <p class="muted">Preview shows the body as readers will see it.</p>
        ) : (
          <>
            {p.body !== d.body && <p class="muted kb-editor__stale">The body changed since this preview.</p>}
            <ArticleHtml html={p.html} label="Preview of the body" />
          </>
        )}
      </section>
      {b !== null && (
        <p class="muted kb-editor__meta">
          {b.number} · created by {b.author.display_name} · last changed by {b.updated_by.display_name} ({new Date(b.updated_at).toLocaleString()}) · version {b.version}
        </p>
      )}
      {leaving.value && (
        <ConfirmDialog
          title={b === null ? "Discard this new article?" : "Discard your changes?"}
          confirm="Discard"
          cancel="Keep editing"
          onConfirm={async () => {
            start.value = draft.value;
            leave();
          }}
          onClose={() => {
            leaving.value = false;
            cancelButton.current?.focus();
          }}
        >
          <p>{b === null ? "Nothing of it is stored." : "What you changed here is not saved."}</p>
        </ConfirmDialog>
      )}
    </form>
  );
}
