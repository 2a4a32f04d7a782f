import { describe, expect, it } from "vitest";
import { clock, firstName, initials, relativeTime } from "./format";

describe("format", () => {
  it.each([
    [0, "0:00"],
    [42, "0:42"],
    [725, "12:05"],
    [3723, "1:02:03"],
    [-5, "0:00"],
  ])("clock(%i) is %s", (seconds, text) => {
    expect(clock(seconds)).toBe(text);
  });

  it.each([
    [10, "just now"],
    [180, "3 min ago"],
    [7200, "2 h ago"],
    [86400 * 3, "3 days ago"],
  ])("relative_time_%i_seconds_ago", (seconds, text) => {
    const now = Date.parse("2026-01-10T12:00:00Z");
    expect(relativeTime(new Date(now - seconds * 1000).toISOString(), now)).toBe(text);
  });

  it("names_give_first_names_and_initials", () => {
    expect(firstName("Carol Customer")).toBe("Carol");
    expect(initials("Carol Customer")).toBe("CC");
    expect(initials("admin")).toBe("A");
  });
});
