/**
 * The app shell: one document for sign-in, the agent app, the workspace and the support page.
 * Changing pages inside it keeps the document (a marker set on `window` survives) and the agent
 * app's one socket; Back and Forward work; the customer never downloads the agent app; an
 * unknown address says so and leads home.
 */
import { randomUUID } from "node:crypto";
import { type APIRequestContext, type Browser, type Page, type Request, type WebSocket } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { isFocused, launchBrowser, newVisitor, screenshot, signInAs, signInByApi, takePolicyViolations, type Visitor } from "./browser";
import { customerApi, deskQueueId } from "./desk";

const baseUrl = inject("baseUrl");
let browser: Browser;
const customers: Record<"carol" | "ivan", APIRequestContext> = {} as Record<"carol" | "ivan", APIRequestContext>;
let queueId = "";

beforeAll(async () => {
  browser = await launchBrowser();
  for (const name of ["carol", "ivan"] as const) customers[name] = await customerApi(baseUrl, name);
  queueId = await deskQueueId(customers.carol);
});

afterAll(async () => {
  for (const api of Object.values(customers)) await api?.dispose();
  await browser?.close();
});

afterEach(() => {
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

/** A fresh visitor for this test; a failing test leaves a screenshot in e2e/artifacts/. */
async function visitor(test: TestContext): Promise<Visitor> {
  const visitor = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 800 } });
  test.onTestFinished(async () => {
    if (test.task.result?.state === "fail" && !visitor.page.isClosed()) {
      const path = await screenshot(visitor.page, `failed-${test.task.name}`);
      console.error(`screenshot of the failed test: ${path}`);
    }
    await visitor.context.close();
  });
  return visitor;
}

type Marked = Window & { shellMarker?: string };

/** Marks the current document; a page load (not a route change) loses the mark. */
async function markDocument(page: Page): Promise<string> {
  const mark = randomUUID();
  await page.evaluate((value) => {
    (window as Marked).shellMarker = value;
  }, mark);
  return mark;
}

async function documentMark(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (window as Marked).shellMarker);
}

function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** The text of the focused element, when it is a heading of level 1 (else null). */
async function focusedHeading(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const active = document.activeElement;
    return active instanceof HTMLHeadingElement && active.tagName === "H1" ? (active.textContent ?? "").trim() : null;
  });
}

/** The customer starts a chat through the API and `agent` accepts it; ended when the test finishes. */
async function acceptedChat(test: TestContext, who: "carol" | "ivan", agent: APIRequestContext, message: string): Promise<string> {
  const api = customers[who];
  const started = await api.post(`/api/queues/${queueId}/sessions`, { data: { client_id: randomUUID(), message } });
  expect(started.status(), `${who} starts a chat`).toBe(201);
  const id = ((await started.json()) as { id: string }).id;
  test.onTestFinished(async () => {
    await api.post(`/api/conversations/${id}/end`);
  });
  const accepted = await agent.post(`/api/conversations/${id}/accept`);
  expect(accepted.status(), `the agent accepts ${who}'s chat`).toBe(200);
  return id;
}

describe("one app shell", () => {
  // Focus goes to the new page's main heading, unless the page puts it on its first field
  // itself (the support page's "What can we help you with?"): never left behind on <body>.
  it.for([
    { user: "alice", home: "/agent", heading: "My sessions", focus: null, title: /Agent · Switchboard$/ },
    { user: "carol", home: "/support", heading: "IT Service Desk", focus: "What can we help you with?", title: /^Support · Switchboard$/ },
  ] as const)("signing_in_opens_the_app_without_a_reload ($user → $home)", async ({ user, home, heading, focus, title }, test) => {
    const { page } = await visitor(test);
    await page.goto("/");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    const mark = await markDocument(page);
    const entries = await page.evaluate(() => history.length);
    await signInAs(page, user);
    await page.waitForURL(`${baseUrl}${home}`);
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
    expect(await documentMark(page), "the sign-in page changed to the app in the same document").toBe(mark);
    if (focus === null) {
      await expect.poll(() => focusedHeading(page), { message: "focus moved to the new page's main heading" }).toBe(heading);
    } else {
      await expect.poll(() => isFocused(page.getByLabel(focus)), { message: `focus moved to "${focus}"` }).toBe(true);
    }
    expect(await page.title(), "the title names the new page").toMatch(title);
    // Back does not return to the used sign-in form: the app took its place in the history.
    expect(await page.evaluate(() => history.length), "the app replaced the sign-in page's history entry").toBe(entries);
  });

  it("switching_conversations_in_the_workspace_keeps_the_page_and_its_one_socket", async (test) => {
    const { page, context } = await visitor(test);
    await signInByApi(context, "bob");
    const carolId = await acceptedChat(test, "carol", context.request, "Printer on floor 3 jams");
    const ivanId = await acceptedChat(test, "ivan", context.request, "Outlook asks for my password again");

    const sockets: WebSocket[] = [];
    const hellos: string[] = [];
    page.on("websocket", (socket) => {
      sockets.push(socket);
      socket.on("framesent", ({ payload }) => {
        if (typeof payload === "string" && payload.includes('"type":"hello"')) hellos.push(payload);
      });
    });

    const pane = page.getByRole("main", { name: "Conversation pane" });
    const list = page.getByRole("navigation", { name: "Conversations" });
    await page.goto(`/agent/workspace/${carolId}`);
    await pane.getByRole("heading", { name: "Carol Customer", level: 1 }).waitFor();
    await pane.getByRole("log").getByText("Printer on floor 3 jams").waitFor();
    const mark = await markDocument(page);
    expect(sockets.length, "the workspace opened one socket").toBe(1);
    expect(hellos.length, "and said hello once").toBe(1);

    // The list also holds bob's closed chats of other tests: Ivan's active one is this test's.
    const ivanLink = list.getByRole("link", { name: /Ivan Customer/ }).filter({ hasText: "Active" });
    await ivanLink.click();
    await page.waitForURL(`${baseUrl}/agent/workspace/${ivanId}`);
    await pane.getByRole("heading", { name: "Ivan Customer", level: 1 }).waitFor();
    await pane.getByRole("log").getByText("Outlook asks for my password again").waitFor();
    expect(await pane.getByRole("log").getByText("Printer on floor 3 jams").count(), "only Ivan's conversation shows").toBe(0);
    expect(await ivanLink.getAttribute("aria-current"), "the list marks Ivan's as current").toBe("page");
    expect(await documentMark(page), "switching conversations kept the document").toBe(mark);
    await expect.poll(() => focusedHeading(page), { message: "focus moved to the conversation's heading" }).toBe("Ivan Customer");

    await page.goBack();
    await page.waitForURL(`${baseUrl}/agent/workspace/${carolId}`);
    await pane.getByRole("heading", { name: "Carol Customer", level: 1 }).waitFor();
    await pane.getByRole("log").getByText("Printer on floor 3 jams").waitFor();
    expect(await documentMark(page), "Back stayed in the document").toBe(mark);

    await page.goForward();
    await page.waitForURL(`${baseUrl}/agent/workspace/${ivanId}`);
    await pane.getByRole("heading", { name: "Ivan Customer", level: 1 }).waitFor();
    expect(await documentMark(page), "Forward stayed in the document").toBe(mark);

    // The top bar's home link: the agent app's home view, same document.
    await page.getByRole("banner").getByRole("link", { name: "Switchboard" }).click();
    await page.waitForURL(`${baseUrl}/agent`);
    await page.getByRole("main", { name: "Content pane" }).getByRole("heading", { name: "My sessions" }).waitFor();
    expect(await documentMark(page), "the home link kept the document").toBe(mark);
    expect(await page.title(), "the home view's title").toMatch(/Agent · Switchboard$/);

    expect(sockets.length, "no route change opened a second socket").toBe(1);
    expect(sockets[0]?.isClosed(), "the first socket is still open").toBe(false);
    expect(hellos.length, "no route change said hello again (no history replayed)").toBe(1);
  });

  it("the_customer_page_downloads_no_agent_code_and_the_agent_app_no_customer_code", async (test) => {
    const { page, context } = await visitor(test);
    const scripts: string[] = [];
    page.on("request", (r: Request) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith("/assets/")) scripts.push(path);
    });
    await signInByApi(context, "carol");
    await page.goto("/support");
    await page.getByRole("heading", { name: "Start a chat with the service desk" }).waitFor();
    expect(scripts.filter((p) => p.startsWith("/assets/support-")).length, `the support page's own chunk loaded: ${scripts.join(", ")}`).toBeGreaterThan(0);
    expect(scripts.filter((p) => p.startsWith("/assets/agent-")), "the customer's page loads nothing of the agent app").toEqual([]);

    const agent = await visitor(test);
    const agentScripts: string[] = [];
    agent.page.on("request", (r: Request) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith("/assets/")) agentScripts.push(path);
    });
    await signInByApi(agent.context, "alice");
    await agent.page.goto("/agent");
    await agent.page.getByRole("complementary", { name: "Connect sidebar" }).waitFor();
    expect(agentScripts.filter((p) => p.startsWith("/assets/agent-")).length, `the agent app's chunk loaded: ${agentScripts.join(", ")}`).toBeGreaterThan(0);
    expect(agentScripts.filter((p) => p.startsWith("/assets/support-") || p.startsWith("/assets/signin-")), "the agent app loads no other page").toEqual([]);
  });

  it("an_unknown_address_says_page_not_found_and_leads_home", async (test) => {
    const { page, context } = await visitor(test);
    const response = await page.goto("/no-such-page");
    expect(response?.status(), "the server answers an unknown address with 404").toBe(404);
    await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
    expect(await page.title()).toBe("Page not found · Switchboard");
    await page.getByRole("link", { name: "Go to the start page" }).click();
    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();

    // Inside the agent app's addresses too (the server serves the shell there).
    await signInByApi(context, "alice");
    await page.goto("/agent/no-such-view");
    await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
    expect(pathOf(page), "the address stays as typed").toBe("/agent/no-such-view");
  });
});
