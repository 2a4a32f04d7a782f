/**
 * The live queue view end to end: dana (manager) opens Manage, whose first tab is Live queue;
 * carol, in her own browser, starts a chat and dana's view shows her waiting (the wait ticking)
 * and "Started" one up, without a reload; alice accepts, answers and ends it, and dana sees her
 * session under Alice, opens it read-only (a work note, no comment), and reads the figures go
 * up; carol rates the chat 4 of 5 and dana's figures show the rating, and Alice's row hers.
 * Then the routing guards with short timers: nobody accepts carol's next chat in time (alice's
 * notification says "Waiting over 2 s", dana is alerted), alice takes it and does not answer
 * (she is told), and it goes back to the queue (dana is told why). Screenshots of the view and
 * the alerts go to e2e/artifacts/; axe in both themes.
 */
import { request, type APIRequestContext, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe";
import { closeVisitors, launchBrowser, newVisitor, type Opened, screenshot, signInByApi, takePolicyViolations } from "./browser";
import { customerApi, deskQueueId, setQueueTimers } from "./desk";

const baseUrl = inject("baseUrl");
let browser: Browser;
let manager: APIRequestContext;
let queueId = "";
/** The routing guards' settings before this file (put back after it). */
let guards: { offer_alert_seconds: number; reply_alert_seconds: number; survey: boolean } | null = null;
const opened: Opened[] = [];

const FIRST_MESSAGE = "Teams will not share my screen since this morning.";

interface Rating {
  count: number;
  average: number | null;
}
interface Live {
  figures: { started: number; accepted: number; ended: number; rating: Rating; per_agent: { user: { display_name: string }; accepted: number; ended: number; rating: Rating }[] };
}

beforeAll(async () => {
  browser = await launchBrowser();
  const carolApi = await customerApi(baseUrl, "carol");
  queueId = await deskQueueId(carolApi);
  await carolApi.dispose();
  await setQueueTimers(baseUrl, queueId, 600, 300);
  manager = await request.newContext({ baseURL: baseUrl });
  expect((await manager.post("/api/session", { data: { username: "dana", password: "dana" } })).ok(), "dana signs in").toBe(true);
  const queue = (await (await manager.get(`/api/queues/${queueId}`)).json()) as { offer_alert_seconds: number; reply_alert_seconds: number; survey: boolean };
  guards = { offer_alert_seconds: queue.offer_alert_seconds, reply_alert_seconds: queue.reply_alert_seconds, survey: queue.survey };
  // The guards off for the first test (a slow machine must not make it urgent), the survey on.
  await patchQueue({ offer_alert_seconds: 0, reply_alert_seconds: 0, survey: true });
});

afterAll(async () => {
  if (manager !== undefined) {
    if (guards !== null) await manager.patch(`/api/queues/${queueId}`, { data: guards });
    await manager.dispose();
  }
  await (await customerApi(baseUrl, "carol")).dispose();
  await browser?.close();
});

afterEach(async (test) => {
  await closeVisitors(test, opened);
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

async function patchQueue(data: Record<string, unknown>): Promise<void> {
  const patched = await manager.patch(`/api/queues/${queueId}`, { data });
  expect(patched.ok(), `PATCH queue ${JSON.stringify(data)}: ${patched.status()} ${await patched.text()}`).toBe(true);
}

/** The live view as the API gives it to dana now, from the browser's midnight (the page's `since`). */
async function liveNow(): Promise<Live> {
  const now = new Date();
  const since = new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString();
  const answer = await manager.get(`/api/queues/${queueId}/live?since=${encodeURIComponent(since)}`);
  expect(answer.status(), `GET /api/queues/${queueId}/live: is the live view in this server build?`).toBe(200);
  return (await answer.json()) as Live;
}

async function person(name: string, path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const visitor = await newVisitor(browser, baseUrl, { viewport });
  await signInByApi(visitor.context, name);
  opened.push({ name, visitor });
  await visitor.page.goto(path);
  if (path === "/agent") await sidebar(visitor.page).getByRole("button", { name: "Collapse sidebar" }).waitFor();
  return visitor.page;
}

const sidebar = (page: Page): Locator => page.getByRole("complementary", { name: "Connect sidebar" });
const notification = (page: Page, customer: string): Locator => sidebar(page).getByRole("article", { name: customer });
const miniWindow = (page: Page, customer: string): Locator => page.getByRole("region", { name: customer, exact: true });
const liveSection = (page: Page, name: string): Locator => page.getByRole("tabpanel", { name: "Live queue" }).getByRole("region", { name: new RegExp(`^${name}`) });
const figureRow = (page: Page, name: string): Locator => liveSection(page, "Today's figures").getByRole("table").first().getByRole("row", { name, exact: true });
const perAgent = (page: Page): Locator => liveSection(page, "Today's figures").getByRole("table", { name: "Per agent" });

/** Dana on /agent, then Manage from the top bar: the Live queue tab, IT Service Desk chosen. */
async function danaOnLiveQueue(): Promise<Page> {
  const dana = await person("dana", "/agent");
  await dana.getByRole("navigation", { name: "Content" }).getByRole("link", { name: "Manage" }).click();
  await dana.getByRole("heading", { level: 1, name: "Manage" }).waitFor();
  const tab = dana.getByRole("tab", { name: "Live queue" });
  expect(await tab.getAttribute("aria-selected"), "Live queue is the first tab, shown first").toBe("true");
  const panel = dana.getByRole("tabpanel", { name: "Live queue" });
  await panel.getByRole("combobox", { name: "Queue" }).selectOption({ label: "IT Service Desk" });
  await liveSection(dana, "Waiting").waitFor();
  return dana;
}

/** Serious axe violations in the light and the dark theme. */
async function axeBothThemes(page: Page): Promise<string[]> {
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = (await seriousViolations(page)).map((v) => `dark: ${v}`);
  await page.emulateMedia({ colorScheme: "light" });
  return [...light, ...dark];
}

/** The rating as the view writes it, once `given` is added to `before`. */
function ratingAfter(before: Rating, given: number): string {
  const count = before.count + 1;
  const average = ((before.average ?? 0) * before.count + given) / count;
  return `${new Intl.NumberFormat("en", { maximumFractionDigits: 1 }).format(average)} of 5 (${count} ${count === 1 ? "rating" : "ratings"})`;
}

/** Carol starts a chat on the support page; the id from the page's own start request. */
async function startChat(carol: Page, text: string): Promise<string> {
  await carol.getByLabel("What can we help you with?").fill(text);
  const answer = carol.waitForResponse((response) => /\/api\/queues\/[^/]+\/sessions$/.test(new URL(response.url()).pathname) && response.request().method() === "POST");
  await carol.getByRole("button", { name: "Start chat" }).click();
  const session = (await (await answer).json()) as { id?: string };
  expect(session.id, "the session started").toBeDefined();
  await carol.getByRole("log").first().getByText(text).waitFor();
  return session.id ?? "";
}

describe("the live queue view", () => {
  it("dana_follows_carols_chat_from_waiting_to_rated_without_a_reload", async () => {
    const before = await liveNow();
    const aliceBefore = before.figures.per_agent.find((a) => a.user.display_name === "Alice Agent") ?? { accepted: 0, ended: 0, rating: { count: 0, average: null } };
    const dana = await danaOnLiveQueue();
    await figureRow(dana, `Started ${before.figures.started}`).waitFor();
    const alice = await person("alice", "/agent");

    // Carol starts a chat: dana's view shows her waiting and one more started, live.
    const carol = await person("carol", "/support", { width: 900, height: 900 });
    const id = await startChat(carol, FIRST_MESSAGE);
    const waiting = liveSection(dana, "Waiting").getByRole("row", { name: /^Carol Customer/ });
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain(FIRST_MESSAGE);
    await figureRow(dana, `Started ${before.figures.started + 1}`).waitFor();
    // The wait ticks on its own.
    const waitCell = waiting.getByRole("cell").nth(1);
    const first = await waitCell.textContent();
    await expect.poll(() => waitCell.textContent(), { message: "the wait counts up", timeout: 5000 }).not.toBe(first);
    expect(await liveSection(dana, "Waiting").getByRole("link", { name: "Open Carol Customer's session" }).getAttribute("href")).toBe(`/agent/workspace/${id}`);
    await screenshot(dana, "live-view-waiting");
    expect(await axeBothThemes(dana), "the live view with a session waiting").toEqual([]);

    // Alice accepts and answers: carol waits no more, and her session is Alice's.
    await notification(alice, "Carol Customer").getByRole("button", { name: "Accept Carol Customer", exact: true }).click();
    const window = miniWindow(alice, "Carol Customer");
    const field = window.getByRole("textbox", { name: "Message (comment)" });
    await field.fill("Hi Carol, let me check the Teams policy for you.");
    await field.press("Enter");
    await carol.getByText("Hi Carol, let me check the Teams policy for you.").waitFor();
    await liveSection(dana, "Waiting").getByText("Nobody is waiting.").waitFor();
    const aliceRow = liveSection(dana, "Agents").getByRole("row", { name: /^Alice Agent/ });
    await aliceRow.getByText("Carol Customer").waitFor();
    await figureRow(dana, `Accepted ${before.figures.accepted + 1}`).waitFor();
    await screenshot(dana, "live-view-active");

    // Dana opens it from her view: read-only for her, a work note at most.
    const href = await aliceRow.getByRole("link", { name: "Open Carol Customer's session" }).getAttribute("href");
    expect(href).toBe(`/agent/workspace/${id}`);
    const look = await dana.context().newPage();
    await look.goto(href ?? "");
    const pane = look.getByRole("main", { name: "Conversation pane" });
    await pane.getByText("Hi Carol, let me check the Teams policy for you.").waitFor();
    await pane.getByRole("textbox", { name: "Message (work note)" }).waitFor();
    expect(await pane.getByRole("button", { name: "Comment" }).isDisabled(), "no comment: the session is Alice's").toBe(true);
    await screenshot(look, "live-view-opened-session");
    await look.close();

    // Alice ends it.
    await window.getByRole("button", { name: "End", exact: true }).click();
    await alice.getByRole("dialog", { name: "End the chat with Carol Customer?" }).getByRole("button", { name: "End chat" }).click();
    await window.getByText("This session is closed.").waitFor();
    await figureRow(dana, `Ended ${before.figures.ended + 1}`).waitFor();
    await expect.poll(() => aliceRow.textContent(), { message: "Carol's session is no longer Alice's" }).not.toContain("Carol Customer");

    // Carol rates it 4 of 5: dana's figures show it, and Alice's row.
    const survey = carol.getByRole("region", { name: "How did we do?" });
    await survey.getByRole("radio", { name: "4 of 5, good" }).check();
    await survey.getByRole("button", { name: "Send rating" }).click();
    await carol.getByRole("region", { name: "Thanks for your rating" }).waitFor();
    const rating = ratingAfter(before.figures.rating, 4);
    await figureRow(dana, `Average rating ${rating}`).waitFor({ timeout: 15_000 });
    if (before.figures.rating.count === 0) expect(rating, "the first rating of the day").toBe("4 of 5 (1 rating)");
    const aliceFigures = perAgent(dana).getByRole("row", { name: new RegExp(`^Alice Agent ${aliceBefore.accepted + 1} ${aliceBefore.ended + 1} .* ${escape(ratingAfter(aliceBefore.rating, 4))}$`) });
    await aliceFigures.waitFor();
    await screenshot(dana, "live-view-figures");
    expect(await axeBothThemes(dana), "the live view with today's figures").toEqual([]);
  });

  it("the_routing_guards_alert_alice_and_dana", async () => {
    await patchQueue({ offer_alert_seconds: 2, reply_alert_seconds: 3 });
    const dana = await danaOnLiveQueue();
    const alice = await person("alice", "/agent");
    const carol = await person("carol", "/support", { width: 900, height: 900 });
    await startChat(carol, "My second screen stays black after docking.");

    // Nobody accepts it within 2 s: alice's notification says so (louder), dana is told.
    const offer = notification(alice, "Carol Customer");
    await offer.getByText("Waiting over 2 s").waitFor({ timeout: 15_000 });
    await screenshot(alice, "routing-alert-urgent-offer");
    const queueAlerts = dana.getByRole("status", { name: "Queue alerts" });
    await queueAlerts.getByText("Carol Customer's chat in IT Service Desk has waited over 2 s: nobody accepted it.").waitFor({ timeout: 15_000 });
    await liveSection(dana, "Waiting").getByRole("row", { name: /^Carol Customer/ }).getByText("Alerted").waitFor();
    await screenshot(dana, "routing-alert-unaccepted");
    expect(await axeBothThemes(dana), "dana's page with a queue alert").toEqual([]);

    // Alice takes it and does not answer within 3 s: she is told, on the session too.
    await offer.getByRole("button", { name: "Accept Carol Customer", exact: true }).click();
    await queueAlerts.getByText(/nobody accepted it/).waitFor({ state: "detached" });
    // Once back in the queue it must not be alerted again before dana has read why it came back.
    await patchQueue({ offer_alert_seconds: 600 });
    const replies = alice.getByRole("alert", { name: "Replies overdue" });
    await replies.getByText("Carol Customer has had no reply for 3 seconds — reply now or the session goes back to the queue").waitFor({ timeout: 15_000 });
    await miniWindow(alice, "Carol Customer").getByText("No reply for 3 seconds: reply now or the session goes back to the queue.").waitFor();
    await screenshot(alice, "routing-alert-no-reply");
    expect(await axeBothThemes(alice), "alice's page with a reply overdue").toEqual([]);

    // Still no answer 3 s later: it goes back to the queue, and dana is told why.
    await queueAlerts.getByText("Carol Customer's chat went back to the queue: Alice Agent did not answer.").waitFor({ timeout: 15_000 });
    await replies.getByText(/has had no reply/).waitFor({ state: "detached" });
    await screenshot(dana, "routing-alert-returned-unanswered");
    expect(await dana.getByText(/had to leave/).count(), "not told as 'had to leave'").toBe(0);
    await queueAlerts.getByRole("button", { name: "Dismiss: Carol Customer's chat went back to the queue: Alice Agent did not answer." }).click();
    await queueAlerts.getByText(/did not answer/).waitFor({ state: "detached" });
  }, 90_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
