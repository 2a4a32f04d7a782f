import type { ApiError } from "../shared/api";

// The server's own rate-limit message may already say when to retry; the number from the
// Retry-After header is the one shown, so that sentence is dropped rather than repeated.
const TRY_AGAIN_SENTENCE = /\s*Try again\b[^.]*(\.\s*)?$/i;

/** What the sign-in form says when signing in fails. */
export function signInErrorText(error: ApiError): string {
  if (error.code === "rate_limited" || error.status === 429) {
    const reason = error.message.replace(TRY_AGAIN_SENTENCE, "");
    const wait = error.retryAfter;
    if (wait === null) return `${reason} Try again in a little while.`;
    return `${reason} Try again in ${wait} ${wait === 1 ? "second" : "seconds"}.`;
  }
  return error.message;
}
