/**
 * An article's body as the server rendered it. The server sanitises it with an allow-list (no
 * scripts, styles, handlers, frames or forms; safe links only), so it is set as HTML here; the
 * Markdown `body` is never rendered by the client.
 */
export function ArticleHtml({ html, label }: { html: string; label?: string }) {
  return <div class="kb-html" aria-label={label} role={label === undefined ? undefined : "region"} dangerouslySetInnerHTML={{ __html: html }} />;
}
