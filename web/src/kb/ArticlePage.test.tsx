// @vitest-environment jsdom
/** One article's page: what a reader may not see is "not found"; staff see the state and act by role, with the version read. */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE } from "../shared/fixtures";
import { setNavigate } from "../shared/nav";
import type { User } from "../shared/wire";
import { ArticlePage } from "./ArticlePage";
import { article } from "./fixtures";
import { flash } from "./KnowledgePage";

const DANA: User = { id: "u-dana", username: "dana", display_name: "Dana Manager", roles: ["manager", "agent"], itil: false };
const CAROL: User = { id: "u-carol", username: "carol", display_name: "Carol Customer", roles: ["customer"], itil: false };

let calls: { method: string; path: string; body: unknown }[];
let answers: Record<string, () => Response>;
let went: string[];
let restoreNavigate: () => void;
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

beforeEach(() => {
  calls = [];
  answers = {};
  went = [];
  restoreNavigate = setNavigate((url) => went.push(url));
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      calls.push({ method, path, body: init.body === undefined ? undefined : JSON.parse(String(init.body)) });
      const answer = answers[`${method} ${path}`];
      return answer === undefined ? json({ error: { code: "not_found", message: "No such article." } }, 404) : answer();
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  restoreNavigate();
  flash.value = null;
});

describe("ArticlePage", () => {
  it("shows_the_servers_html_and_the_title_in_the_document", async () => {
    answers["GET /api/kb/articles/KB0010001"] = () => json(article());
    render(<ArticlePage user={CAROL} id="KB0010001" />);
    await screen.findByRole("heading", { level: 1, name: "Connect to the VPN from home" });
    expect(screen.getByRole("heading", { name: "Connect" }), "the body's own heading").toBeTruthy();
    await waitFor(() => expect(document.title).toBe("Connect to the VPN from home · Knowledge Base · Switchboard"));
    expect(screen.queryByText("Published"), "a customer sees no state").toBeNull();
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
  });

  it("a_customer_asking_for_a_draft_gets_not_found", async () => {
    render(<ArticlePage user={CAROL} id="KB0010012" />);
    await screen.findByRole("heading", { level: 1, name: "Article not found" });
    await waitFor(() => expect(document.title).toBe("Article not found · Switchboard"));
  });

  it("an_agent_edits_a_draft_but_not_a_published_article_and_changes_no_state", async () => {
    answers["GET /api/kb/articles/KB0010001"] = () => json(article({ state: "draft" }));
    render(<ArticlePage user={ALICE} id="KB0010001" />);
    await screen.findByText("Draft");
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    expect(went).toEqual(["/kb/KB0010001/edit"]);
    expect(screen.queryByRole("button", { name: "Publish" })).toBeNull();
    cleanup();
    answers["GET /api/kb/articles/KB0010001"] = () => json(article({ state: "published" }));
    render(<ArticlePage user={ALICE} id="KB0010001" />);
    await screen.findByText("Published");
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
  });

  it("a_manager_publishes_with_the_version_read", async () => {
    answers["GET /api/kb/articles/KB0010001"] = () => json(article({ state: "draft", version: 2 }));
    answers["PATCH /api/kb/articles/a1"] = () => json(article({ state: "published", version: 3 }));
    render(<ArticlePage user={DANA} id="KB0010001" />);
    fireEvent.click(await screen.findByRole("button", { name: "Publish" }));
    await screen.findByText(/Published: customers can read it now\./);
    expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ version: 2, state: "published" });
    expect(screen.getByRole("button", { name: "Retire" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Back to draft" })).toBeTruthy();
  });

  it("a_state_change_after_a_colleagues_change_says_so_and_reload_reads_it_again", async () => {
    answers["GET /api/kb/articles/KB0010001"] = () => json(article({ state: "published", version: 2 }));
    answers["PATCH /api/kb/articles/a1"] = () => json({ error: { code: "changed", message: "Changed by Admin at 10:42 — reload" } }, 409);
    render(<ArticlePage user={DANA} id="KB0010001" />);
    fireEvent.click(await screen.findByRole("button", { name: "Retire" }));
    await screen.findByText(/Changed by Admin at 10:42/);
    answers["GET /api/kb/articles/KB0010001"] = () => json(article({ state: "retired", version: 3 }));
    fireEvent.click(screen.getByRole("button", { name: "Reload" }));
    await screen.findByText("Reloaded: this is the article as it is now.");
    await waitFor(() => expect(screen.getByText("Retired")).toBeTruthy());
  });

  it("says_once_what_the_editor_left_for_it", async () => {
    flash.value = "Saved KB0010001.";
    answers["GET /api/kb/articles/KB0010001"] = () => json(article());
    render(<ArticlePage user={DANA} id="KB0010001" />);
    await screen.findByText("Saved KB0010001.");
    expect(flash.value, "taken").toBeNull();
  });
});
