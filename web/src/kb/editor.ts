/**
 * The article editor's decisions, apart from the component: what a new or saved article starts
 * as, what the form can refuse before asking, what Save sends (everything for a new draft, what
 * changed with the `version` read for a saved one), the server's 409/422 mapped to what the form
 * shows, and who may edit an article or change its state.
 */
import { ApiError } from "../shared/api";
import { isStaff } from "../shared/nav";
import type { User } from "../shared/wire";
import type { Article, ArticleInput, ArticlePatch, ArticleState } from "./wire";

/** What the author edits. */
export interface ArticleDraft {
  title: string;
  category: string;
  body: string;
}

export type DraftField = keyof ArticleDraft;
export const DRAFT_FIELDS: readonly DraftField[] = ["title", "category", "body"];

export type FieldErrors = Partial<Record<DraftField, string>>;

export const TITLE_MAX = 160;
export const CATEGORY_MAX = 60;
export const BODY_MAX = 50_000;

export const STATE_TEXT: Record<ArticleState, string> = { draft: "Draft", published: "Published", retired: "Retired" };
/** Icons beside the words (never colour alone). */
export const STATE_ICON: Record<ArticleState, string> = { draft: "✎", published: "✓", retired: "⊘" };

export function blankDraft(): ArticleDraft {
  return { title: "", category: "", body: "" };
}

export function draftOf(article: Article): ArticleDraft {
  return { title: article.title, category: article.category, body: article.body };
}

function length(text: string): number {
  return Array.from(text).length;
}

/** What the form can tell before asking the server (the server decides the rest, field by field). */
export function localProblems(draft: ArticleDraft): FieldErrors {
  const errors: FieldErrors = {};
  const title = draft.title.trim();
  if (title === "") errors.title = "Write a title.";
  else if (length(title) > TITLE_MAX) errors.title = `At most ${TITLE_MAX} characters.`;
  const category = draft.category.trim();
  if (category === "") errors.category = "Name a category.";
  else if (length(category) > CATEGORY_MAX) errors.category = `At most ${CATEGORY_MAX} characters.`;
  if (draft.body.trim() === "") errors.body = "Write the article.";
  else if (length(draft.body) > BODY_MAX) errors.body = `At most ${BODY_MAX.toLocaleString("en")} characters.`;
  return errors;
}

/** The body of `POST /api/kb/articles` for a new draft. */
export function toInput(draft: ArticleDraft, clientId: string): ArticleInput {
  return { client_id: clientId, title: draft.title.trim(), category: draft.category.trim(), body: draft.body };
}

/** The body of `PATCH` for what changed between `base` (as read) and `draft`, with the version read. */
export function toPatch(base: Article, draft: ArticleDraft): ArticlePatch {
  const patch: ArticlePatch = { version: base.version };
  if (draft.title.trim() !== base.title) patch.title = draft.title.trim();
  if (draft.category.trim() !== base.category) patch.category = draft.category.trim();
  if (draft.body !== base.body) patch.body = draft.body;
  return patch;
}

/** Whether a patch changes anything (it always carries the version). */
export function changesSomething(patch: ArticlePatch): boolean {
  return Object.keys(patch).some((key) => key !== "version");
}

export function isDirty(start: ArticleDraft, draft: ArticleDraft): boolean {
  return start.title !== draft.title || start.category !== draft.category || start.body !== draft.body;
}

function isDraftField(value: string): value is DraftField {
  return (DRAFT_FIELDS as readonly string[]).includes(value);
}

/** What a refused Save or state change shows: beside a field, or above the form. */
export type SaveFailure =
  | { kind: "field"; field: DraftField; message: string }
  | { kind: "changed"; message: string }
  | { kind: "forbidden"; message: string }
  | { kind: "general"; message: string };

export function saveFailure(error: unknown): SaveFailure {
  if (!(error instanceof ApiError)) return { kind: "general", message: "The article could not be saved. Try again." };
  if (error.status === 422 && error.field !== null && isDraftField(error.field)) return { kind: "field", field: error.field, message: error.message };
  if (error.status === 409 && error.code === "changed") return { kind: "changed", message: error.message };
  if (error.status === 403) return { kind: "forbidden", message: error.message };
  return { kind: "general", message: error.message };
}

/** Managers and admins edit any article and change its state; agents create and edit drafts. */
export function mayChangeState(user: User): boolean {
  return user.roles.includes("manager") || user.roles.includes("admin");
}

export function mayCreate(user: User): boolean {
  return isStaff(user);
}

export function mayEdit(user: User, article: Pick<Article, "state">): boolean {
  if (!isStaff(user)) return false;
  return mayChangeState(user) || article.state === "draft";
}

export interface StateAction {
  to: ArticleState;
  label: string;
  /** What the page says once it is done. */
  done: string;
}

/**
 * The state changes offered to `user` for an article in `from`: draft → published → retired; a
 * retired article may be published again; a published one may go back to draft.
 */
export function stateActions(user: User, from: ArticleState): StateAction[] {
  if (!mayChangeState(user)) return [];
  switch (from) {
    case "draft":
      return [{ to: "published", label: "Publish", done: "Published: customers can read it now." }];
    case "published":
      return [
        { to: "retired", label: "Retire", done: "Retired: customers no longer see it." },
        { to: "draft", label: "Back to draft", done: "Back to draft: customers no longer see it." },
      ];
    case "retired":
      return [{ to: "published", label: "Publish", done: "Published again: customers can read it now." }];
  }
}
