import { describe, expect, it } from "vitest";
import { dayLabel } from "./format";
import { safeHref, splitLinks } from "./links";

describe("links in messages", () => {
  it("splits_text_into_plain_parts_and_http_links", () => {
    const cases: [string, string[]][] = [
      ["see https://example.com/a.", ["https://example.com/a"]],
      ["(http://example.com/x)", ["http://example.com/x"]],
      ["https://en.wikipedia.org/wiki/Foo_(bar), ok", ["https://en.wikipedia.org/wiki/Foo_(bar)"]],
      ["javascript:alert(1) data:text/html,hi ftp://x.example", []],
      ["two: https://a.example and https://b.example!", ["https://a.example/", "https://b.example/"]],
    ];
    for (const [text, hrefs] of cases) {
      const parts = splitLinks(text);
      expect(parts.flatMap((p) => ("href" in p ? [p.href] : [])), text).toEqual(hrefs);
      expect(parts.map((p) => p.text).join(""), `${text}: nothing lost`).toBe(text);
    }
  });

  it("accepts_only_http_and_https", () => {
    expect(safeHref("https://example.com")).toBe("https://example.com/");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("http://")).toBeNull();
  });

  it("names_days_relative_to_now", () => {
    const now = Date.parse("2026-11-30T15:00:00");
    expect(dayLabel("2026-11-30T01:00:00", now)).toBe("Today");
    expect(dayLabel("2026-11-29T23:00:00", now)).toBe("Yesterday");
    expect(dayLabel("2026-11-02T10:00:00", now)).toBe("Monday, 2 November 2026");
  });
});
