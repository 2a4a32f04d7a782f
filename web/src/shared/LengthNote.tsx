/**
 * The length of what is being typed, as the server counts it (code points): a counter near the
 * limit and a clear "too long" message past it. Nothing is cut: a pasted log stays whole so the
 * writer can shorten it.
 */
import { bodyProblem, lengthHint } from "./composer";

/** The id to put in the field's `aria-describedby`. */
export function lengthNoteId(field: string): string {
  return `${field}-length`;
}

/** Whether the note shows anything for `text` (a field names it in aria-describedby only then); `max`: the field's limit, a message's by default. */
export function lengthNoteShown(text: string, max?: number): boolean {
  return bodyProblem(text.trim(), max) !== null || lengthHint(text, max) !== null;
}

export function LengthNote({ id, text, max }: { id: string; text: string; max?: number }) {
  const problem = bodyProblem(text.trim(), max);
  if (problem !== null) {
    return (
      <p id={id} class="composer__problem" role="alert">
        {problem}
      </p>
    );
  }
  const counter = lengthHint(text, max);
  if (counter === null) return null;
  return (
    <p id={id} class="composer__count muted">
      {counter}
    </p>
  );
}
