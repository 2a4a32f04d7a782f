/**
 * A search hit's passage: text parts, the matched words in `<mark>`. Built as elements from the
 * parts, never as HTML, so a snippet quoting markup shows it as text.
 */
import type { SnippetPart } from "./wire";

export function Snippet({ parts, id }: { parts: readonly SnippetPart[]; id?: string }) {
  if (parts.length === 0) return null;
  return (
    <p class="kb-snippet" id={id}>
      {parts.map((part, index) => (part.mark === true ? <mark key={index}>{part.text}</mark> : part.text))}
    </p>
  );
}
