/**
 * What the agent's and the customer's message fields share: Enter sends (Shift+Enter adds a
 * line, never while an IME composes), one typing indicator start per 2 s, and the length limit.
 */
import { charCount, MAX_BODY_CHARS } from "./length";

export { MAX_BODY_CHARS, bodyProblem, charCount } from "./length";

/** The server passes a typing start on at most every 2 s, so sending more is waste. */
export const TYPING_EVERY_MS = 2000;

/** Shown near the limit (`max`, the message's by default): "9,812 / 10,000", else null. */
export function lengthHint(body: string, max: number = MAX_BODY_CHARS): string | null {
  const length = charCount(body);
  if (length < max * 0.9) return null;
  return `${length.toLocaleString("en")} / ${max.toLocaleString("en")} characters`;
}

/** The keys of a field's keydown that matter here. */
export interface KeyLike {
  key: string;
  shiftKey: boolean;
  isComposing: boolean;
  preventDefault(): void;
}

/** Enter (without Shift, not mid-composition) sends: true when it did. */
export function enterSends(event: KeyLike, send: () => void): boolean {
  if (event.key !== "Enter" || event.shiftKey || event.isComposing) return false;
  event.preventDefault();
  send();
  return true;
}

/** Typing starts at most every TYPING_EVERY_MS; a stop only after a start. */
export class TypingThrottle {
  private sentAt = 0;

  constructor(
    private readonly emit: (active: boolean) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  set(active: boolean): void {
    const at = this.clock();
    if (active && at - this.sentAt > TYPING_EVERY_MS) {
      this.sentAt = at;
      this.emit(true);
    } else if (!active && this.sentAt !== 0) {
      this.sentAt = 0;
      this.emit(false);
    }
  }
}
