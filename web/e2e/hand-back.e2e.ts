/**
 * Sessions that go back to the queue, and the customer's inactivity clock, with the customer,
 * the agents and the manager side by side: bob signs out handing his chat back (or his browser
 * closes and the queue's grace runs out), alice gets it at the front of her queue with its own
 * alert, dana the manager is told, carol waits again with an honest notice; carol typing
 * through the warning and alice's new question keep a chat open past its old close.
 */
import { randomUUID } from "node:crypto";
import { request, type APIRequestContext, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { seriousViolations } from "./axe";
import { closeVisitors, isFocused, launchBrowser, newVisitor, type Opened, screenshot, signInByApi, takePolicyViolations } from "./browser";
import { customerApi, deskQueueId, setQueueTimers } from "./desk";

const baseUrl = inject("baseUrl");
let browser: Browser;
let queueId = "";
let carolApi: APIRequestContext;
let ivanApi: APIRequestContext;
/** Every page opened by a test, closed after it (a failed test leaves a screenshot of each). */
const opened: Opened[] = [];

/** Counts the tones the page plays: `beep` starts one oscillator per tone (a new chat: 2, a chat back in the queue: 3). */
function countTones(): void {
  const counted = window as unknown as { __tones: number };
  counted.__tones = 0;
  const original = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (this: AudioContext) {
    counted.__tones += 1;
    return original.call(this);
  };
}

/** Serious axe violations in the light and the dark theme. */
async function axeBothThemes(page: Page): Promise<string[]> {
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = (await seriousViolations(page)).map((v) => `dark: ${v}`);
  await page.emulateMedia({ colorScheme: "light" });
  return [...light, ...dark];
}

async function tones(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __tones: number }).__tones);
}

beforeAll(async () => {
  browser = await launchBrowser(["--autoplay-policy=no-user-gesture-required"]);
  carolApi = await customerApi(baseUrl, "carol");
  ivanApi = await customerApi(baseUrl, "ivan");
  queueId = await deskQueueId(carolApi);
  await setQueueTimers(baseUrl, queueId, 600, 300);
});

afterAll(async () => {
  await setGrace(60);
  await carolApi.dispose();
  await ivanApi.dispose();
  await browser?.close();
});

afterEach(async (test) => {
  // Signed out, not only closed: an agent whose window closes stays present for 30 s (a reload's
  // grace), and the next file's Transfer dialog must find dana offline.
  await closeVisitors(test, opened);
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

/** Someone signed in, with their page open (agents: on /agent, audio unlocked by a click). */
async function person(name: string, path: string): Promise<Page> {
  const visitor = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 800 } });
  await visitor.context.addInitScript(countTones);
  await signInByApi(visitor.context, name);
  opened.push({ name, visitor });
  await visitor.page.goto(path);
  if (path === "/agent") {
    await sidebar(visitor.page).getByRole("button", { name: "Collapse sidebar" }).waitFor();
    await visitor.page.getByRole("main", { name: "Content pane" }).click({ position: { x: 5, y: 5 } });
  }
  return visitor.page;
}

/** The manager sets the queue's grace for an assignee who is gone. */
async function setGrace(seconds: number): Promise<void> {
  const manager = await request.newContext({ baseURL: baseUrl });
  try {
    expect((await manager.post("/api/session", { data: { username: "dana", password: "dana" } })).ok(), "dana signs in").toBe(true);
    const patched = await manager.patch(`/api/queues/${queueId}`, { data: { assignee_grace_seconds: seconds } });
    expect(patched.ok(), `PATCH assignee_grace_seconds: ${patched.status()} ${await patched.text()}`).toBe(true);
  } finally {
    await manager.dispose();
  }
}

async function startChat(test: TestContext, api: APIRequestContext, message: string): Promise<string> {
  const response = await api.post(`/api/queues/${queueId}/sessions`, { data: { client_id: randomUUID(), message } });
  expect(response.status(), "a chat starts").toBe(201);
  const id = ((await response.json()) as { id: string }).id;
  test.onTestFinished(async () => {
    await api.post(`/api/conversations/${id}/end`);
  });
  return id;
}

async function stateOf(api: APIRequestContext, id: string): Promise<string> {
  return ((await (await api.get(`/api/conversations/${id}`)).json()) as { state: string }).state;
}

const sidebar = (page: Page): Locator => page.getByRole("complementary", { name: "Connect sidebar" });
const notification = (page: Page, customer: string): Locator => sidebar(page).getByRole("article", { name: customer });
const miniWindow = (page: Page, customer: string): Locator => page.getByRole("region", { name: customer, exact: true });

/** The agent accepts the customer's chat from the sidebar; its mini window opens. */
async function accept(page: Page, customer: string): Promise<Locator> {
  await sidebar(page).getByRole("button", { name: `Accept ${customer}`, exact: true }).click();
  const window = miniWindow(page, customer);
  await window.getByRole("textbox", { name: "Message (comment)" }).waitFor();
  return window;
}

describe("sessions back in the queue", () => {
  it("bob_signs_out_handing_his_chat_back_and_alice_takes_it_from_the_front_of_the_queue", async (test) => {
    const bob = await person("bob", "/agent");
    const alice = await person("alice", "/agent");
    const dana = await person("dana", "/agent");
    const carolId = await startChat(test, carolApi, "Teams crashes when I share my screen.");
    await accept(bob, "Carol Customer");
    const carol = await person("carol", "/support");
    await carol.getByText("You are chatting with Bob Agent.").waitFor();
    // Ivan waits in the queue meanwhile: he waited longer, but carol's chat comes back before him.
    await startChat(test, ivanApi, "The printer on floor 3 is offline.");
    await notification(alice, "Ivan Customer").waitFor();
    await notification(dana, "Ivan Customer").waitFor();
    const tonesBefore = { alice: await tones(alice), dana: await tones(dana) };

    // Sign out asks first: one open chat.
    const signOut = bob.getByRole("button", { name: "Sign out" });
    await signOut.click();
    const dialog = bob.getByRole("dialog", { name: "You have 1 open chat" });
    await dialog.waitFor();
    expect(await isFocused(dialog.getByRole("button", { name: "Cancel" })), "an Enter by habit cancels").toBe(true);
    await screenshot(bob, "sign-out-with-open-chats");
    expect(await axeBothThemes(bob), "the sign-out question").toEqual([]);
    // Escape is Cancel: still signed in, the chat still his.
    await bob.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => isFocused(signOut), { message: "focus back on Sign out" }).toBe(true);
    expect(await stateOf(carolApi, carolId), "Cancel changed nothing").toBe("active");
    await signOut.click();
    await dialog.getByRole("button", { name: "Hand back to the queue" }).click();
    await bob.getByRole("button", { name: "Sign in" }).waitFor();

    // Carol is told honestly, and waits at the front of the queue again.
    await carol.getByRole("log").getByText("Bob Agent had to leave. You keep your place at the front of the queue.").waitFor();
    await carol.getByText("You are next in the queue. An agent will be with you shortly.").waitFor();
    expect(await carol.getByText("You are chatting with Bob Agent.").count(), "nothing says she is chatting with bob").toBe(0);
    await carol.getByRole("button", { name: "Leave the queue" }).waitFor();
    await screenshot(carol, "customer-back-in-the-queue");
    expect(await axeBothThemes(carol), "the customer back in the queue").toEqual([]);

    // Alice: at the front of her queue, marked, announced and rung differently from a new chat.
    const back = notification(alice, "Carol Customer");
    await back.getByText("Returned · was with Bob Agent").waitFor();
    const order = await sidebar(alice).getByRole("button", { name: /^Accept / }).evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label")));
    expect(order, "the returned chat comes before ivan, who waited longer").toEqual(["Accept Carol Customer", "Accept Ivan Customer"]);
    await expect
      .poll(() => sidebar(alice).getByRole("status").filter({ hasText: "Back in the queue: Carol Customer — was with Bob Agent." }).count(), { message: "announced as a chat back in the queue" })
      .toBe(1);
    await expect.poll(async () => (await tones(alice)) - tonesBefore.alice, { message: "alice hears the three tones of a return, not the two of a new chat" }).toBe(3);
    await screenshot(alice, "returned-offer");
    expect(await axeBothThemes(alice), "the returned offer").toEqual([]);

    // Dana the manager is told, and (in the group too) hears one alert for the offer and the notice.
    const notice = dana.getByRole("status", { name: "Sessions back in the queue" });
    await notice.getByText("Carol Customer's chat went back to the queue: Bob Agent had to leave.").waitFor();
    await expect.poll(async () => (await tones(dana)) - tonesBefore.dana, { message: "one alert for the offer and the returned frame" }).toBe(3);
    await screenshot(dana, "manager-returned-notice");
    await dana.emulateMedia({ colorScheme: "dark" });
    await screenshot(dana, "manager-returned-notice-dark");
    await dana.emulateMedia({ colorScheme: "light" });
    expect(await axeBothThemes(dana), "the manager's notice").toEqual([]);
    // It says when, and links the chat.
    await notice.getByText("Back just now.").waitFor();
    expect(await notice.getByRole("link", { name: "Open Carol Customer's chat" }).getAttribute("href"), "the notice opens the chat").toMatch(/^\/agent\/workspace\//);

    // Alice takes it; carol chats with alice. Dana's notice goes by itself: the chat waits no more.
    const window = await accept(alice, "Carol Customer");
    await notice.getByText("Carol Customer's chat went back to the queue").waitFor({ state: "detached" });
    await window.getByRole("log").getByText("Bob Agent had to leave. You keep your place at the front of the queue.").waitFor();
    await carol.getByText("You are chatting with Alice Agent.").waitFor();
    const field = window.getByRole("textbox", { name: "Message (comment)" });
    await field.fill("Hi Carol, I'll take it from here. Which Teams version do you have?");
    await field.press("Enter");
    await carol.getByRole("log").getByText("Which Teams version do you have?").waitFor();
    const carolField = carol.getByRole("textbox", { name: "Message" });
    await carolField.fill("The new one, 25.1");
    await carolField.press("Enter");
    await window.getByRole("log").getByText("The new one, 25.1").waitFor();
  });

  it("sign_outs_transfer_opens_the_transfer_dialog_of_the_open_chat", async (test) => {
    const bob = await person("bob", "/agent");
    const carolId = await startChat(test, carolApi, "I cannot print to PDF.");
    const window = await accept(bob, "Carol Customer");
    // Minimised: Transfer brings its window back to show the dialog there.
    await window.getByRole("button", { name: "Minimise Carol Customer" }).click();
    await window.getByRole("button", { name: "Restore Carol Customer" }).waitFor();
    await bob.getByRole("button", { name: "Sign out" }).click();
    await bob.getByRole("dialog", { name: "You have 1 open chat" }).getByRole("button", { name: "Transfer" }).click();
    const transfer = bob.getByRole("dialog", { name: "Transfer Carol Customer" });
    await transfer.getByRole("group", { name: "Agent" }).waitFor();
    expect(await bob.getByRole("dialog", { name: "You have 1 open chat" }).count(), "the sign-out question is gone").toBe(0);
    await transfer.getByRole("button", { name: "Cancel" }).click();
    await transfer.waitFor({ state: "detached" });
    expect(await stateOf(carolApi, carolId), "still bob's, still open").toBe("active");
    await expect.poll(() => isFocused(window.getByRole("button", { name: "Transfer", exact: true })), { message: "Cancel: focus on the chat's Transfer button" }).toBe(true);
  });

  it("bobs_browser_closing_with_an_open_chat_gives_it_back_after_the_queues_grace", async (test) => {
    await setGrace(1);
    test.onTestFinished(() => setGrace(60));
    const bobVisitor = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 800 } });
    test.onTestFinished(() => bobVisitor.context.close());
    await signInByApi(bobVisitor.context, "bob");
    await bobVisitor.page.goto("/agent");
    const alice = await person("alice", "/agent");
    const carolId = await startChat(test, carolApi, "My laptop will not wake from sleep.");
    await accept(bobVisitor.page, "Carol Customer");
    await expect.poll(() => stateOf(carolApi, carolId)).toBe("active");
    const tonesBefore = await tones(alice);

    // Bob's browser goes away (no sign-out, no hand back).
    await bobVisitor.context.close();

    const back = notification(alice, "Carol Customer");
    await back.getByText("Returned · was with Bob Agent").waitFor();
    expect(await stateOf(carolApi, carolId), "queued again").toBe("queued");
    await expect.poll(async () => (await tones(alice)) - tonesBefore, { message: "the alert of a return" }).toBe(3);
    await accept(alice, "Carol Customer");
    expect(await stateOf(carolApi, carolId), "alice has it now").toBe("active");
  });
});

describe("the customer's inactivity clock", () => {
  /**
   * Carol's and ivan's chats, accepted by alice in that order, on short timers: ivan's is the
   * control, whose close comes no earlier than carol's would (its clock started after hers).
   */
  async function twoChatsOnShortTimers(test: TestContext): Promise<{ alice: Page; carol: Page; carolId: string; ivanId: string; carolWindow: Locator }> {
    await setQueueTimers(baseUrl, queueId, 3, 3);
    test.onTestFinished(() => setQueueTimers(baseUrl, queueId, 600, 300));
    const alice = await person("alice", "/agent");
    const carolId = await startChat(test, carolApi, "Excel freezes when I open the budget file.");
    const ivanId = await startChat(test, ivanApi, "My second screen stays black.");
    const carolWindow = await accept(alice, "Carol Customer");
    await accept(alice, "Ivan Customer");
    const carol = await person("carol", "/support");
    await carol.getByText("You are chatting with Alice Agent.").waitFor();
    return { alice, carol, carolId, ivanId, carolWindow };
  }

  it("carol_typing_through_the_warning_keeps_the_chat_open", async (test) => {
    const { carol, carolId, ivanId } = await twoChatsOnShortTimers(test);
    const banner = carol.getByRole("alert").filter({ hasText: "Are you still there?" });
    await banner.waitFor({ timeout: 15_000 });
    // Carol answers by writing, key by key: each typing start holds the close 15 s.
    const field = carol.getByRole("textbox", { name: "Message" });
    const typing = field.pressSequentially("I was looking for the file name, it is budget-2027-final-v3.xlsx", { delay: 120 });
    // Ivan, silent, is closed at his deadline, which is no earlier than carol's old one.
    await expect.poll(() => stateOf(ivanApi, ivanId), { timeout: 20_000, message: "ivan's chat times out" }).toBe("closed");
    expect(await stateOf(carolApi, carolId), "carol is typing: her chat is still open after its old close").toBe("active");
    await typing;
    await field.press("Enter");
    await banner.waitFor({ state: "detached" });
    await carol.getByRole("log").getByText("budget-2027-final-v3.xlsx").waitFor();
    expect(await stateOf(carolApi, carolId), "her message answered the warning").toBe("active");
  });

  it("alices_new_question_after_the_warning_moves_the_close", async (test) => {
    const { carol, carolId, ivanId, carolWindow } = await twoChatsOnShortTimers(test);
    const banner = carol.getByRole("alert").filter({ hasText: "Are you still there?" });
    await banner.waitFor({ timeout: 15_000 });
    // Alice asks something new: the customer's clock starts again, and the warning goes away.
    const field = carolWindow.getByRole("textbox", { name: "Message (comment)" });
    await field.fill("Does it freeze with other files too?");
    await field.press("Enter");
    await carol.getByRole("log").getByText("Does it freeze with other files too?").waitFor();
    await banner.waitFor({ state: "detached" });
    await expect.poll(() => stateOf(ivanApi, ivanId), { timeout: 20_000, message: "ivan's chat times out" }).toBe("closed");
    expect(await stateOf(carolApi, carolId), "the new question gave carol the whole time again").toBe("active");
  });
});
