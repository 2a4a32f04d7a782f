// @vitest-environment jsdom
/** The article editor against the server's answers: a refused field is marked beside it, a colleague's change is never overwritten, Preview is the server's. */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE } from "../shared/fixtures";
import { setNavigate } from "../shared/nav";
import type { User } from "../shared/wire";
import { ArticleEditor } from "./ArticleEditor";
import { article } from "./fixtures";
import { flash } from "./KnowledgePage";

const DANA: User = { id: "u-dana", username: "dana", display_name: "Dana Manager", roles: ["manager", "agent"], itil: false };

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
      return answer === undefined ? json({ error: { code: "not_found", message: "No such thing." } }, 404) : answer();
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  restoreNavigate();
  flash.value = null;
});

function fill(label: string, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

describe("ArticleEditor", () => {
  it("a_new_article_is_saved_as_a_draft_with_one_client_id_and_opens_its_page", async () => {
    answers["POST /api/kb/articles"] = () => json({ error: { code: "unavailable", message: "Try again shortly." } }, 503);
    render(<ArticleEditor user={ALICE} id={null} />);
    expect(screen.getByRole("heading", { level: 1, name: "New article" })).toBeTruthy();
    fill("Title", "Printer shows offline");
    fill("Category", "Hardware");
    fill("Body", "1. Turn it off\n2. Turn it on");
    fireEvent.click(screen.getByRole("button", { name: "Save draft" }));
    await screen.findByText(/Try again shortly\./);
    answers["POST /api/kb/articles"] = () => json(article({ id: "a9", number: "KB0010013", state: "draft", title: "Printer shows offline" }), 201);
    fireEvent.click(screen.getByRole("button", { name: "Save draft" }));
    await waitFor(() => expect(went).toEqual(["/kb/KB0010013"]));
    const posts = calls.filter((c) => c.method === "POST" && c.path === "/api/kb/articles").map((c) => c.body as { client_id: string });
    expect(posts).toHaveLength(2);
    expect(posts[1], "what the form holds").toMatchObject({ title: "Printer shows offline", category: "Hardware", body: "1. Turn it off\n2. Turn it on" });
    expect(posts[0]?.client_id, "the retry is the same draft").toBe(posts[1]?.client_id);
    expect(flash.value, "the article's page says it was saved").toMatch(/KB0010013/);
  });

  it("empty_fields_are_named_before_anything_is_sent", async () => {
    render(<ArticleEditor user={ALICE} id={null} />);
    fireEvent.click(screen.getByRole("button", { name: "Save draft" }));
    await screen.findByText(/3 fields need attention/);
    expect(screen.getByLabelText("Title").getAttribute("aria-invalid")).toBe("true");
    expect(calls.filter((c) => c.method === "POST"), "nothing sent").toEqual([]);
  });

  it("a_field_the_server_refuses_is_marked_beside_it_and_the_draft_is_kept", async () => {
    answers["POST /api/kb/articles"] = () => json({ error: { code: "invalid", message: "`category` may not be only spaces.", field: "category" } }, 422);
    render(<ArticleEditor user={ALICE} id={null} />);
    fill("Title", "VPN");
    fill("Category", "Network");
    fill("Body", "Body");
    fireEvent.click(screen.getByRole("button", { name: "Save draft" }));
    const field = screen.getByLabelText("Category");
    await waitFor(() => expect(field.getAttribute("aria-invalid")).toBe("true"));
    const described = (field.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent ?? "");
    expect(described.join(" "), "the message is beside the field").toContain("may not be only spaces");
    expect((screen.getByLabelText("Title") as HTMLInputElement).value, "the draft is kept").toBe("VPN");
    expect(went, "still here").toEqual([]);
  });

  it("a_colleagues_change_is_not_overwritten_and_reload_shows_theirs", async () => {
    answers["GET /api/kb/articles/KB0010001"] = () => json(article({ state: "draft", version: 3 }));
    answers["PATCH /api/kb/articles/a1"] = () => json({ error: { code: "changed", message: "Changed by Bob Agent at 10:42 — reload" } }, 409);
    render(<ArticleEditor user={ALICE} id="KB0010001" />);
    await screen.findByRole("heading", { level: 1, name: "Edit KB0010001" });
    fill("Title", "Mine");
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    const alert = await screen.findByText(/Changed by Bob Agent at 10:42/);
    expect(calls.find((c) => c.method === "PATCH")?.body, "sent with the version read").toEqual({ version: 3, title: "Mine" });
    expect((screen.getByLabelText("Title") as HTMLInputElement).value, "my change stays until Reload").toBe("Mine");
    answers["GET /api/kb/articles/a1"] = () => json(article({ state: "draft", version: 4, title: "Bob's title" }));
    fireEvent.click(within(alert.closest("p") as HTMLElement).getByRole("button", { name: "Reload" }));
    await waitFor(() => expect((screen.getByLabelText("Title") as HTMLInputElement).value).toBe("Bob's title"));
    fill("Title", "Mine again");
    answers["PATCH /api/kb/articles/a1"] = () => json(article({ state: "draft", version: 5, title: "Mine again" }));
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(went).toEqual(["/kb/KB0010001"]));
    expect(calls.filter((c) => c.method === "PATCH").at(-1)?.body, "the version reloaded").toEqual({ version: 4, title: "Mine again" });
  });

  it("preview_shows_the_servers_rendering_of_the_body", async () => {
    answers["POST /api/kb/preview"] = () => json({ html: "<h2>Steps</h2><ul><li>Restart</li></ul>" });
    render(<ArticleEditor user={ALICE} id={null} />);
    fill("Body", "## Steps\n- Restart");
    fireEvent.click(screen.getByRole("button", { name: "Preview" }));
    const region = await screen.findByRole("region", { name: "Preview of the body" });
    expect(within(region).getByRole("heading", { name: "Steps" })).toBeTruthy();
    expect(calls.find((c) => c.path === "/api/kb/preview")?.body).toEqual({ body: "## Steps\n- Restart" });
    fill("Body", "## Steps\n- Restart\n- Again");
    expect(screen.getByText("The body changed since this preview.")).toBeTruthy();
  });

  it("an_agent_cannot_edit_a_published_article_a_manager_can", async () => {
    answers["GET /api/kb/articles/KB0010001"] = () => json(article({ state: "published" }));
    render(<ArticleEditor user={ALICE} id="KB0010001" />);
    await screen.findByRole("heading", { level: 1, name: "KB0010001 cannot be edited by you" });
    expect(screen.queryByLabelText("Title")).toBeNull();
    cleanup();
    render(<ArticleEditor user={DANA} id="KB0010001" />);
    await screen.findByRole("heading", { level: 1, name: "Edit KB0010001" });
  });

  it("an_article_that_is_not_there_is_not_found", async () => {
    render(<ArticleEditor user={ALICE} id="KB0099999" />);
    await screen.findByRole("heading", { level: 1, name: "Article not found" });
  });
});
