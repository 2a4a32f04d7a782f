/**
 * The Knowledge Base's types as the server sends them (docs/protocol.md, "Knowledge Base"),
 * with runtime guards: an answer from the network is checked before the app treats it as one.
 */
import { isUserRef, type UserRef } from "../shared/wire";

export type ArticleState = "draft" | "published" | "retired";
export const ARTICLE_STATES: readonly ArticleState[] = ["draft", "published", "retired"];

/** One part of a snippet: plain text; `mark` for the words that matched (shown highlighted, never as HTML). */
export interface SnippetPart {
  text: string;
  mark?: boolean;
}

/** A search result or a list item: `GET /api/kb/articles`, the suggestions of a chat. */
export interface ArticleHit {
  id: string;
  number: string;
  title: string;
  category: string;
  state: ArticleState;
  updated_at: string;
  snippet: SnippetPart[];
}

/** One article; `html` is the body rendered and sanitised by the server (shown as is). */
export interface Article {
  id: string;
  number: string;
  title: string;
  /** Markdown, for the editor only: clients never render it themselves. */
  body: string;
  html: string;
  category: string;
  state: ArticleState;
  author: UserRef;
  updated_by: UserRef;
  created_at: string;
  updated_at: string;
  published_at?: string | null;
  version: number;
}

/** `POST /api/kb/articles`. */
export interface ArticleInput {
  client_id: string;
  title: string;
  body: string;
  category: string;
}

/** `PATCH /api/kb/articles/{article}`: the version read, and what changed. */
export type ArticlePatch = { version: number } & Partial<Omit<ArticleInput, "client_id">> & { state?: ArticleState };

/** `POST /api/kb/preview`. */
export interface Preview {
  html: string;
}

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

export function isArticleState(value: unknown): value is ArticleState {
  return ARTICLE_STATES.some((s) => s === value);
}

export function isSnippetPart(value: unknown): value is SnippetPart {
  return isObject(value) && isString(value.text) && (value.mark === undefined || value.mark === null || typeof value.mark === "boolean");
}

export function isArticleHit(value: unknown): value is ArticleHit {
  return (
    isObject(value) &&
    isString(value.id) &&
    isString(value.number) &&
    isString(value.title) &&
    isString(value.category) &&
    isArticleState(value.state) &&
    isString(value.updated_at) &&
    Array.isArray(value.snippet) &&
    value.snippet.every(isSnippetPart)
  );
}

export function isArticleHitList(value: unknown): value is ArticleHit[] {
  return Array.isArray(value) && value.every(isArticleHit);
}

export function isArticle(value: unknown): value is Article {
  return (
    isObject(value) &&
    isString(value.id) &&
    isString(value.number) &&
    isString(value.title) &&
    isString(value.body) &&
    isString(value.html) &&
    isString(value.category) &&
    isArticleState(value.state) &&
    isUserRef(value.author) &&
    isUserRef(value.updated_by) &&
    isString(value.created_at) &&
    isString(value.updated_at) &&
    (value.published_at === undefined || value.published_at === null || isString(value.published_at)) &&
    typeof value.version === "number" &&
    Number.isInteger(value.version)
  );
}

export function isPreview(value: unknown): value is Preview {
  return isObject(value) && isString(value.html);
}
