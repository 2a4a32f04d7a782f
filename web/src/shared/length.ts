/**
 * One definition of a message's length on both sides: the server counts Unicode scalar values
 * (Rust `str::chars`), so the web app counts code points, not UTF-16 units (an emoji is 1, not 2).
 */

/** The server refuses a body longer than this (code `too_long`). */
export const MAX_BODY_CHARS = 10_000;

/** The length of `text` as the server counts it. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Why a body cannot be sent, or null when it can (`max`: another field's limit, e.g. a survey comment). */
export function bodyProblem(body: string, max: number = MAX_BODY_CHARS): string | null {
  const length = charCount(body);
  if (length > max) {
    return `Too long: at most ${max.toLocaleString("en")} characters (this one has ${length.toLocaleString("en")}).`;
  }
  return null;
}
