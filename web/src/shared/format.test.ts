import { describe, expect, it } from "vitest";
import { clock, firstName, formatSize, initials, relativeTime, startedAt } from "./format";

describe("format", () => {
  it.each([
    [0, "0 bytes"],
    [1, "1 byte"],
    [1023, "1023 bytes"],
    [1024, "1 KB"],
    [1536, "1.5 KB"],
    [48_213, "47.1 KB"],
    [1_000_000, "977 KB"],
    [1023 * 1024 + 1000, "1 MB"],
    [1_234_567, "1.2 MB"],
    [3.4 * 1024 * 1024, "3.4 MB"],
    [10 * 1024 * 1024, "10 MB"],
    [10.5 * 1024 * 1024, "10.5 MB"],
    [11 * 1024 * 1024, "11 MB"],
    [150 * 1024 * 1024, "150 MB"],
    [2.5 * 1024 * 1024 * 1024, "2.5 GB"],
  ])("the_size_of_%i_bytes_is_%s_in_units_of_1024_as_the_limit_is_counted", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

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
