// @vitest-environment jsdom
/** The workspace's Knowledge Base tool: suggestions before typing, search with highlighted passages, open, Share. */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { article, hit } from "../../kb/fixtures";
import { TYPING_SEARCH } from "../../kb/search";
import { ALICE, CAROL, conversation } from "../../shared/fixtures";
import { connectedForTest } from "../../shared/socket.fakes";
import { connection } from "../state";
import { KnowledgeTool } from "./KnowledgeTool";

let calls: { method: string; path: string; body: unknown }[];
let answers: Record<string, () => Response>;
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const PASSWORD = hit({ id: "a2", number: "KB0010002", title: "Reset your password", category: "Accounts", snippet: [{ text: "Forgot your " }, { text: "password", mark: true }, { text: "? Use the portal." }] });
const VPN = hit();

beforeEach(() => {
  calls = [];
  answers = { "GET /api/conversations/c1/kb-suggestions": () => json([VPN]) };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      calls.push({ method, path, body: init.body === undefined ? undefined : JSON.parse(String(init.body)) });
      const answer = answers[`${method} ${path}`];
      return answer === undefined ? json([]) : answer();
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  connection.value = null;
});

describe("KnowledgeTool", () => {
  it("before_typing_it_suggests_articles_for_the_chat", async () => {
    render(<KnowledgeTool conversation={conversation("c1", CAROL)} user={ALICE} />);
    const suggested = await screen.findByRole("region", { name: "Suggested for this chat" });
    await within(suggested).findByRole("button", { name: "Connect to the VPN from home" });
    expect(within(suggested).getByText("VPN", { selector: "mark" }), "the matched word is highlighted").toBeTruthy();
    expect(screen.getByLabelText("Search the knowledge base")).toBeTruthy();
  });

  it("the_suggestions_are_read_again_when_the_customer_says_more", async () => {
    const feed = connectedForTest(ALICE.id);
    connection.value = feed.connection;
    const chat = conversation("c1", CAROL);
    feed.connection.noteConversation(chat);
    render(<KnowledgeTool conversation={chat} user={ALICE} />);
    await screen.findByRole("button", { name: "Connect to the VPN from home" });
    const asked = () => calls.filter((c) => c.path === "/api/conversations/c1/kb-suggestions").length;
    expect(asked()).toBe(1);
    answers["GET /api/conversations/c1/kb-suggestions"] = () => json([PASSWORD, VPN]);
    feed.socket.receive({ type: "entry", conversation: "c1", seq: 2, kind: "comment", author: CAROL, body: "And I forgot my password", at: "2026-11-30T09:01:00Z" });
    await screen.findByRole("button", { name: "Reset your password" }, { timeout: 2000 });
    expect(asked()).toBe(2);
  });

  it("typing_searches_after_a_pause_and_shows_the_passages", async () => {
    answers["GET /api/kb/articles?q=password&limit=10"] = () => json([PASSWORD]);
    render(<KnowledgeTool conversation={conversation("c1", CAROL)} user={ALICE} />);
    await screen.findByRole("region", { name: "Suggested for this chat" });
    fireEvent.input(screen.getByLabelText("Search the knowledge base"), { target: { value: "password" } });
    const found = await screen.findByRole("region", { name: "Articles found" });
    await within(found).findByRole("button", { name: "Reset your password" });
    expect(within(found).getByText("password", { selector: "mark" })).toBeTruthy();
    expect(screen.queryByRole("region", { name: "Suggested for this chat" }), "suggestions give way to the search").toBeNull();
    await screen.findByText("1 article for “password”");
  });

  it("nothing_found_says_so", async () => {
    render(<KnowledgeTool conversation={conversation("c1", CAROL)} user={ALICE} />);
    fireEvent.input(screen.getByLabelText("Search the knowledge base"), { target: { value: "zebra" } });
    await screen.findByText("No published article matches “zebra”.", {}, { timeout: TYPING_SEARCH.delay + 1000 });
  });

  it("share_posts_the_article_with_a_client_id_and_says_it_was_shared", async () => {
    answers["POST /api/conversations/c1/kb-share"] = () =>
      json({ conversation: "c1", seq: 5, kind: "comment", author: { id: ALICE.id, display_name: ALICE.display_name }, body: "Connect to the VPN from home — http://x/kb/KB0010001", at: "2026-11-30T09:02:00Z" }, 201);
    render(<KnowledgeTool conversation={conversation("c1", CAROL)} user={ALICE} />);
    await screen.findByRole("button", { name: "Connect to the VPN from home" });
    const share = screen.getByRole("button", { name: "Share" });
    expect(share.getAttribute("aria-describedby"), "the Share button says which article").toBeTruthy();
    fireEvent.click(share);
    await screen.findByText(/Shared “Connect to the VPN from home” \(KB0010001\) in the chat\./);
    fireEvent.click(screen.getByRole("button", { name: "Share" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "POST")).toHaveLength(2));
    const bodies = calls.filter((c) => c.method === "POST").map((c) => c.body as { client_id: string; article: string });
    expect(bodies[0]?.article).toBe("a1");
    expect(bodies[0]?.client_id, "each share is a fresh comment").not.toBe(bodies[1]?.client_id);
  });

  it("a_refused_share_is_said_and_a_retry_keeps_the_client_id", async () => {
    answers["POST /api/conversations/c1/kb-share"] = () => json({ error: { code: "invalid", message: "KB0010001 is not published.", field: "article" } }, 422);
    render(<KnowledgeTool conversation={conversation("c1", CAROL)} user={ALICE} />);
    await screen.findByRole("button", { name: "Connect to the VPN from home" });
    fireEvent.click(screen.getByRole("button", { name: "Share" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("KB0010001 is not published.");
    fireEvent.click(screen.getByRole("button", { name: "Share" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "POST")).toHaveLength(2));
    const ids = calls.filter((c) => c.method === "POST").map((c) => (c.body as { client_id: string }).client_id);
    expect(ids[0], "the same share tried again").toBe(ids[1]);
  });

  it("opening_an_article_shows_its_html_with_share_and_back", async () => {
    answers["GET /api/kb/articles/a1"] = () => json(article());
    render(<KnowledgeTool conversation={conversation("c1", CAROL)} user={ALICE} />);
    fireEvent.click(await screen.findByRole("button", { name: "Connect to the VPN from home" }));
    const opened = await screen.findByRole("article", { name: "Connect to the VPN from home" });
    await within(opened).findByRole("heading", { name: "Connect" });
    expect(within(opened).getByRole("button", { name: "Share" })).toBeTruthy();
    expect(within(opened).getByRole("link", { name: "Open in a new tab" }).getAttribute("href")).toBe("/kb/KB0010001");
    fireEvent.click(within(opened).getByRole("button", { name: "Back to the list" }));
    await screen.findByRole("region", { name: "Suggested for this chat" });
  });

  it("no_share_for_who_may_not_post", async () => {
    const colleagues = conversation("c1", CAROL, { assignee: { id: "u-bob", display_name: "Bob Agent" } });
    render(<KnowledgeTool conversation={colleagues} user={ALICE} />);
    await screen.findByRole("button", { name: "Connect to the VPN from home" });
    expect(screen.queryByRole("button", { name: "Share" })).toBeNull();
    expect(screen.getByText(/Only the agent the chat is assigned to/)).toBeTruthy();
  });
});
