/**
 * The satisfaction survey end to end: carol starts a chat on the support page, alice accepts it
 * and ends it, carol is asked "How did we do?" under the closed chat and rates it 4 of 5 with
 * the keyboard and a comment; a reload shows her rating and no form; dana (manager) opens the
 * session in the workspace and reads "Rated 4 of 5" and the comment. Screenshots of the form,
 * the thanks and the staff's view go to e2e/artifacts/.
 */
import { request, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe";
import { closeVisitors, isFocused, launchBrowser, newVisitor, type Opened, screenshot, signInByApi, takePolicyViolations } from "./browser";
import { customerApi, deskQueueId, setQueueTimers } from "./desk";

const baseUrl = inject("baseUrl");
let browser: Browser;
let queueId = "";
/** Every page opened by a test, closed after it (a failed test leaves a screenshot of each). */
const opened: Opened[] = [];

const FIRST_MESSAGE = "Outlook asks for my password every ten minutes.";
const COMMENT = "Alice fixed it in five minutes: the cached credentials were stale. Thank you!";

beforeAll(async () => {
  browser = await launchBrowser();
  // Carol with no open session (another file may have left one), the queue's timers sane.
  const carolApi = await customerApi(baseUrl, "carol");
  queueId = await deskQueueId(carolApi);
  await carolApi.dispose();
  await setQueueTimers(baseUrl, queueId, 600, 300);
  await setSurvey(true);
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async (test) => {
  await closeVisitors(test, opened);
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

/** The manager turns the queue's survey on or off (another file may have changed it). */
async function setSurvey(on: boolean): Promise<void> {
  const manager = await request.newContext({ baseURL: baseUrl });
  try {
    expect((await manager.post("/api/session", { data: { username: "dana", password: "dana" } })).ok(), "dana signs in").toBe(true);
    const patched = await manager.patch(`/api/queues/${queueId}`, { data: { survey: on } });
    expect(patched.ok(), `PATCH survey: ${patched.status()} ${await patched.text()}`).toBe(true);
  } finally {
    await manager.dispose();
  }
}

/** Someone signed in, with their page open (agents: on /agent, the sidebar ready). */
async function person(name: string, path: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const visitor = await newVisitor(browser, baseUrl, { viewport });
  await signInByApi(visitor.context, name);
  opened.push({ name, visitor });
  await visitor.page.goto(path);
  if (path === "/agent") await sidebar(visitor.page).getByRole("button", { name: "Collapse sidebar" }).waitFor();
  return visitor.page;
}

const sidebar = (page: Page): Locator => page.getByRole("complementary", { name: "Connect sidebar" });
const miniWindow = (page: Page, customer: string): Locator => page.getByRole("region", { name: customer, exact: true });

/** Serious axe violations in the light and the dark theme. */
async function axeBothThemes(page: Page): Promise<string[]> {
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = (await seriousViolations(page)).map((v) => `dark: ${v}`);
  await page.emulateMedia({ colorScheme: "light" });
  return [...light, ...dark];
}

describe("the satisfaction survey", () => {
  it("carol_rates_the_chat_alice_ended_and_dana_reads_the_rating_in_the_workspace", async () => {
    const alice = await person("alice", "/agent");
    const carol = await person("carol", "/support", { width: 900, height: 900 });

    // Carol starts a chat; alice accepts it and ends it.
    await carol.getByLabel("What can we help you with?").fill(FIRST_MESSAGE);
    await carol.getByRole("button", { name: "Start chat" }).click();
    await carol.getByRole("log").first().getByText(FIRST_MESSAGE).waitFor();
    // Nothing is asked while the session is open.
    expect(await carol.getByRole("region", { name: "How did we do?" }).count(), "no survey while queued").toBe(0);

    await sidebar(alice).getByRole("button", { name: "Accept Carol Customer", exact: true }).click();
    const window = miniWindow(alice, "Carol Customer");
    await window.getByRole("textbox", { name: "Message (comment)" }).waitFor();
    await carol.getByText("You are chatting with Alice Agent.").waitFor();
    expect(await carol.getByRole("region", { name: "How did we do?" }).count(), "no survey while active").toBe(0);

    await window.getByRole("button", { name: "End", exact: true }).click();
    const dialog = alice.getByRole("dialog", { name: "End the chat with Carol Customer?" });
    await dialog.getByRole("button", { name: "End chat" }).click();
    await window.getByText("This session is closed.").waitFor();

    // Carol is asked under the closed chat.
    await carol.getByText("The agent ended the chat.").waitFor();
    const survey = carol.getByRole("region", { name: "How did we do?" });
    await survey.waitFor();
    const id = await openSessionId(carol);
    await screenshot(carol, "survey-customer-form");
    expect(await axeBothThemes(carol), "the survey form").toEqual([]);

    // Send without a rating: refused, said beside the group.
    await survey.getByRole("button", { name: "Send rating" }).click();
    await survey.getByRole("alert").getByText("Choose a rating from 1 to 5 first.").waitFor();
    const first = survey.getByRole("radio", { name: "1 of 5, very poor" });
    await expect.poll(() => isFocused(first), { message: "the rating group takes the focus" }).toBe(true);

    // The keyboard, as with any radio group: Space chooses, the arrow keys move and choose.
    await first.press("Space");
    await first.press("ArrowRight");
    await survey.getByRole("radio", { name: "2 of 5, poor" }).press("ArrowRight");
    await survey.getByRole("radio", { name: "3 of 5, okay" }).press("ArrowRight");
    const four = survey.getByRole("radio", { name: "4 of 5, good" });
    expect(await four.isChecked(), "4 of 5 chosen with the arrow keys").toBe(true);
    expect(await isFocused(four), "and focused").toBe(true);
    expect(await survey.getByRole("alert").count(), "the rating's error is gone once one is chosen").toBe(0);

    await survey.getByRole("textbox", { name: "Comment (optional)" }).fill(COMMENT);
    await screenshot(carol, "survey-customer-form-filled");
    await survey.getByRole("button", { name: "Send rating" }).click();

    const thanks = carol.getByRole("region", { name: "Thanks for your rating" });
    await thanks.getByText("Rated 4 of 5, good").waitFor();
    expect(await thanks.getByLabel("Your comment").textContent()).toBe(COMMENT);
    expect(await carol.getByRole("button", { name: "Send rating" }).count(), "no form once rated").toBe(0);
    await expect.poll(() => isFocused(thanks.getByRole("heading", { name: "Thanks for your rating" })), { message: "the thanks take the focus" }).toBe(true);
    await screenshot(carol, "survey-customer-thanks");
    expect(await axeBothThemes(carol), "the thanks").toEqual([]);

    // The server kept it, once.
    const stored = await carol.context().request.get(`/api/conversations/${id}/survey`);
    expect(await stored.json()).toMatchObject({ state: "answered", rating: 4, comment: COMMENT });
    const again = await carol.context().request.post(`/api/conversations/${id}/survey`, { data: { rating: 1 } });
    expect(again.status(), "a second answer is refused").toBe(409);

    // After a reload: the rating as given, no form.
    await carol.reload();
    const given = carol.getByRole("region", { name: "Your rating" });
    await given.getByText("Rated 4 of 5, good").waitFor();
    expect(await given.getByLabel("Your comment").textContent()).toBe(COMMENT);
    expect(await carol.getByRole("region", { name: "How did we do?" }).count(), "no form after a reload").toBe(0);
    expect(await carol.getByRole("radio").count()).toBe(0);
    await screenshot(carol, "survey-customer-after-reload");
    // The widget's panel (the same view, 380 × 600) shows it too.
    await carol.setViewportSize({ width: 380, height: 600 });
    await carol.goto("/support?embed=1");
    await carol.getByRole("region", { name: "Your rating" }).getByText("Rated 4 of 5, good").waitFor();
    await screenshot(carol, "survey-customer-widget");

    // Dana, the manager, opens the session in the workspace.
    const dana = await person("dana", `/agent/workspace/${id}`);
    const pane = dana.getByRole("main", { name: "Conversation pane" });
    const rating = pane.getByRole("region", { name: "Customer rating" });
    await rating.getByText("Rated 4 of 5").waitFor();
    expect(await rating.getByLabel("Customer's comment").textContent()).toBe(COMMENT);
    expect(await rating.getByRole("textbox").count(), "read-only").toBe(0);
    await screenshot(dana, "survey-staff-workspace");
    expect(await axeBothThemes(dana), "the workspace with the rating").toEqual([]);
  });

  it("nothing_is_asked_for_a_chat_nobody_took", async () => {
    const carol = await person("carol", "/support", { width: 900, height: 900 });
    await carol.getByLabel("What can we help you with?").fill("Never mind, it works now.");
    const id = await startedId(carol, () => carol.getByRole("button", { name: "Start chat" }).click());
    // The page asks once the chat has closed; the server says none.
    const asked = carol.waitForResponse((response) => response.url().endsWith(`/api/conversations/${id}/survey`) && response.request().method() === "GET");
    await carol.getByRole("button", { name: "Leave the queue" }).click();
    await carol.getByRole("dialog", { name: "Leave the queue?" }).getByRole("button", { name: "Leave the queue" }).click();
    await carol.getByText("This chat has ended.").waitFor();
    expect(await (await asked).json()).toEqual({ state: "none" });
    await carol.getByRole("button", { name: "Start a new chat", exact: true }).waitFor();
    expect(await carol.getByRole("region", { name: "How did we do?" }).count(), "no survey for a chat nobody took").toBe(0);
  });
});

/**
 * The id of the session `start` begins, read from the page's own start request (a list read
 * right after the click may not hold it yet, and sessions started in the same second sort
 * either way).
 */
async function startedId(page: Page, start: () => Promise<void>): Promise<string> {
  const answer = page.waitForResponse((response) => /\/api\/queues\/[^/]+\/sessions$/.test(new URL(response.url()).pathname) && response.request().method() === "POST");
  await start();
  const session = (await (await answer).json()) as { id?: string };
  expect(session.id, "the session started").toBeDefined();
  return session.id ?? "";
}

/** The id of carol's newest support session, as the API lists it (once it is long started). */
async function openSessionId(page: Page): Promise<string> {
  const list = (await (await page.context().request.get("/api/conversations")).json()) as { id: string; kind: string }[];
  const newest = list.filter((c) => c.kind === "support").sort((a, b) => Number(b.id) - Number(a.id))[0];
  expect(newest, "carol has a session").toBeDefined();
  return newest?.id ?? "";
}
