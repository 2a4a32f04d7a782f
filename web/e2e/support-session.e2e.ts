/**
 * A support session end to end, with the customer and the agents side by side in their own
 * browser contexts: the steps run in order and share the people below.
 */
import { request, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { seriousViolations } from "./axe";
import { isFocused, launchBrowser, newVisitor, screenshot, signInByApi, takePolicyViolations, type Visitor } from "./browser";

const baseUrl = inject("baseUrl");
let browser: Browser;
const people: Record<"carol" | "alice" | "bob" | "ivan", Visitor> = {} as Record<"carol" | "alice" | "bob" | "ivan", Visitor>;
let workspace: Page | null = null;
let queueId = "";

const FIRST_MESSAGE = "My VPN drops every few minutes since this morning.";

beforeAll(async () => {
  browser = await launchBrowser();
  for (const name of ["carol", "alice", "bob", "ivan"] as const) {
    const visitor = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 800 } });
    await signInByApi(visitor.context, name);
    people[name] = visitor;
  }
  const queues = (await (await people.carol.context.request.get("/api/queues")).json()) as { id: string; name: string }[];
  queueId = queues.find((q) => q.name === "IT Service Desk")?.id ?? queues[0]?.id ?? "";
});

afterAll(async () => {
  await browser?.close();
});

afterEach(() => {
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

/** A failing step leaves a screenshot of every page in e2e/artifacts/. */
function keepScreenshotsOnFailure(test: TestContext): void {
  test.onTestFinished(async () => {
    if (test.task.result?.state !== "fail") return;
    const pages = Object.entries(people).map(([name, v]) => [name, v.page] as const);
    if (workspace !== null) pages.push(["workspace", workspace]);
    for (const [name, page] of pages) {
      if (page.isClosed()) continue;
      const path = await screenshot(page, `failed-${test.task.name}-${name}`);
      console.error(`screenshot of the failed step: ${path}`);
    }
  });
}

const sidebar = (page: Page): Locator => page.getByRole("complementary", { name: "Connect sidebar" });
const notification = (page: Page, customer: string): Locator => sidebar(page).getByRole("article", { name: customer });
const miniWindow = (page: Page, customer: string): Locator => page.getByRole("region", { name: customer });
const log = (scope: Page | Locator): Locator => scope.getByRole("log").first();

/** Serious axe violations in the light and the dark theme. */
async function axeBothThemes(page: Page): Promise<string[]> {
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = (await seriousViolations(page)).map((v) => `dark: ${v}`);
  await page.emulateMedia({ colorScheme: "light" });
  return [...light, ...dark];
}

async function send(field: Locator, text: string): Promise<void> {
  await field.fill(text);
  await field.press("Enter");
}

describe("a support session", () => {
  it("customer_starts_a_chat_and_every_agent_of_the_group_is_notified", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice, bob, carol } = people;
    await alice.page.goto("/agent");
    await bob.page.goto("/agent");
    await sidebar(alice.page).getByText("No one is waiting.").waitFor();
    await sidebar(bob.page).getByText("No one is waiting.").waitFor();

    await carol.page.goto("/support");
    await carol.page.getByLabel("What can we help you with?").fill(FIRST_MESSAGE);
    await carol.page.getByRole("button", { name: "Start chat" }).click();
    await carol.page.getByRole("status").getByText("You are next in the queue").waitFor();
    await log(carol.page).getByText(FIRST_MESSAGE).waitFor();

    for (const agent of [alice, bob]) {
      const offer = notification(agent.page, "Carol Customer");
      await offer.getByText(FIRST_MESSAGE).waitFor();
      await offer.getByText(/waiting \d+:\d\d/).waitFor();
      await offer.getByRole("button", { name: "Accept" }).waitFor();
      // The visible text stays "Accept"; the accessible name says whom.
      await offer.getByRole("button", { name: "Accept Carol Customer", exact: true }).waitFor();
    }
    expect(await alice.page.title(), "the tab title counts the waiting session").toMatch(/^\(1\) /);
  });

  it("accept_opens_a_mini_window_and_the_colleague_sees_it_taken", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice, bob, carol } = people;
    await notification(alice.page, "Carol Customer").getByRole("button", { name: "Accept" }).click();

    const window = miniWindow(alice.page, "Carol Customer");
    const field = window.getByRole("textbox", { name: "Message (comment)" });
    await field.waitFor();
    await expect.poll(() => isFocused(field), { message: "the mini window's message field has the focus after Accept", timeout: 5000 }).toBe(true);
    await log(window).getByText(FIRST_MESSAGE).waitFor();

    await notification(bob.page, "Carol Customer").waitFor({ state: "detached" });
    await sidebar(bob.page).getByText("taken by Alice Agent").waitFor();
    await carol.page.getByText("You are chatting with Alice Agent.").waitFor();
    await log(carol.page).getByText("Alice Agent joined the chat.").waitFor();

    expect(await axeBothThemes(alice.page), "agent app with an open mini window").toEqual([]);
  });

  it("comments_go_both_ways_with_typing_shown", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice, carol } = people;
    const window = miniWindow(alice.page, "Carol Customer");
    const agentField = window.getByRole("textbox", { name: "Message (comment)" });
    await agentField.pressSequentially("Sorry to hear");
    await carol.page.getByRole("status").getByText("Alice Agent is typing…").waitFor();
    await agentField.pressSequentially(". Which VPN client do you use?");
    await agentField.press("Enter");
    await log(carol.page).getByText("Sorry to hear. Which VPN client do you use?").waitFor();

    const customerField = carol.page.getByRole("textbox", { name: "Message" });
    await customerField.pressSequentially("The old one");
    await window.getByRole("status").getByText("Carol Customer is typing…").waitFor();
    await customerField.pressSequentially(", version 4.2");
    await customerField.press("Enter");
    await log(window).getByText("The old one, version 4.2").waitFor();
    await log(carol.page).getByText("The old one, version 4.2").waitFor();

    expect(await axeBothThemes(carol.page), "customer chat").toEqual([]);
  });

  it("a_work_note_reaches_agents_and_itil_customers_only", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice, bob, carol, ivan } = people;
    const window = miniWindow(alice.page, "Carol Customer");
    expect(await window.getByRole("button", { name: /Canned messages/ }).count(), "canned messages are offered in Comment mode").toBe(1);
    await window.getByRole("button", { name: "Work Note" }).click();
    const noteField = window.getByRole("textbox", { name: "Message (work note)" });
    expect(await window.getByRole("button", { name: /Canned messages/ }).count(), "no canned messages (public comments) in Work Note mode").toBe(0);
    await expect.poll(() => noteField.getAttribute("placeholder"), { message: "carol (no ITIL): agents only" }).toContain("agents only");
    expect(await noteField.getAttribute("maxlength"), "nothing cuts a pasted text silently: the length note says when it is too long").toBeNull();
    await send(noteField, "Old VPN client: needs the 5.x upgrade");
    const note = log(window).getByRole("listitem").filter({ hasText: "Old VPN client: needs the 5.x upgrade" });
    await note.waitFor();
    expect(await note.textContent(), "a work note is labelled").toContain("Work note");

    // Alt+N switches back to Comment from the keyboard.
    await noteField.press("Alt+n");
    await send(window.getByRole("textbox", { name: "Message (comment)" }), "Let me look into that.");
    await log(carol.page).getByText("Let me look into that.").waitFor();
    expect(await log(carol.page).getByText("Old VPN client").count(), "carol (no ITIL) never sees the work note").toBe(0);

    // Ivan holds the ITIL role: in his own session he sees work notes.
    await ivan.page.goto("/support");
    await ivan.page.getByLabel("What can we help you with?").fill("Outlook keeps asking for my password.");
    await ivan.page.getByRole("button", { name: "Start chat" }).click();
    await notification(bob.page, "Ivan Customer").getByRole("button", { name: "Accept" }).click();
    const bobWindow = miniWindow(bob.page, "Ivan Customer");
    await bobWindow.getByRole("button", { name: "Work Note" }).click();
    const bobNoteField = bobWindow.getByRole("textbox", { name: "Message (work note)" });
    await expect
      .poll(() => bobNoteField.getAttribute("placeholder"), { message: "the work-note wording names the ITIL customer" })
      .toContain("agents and Ivan Customer (ITIL) see it");
    await send(bobNoteField, "Checking his account lockout");
    const ivansNote = log(ivan.page).getByRole("listitem").filter({ hasText: "Checking his account lockout" });
    await ivansNote.waitFor();
    expect(await ivansNote.textContent(), "ivan sees the work note, labelled").toContain("Work note");
  });

  it("a_canned_message_posts_with_placeholders_filled", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice, carol } = people;
    const window = miniWindow(alice.page, "Carol Customer");
    const field = window.getByRole("textbox", { name: "Message (comment)" });
    await field.focus();
    await field.press("/");
    const picker = window.getByRole("dialog", { name: "Canned messages" });
    await picker.getByRole("searchbox", { name: "Filter canned messages" }).fill("greet");
    const greeting = picker.getByRole("button", { name: "Greeting" });
    await greeting.hover();
    await picker.getByText("Hi Carol, this is Alice from the IT Service Desk.").waitFor();
    await greeting.click();
    await log(carol.page).getByText("Hi Carol, this is Alice from the IT Service Desk. How can I help you today?").waitFor();
  });

  it("transfer_hands_the_session_to_bob_and_carol_sees_it", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice, bob, carol } = people;
    const window = miniWindow(alice.page, "Carol Customer");
    await window.getByRole("button", { name: "Transfer" }).click();
    const dialog = alice.page.getByRole("dialog", { name: "Transfer Carol Customer" });
    const toBob = dialog.getByRole("radio", { name: /Bob Agent/ });
    await toBob.waitFor();
    expect(await dialog.getByRole("radio", { name: /Dana Manager/ }).isDisabled(), "offline members are shown but not selectable").toBe(true);
    await toBob.check();
    await dialog.getByLabel(/Note for the receiver/).fill("Needs the VPN 5.x upgrade");
    await dialog.getByRole("button", { name: "Transfer" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => isFocused(window.getByRole("log")), { message: "after the transfer the focus is on the conversation, not <body>" }).toBe(true);

    await carol.page.getByText("You are chatting with Bob Agent.").waitFor();
    // Handed over: bob's window opens by itself, counting only the handover as unread.
    const bobWindow = miniWindow(bob.page, "Carol Customer");
    await log(bobWindow).getByText("Needs the VPN 5.x upgrade").waitFor();
    const bobsItem = sidebar(bob.page).getByRole("button", { name: /^Carol Customer.*Active/ });
    await expect.poll(async () => (await bobsItem.getAttribute("aria-label")) ?? (await bobsItem.textContent()) ?? "", { message: "not the whole history as unread" }).not.toMatch(/([3-9]|\d\d) unread/);
    await bobsItem.click();
    await bobWindow.getByRole("textbox", { name: "Message (comment)" }).waitFor();
    expect(await window.getByRole("button", { name: "Transfer" }).isDisabled(), "alice can no longer transfer it").toBe(true);
  });

  it("new_window_opens_the_workspace_on_the_same_conversation", async (test) => {
    keepScreenshotsOnFailure(test);
    const { bob } = people;
    const bobWindow = miniWindow(bob.page, "Carol Customer");
    await bobWindow.getByRole("textbox", { name: "Message (comment)" }).fill("Half-written answer");
    const opened = bob.context.waitForEvent("page");
    await bobWindow.getByRole("button", { name: "New Window" }).click();
    workspace = await opened;
    await workspace.waitForLoadState();
    // The chat moved: its draft went along, and the mini window (with the same text) is gone, so
    // the text cannot be sent from both.
    await bobWindow.waitFor({ state: "detached" });
    const workspaceField = workspace.getByRole("main", { name: "Conversation pane" }).getByRole("textbox", { name: "Message (comment)" });
    await expect.poll(() => workspaceField.inputValue(), { message: "the draft went to the workspace" }).toBe("Half-written answer");
    await workspaceField.fill("");
    expect(new URL(workspace.url()).pathname, "the workspace address names the conversation").toMatch(/^\/agent\/workspace\/\d+$/);
    const pane = workspace.getByRole("main", { name: "Conversation pane" });
    await pane.getByRole("heading", { name: "Carol Customer" }).waitFor();
    await log(pane).getByText(FIRST_MESSAGE).waitFor();
    await workspace.getByRole("tab", { name: "Customer" }).waitFor();
    const customerTool = workspace.getByRole("tabpanel", { name: "Customer" });
    await customerTool.getByRole("heading", { name: "Carol Customer" }).waitFor();
    await customerTool.getByText("No: does not see work notes").waitFor();
    await pane.getByRole("button", { name: "Transfer" }).waitFor();
    await pane.getByRole("button", { name: "End", exact: true }).waitFor();
    expect(await axeBothThemes(workspace), "workspace").toEqual([]);
  });

  it("a_reload_mid_chat_loses_and_doubles_nothing", async (test) => {
    keepScreenshotsOnFailure(test);
    const { carol } = people;
    const page = workspace;
    if (page === null) throw new Error("the workspace did not open");
    await send(page.getByRole("main", { name: "Conversation pane" }).getByRole("textbox", { name: "Message (comment)" }), "Bob here, I have your case.");
    await log(carol.page).getByText("Bob here, I have your case.").waitFor();

    const before = await log(carol.page).getByRole("listitem").allTextContents();
    await carol.page.reload();
    await log(carol.page).getByText("Bob here, I have your case.").waitFor();
    const after = await log(carol.page).getByRole("listitem").allTextContents();
    expect(after, "carol's conversation after a reload").toEqual(before);

    const agentBefore = await log(page).getByRole("listitem").allTextContents();
    await page.reload();
    await log(page).getByText("Bob here, I have your case.").waitFor();
    expect(await log(page).getByRole("listitem").allTextContents(), "bob's conversation after a reload").toEqual(agentBefore);
  });

  it("a_message_typed_offline_waits_and_is_sent_once_when_back", async (test) => {
    keepScreenshotsOnFailure(test);
    const { carol } = people;
    const page = workspace;
    if (page === null) throw new Error("the workspace did not open");
    await carol.context.setOffline(true);
    try {
      await carol.page.getByRole("status").getByText("Reconnecting…").waitFor();
      await send(carol.page.getByRole("textbox", { name: "Message" }), "Typed while the train was in a tunnel");
      await log(carol.page).getByText("Waiting for the connection…").waitFor();
    } finally {
      await carol.context.setOffline(false);
    }
    await carol.page.getByRole("status").getByText("Reconnecting…").waitFor({ state: "detached", timeout: 20_000 });
    await log(page).getByText("Typed while the train was in a tunnel").waitFor();
    await log(carol.page).getByText("Waiting for the connection…").waitFor({ state: "detached" });
    // A duplicate would come before a later message: send one and wait for it on both sides, then count.
    await send(carol.page.getByRole("textbox", { name: "Message" }), "Back out of the tunnel");
    await log(page).getByText("Back out of the tunnel").waitFor();
    await log(carol.page).getByText("Back out of the tunnel").waitFor();
    expect(await log(page).getByText("Typed while the train was in a tunnel").count(), "the offline message arrives once").toBe(1);
    expect(await log(carol.page).getByText("Typed while the train was in a tunnel").count(), "carol sees it once").toBe(1);
  });

  it("inactivity_warns_the_customer_then_closes_the_session", async (test) => {
    keepScreenshotsOnFailure(test);
    const { carol } = people;
    const page = workspace;
    if (page === null) throw new Error("the workspace did not open");
    const manager = await request.newContext({ baseURL: baseUrl });
    try {
      expect((await manager.post("/api/session", { data: { username: "dana", password: "dana" } })).ok(), "dana signs in").toBe(true);
      const patched = await manager.patch(`/api/queues/${queueId}`, { data: { inactivity_warning_seconds: 2, auto_close_seconds: 3 } });
      expect(patched.ok(), `PATCH queue timers: ${patched.status()}`).toBe(true);
    } finally {
      await manager.dispose();
    }
    // An agent comment starts the customer's clock.
    await send(page.getByRole("main", { name: "Conversation pane" }).getByRole("textbox", { name: "Message (comment)" }), "Are you able to try again now?");
    const banner = carol.page.getByRole("alert").filter({ hasText: "Are you still there?" });
    await banner.waitFor({ timeout: 8000 });
    await banner.getByText(/closes in 0:0\d/).waitFor();
    await banner.getByRole("button", { name: "I'm still here" }).click();
    await banner.waitFor({ state: "detached" });

    // Silence again: warned, then closed.
    await banner.waitFor({ timeout: 8000 });
    await carol.page.getByText("The chat closed after a period without an answer.").waitFor({ timeout: 10_000 });
    await carol.page.getByRole("button", { name: "Start a new chat" }).click();
    await carol.page.getByRole("heading", { name: "Start a chat with the service desk" }).waitFor();
    await page.getByRole("main", { name: "Conversation pane" }).getByText("This session is closed.").waitFor();
  });

  it("the_widget_opens_the_support_chat_in_a_panel", async (test) => {
    keepScreenshotsOnFailure(test);
    const { carol } = people;
    // The host page is any page with the script tag; it is served here under the server's origin.
    const hostUrl = `${baseUrl}/intranet-host-page`;
    await carol.page.route(hostUrl, (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><html lang="en"><head><title>Intranet</title></head><body><main><h1>Intranet</h1></main><script src="/widget.js" data-queue="${queueId}"></script></body></html>`,
      }),
    );
    await carol.page.goto(hostUrl);
    const open = carol.page.getByRole("button", { name: "Chat with the service desk" });
    await open.click();
    expect(await open.getAttribute("aria-expanded")).toBe("true");
    const frame = carol.page.getByTitle("Service desk chat").contentFrame();
    await frame.getByRole("heading", { name: "Start a chat with the service desk" }).waitFor();
    await carol.page.getByRole("button", { name: "Close chat" }).click();
    expect(await open.getAttribute("aria-expanded")).toBe("false");
    // The demo page the server ships carries the same widget.
    await carol.page.goto(`${baseUrl}/widget-demo`);
    await carol.page.getByRole("button", { name: "Chat with the service desk" }).click();
    await carol.page.getByTitle("Service desk chat").contentFrame().getByRole("heading", { name: "Start a chat with the service desk" }).waitFor();
  });
});

