import { describe, expect, it } from "vitest";
import { articleHref, articlesPath, clip } from "./api";

describe("articlesPath", () => {
  const cases: [Parameters<typeof articlesPath>[0], string][] = [
    [{}, "/api/kb/articles"],
    [{ q: "  " }, "/api/kb/articles"],
    [{ q: " password reset " }, "/api/kb/articles?q=password+reset"],
    [{ state: "published" }, "/api/kb/articles"],
    [{ state: "draft" }, "/api/kb/articles?state=draft"],
    [{ q: "vpn", state: "all", limit: 3 }, "/api/kb/articles?q=vpn&state=all&limit=3"],
    [{ q: "a&b=c" }, "/api/kb/articles?q=a%26b%3Dc"],
  ];
  it.each(cases)("%j is %s", (query, path) => {
    expect(articlesPath(query)).toBe(path);
  });

  it("cuts_a_long_text_to_the_200_characters_the_server_takes", () => {
    const q = new URLSearchParams(articlesPath({ q: "x".repeat(500) }).split("?")[1]).get("q");
    expect(q).toHaveLength(200);
  });
});

describe("clip", () => {
  it("keeps_whole_characters", () => {
    expect(Array.from(clip("😀".repeat(300)))).toHaveLength(200);
  });
});

describe("articleHref", () => {
  it("is_the_articles_page", () => {
    expect(articleHref("KB0010001")).toBe("/kb/KB0010001");
  });
});
