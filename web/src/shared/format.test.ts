import { describe, expect, it } from "vitest";
import { clock, firstName, initials, relativeTime, startedAt } from "./format";

describe("format", () => {
  it("started_at_gives_the_time_today_and_the_day_before", () => {
    const now = new Date(2026, 10, 30, 15, 0).getTime();
    const today = new Date(2026, 10, 30, 10, 42).toISOString();
    const earlier = new Date(2026, 10, 28, 9, 5).toISOString();
    expect(startedAt(today, now)).toMatch(/10.42/);
    expect(startedAt(today, now)).not.toMatch(/Nov/);
    expect(startedAt(earlier, now)).toMatch(/28/);
    expect(startedAt(earlier, now)).toMatch(/09.05|9.05/);
  });

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
