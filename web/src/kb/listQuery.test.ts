/** The `/kb` list's search in the address: read from a query string, written as `/kb?q=…&state=…`. */
import { describe, expect, it } from "vitest";
import { listQueryUrl, readListQuery, sameListQuery, type ListQuery } from "./listQuery";

describe("readListQuery", () => {
  const cases: [string, boolean, ListQuery][] = [
    ["", true, { text: "", state: "published" }],
    ["?q=vpn", true, { text: "vpn", state: "published" }],
    ["?q=vpn&state=draft", true, { text: "vpn", state: "draft" }],
    ["?state=all", true, { text: "", state: "all" }],
    ["?state=retired", true, { text: "", state: "retired" }],
    ["?q=password+reset", true, { text: "password reset", state: "published" }],
    ["?q=a%26b%3Dc", true, { text: "a&b=c", state: "published" }],
    ["?state=bogus", true, { text: "", state: "published" }],
    ["?q=vpn&state=draft", false, { text: "vpn", state: "published" }],
    ["?state=all", false, { text: "", state: "published" }],
  ];
  it.each(cases)("%s_for_staff_%s_is_%j", (search, staff, query) => {
    expect(readListQuery(search, staff), `${search} read by ${staff ? "staff" : "a customer"}`).toEqual(query);
  });
});

describe("listQueryUrl", () => {
  const cases: [ListQuery, string][] = [
    [{ text: "", state: "published" }, "/kb"],
    [{ text: "   ", state: "published" }, "/kb"],
    [{ text: "vpn", state: "published" }, "/kb?q=vpn"],
    [{ text: " vpn ", state: "published" }, "/kb?q=vpn"],
    [{ text: "vpn", state: "draft" }, "/kb?q=vpn&state=draft"],
    [{ text: "", state: "all" }, "/kb?state=all"],
    [{ text: "password reset", state: "published" }, "/kb?q=password+reset"],
    [{ text: "a&b=c", state: "retired" }, "/kb?q=a%26b%3Dc&state=retired"],
  ];
  it.each(cases)("%j_is_%s", (query, url) => {
    expect(listQueryUrl(query)).toBe(url);
  });

  it.each(cases)("%j_reads_back_from_its_address", (query) => {
    const search = listQueryUrl(query).replace(/^\/kb/, "");
    expect(readListQuery(search, true), "the address holds the search").toEqual({ text: query.text.trim(), state: query.state });
  });
});

describe("sameListQuery", () => {
  it("ignores_the_spaces_around_the_text", () => {
    expect(sameListQuery({ text: "vpn ", state: "draft" }, { text: "vpn", state: "draft" })).toBe(true);
  });

  it("tells_another_text_or_state", () => {
    expect(sameListQuery({ text: "vpn", state: "draft" }, { text: "vpn", state: "published" }), "another state").toBe(false);
    expect(sameListQuery({ text: "vpn", state: "draft" }, { text: "vpn c", state: "draft" }), "another text").toBe(false);
  });
});
