// @vitest-environment jsdom
/** The `/kb` list keeps its search in the address: read when shown, replaced (not pushed) while typing. */
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { LocationProvider } from "preact-iso";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE } from "../shared/fixtures";
import type { User } from "../shared/wire";
import { ArticleList } from "./ArticleList";
import { hit } from "./fixtures";

const CAROL: User = { id: "u-carol", username: "carol", display_name: "Carol Customer", roles: ["customer"], itil: false };

let asked: string[];
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

beforeEach(() => {
  asked = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => {
      asked.push(path);
      return json([hit()]);
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  history.replaceState(null, "", "/");
});

function showAt(url: string, user: User = ALICE) {
  history.replaceState(null, "", url);
  render(
    <LocationProvider>
      <ArticleList user={user} />
    </LocationProvider>,
  );
}

const box = () => screen.getByLabelText<HTMLInputElement>("Search articles");
const address = () => location.pathname + location.search;

describe("ArticleList", () => {
  it("a_search_in_the_address_is_in_the_box_and_searched", async () => {
    showAt("/kb?q=vpn&state=draft");
    expect(box().value).toBe("vpn");
    expect(screen.getByLabelText<HTMLSelectElement>("State").value).toBe("draft");
    await waitFor(() => expect(asked, "the search of the address goes out").toContain("/api/kb/articles?q=vpn&state=draft"));
    await screen.findByRole("link", { name: "Connect to the VPN from home" });
  });

  it("typing_replaces_the_address_without_a_history_entry_per_keystroke", async () => {
    showAt("/kb");
    const entries = history.length;
    for (const text of ["v", "vp", "vpn"]) fireEvent.input(box(), { target: { value: text } });
    expect(address()).toBe("/kb?q=vpn");
    fireEvent.change(screen.getByLabelText("State"), { target: { value: "all" } });
    expect(address()).toBe("/kb?q=vpn&state=all");
    expect(history.length, "replaced, not pushed").toBe(entries);
    await waitFor(() => expect(asked).toContain("/api/kb/articles?q=vpn&state=all"));
  });

  it("a_customer_searches_the_published_articles_whatever_the_address_says", async () => {
    showAt("/kb?q=printer&state=draft", CAROL);
    expect(box().value).toBe("printer");
    await waitFor(() => expect(asked).toContain("/api/kb/articles?q=printer"));
    expect(address(), "no state in a customer's address").toBe("/kb?q=printer");
  });

  it("the_address_changing_under_the_list_changes_its_search", async () => {
    showAt("/kb?q=vpn");
    // As the Knowledge Base link in the top bar does: the bare list.
    act(() => {
      history.pushState(null, "", "/kb");
      dispatchEvent(new PopStateEvent("popstate"));
    });
    await waitFor(() => expect(box().value, "the bare list has no search").toBe(""));
    act(() => {
      history.pushState(null, "", "/kb?q=printer");
      dispatchEvent(new PopStateEvent("popstate"));
    });
    await waitFor(() => expect(box().value).toBe("printer"));
    await waitFor(() => expect(asked).toContain("/api/kb/articles?q=printer"));
  });
});
