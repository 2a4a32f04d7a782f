/** The Knowledge Base's HTTP calls (docs/protocol.md, "Knowledge Base"), through the app's one fetch helper. */
import { requestJson } from "../shared/api";
import { isEntry, type Entry } from "../shared/wire";
import { isArticle, isArticleHitList, isPreview, type Article, type ArticleHit, type ArticleInput, type ArticlePatch, type ArticleState } from "./wire";

const enc = encodeURIComponent;

/** What `GET /api/kb/articles` takes: `all` and the states other than `published` are for staff. */
export type StateFilter = ArticleState | "all";

export interface ArticleQuery {
  q?: string;
  state?: StateFilter;
  limit?: number;
}

/** The server takes a search text of 1–200 characters. */
export const QUERY_MAX = 200;

/** The first `max` characters of `text` (whole characters), trimmed. */
export function clip(text: string, max: number = QUERY_MAX): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join("") : chars.slice(0, max).join("").trimEnd();
}

/** The path of `GET /api/kb/articles` for a query; empty parts and the defaults are left out. */
export function articlesPath(query: ArticleQuery = {}): string {
  const params = new URLSearchParams();
  const q = clip(query.q ?? "");
  if (q !== "") params.set("q", q);
  if (query.state !== undefined && query.state !== "published") params.set("state", query.state);
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  const text = params.toString();
  return text === "" ? "/api/kb/articles" : `/api/kb/articles?${text}`;
}

/** The list (newest updated first) or, with `q`, a ranked search. */
export function listArticles(query: ArticleQuery = {}, signal?: AbortSignal): Promise<ArticleHit[]> {
  return requestJson(articlesPath(query), isArticleHitList, signal === undefined ? {} : { signal });
}

/** By id or number; 404 for what the caller may not see (a customer and a draft). */
export function getArticle(article: string, signal?: AbortSignal): Promise<Article> {
  return requestJson(`/api/kb/articles/${enc(article)}`, isArticle, signal === undefined ? {} : { signal });
}

/** A new draft; repeating `client_id` answers the original (a double Save creates one). */
export function createArticle(input: ArticleInput): Promise<Article> {
  return requestJson("/api/kb/articles", isArticle, { method: "POST", body: input });
}

/** Changes what is named; 409 `changed` when `version` is not the current one. */
export function updateArticle(article: string, patch: ArticlePatch): Promise<Article> {
  return requestJson(`/api/kb/articles/${enc(article)}`, isArticle, { method: "PATCH", body: patch });
}

/** The body as it would be shown (the editor's Preview). */
export async function previewBody(body: string, signal?: AbortSignal): Promise<string> {
  const answer = await requestJson("/api/kb/preview", isPreview, { method: "POST", body: { body }, ...(signal === undefined ? {} : { signal }) });
  return answer.html;
}

/** Published articles matching what the customer said in a conversation (at most 5). */
export function suggestionsFor(conversation: string, signal?: AbortSignal): Promise<ArticleHit[]> {
  return requestJson(`/api/conversations/${enc(conversation)}/kb-suggestions`, isArticleHitList, signal === undefined ? {} : { signal });
}

/** Posts a comment with the article's title and link into the conversation (idempotent by `clientId`). */
export function shareArticle(conversation: string, clientId: string, article: string): Promise<Entry> {
  return requestJson(`/api/conversations/${enc(conversation)}/kb-share`, isEntry, { method: "POST", body: { client_id: clientId, article } });
}

/** The address of an article's page. */
export function articleHref(number: string): string {
  return `/kb/${enc(number)}`;
}
