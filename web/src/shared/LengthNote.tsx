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

/** Whether the note shows anything for `text` (a field names it in aria-describedby only then). */
export function lengthNoteShown(text: string): boolean {
  return bodyProblem(text.trim()) !== null || lengthHint(text) !== null;
}

export function LengthNote({ id, text }: { id: string; text: string }) {
  const problem = bodyProblem(text.trim());
  if (problem !== null) {
    return (
      <p id={id} class="composer__problem" role="alert">
        {problem}
      </p>
    );
  }
  const counter = lengthHint(text);
  if (counter === null) return null;
  return (
    <p id={id} class="composer__count muted">
      {counter}
    </p>
  );
}
