/**
 * The agent app's windows: several mini windows at once, minimise / restore / close, the
 * collapsible Connect sidebar with its unread badges, and the message field's keys. Each test
 * starts its own customers' sessions (through the API) and ends them when it finishes.
 */
import { randomUUID } from "node:crypto";
import { request, type APIRequestContext, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { isFocused, launchBrowser, newVisitor, screenshot, signInByApi, takePolicyViolations, type Visitor } from "./browser";
import { customerApi, deskQueueId, setQueueTimers } from "./desk";

const baseUrl = inject("baseUrl");
let browser: Browser;
let alice: Visitor;
const customers: Record<"carol" | "ivan", APIRequestContext> = {} as Record<"carol" | "ivan", APIRequestContext>;
let queueId = "";

const CAROL = "Carol Customer";
const IVAN = "Ivan Customer";

interface Entry {
  kind: string;
  body: string;
}

beforeAll(async () => {
  browser = await launchBrowser();
  alice = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 800 } });
  await signInByApi(alice.context, "alice");
  for (const name of ["carol", "ivan"] as const) customers[name] = await customerApi(baseUrl, name);
  queueId = await deskQueueId(customers.carol);
  // Another file may have changed the queue's inactivity timers.
  await setQueueTimers(baseUrl, queueId, 120, 60);
});

afterAll(async () => {
  for (const api of Object.values(customers)) await api.dispose();
  await browser?.close();
});

afterEach(() => {
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

/** A failing test leaves a screenshot of the agent's page in e2e/artifacts/. */
function keepScreenshotOnFailure(test: TestContext): void {
  test.onTestFinished(async () => {
    if (test.task.result?.state !== "fail" || alice.page.isClosed()) return;
    const path = await screenshot(alice.page, `failed-${test.task.name}-alice`);
    console.error(`screenshot of the failed test: ${path}`);
  });
}

/** The customer starts a chat through the API; the test ends it when it finishes. */
async function startChat(test: TestContext, who: "carol" | "ivan", message: string): Promise<string> {
  const api = customers[who];
  const response = await api.post(`/api/queues/${queueId}/sessions`, { data: { client_id: randomUUID(), message } });
  expect(response.status(), `${who} starts a chat`).toBe(201);
  const id = ((await response.json()) as { id: string }).id;
  test.onTestFinished(async () => {
    await api.post(`/api/conversations/${id}/end`);
  });
  return id;
}

async function customerWrites(who: "carol" | "ivan", conversation: string, body: string): Promise<void> {
  const response = await customers[who].post(`/api/conversations/${conversation}/entries`, { data: { client_id: randomUUID(), kind: "comment", body } });
  expect(response.ok(), `${who} writes: ${response.status()}`).toBe(true);
}

/** What the customer sees of the conversation. */
async function customerSees(who: "carol" | "ivan", conversation: string): Promise<Entry[]> {
  const response = await customers[who].get(`/api/conversations/${conversation}/entries`);
  return ((await response.json()) as { entries: Entry[] }).entries;
}

const sidebar = (page: Page): Locator => page.getByRole("complementary", { name: "Connect sidebar" });
const notification = (page: Page, customer: string): Locator => sidebar(page).getByRole("article", { name: customer });
const miniWindow = (page: Page, customer: string): Locator => page.getByRole("region", { name: customer, exact: true });
const commentField = (scope: Locator): Locator => scope.getByRole("textbox", { name: "Message (comment)" });
const mySessions = (page: Page): Locator => sidebar(page).getByRole("region", { name: /^Support sessions/ });

/** A fresh agent app (no mini windows left from another test), the sidebar expanded. */
async function openAgentApp(): Promise<Page> {
  const page = alice.page;
  await page.goto("/agent");
  // Mini windows survive a reload in the same tab: start without those of an earlier test.
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  const expand = sidebar(page).getByRole("button", { name: "Expand sidebar" });
  if (await expand.isVisible()) await expand.click();
  await sidebar(page).getByRole("button", { name: "Collapse sidebar" }).waitFor();
  return page;
}

async function accept(page: Page, customer: string, firstMessage: string): Promise<Locator> {
  const offer = notification(page, customer).filter({ hasText: firstMessage });
  await offer.getByRole("button", { name: `Accept ${customer}`, exact: true }).click();
  const window = miniWindow(page, customer);
  await commentField(window).waitFor();
  await window.getByRole("log").getByText(firstMessage).waitFor();
  return window;
}

describe("the agent's windows", () => {
  it("several_mini_windows_dock_newest_on_the_right_each_with_its_own_field", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    const carolsChat = await startChat(test, "carol", "My printer prints blank pages.");
    const ivansChat = await startChat(test, "ivan", "I cannot reach the file share.");
    const carolsWindow = await accept(page, CAROL, "My printer prints blank pages.");
    const ivansWindow = await accept(page, IVAN, "I cannot reach the file share.");

    expect(await page.getByRole("region").filter({ has: page.getByRole("textbox", { name: /^Message/ }) }).count(), "two mini windows").toBe(2);
    const carolsBox = await carolsWindow.boundingBox();
    const ivansBox = await ivansWindow.boundingBox();
    if (carolsBox === null || ivansBox === null) throw new Error("a mini window is not on screen");
    expect(ivansBox.x, "the newest mini window docks to the right of the older one").toBeGreaterThanOrEqual(carolsBox.x + carolsBox.width);

    await commentField(carolsWindow).fill("Which printer is it?");
    await commentField(carolsWindow).press("Enter");
    await commentField(ivansWindow).fill("Which share do you mean?");
    await commentField(ivansWindow).press("Enter");
    await carolsWindow.getByRole("log").getByText("Which printer is it?").waitFor();
    await ivansWindow.getByRole("log").getByText("Which share do you mean?").waitFor();
    expect(await carolsWindow.getByText("Which share do you mean?").count(), "ivan's comment stays out of carol's window").toBe(0);

    await expect.poll(async () => (await customerSees("carol", carolsChat)).map((e) => e.body), { message: "carol gets her comment" }).toContain("Which printer is it?");
    await expect.poll(async () => (await customerSees("ivan", ivansChat)).map((e) => e.body), { message: "ivan gets his comment" }).toContain("Which share do you mean?");
    expect((await customerSees("carol", carolsChat)).map((e) => e.body), "carol never gets ivan's comment").not.toContain("Which share do you mean?");
    expect((await customerSees("ivan", ivansChat)).map((e) => e.body), "ivan never gets carol's comment").not.toContain("Which printer is it?");
  });

  it("minimise_keeps_the_header_and_the_draft_and_close_keeps_the_session_in_the_sidebar", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    await startChat(test, "carol", "Teams has no sound.");
    const window = await accept(page, CAROL, "Teams has no sound.");
    const field = commentField(window);
    await field.fill("Half-typed answer");

    await window.getByRole("button", { name: `Minimise ${CAROL}` }).click();
    await field.waitFor({ state: "hidden" });
    await window.getByRole("heading", { name: CAROL }).waitFor();
    expect(await window.getByRole("log").count(), "a minimised mini window shows only its header").toBe(0);

    await window.getByRole("button", { name: `Restore ${CAROL}` }).click();
    await field.waitFor();
    expect(await field.inputValue(), "the draft survives minimise and restore").toBe("Half-typed answer");

    await window.getByRole("button", { name: `Close ${CAROL}` }).click();
    await window.waitFor({ state: "detached" });
    const item = mySessions(page).getByRole("button", { name: new RegExp(`^${CAROL}`) });
    await item.waitFor();
    await item.click();
    await commentField(miniWindow(page, CAROL)).waitFor();
    await miniWindow(page, CAROL).getByRole("log").getByText("Teams has no sound.").waitFor();
  });

  it("the_collapsed_sidebar_rail_shows_unread_badges_and_expands_again", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    const chat = await startChat(test, "carol", "My laptop will not charge.");
    const window = await accept(page, CAROL, "My laptop will not charge.");
    // An open mini window reads what arrives; a closed one leaves it unread.
    await window.getByRole("button", { name: `Close ${CAROL}` }).click();
    await window.waitFor({ state: "detached" });

    await sidebar(page).getByRole("button", { name: "Collapse sidebar" }).click();
    const expand = sidebar(page).getByRole("button", { name: "Expand sidebar" });
    expect(await expand.getAttribute("aria-expanded"), "the toggle says the sidebar is collapsed").toBe("false");
    await expect.poll(() => isFocused(expand), { message: "the rail's toggle takes the focus of the one pressed" }).toBe(true);
    await mySessions(page).waitFor({ state: "detached" });
    await sidebar(page).getByRole("button", { name: `${CAROL}, Active`, exact: true }).waitFor();

    await customerWrites("carol", chat, "It is plugged in, the light is off.");
    await sidebar(page).getByRole("button", { name: `${CAROL}, Active, 1 unread`, exact: true }).waitFor();
    await customerWrites("carol", chat, "Tried another socket too.");
    await sidebar(page).getByRole("button", { name: `${CAROL}, Active, 2 unread`, exact: true }).waitFor();

    await expand.click();
    expect(await sidebar(page).getByRole("button", { name: "Collapse sidebar" }).getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => isFocused(sidebar(page).getByRole("button", { name: "Collapse sidebar" })), { message: "and back" }).toBe(true);
    const item = mySessions(page).getByRole("button", { name: new RegExp(`^${CAROL}`) });
    await item.getByText("2 unread").waitFor();
    await item.click();
    await miniWindow(page, CAROL).getByRole("log").getByText("Tried another socket too.").waitFor();
    await item.getByText("unread").waitFor({ state: "detached" });
  });

  it("enter_sends_shift_enter_adds_a_line_and_alt_n_switches_to_work_note", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    const chat = await startChat(test, "carol", "Excel crashes on start.");
    const window = await accept(page, CAROL, "Excel crashes on start.");
    const field = commentField(window);
    await field.pressSequentially("Please try:");
    await field.press("Shift+Enter");
    await field.pressSequentially("safe mode");
    expect(await field.inputValue(), "Shift+Enter adds a line, it does not send").toBe("Please try:\nsafe mode");
    await field.press("Enter");
    await window.getByRole("log").getByText(/Please try:\s+safe mode/).waitFor();
    expect(await field.inputValue(), "Enter sent and emptied the field").toBe("");
    await expect
      .poll(async () => (await customerSees("carol", chat)).map((e) => e.body), { message: "carol gets one comment with a line break" })
      .toContain("Please try:\nsafe mode");

    const toggle = window.getByRole("group", { name: "Message type" });
    expect(await toggle.getByRole("button", { name: "Comment" }).getAttribute("aria-pressed")).toBe("true");
    await field.press("Alt+n");
    await toggle.getByRole("button", { name: "Work Note", pressed: true }).waitFor();
    expect(await toggle.getByRole("button", { name: "Comment" }).getAttribute("aria-pressed")).toBe("false");
    await window.getByRole("textbox", { name: "Message (work note)" }).waitFor();
  });

  it("escape_on_a_dialog_and_send_by_the_button_never_drop_the_focus", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    await startChat(test, "carol", "The scanner saves nothing.");
    const window = await accept(page, CAROL, "The scanner saves nothing.");
    const field = commentField(window);
    await field.fill("Sent by the button");
    await window.getByRole("button", { name: "Send" }).click();
    await window.getByRole("log").getByText("Sent by the button").waitFor();
    await expect.poll(() => isFocused(field), { message: "after Send by the button the field keeps the focus" }).toBe(true);

    const cases: [button: Locator, dialog: string][] = [
      [window.getByRole("button", { name: "End", exact: true }), `End the chat with ${CAROL}?`],
      [window.getByRole("button", { name: "Transfer", exact: true }), `Transfer ${CAROL}`],
      [sidebar(page).getByRole("button", { name: "Keyboard shortcuts" }), "Keyboard shortcuts"],
    ];
    for (const [button, name] of cases) {
      await button.click();
      const dialog = page.getByRole("dialog", { name });
      await dialog.waitFor();
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      await expect.poll(() => isFocused(button), { message: `Escape on "${name}" puts the focus back on its button` }).toBe(true);
    }
  });

  it("on_a_phone_the_workspace_shows_the_log_and_the_mini_window_fits_beside_more", async (test) => {
    keepScreenshotOnFailure(test);
    const phone = await newVisitor(browser, baseUrl, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await signInByApi(phone.context, "alice");
      const chats = [await startChat(test, "carol", "Phone: my VPN drops."), await startChat(test, "ivan", "Phone: no sound in Teams.")];
      for (const id of chats) expect((await phone.context.request.post(`/api/conversations/${id}/accept`)).ok(), "alice accepts").toBe(true);
      const page = phone.page;

      await page.goto(`/agent/workspace/${chats[0]}`);
      const log = page.getByRole("main", { name: "Conversation pane" }).getByRole("log");
      await log.getByText("Phone: my VPN drops.").waitFor();
      const logBox = await log.boundingBox();
      expect(logBox?.height ?? 0, "the log has room to show messages").toBeGreaterThan(200);
      await screenshot(page, "phone-workspace");

      await page.goto("/agent");
      await page.evaluate(() => sessionStorage.clear());
      await page.reload();
      const table = page.getByRole("main", { name: "Content pane" });
      await table.getByRole("button", { name: CAROL }).click();
      await table.getByRole("button", { name: IVAN }).click();
      await page.getByRole("button", { name: /^1 more chat/ }).waitFor();
      const close = page.getByRole("button", { name: `Close ${IVAN}` });
      const box = await close.boundingBox();
      expect(box, "the shown window's Close button is on screen").not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0), "the shown window's Close button is inside the 390 px").toBeLessThanOrEqual(390);
      await screenshot(page, "phone-more-windows");
    } finally {
      await phone.context.close();
    }
  });

  it("a_long_name_without_spaces_wraps_and_pushes_nothing_sideways", async (test) => {
    keepScreenshotOnFailure(test);
    const longName = `Maximiliana${"x".repeat(48)}Longname`;
    const admin = await request.newContext({ baseURL: baseUrl });
    try {
      expect((await admin.post("/api/session", { data: { username: "admin", password: "admin" } })).ok(), "admin signs in").toBe(true);
      const created = await admin.post("/api/admin/users", { data: { username: "maxi", display_name: longName, password: "maxi-password", roles: ["customer"] } });
      expect([201, 409], `maxi is created: ${created.status()}`).toContain(created.status());
    } finally {
      await admin.dispose();
    }
    const maxi = await customerApi(baseUrl, "maxi", "maxi-password");
    let id = "";
    try {
      const started = await maxi.post(`/api/queues/${queueId}/sessions`, { data: { client_id: randomUUID(), message: "My name breaks layouts." } });
      expect(started.ok(), `maxi starts a chat: ${started.status()}`).toBe(true);
      id = ((await started.json()) as { id: string }).id;
      const page = await openAgentApp();
      await accept(page, longName, "My name breaks layouts.");
      // Nothing sticks out of its box, and the page does not scroll sideways.
      const sticksOut = () =>
        page.evaluate(() => {
          const boxes = [...document.querySelectorAll<HTMLElement>("main, aside, nav, section, td, h1, h2, h3")];
          // A box that cuts its text off with an ellipsis on purpose (a preview) does not count.
          const clipped = (box: HTMLElement) => getComputedStyle(box).textOverflow === "ellipsis";
          const out = boxes.filter((box) => box.scrollWidth > box.clientWidth + 1 && !clipped(box)).map((box) => `${box.tagName.toLowerCase()}.${box.className}`);
          if (document.documentElement.scrollWidth > window.innerWidth) out.push("the page");
          return out;
        });
      expect(await sticksOut(), "nothing in the agent app sticks out sideways").toEqual([]);
      await page.goto(`/agent/workspace/${id}`);
      await page.getByRole("main", { name: "Conversation pane" }).getByRole("log").getByText("My name breaks layouts.").waitFor();
      expect(await sticksOut(), "nothing in the workspace sticks out sideways").toEqual([]);
      await screenshot(page, "long-name-workspace");
    } finally {
      if (id !== "") await maxi.post(`/api/conversations/${id}/end`);
      await maxi.dispose();
    }
  });

  it("a_closed_sessions_window_leaves_the_dock_a_while_after_its_closing_was_seen", async (test) => {
    keepScreenshotOnFailure(test);
    const agent = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 800 } });
    try {
      await signInByApi(agent.context, "alice");
      const { page } = agent;
      // The page's timers run on a clock the test moves on.
      await page.clock.install();
      await page.goto("/agent");
      const chat = await startChat(test, "carol", "The dock test: my mouse is dead.");
      const window = await accept(page, CAROL, "The dock test: my mouse is dead.");
      await customers.carol.post(`/api/conversations/${chat}/end`);
      await window.getByText("This session is closed.").waitFor();
      // Seen: the agent looks at the log (focus, at the bottom), so nothing stays unread.
      await window.getByRole("log").click({ position: { x: 5, y: 5 } }); // a corner: the middle may hold a control (Withdraw message)
      await window.getByText("unread").waitFor({ state: "detached" });
      await page.clock.fastForward(9_000);
      expect(await window.count(), "still there a moment after").toBe(1);
      await page.clock.fastForward(2_000);
      await window.waitFor({ state: "detached" });
      expect(await page.evaluate(() => document.activeElement !== document.body), "the focus went somewhere sensible").toBe(true);
    } finally {
      await agent.context.close();
    }
  });
});
