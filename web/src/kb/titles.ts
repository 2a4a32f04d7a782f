/** The document titles of the Knowledge Base pages. */

export const KB_TITLE = "Knowledge Base · Switchboard";
export const NEW_ARTICLE_TITLE = "New article · Switchboard";
export const ARTICLE_NOT_FOUND_TITLE = "Article not found · Switchboard";

/** An article's page: its title first (what a tab or the history shows). */
export function articleTitle(title: string): string {
  return `${title} · Knowledge Base · Switchboard`;
}

/** The editor of an article. */
export function editTitle(number: string): string {
  return `Edit ${number} · Switchboard`;
}
