// @vitest-environment jsdom
/** The support page's "These articles may help": after a pause in the typing, at most three, links opening a new tab, hidden when nothing matches. */
import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ArticleSuggestions } from "./ArticleSuggestions";
import { hit } from "./fixtures";
import { FIRST_MESSAGE_SEARCH } from "./search";

let paths: string[];
let answer: () => Response;
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

beforeEach(() => {
  vi.useFakeTimers();
  paths = [];
  answer = () => json([]);
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => {
      paths.push(path);
      return answer();
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("ArticleSuggestions", () => {
  it("offers_up_to_three_articles_as_links_opening_a_new_tab", async () => {
    answer = () => json([hit(), hit({ id: "a2", number: "KB0010002", title: "VPN drops on Wi-Fi" }), hit({ id: "a3", number: "KB0010003", title: "VPN client install" }), hit({ id: "a4", number: "KB0010004", title: "Fourth" })]);
    const { rerender } = render(<ArticleSuggestions text="I can" />);
    rerender(<ArticleSuggestions text="I can't connect to the VPN" />);
    await vi.advanceTimersByTimeAsync(FIRST_MESSAGE_SEARCH.delay);
    expect(paths, "one request, for the last text, at most 3").toEqual([`/api/kb/articles?${new URLSearchParams({ q: "I can't connect to the VPN", limit: "3" })}`]);
    const region = screen.getByRole("region", { name: "These articles may help" });
    const links = region.querySelectorAll("a");
    expect(links).toHaveLength(3);
    expect(links[0]?.getAttribute("href")).toBe("/kb/KB0010001");
    expect(links[0]?.getAttribute("target")).toBe("_blank");
    expect(links[0]?.textContent).toContain("(opens in a new tab)");
  });

  it("is_hidden_when_nothing_matches", async () => {
    render(<ArticleSuggestions text="hello there" />);
    await vi.advanceTimersByTimeAsync(FIRST_MESSAGE_SEARCH.delay);
    expect(paths).toHaveLength(1);
    expect(screen.queryByRole("region", { name: "These articles may help" })).toBeNull();
  });

  it("a_short_text_is_not_searched_and_a_cleared_one_hides_the_list", async () => {
    answer = () => json([hit()]);
    const { rerender } = render(<ArticleSuggestions text="vpn" />);
    await vi.advanceTimersByTimeAsync(FIRST_MESSAGE_SEARCH.delay);
    expect(screen.getByRole("region", { name: "These articles may help" })).toBeTruthy();
    rerender(<ArticleSuggestions text="" />);
    await vi.advanceTimersByTimeAsync(FIRST_MESSAGE_SEARCH.delay);
    expect(screen.queryByRole("region", { name: "These articles may help" })).toBeNull();
    rerender(<ArticleSuggestions text="vp" />);
    await vi.advanceTimersByTimeAsync(FIRST_MESSAGE_SEARCH.delay);
    expect(paths, "two characters are not searched").toHaveLength(1);
  });

  it("a_failed_search_shows_nothing", async () => {
    answer = () => json({ error: { code: "unavailable", message: "Try again shortly." } }, 503);
    render(<ArticleSuggestions text="printer jam" />);
    await vi.advanceTimersByTimeAsync(FIRST_MESSAGE_SEARCH.delay);
    expect(screen.queryByRole("region", { name: "These articles may help" })).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
