/**
 * The Knowledge Base end to end: the support page offers articles while carol writes her first
 * message; alice accepts the chat, and the workspace's Knowledge Base tool suggests an article
 * matching carol's words, finds "password" with highlighted passages, opens an article and
 * Shares it; carol sees the comment in her chat and its link opens the article's page. alice
 * writes a draft with a Preview; carol opening its address finds nothing; dana (manager)
 * publishes it and carol reads it then. A Save over a colleague's change is refused with Reload.
 * A search on `/kb` is kept in the address: Back from an article, or a reload, shows it again.
 * Every screen is pictured (e2e/artifacts/kb-*.png) and checked with axe in both themes.
 */
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { seriousViolations } from "./axe";
import { launchBrowser, newVisitor, screenshot, signInByApi, takePolicyViolations, type Visitor } from "./browser";

const baseUrl = inject("baseUrl");
let browser: Browser;
const people = {} as Record<"carol" | "alice" | "dana", Visitor>;
let workspace: Page | null = null;
/** The draft alice wrote, by number. */
let draft = "";

const FIRST_MESSAGE = "I can't connect to the VPN from home since this morning.";
const DRAFT_TITLE = "Unlock your account after too many sign-in attempts";

beforeAll(async () => {
  browser = await launchBrowser();
  for (const name of ["carol", "alice", "dana"] as const) {
    const visitor = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 800 } });
    await signInByApi(visitor.context, name);
    people[name] = visitor;
  }
  // A chat of carol's another file left open would be handed back by Start chat.
  const open = ((await (await people.carol.context.request.get("/api/conversations")).json()) as { id: string; kind: string; state: string }[]).filter(
    (c) => c.kind === "support" && c.state !== "closed",
  );
  for (const c of open) await people.carol.context.request.post(`/api/conversations/${c.id}/end`);
});

afterAll(async () => {
  await browser?.close();
});

afterEach(() => {
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

function keepScreenshotsOnFailure(test: TestContext): void {
  test.onTestFinished(async () => {
    if (test.task.result?.state !== "fail") return;
    const pages = Object.entries(people).map(([name, v]) => [name, v.page] as const);
    if (workspace !== null) pages.push(["workspace", workspace]);
    for (const [name, page] of pages) {
      if (page.isClosed()) continue;
      console.error(`screenshot of the failed step: ${await screenshot(page, `failed-${test.task.name}-${name}`)}`);
    }
  });
}

/** Serious axe violations in the light and the dark theme; a picture of each theme. */
async function axeAndPictures(page: Page, name: string): Promise<string[]> {
  await screenshot(page, `kb-${name}`);
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await screenshot(page, `kb-${name}-dark`);
  const dark = (await seriousViolations(page)).map((v) => `dark: ${v}`);
  await page.emulateMedia({ colorScheme: "light" });
  return [...light, ...dark];
}

const sidebar = (page: Page): Locator => page.getByRole("complementary", { name: "Connect sidebar" });

describe("knowledge base", () => {
  it("the_support_page_offers_articles_while_carol_writes_her_first_message", async (test) => {
    keepScreenshotsOnFailure(test);
    const { carol, alice } = people;
    await alice.page.goto("/agent");
    await sidebar(alice.page).getByRole("heading", { name: "Records" }).waitFor();

    await carol.page.goto("/support");
    const field = carol.page.getByLabel("What can we help you with?");
    await field.pressSequentially(FIRST_MESSAGE, { delay: 10 });
    const offered = carol.page.getByRole("region", { name: "These articles may help" });
    const vpn = offered.getByRole("link", { name: /^Connect to the VPN from home/ });
    await vpn.waitFor();
    expect(await offered.getByRole("link").count(), "at most three").toBeLessThanOrEqual(3);
    expect(await vpn.getAttribute("target"), "opens in a new tab: the message stays").toBe("_blank");
    expect(await vpn.getAttribute("href")).toMatch(/^\/kb\/KB\d{7}$/);
    expect(await axeAndPictures(carol.page, "support-suggestions"), "the support page with suggestions").toEqual([]);
    await carol.page.setViewportSize({ width: 375, height: 740 });
    await screenshot(carol.page, "kb-support-suggestions-phone");
    await carol.page.setViewportSize({ width: 1280, height: 800 });

    await field.fill("zzzz qqqq");
    await offered.waitFor({ state: "detached" });

    await field.fill(FIRST_MESSAGE);
    await carol.page.getByRole("button", { name: "Start chat" }).click();
    await carol.page.getByRole("status").getByText(/in the queue|You are next/).waitFor();
  });

  it("the_workspace_tool_suggests_searches_opens_and_shares_and_carol_gets_the_link", async (test) => {
    keepScreenshotsOnFailure(test);
    const { carol, alice } = people;
    await sidebar(alice.page).getByRole("article", { name: "Carol Customer" }).getByRole("button", { name: "Accept" }).click();
    const window = alice.page.getByRole("region", { name: "Carol Customer" });
    const [page] = await Promise.all([alice.context.waitForEvent("page"), window.getByRole("button", { name: "New Window" }).click()]);
    workspace = page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForLoadState();
    await page.getByRole("tab", { name: "Knowledge Base" }).click();
    const tool = page.getByRole("tabpanel", { name: "Knowledge Base" });

    const suggested = tool.getByRole("region", { name: "Suggested for this chat" });
    await suggested.getByRole("button", { name: "Connect to the VPN from home" }).waitFor();
    expect(await suggested.locator("mark").count(), "carol's words are highlighted in the passage").toBeGreaterThan(0);
    expect(await axeAndPictures(page, "workspace-suggested"), "the tool's suggestions").toEqual([]);

    await tool.getByLabel("Search the knowledge base").fill("password");
    const found = tool.getByRole("region", { name: "Articles found" });
    const reset = found.getByRole("button", { name: "Reset your password" });
    await reset.waitFor();
    const marks = await found.locator("mark").allTextContents();
    expect(marks.length, "matched words are marked").toBeGreaterThan(0);
    expect(marks.every((m) => /^passwords?$/i.test(m)), `the marks are the word searched: ${marks.join(", ")}`).toBe(true);
    expect(await axeAndPictures(page, "workspace-search"), "the tool's search results").toEqual([]);

    await reset.click();
    const opened = tool.getByRole("article", { name: "Reset your password" });
    await opened.getByRole("heading", { name: "Reset your password yourself" }).waitFor();
    const link = await opened.getByRole("link", { name: "Open in a new tab" }).getAttribute("href");
    const number = link?.replace("/kb/", "") ?? "";
    expect(number).toMatch(/^KB\d{7}$/);
    await opened.getByRole("button", { name: "Share" }).click();
    await tool.getByRole("status").getByText(`Shared “Reset your password” (${number}) in the chat.`).waitFor();
    expect(await axeAndPictures(page, "workspace-article-shared"), "the tool's opened article, shared").toEqual([]);

    const shared = carol.page.getByRole("log").getByRole("link", { name: new RegExp(`/kb/${number}$`) });
    await shared.waitFor();
    await carol.page.getByRole("log").getByText(/^Reset your password — /).waitFor();
    await screenshot(carol.page, "kb-support-chat-shared");
    const [articleTab] = await Promise.all([carol.context.waitForEvent("page"), shared.click()]);
    await articleTab.setViewportSize({ width: 1280, height: 800 });
    await articleTab.getByRole("heading", { level: 1, name: "Reset your password" }).waitFor();
    expect(new URL(articleTab.url()).pathname).toBe(`/kb/${number}`);
    expect(await articleTab.title()).toBe("Reset your password · Knowledge Base · Switchboard");
    expect(await articleTab.getByText("Published").count(), "a customer sees no state badge").toBe(0);
    expect(await axeAndPictures(articleTab, "article-customer"), "an article as carol reads it").toEqual([]);
    await articleTab.setViewportSize({ width: 375, height: 740 });
    await screenshot(articleTab, "kb-article-customer-phone");
    await articleTab.setViewportSize({ width: 1280, height: 800 });

    await articleTab.getByRole("link", { name: "All articles" }).click();
    await articleTab.getByRole("heading", { level: 1, name: "Knowledge Base" }).waitFor();
    await articleTab.getByRole("link", { name: "Reset your password" }).waitFor();
    expect(await articleTab.getByRole("button", { name: "New article" }).count(), "customers write no articles").toBe(0);
    expect(await articleTab.getByLabel("State").count(), "customers see published articles only").toBe(0);
    await articleTab.getByLabel("Search articles").fill("printer");
    await articleTab.getByRole("status").getByText(/for “printer”/).waitFor();
    expect(await articleTab.locator(".kb-list__item mark").count(), "the list's passages are highlighted").toBeGreaterThan(0);
    expect(await axeAndPictures(articleTab, "list-customer-search"), "/kb searched by carol").toEqual([]);
    await articleTab.close();
  });

  it("an_agent_writes_a_draft_with_a_preview_a_customer_cannot_open_it_a_manager_publishes_it", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice, carol, dana } = people;
    const editor = await alice.context.newPage();
    await editor.setViewportSize({ width: 1280, height: 800 });
    await editor.goto("/kb");
    await editor.getByRole("heading", { level: 1, name: "Knowledge Base" }).waitFor();
    expect(await editor.title()).toBe("Knowledge Base · Switchboard");
    await editor.getByRole("button", { name: "New article" }).click();
    await editor.getByRole("heading", { level: 1, name: "New article" }).waitFor();
    expect(new URL(editor.url()).pathname).toBe("/kb/new");
    await editor.getByLabel("Title").fill(DRAFT_TITLE);
    await editor.getByLabel("Category").fill("Accounts");
    await editor.getByLabel("Body").fill(
      "## When it happens\n\nAfter **five** wrong passwords your account is locked for 15 minutes.\n\n## What to do\n\n1. Wait 15 minutes.\n2. Sign in with the right password.\n3. Still locked? Start a chat with the IT Service Desk.\n",
    );
    await editor.getByRole("button", { name: "Preview" }).click();
    const preview = editor.getByRole("region", { name: "Preview of the body" });
    await preview.getByRole("heading", { name: "What to do" }).waitFor();
    expect(await preview.locator("strong").textContent(), "Markdown rendered by the server").toBe("five");
    expect(await preview.getByRole("listitem").count()).toBe(3);
    expect(await axeAndPictures(editor, "editor-preview"), "the editor with its preview").toEqual([]);

    await editor.getByRole("button", { name: "Save draft" }).click();
    await editor.getByRole("heading", { level: 1, name: DRAFT_TITLE }).waitFor();
    draft = new URL(editor.url()).pathname.replace("/kb/", "");
    expect(draft).toMatch(/^KB\d{7}$/);
    await editor.getByRole("status").getByText(`Saved as a draft: ${draft}.`, { exact: false }).waitFor();
    await editor.getByText(/^✎ Draft$/).waitFor();
    expect(await editor.getByRole("button", { name: "Publish" }).count(), "an agent does not publish").toBe(0);
    expect(await axeAndPictures(editor, "article-draft-agent"), "the draft as alice sees it").toEqual([]);

    const notFound = await carol.context.newPage();
    await notFound.goto(`/kb/${draft}`);
    await notFound.getByRole("heading", { level: 1, name: "Article not found" }).waitFor();
    expect(await notFound.getByText(DRAFT_TITLE).count(), "nothing of the draft shows").toBe(0);
    expect(await notFound.title()).toBe("Article not found · Switchboard");
    expect(await axeAndPictures(notFound, "article-not-found"), "a draft's address as carol opens it").toEqual([]);

    await dana.page.goto("/kb");
    await dana.page.getByLabel("State").selectOption("draft");
    const item = dana.page.getByRole("listitem").filter({ has: dana.page.getByRole("link", { name: DRAFT_TITLE }) });
    await item.getByText("Draft").waitFor();
    expect(await axeAndPictures(dana.page, "list-manager-drafts"), "/kb as dana sees the drafts").toEqual([]);
    await item.getByRole("link", { name: DRAFT_TITLE }).click();
    await dana.page.getByRole("heading", { level: 1, name: DRAFT_TITLE }).waitFor();
    await dana.page.getByRole("button", { name: "Publish" }).click();
    await dana.page.getByRole("status").getByText("Published: customers can read it now.").waitFor();
    await dana.page.getByRole("button", { name: "Retire" }).waitFor();
    expect(await axeAndPictures(dana.page, "article-published-manager"), "the article dana published").toEqual([]);

    await notFound.reload();
    await notFound.getByRole("heading", { level: 1, name: DRAFT_TITLE }).waitFor();
    await notFound.getByRole("heading", { name: "What to do" }).waitFor();
    await notFound.close();
    await editor.close();
  });

  it("a_save_over_a_colleagues_change_is_refused_with_reload", async (test) => {
    keepScreenshotsOnFailure(test);
    const { dana } = people;
    const page = dana.page;
    await page.goto(`/kb/${draft}/edit`);
    await page.getByRole("heading", { level: 1, name: `Edit ${draft}` }).waitFor();
    const now = (await (await dana.context.request.get(`/api/kb/articles/${draft}`)).json()) as { version: number; id: string };
    const changed = await dana.context.request.patch(`/api/kb/articles/${now.id}`, { data: { version: now.version, category: "Sign-in" } });
    expect(changed.status(), `a change meanwhile: ${await changed.text()}`).toBe(200);

    await page.getByLabel("Title").fill(`${DRAFT_TITLE} (updated)`);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Not saved" });
    await alert.getByRole("button", { name: "Reload" }).waitFor();
    expect(await page.getByLabel("Title").inputValue(), "the change stays until Reload").toBe(`${DRAFT_TITLE} (updated)`);
    expect(await axeAndPictures(page, "editor-changed"), "the editor after a refused save").toEqual([]);
    await alert.getByRole("button", { name: "Reload" }).click();
    await page.getByRole("status").getByText("Reloaded: this is the article as it is now.").waitFor();
    expect(await page.getByLabel("Category").inputValue(), "the colleague's change").toBe("Sign-in");

    await page.getByLabel("Title").fill("");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    expect(await page.getByLabel("Title").getAttribute("aria-invalid"), "an empty title is marked beside it").toBe("true");
  });

  it("a_search_on_the_list_is_in_the_address_and_back_from_an_article_returns_to_it", async (test) => {
    keepScreenshotsOnFailure(test);
    const page = await people.alice.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto("/kb");
    await page.getByRole("heading", { level: 1, name: "Knowledge Base" }).waitFor();
    const entries = await page.evaluate(() => history.length);
    await page.getByLabel("State").selectOption("all");
    await page.getByLabel("Search articles").pressSequentially("password", { delay: 20 });
    await page.getByRole("status").getByText(/for “password”/).waitFor();
    expect(await page.getByLabel("Search articles").inputValue(), "no keystroke lost to the address changing").toBe("password");
    expect(new URL(page.url()).search, "the search is in the address").toBe("?q=password&state=all");
    expect(await page.evaluate(() => history.length), "the address was replaced: no history entry per keystroke").toBe(entries);

    await page.getByRole("link", { name: "Reset your password", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Reset your password" }).waitFor();
    await page.goBack();
    await page.getByRole("heading", { level: 1, name: "Knowledge Base" }).waitFor();
    expect(await page.getByLabel("Search articles").inputValue(), "Back: the search box holds the text").toBe("password");
    expect(await page.getByLabel("State").inputValue(), "and the state chosen").toBe("all");
    await page.getByRole("status").getByText(/for “password”/).waitFor();
    await page.getByRole("link", { name: "Reset your password", exact: true }).waitFor();

    await page.reload();
    expect(await page.getByLabel("Search articles").inputValue(), "a reload keeps the search").toBe("password");
    await page.getByRole("link", { name: "Reset your password", exact: true }).waitFor();
    await page.close();
  });
});
