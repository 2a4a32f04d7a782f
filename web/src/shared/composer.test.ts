import { describe, expect, it } from "vitest";
import { bodyProblem, enterSends, lengthHint, MAX_BODY_CHARS, TypingThrottle } from "./composer";

const key = (key: string, shiftKey = false, isComposing = false) => {
  const event = { key, shiftKey, isComposing, prevented: false, preventDefault: () => (event.prevented = true) };
  return event;
};

describe("message field helpers", () => {
  it("enter_sends_but_not_with_shift_or_while_composing", () => {
    let sent = 0;
    const send = () => (sent += 1);
    const enter = key("Enter");
    expect(enterSends(enter, send)).toBe(true);
    expect(enter.prevented).toBe(true);
    expect(enterSends(key("Enter", true), send), "Shift+Enter adds a line").toBe(false);
    expect(enterSends(key("Enter", false, true), send), "an IME composition is not interrupted").toBe(false);
    expect(enterSends(key("a"), send)).toBe(false);
    expect(sent).toBe(1);
  });

  it("typing_starts_at_most_every_2_s_and_stops_once", () => {
    let at = 10_000;
    const emitted: boolean[] = [];
    const throttle = new TypingThrottle((active) => emitted.push(active), () => at);
    throttle.set(true);
    at += 500;
    throttle.set(true);
    at += 2000;
    throttle.set(true);
    throttle.set(false);
    throttle.set(false);
    expect(emitted).toEqual([true, true, false]);
  });

  it("the_length_limit_is_explained", () => {
    expect(bodyProblem("x".repeat(MAX_BODY_CHARS))).toBeNull();
    expect(bodyProblem("x".repeat(MAX_BODY_CHARS + 1))).toBe("Too long: at most 10,000 characters (this one has 10,001).");
    expect(lengthHint("short")).toBeNull();
    expect(lengthHint("x".repeat(9500))).toBe("9,500 / 10,000 characters");
  });
});
