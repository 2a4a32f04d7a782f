/**
 * Clickable links in message text, built as Preact elements (never as HTML): only http and
 * https addresses become links, opened in a new tab without handing it this page.
 */
import type { ComponentChildren } from "preact";

const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/gi;
/** Punctuation that ends a sentence rather than the address ("see https://x.example/a."). */
const TRAILING = /[.,;:!?'")\]}]+$/;

/** A piece of a message: plain text, or an address to link to. */
export type TextPart = { text: string } | { href: string; text: string };

/** Splits `text` into plain parts and http(s) links. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let from = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    let candidate = match[0];
    const trailing = TRAILING.exec(candidate);
    // Keep a closing bracket that belongs to the address ("…/Foo_(bar)").
    if (trailing !== null) {
      let cut = trailing[0];
      if (cut.startsWith(")") && (candidate.match(/\(/g)?.length ?? 0) > (candidate.slice(0, -cut.length).match(/\)/g)?.length ?? 0)) cut = cut.slice(1);
      candidate = candidate.slice(0, candidate.length - cut.length);
    }
    const href = safeHref(candidate);
    if (href === null) continue;
    if (start > from) parts.push({ text: text.slice(from, start) });
    parts.push({ href, text: candidate });
    from = start + candidate.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from) });
  return parts;
}

/** The address when it parses as http or https, else null. */
export function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** `text` with its http(s) addresses as links. */
export function LinkedText({ text }: { text: string }): ComponentChildren {
  return splitLinks(text).map((part, i) =>
    "href" in part ? (
      <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
        {part.text}
      </a>
    ) : (
      part.text
    ),
  );
}
