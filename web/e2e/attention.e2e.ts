/**
 * The agent's attention with several chats open: a customer's message in a mini window that
 * does not have focus raises its badge, the count in the tab title and the sound; a reload keeps
 * the drafts, the Work Note mode and the windows; the log stays put while the agent reads
 * history (separator and "Jump to latest"); "+N more" holds the windows that do not fit; the
 * shortcuts are listed; the customer's End asks first. Screenshots go to e2e/artifacts/.
 */
import { randomUUID } from "node:crypto";
import { request, type APIRequestContext, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { seriousViolations } from "./axe";
import { isFocused, launchBrowser, newVisitor, screenshot, signInByApi, takePolicyViolations, type Visitor } from "./browser";
import { customerApi, deskQueueId, setQueueTimers } from "./desk";

const baseUrl = inject("baseUrl");
let browser: Browser;
let alice: Visitor;
type Customer = "carol" | "ivan" | "erin";
const customers = {} as Record<Customer, APIRequestContext>;
const NAMES: Record<Customer, string> = { carol: "Carol Customer", ivan: "Ivan Customer", erin: "Erin Customer" };
let queueId = "";

/** Counts the tones the page plays: `beep` starts one oscillator per tone. */
function countTones(): void {
  const counted = window as unknown as { __tones: number };
  counted.__tones = 0;
  const original = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (this: AudioContext) {
    counted.__tones += 1;
    return original.call(this);
  };
}

async function tones(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __tones: number }).__tones);
}

beforeAll(async () => {
  browser = await launchBrowser(["--autoplay-policy=no-user-gesture-required"]);
  alice = await newVisitor(browser, baseUrl, { viewport: { width: 1600, height: 900 } });
  await alice.context.addInitScript(countTones);
  await signInByApi(alice.context, "alice");

  // A third customer, so that three chats can be open at once.
  const admin = await request.newContext({ baseURL: baseUrl });
  try {
    expect((await admin.post("/api/session", { data: { username: "admin", password: "admin" } })).ok(), "admin signs in").toBe(true);
    const created = await admin.post("/api/admin/users", {
      data: { username: "erin", display_name: NAMES.erin, password: "erin-password", roles: ["customer"] },
    });
    expect([201, 409], `erin is created: ${created.status()} ${await created.text()}`).toContain(created.status());
  } finally {
    await admin.dispose();
  }
  for (const name of ["carol", "ivan", "erin"] as const) customers[name] = await customerApi(baseUrl, name, name === "erin" ? "erin-password" : name);
  queueId = await deskQueueId(customers.carol);
  // Another file may have changed the queue's inactivity timers.
  await setQueueTimers(baseUrl, queueId, 600, 300);
});

afterAll(async () => {
  for (const api of Object.values(customers)) await api.dispose();
  await browser?.close();
});

afterEach(() => {
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

function keepScreenshotOnFailure(test: TestContext): void {
  test.onTestFinished(async () => {
    if (test.task.result?.state !== "fail" || alice.page.isClosed()) return;
    console.error(`screenshot of the failed test: ${await screenshot(alice.page, `failed-${test.task.name}-alice`)}`);
  });
}

async function startChat(test: TestContext, who: Customer, message: string): Promise<string> {
  const response = await customers[who].post(`/api/queues/${queueId}/sessions`, { data: { client_id: randomUUID(), message } });
  expect(response.status(), `${who} starts a chat`).toBe(201);
  const id = ((await response.json()) as { id: string }).id;
  test.onTestFinished(async () => {
    await customers[who].post(`/api/conversations/${id}/end`);
  });
  return id;
}

async function customerWrites(who: Customer, conversation: string, body: string): Promise<void> {
  const response = await customers[who].post(`/api/conversations/${conversation}/entries`, { data: { client_id: randomUUID(), kind: "comment", body } });
  expect(response.ok(), `${who} writes: ${response.status()}`).toBe(true);
}

const sidebar = (page: Page): Locator => page.getByRole("complementary", { name: "Connect sidebar" });
const miniWindow = (page: Page, who: Customer): Locator => page.getByRole("region", { name: NAMES[who], exact: true });
const commentField = (scope: Locator): Locator => scope.getByRole("textbox", { name: "Message (comment)" });
const mySessions = (page: Page): Locator => sidebar(page).getByRole("region", { name: /^Support sessions/ });

/** The agent app with no mini windows from an earlier test (they survive a reload in this tab). */
async function openAgentApp(): Promise<Page> {
  const page = alice.page;
  await page.goto("/agent");
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await sidebar(page).getByRole("button", { name: "Collapse sidebar" }).waitFor();
  // A gesture lets the page start its audio (browsers require one).
  await page.getByRole("main", { name: "Content pane" }).click({ position: { x: 5, y: 5 } });
  return page;
}

async function accept(page: Page, who: Customer, firstMessage: string): Promise<Locator> {
  await sidebar(page).getByRole("button", { name: `Accept ${NAMES[who]}`, exact: true }).click();
  const window = miniWindow(page, who);
  await commentField(window).waitFor();
  await window.getByRole("log").getByText(firstMessage).waitFor();
  return window;
}

async function threeWindows(test: TestContext, page: Page): Promise<Record<Customer, { id: string; window: Locator }>> {
  const open = {} as Record<Customer, { id: string; window: Locator }>;
  for (const [who, message] of [
    ["carol", "My printer prints blank pages."],
    ["ivan", "I cannot reach the file share."],
    ["erin", "The projector in room 4 shows no picture."],
  ] as const) {
    const id = await startChat(test, who, message);
    open[who] = { id, window: await accept(page, who, message) };
  }
  return open;
}

describe("the agent's attention", () => {
  it("a_customer_message_in_an_unfocused_mini_window_raises_its_badge_the_title_count_and_the_sound", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    const open = await threeWindows(test, page);
    // The last accepted window has the focus; Carol's is open but not focused.
    expect(await isFocused(commentField(open.erin.window)), "Erin's field has the focus after Accept").toBe(true);
    await expect.poll(() => page.title(), { message: "nothing unread, nothing waiting" }).toBe("Agent · Switchboard");
    const before = await tones(page);

    await customerWrites("carol", open.carol.id, "It is the one on the second floor.");
    await open.carol.window.getByRole("log").getByText("It is the one on the second floor.").waitFor();
    await open.carol.window.getByText("1 unread").waitFor();
    await mySessions(page).getByRole("button", { name: new RegExp(`^${NAMES.carol}`) }).getByText("1 unread").waitFor();
    await expect.poll(() => page.title(), { message: "the title counts the unread message" }).toBe("(1) Agent · Switchboard");
    await expect.poll(() => tones(page), { message: "the beep played (two tones)" }).toBe(before + 2);
    await screenshot(page, "attention-three-windows-unread");

    // A message in the focused window is read at once: no badge, no sound.
    await customerWrites("erin", open.erin.id, "Room 4, the big one.");
    await open.erin.window.getByRole("log").getByText("Room 4, the big one.").waitFor();
    // Read as it is shown (the count may rise for the moment between the entry and its read mark).
    await expect.poll(() => open.erin.window.getByText("unread").count(), { message: "the focused window reads what arrives" }).toBe(0);
    expect(await tones(page), "no sound for the conversation being read").toBe(before + 2);

    // Focusing Carol's window reads it.
    await commentField(open.carol.window).click();
    await open.carol.window.getByText("1 unread").waitFor({ state: "detached" });
    await expect.poll(() => page.title(), { message: "read: the title has no count" }).toBe("Agent · Switchboard");

    // Closing a window hands the focus to its neighbour's field, never to <body>.
    await open.erin.window.getByRole("button", { name: `Close ${NAMES.erin}` }).click();
    await open.erin.window.waitFor({ state: "detached" });
    await expect.poll(() => isFocused(commentField(open.ivan.window)), { message: "focus in Ivan's field after closing Erin's window" }).toBe(true);
  });

  it("a_reload_keeps_the_draft_the_work_note_mode_and_the_windows", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    const open = await threeWindows(test, page);
    const ivans = open.ivan.window;
    await ivans.getByRole("group", { name: "Message type" }).getByRole("button", { name: "Work Note" }).click();
    await ivans.getByRole("textbox", { name: "Message (work note)" }).fill("Checked the share permissions: half done");
    await commentField(open.erin.window).fill("Which model is the projector?");
    await open.carol.window.getByRole("button", { name: `Minimise ${NAMES.carol}` }).click();
    await commentField(open.carol.window).waitFor({ state: "hidden" });

    await page.reload();
    await ivans.getByRole("textbox", { name: "Message (work note)" }).waitFor();
    expect(await ivans.getByRole("textbox", { name: "Message (work note)" }).inputValue(), "the work note draft is back, still a work note").toBe(
      "Checked the share permissions: half done",
    );
    expect(await commentField(open.erin.window).inputValue(), "the comment draft is back").toBe("Which model is the projector?");
    await open.carol.window.getByRole("button", { name: `Restore ${NAMES.carol}` }).waitFor();
    expect(await open.carol.window.getByRole("log").count(), "Carol's window is still minimised").toBe(0);
    await screenshot(page, "attention-after-reload");
  });

  it("the_log_stays_where_the_agent_reads_with_a_separator_and_a_jump_button", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    const id = await startChat(test, "carol", "Outlook keeps asking for my password.");
    const window = await accept(page, "carol", "Outlook keeps asking for my password.");
    for (let i = 1; i <= 12; i += 1) await customerWrites("carol", id, `Detail number ${i} about the password prompt.`);
    const log = window.getByRole("log");
    await log.getByText("Detail number 12 about the password prompt.").waitFor();
    await log.evaluate((element) => {
      element.scrollTop = 0;
      element.dispatchEvent(new Event("scroll"));
    });
    for (const line of ["It happened again.", "Now Teams asks too.", "And the VPN."]) await customerWrites("carol", id, line);
    const jump = window.getByRole("button", { name: "Jump to latest (3 new)" });
    await jump.waitFor();
    expect(await log.evaluate((element) => element.scrollTop), "the log did not move while the agent reads the history").toBe(0);
    await window.getByRole("separator", { name: "New messages" }).waitFor();
    await screenshot(page, "attention-jump-button");
    expect(await window.getByText("3 unread").count(), "read only up to where the agent is").toBe(1);
    await jump.click();
    await jump.waitFor({ state: "detached" });
    expect(await log.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight), "the log is at the bottom").toBeLessThan(30);
    // At the bottom of the focused log, the three are read; the separator still shows where they began.
    await window.getByText("3 unread").waitFor({ state: "detached" });
    const separator = window.getByRole("separator", { name: "New messages" });
    expect(await separator.isVisible(), "the separator is in view above the new messages").toBe(true);
    await screenshot(page, "attention-separator");
  });

  it("more_windows_than_fit_wait_in_a_more_menu_and_the_shortcuts_are_listed", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    await threeWindows(test, page);
    // Room for two mini windows beside the sidebar, and the "+1 more" button.
    await page.setViewportSize({ width: 1300, height: 800 });
    try {
      const more = page.getByRole("button", { name: /^1 more chat/ });
      await more.waitFor();
      expect(await miniWindow(page, "carol").count(), "the oldest window waits in the menu").toBe(0);
      await more.click();
      const menu = page.getByRole("menu", { name: "More chats" });
      await menu.getByRole("menuitem", { name: NAMES.carol }).waitFor();
      await screenshot(page, "attention-more-menu");
      await menu.getByRole("menuitem", { name: NAMES.carol }).click();
      await commentField(miniWindow(page, "carol")).waitFor();
      expect(await isFocused(commentField(miniWindow(page, "carol"))), "the window brought forward has the focus").toBe(true);

      await page.keyboard.press("Alt+Shift+Slash");
      const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
      await dialog.waitFor();
      await dialog.getByText("Next conversation with unread messages").waitFor();
      await screenshot(page, "attention-shortcuts-dialog");
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      await sidebar(page).getByRole("button", { name: "Keyboard shortcuts" }).click();
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Close" }).click();
      await dialog.waitFor({ state: "detached" });
      expect(await isFocused(sidebar(page).getByRole("button", { name: "Keyboard shortcuts" })), "focus is back on the button").toBe(true);
    } finally {
      await page.setViewportSize({ width: 1600, height: 900 });
    }
  });

  it("shortcuts_accept_the_oldest_offer_and_go_to_the_next_unread_chat", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    const carols = await startChat(test, "carol", "Teams keeps crashing.");
    await sidebar(page).getByRole("button", { name: `Accept ${NAMES.carol}`, exact: true }).waitFor();
    await startChat(test, "ivan", "My badge does not open the door.");
    await sidebar(page).getByRole("button", { name: `Accept ${NAMES.ivan}`, exact: true }).waitFor();

    await page.keyboard.press("Alt+Shift+KeyO");
    const carolsWindow = miniWindow(page, "carol");
    await commentField(carolsWindow).waitFor();
    expect(await isFocused(commentField(carolsWindow)), "the oldest offer (Carol's) is accepted and its field focused").toBe(true);
    expect(await sidebar(page).getByRole("button", { name: `Accept ${NAMES.ivan}`, exact: true }).count(), "Ivan still waits").toBe(1);
    await page.keyboard.press("Alt+Shift+KeyO");
    const ivansWindow = miniWindow(page, "ivan");
    await commentField(ivansWindow).waitFor();

    await customerWrites("carol", carols, "It crashed again just now.");
    await carolsWindow.getByText("1 unread").waitFor();
    await page.keyboard.press("Alt+Shift+KeyU");
    await expect.poll(() => isFocused(commentField(carolsWindow)), { message: "next unread: Carol's field" }).toBe(true);
    await carolsWindow.getByText("1 unread").waitFor({ state: "detached" });
    await page.keyboard.press("Alt+Shift+KeyJ");
    await expect.poll(() => isFocused(commentField(ivansWindow)), { message: "next chat: Ivan's field" }).toBe(true);
    expect(await commentField(ivansWindow).inputValue(), "the shortcut typed nothing").toBe("");

    // In the workspace, next chat goes on from the chat shown, press after press (the page's
    // heading has the focus after each switch).
    await page.goto(`/agent/workspace/${carols}`);
    await page.getByRole("main", { name: "Conversation pane" }).getByRole("log").getByText("It crashed again just now.").waitFor();
    const shown: string[] = [new URL(page.url()).pathname];
    for (let press = 0; press < 3; press += 1) {
      await page.keyboard.press("Alt+Shift+KeyJ");
      await expect.poll(() => new URL(page.url()).pathname, { message: `press ${press + 1} moves on` }).not.toBe(shown[shown.length - 1]);
      shown.push(new URL(page.url()).pathname);
    }
  });

  it("the_agents_end_asks_first_and_a_too_long_message_is_named_not_cut", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    await startChat(test, "carol", "The Wi-Fi in the lobby is down.");
    const window = await accept(page, "carol", "The Wi-Fi in the lobby is down.");
    const field = commentField(window);
    await field.fill(`${"A long pasted log line. ".repeat(417)}end`);
    const alert = window.getByRole("alert");
    await alert.getByText(/^Too long: at most 10,000 characters \(this one has 10,0\d\d\)\.$/).waitFor();
    expect((await field.inputValue()).endsWith("end"), "nothing was cut").toBe(true);
    expect(await window.getByRole("button", { name: "Send" }).isDisabled(), "Send waits for a shorter text").toBe(true);
    await screenshot(page, "attention-too-long");
    await field.fill("");

    const end = window.getByRole("button", { name: "End", exact: true });
    await end.click();
    const dialog = page.getByRole("dialog", { name: `End the chat with ${NAMES.carol}?` });
    await dialog.waitFor();
    await screenshot(page, "attention-agent-end-confirmation");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await isFocused(end), "Cancel: focus back on End").toBe(true);
    await end.click();
    await dialog.getByRole("button", { name: "End chat" }).click();
    await window.getByText("This session is closed.").waitFor();
    await expect.poll(() => isFocused(window.getByRole("log")), { message: "ended: focus on the conversation's log, not <body>" }).toBe(true);
  });

  it("the_customers_end_asks_first_and_their_draft_survives_a_reload", async (test) => {
    keepScreenshotOnFailure(test);
    const carol = await newVisitor(browser, baseUrl, { viewport: { width: 900, height: 800 } });
    try {
      await signInByApi(carol.context, "carol");
      const id = await startChat(test, "carol", "My screen flickers.");
      const page = carol.page;
      await page.goto("/support");
      await page.getByRole("log").getByText("My screen flickers.").waitFor();
      // What the customer typed survives a reload too.
      await page.getByRole("textbox", { name: "Message" }).fill("It started after the update");
      await page.reload();
      await page.getByRole("log").getByText("My screen flickers.").waitFor();
      expect(await page.getByRole("textbox", { name: "Message" }).inputValue(), "the customer's draft is back").toBe("It started after the update");
      await page.getByRole("button", { name: "Leave the queue" }).click();
      const dialog = page.getByRole("dialog", { name: "Leave the queue?" });
      await dialog.waitFor();
      await screenshot(page, "attention-customer-end-confirmation");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });
      const state = ((await (await customers.carol.get(`/api/conversations/${id}`)).json()) as { state: string }).state;
      expect(state, "Cancel leaves the chat as it was").toBe("queued");
      // Escape cancels too, and the focus goes back to the button that asked.
      await page.getByRole("button", { name: "Leave the queue" }).click();
      await dialog.waitFor();
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      await expect.poll(() => isFocused(page.getByRole("button", { name: "Leave the queue" })), { message: "focus back on Leave the queue after Escape" }).toBe(true);
      await page.getByRole("button", { name: "Leave the queue" }).click();
      await dialog.getByRole("button", { name: "Leave the queue" }).click();
      await page.getByText("You left the queue before an agent joined.").waitFor();
      await expect.poll(() => isFocused(page.getByRole("button", { name: "Start a new chat with it" })), { message: "the next step has the focus, not <body>" }).toBe(true);
      // What she had not sent stays in the field, and a new chat starts with it.
      const unsent = page.getByRole("textbox", { name: "Not sent (the chat closed first)" });
      expect(await unsent.inputValue(), "the unsent text is kept where it was typed").toBe("It started after the update");
      await page.getByRole("button", { name: "Start a new chat with it" }).click();
      await page.getByRole("button", { name: "Leave the queue" }).waitFor();
      await page.getByRole("log").getByText("It started after the update").waitFor();
      const open = ((await (await customers.carol.get("/api/conversations")).json()) as { id: string; kind: string; state: string; first_message?: string }[]).filter(
        // Not her incidents' activity (a message she left makes her follow its record).
        (c) => c.kind === "support" && c.state !== "closed",
      );
      expect(open.map((c) => c.first_message), "one new chat, with the unsent text as its first message").toEqual(["It started after the update"]);
      for (const c of open) await customers.carol.post(`/api/conversations/${c.id}/end`);
    } finally {
      await carol.context.close();
    }
  });

  it("a_chat_the_agent_ends_while_the_customer_types_keeps_the_unsent_text", async (test) => {
    keepScreenshotOnFailure(test);
    const page = await openAgentApp();
    const carol = await newVisitor(browser, baseUrl, { viewport: { width: 900, height: 800 } });
    try {
      await signInByApi(carol.context, "carol");
      const id = await startChat(test, "carol", "The docking station does not charge.");
      await accept(page, "carol", "The docking station does not charge.");
      await carol.page.goto("/support");
      await carol.page.getByText(`You are chatting with ${"Alice Agent"}.`).waitFor();
      const field = carol.page.getByRole("textbox", { name: "Message" });
      // Typed key by key, as a person does, up to the instant the chat closes.
      await field.pressSequentially("It is the USB-C one");
      const ended = await alice.context.request.post(`/api/conversations/${id}/end`);
      expect(ended.ok(), `alice ends the chat: ${ended.status()}`).toBe(true);
      await carol.page.getByText("The agent ended the chat.").waitFor();
      const unsent = carol.page.getByRole("textbox", { name: "Not sent (the chat closed first)" });
      expect(await unsent.inputValue(), "every key typed before the close is kept").toBe("It is the USB-C one");
      await screenshot(carol.page, "customer-closed-with-unsent-text");
      expect(await seriousViolations(carol.page), "the closed panel with the unsent text").toEqual([]);
      // A reload brings the closed chat back with its unsent text, until it is started or discarded.
      await carol.page.reload();
      await carol.page.getByText("The agent ended the chat.").waitFor();
      expect(await unsent.inputValue(), "the unsent text survives a reload").toBe("It is the USB-C one");
      // Discard it, and the panel offers an empty new chat.
      await carol.page.getByRole("button", { name: "Discard it" }).click();
      await carol.page.getByRole("button", { name: "Start a new chat", exact: true }).waitFor();
      await expect.poll(() => isFocused(carol.page.getByRole("button", { name: "Start a new chat", exact: true })), { message: "the next step keeps the focus" }).toBe(true);
      expect(await unsent.count(), "nothing unsent is shown any more").toBe(0);
      // Discarded is gone for good: a reload starts afresh.
      await carol.page.reload();
      await carol.page.getByRole("textbox", { name: "What can we help you with?" }).waitFor();
      expect(await unsent.count(), "the discarded text does not come back").toBe(0);
    } finally {
      await carol.context.close();
    }
  });
});
