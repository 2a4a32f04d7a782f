/**
 * The managers' console end to end: dana opens Manage from the agent top bar; she edits a canned
 * message's text and alice's canned picker in her mini window shows (and posts) the new text;
 * she removes bob from ITSD_chat and adds him back, and bob, signed in all along, is offered
 * a new session again; she sets the most sessions per agent to 1 and the queue answers with it.
 * An agent (alice) sees no Manage link and is told the console is for managers and admins.
 * Screenshots of the three sections go to e2e/artifacts/; axe in both themes.
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
/** The canned message edited, and its text before (put back after the file). */
let edited: { id: string; body: string } | null = null;
const opened: Opened[] = [];

const CANNED_TITLE = "Still there?";
const NEW_TEXT = "Hello {customer.first_name}, are you still with us? {agent.first_name} here, I will wait two more minutes.";

interface Canned {
  id: string;
  title: string;
  body: string;
}
interface Group {
  id: string;
  name: string;
  members: { id: string; display_name: string }[];
}

beforeAll(async () => {
  browser = await launchBrowser();
  for (const customer of ["carol", "ivan"]) {
    const api = await customerApi(baseUrl, customer);
    if (queueId === "") queueId = await deskQueueId(api);
    await api.dispose();
  }
  await setQueueTimers(baseUrl, queueId, 600, 300);
  manager = await request.newContext({ baseURL: baseUrl });
  expect((await manager.post("/api/session", { data: { username: "dana", password: "dana" } })).ok(), "dana signs in").toBe(true);
  expect((await manager.patch(`/api/queues/${queueId}`, { data: { max_sessions_per_agent: 0 } })).ok()).toBe(true);
  const canned = (await (await manager.get(`/api/queues/${queueId}/canned`)).json()) as Canned[];
  const still = canned.find((c) => c.title === CANNED_TITLE);
  if (still !== undefined) edited = { id: still.id, body: still.body };
});

afterAll(async () => {
  // What other files expect: the canned text, bob in the group, no limit, no open sessions.
  if (manager !== undefined) {
    if (edited !== null) await manager.patch(`/api/queues/${queueId}/canned/${edited.id}`, { data: { body: edited.body } });
    const group = await itsdGroup();
    const bob = await userId("bob");
    if (group !== undefined && bob !== null) await manager.put(`/api/groups/${group.id}/members/${bob}`);
    await manager.patch(`/api/queues/${queueId}`, { data: { max_sessions_per_agent: 0 } });
    await manager.dispose();
  }
  for (const customer of ["carol", "ivan"]) await (await customerApi(baseUrl, customer)).dispose();
  await browser?.close();
});

afterEach(async (test) => {
  await closeVisitors(test, opened);
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

async function itsdGroup(): Promise<Group | undefined> {
  const groups = (await (await manager.get("/api/groups")).json()) as Group[];
  return groups.find((g) => g.name === "ITSD_chat");
}

async function userId(username: string): Promise<string | null> {
  const users = (await (await manager.get(`/api/users?q=${username}&staff=true`)).json()) as { id: string; username: string }[];
  return users.find((u) => u.username === username)?.id ?? null;
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

/** Dana on /agent, then Manage from the top bar. */
async function danaOnManage(): Promise<Page> {
  const dana = await person("dana", "/agent");
  await dana.getByRole("navigation", { name: "Content" }).getByRole("link", { name: "Manage" }).click();
  await dana.getByRole("heading", { level: 1, name: "Manage" }).waitFor();
  expect(new URL(dana.url()).pathname).toBe("/agent/manage");
  // The console opens on Live queue; these tests start from Queue settings.
  await dana.getByRole("tab", { name: "Queue settings" }).click();
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

async function startChat(customer: Page, text: string): Promise<void> {
  await customer.getByLabel("What can we help you with?").fill(text);
  await customer.getByRole("button", { name: "Start chat" }).click();
  await customer.getByRole("log").first().getByText(text).waitFor();
}

describe("the managers' console", () => {
  it("an_agent_sees_no_manage_link_and_is_told_who_the_console_is_for", async () => {
    const alice = await person("alice", "/agent");
    expect(await alice.getByRole("link", { name: "Manage" }).count(), "no Manage link for an agent").toBe(0);
    await alice.goto("/agent/manage");
    await alice.getByRole("heading", { level: 1, name: "Only managers and admins" }).waitFor();
    expect(await alice.getByRole("tablist").count()).toBe(0);
  });

  it("dana_edits_a_canned_message_and_alices_picker_shows_the_new_text", async () => {
    expect(edited, `the demo's “${CANNED_TITLE}” canned message`).not.toBeNull();
    const dana = await danaOnManage();
    await dana.getByLabel("Greeting").waitFor();
    await screenshot(dana, "manage-queue-settings");
    expect(await axeBothThemes(dana), "queue settings").toEqual([]);

    await dana.getByRole("tab", { name: "Canned messages" }).click();
    const list = dana.getByRole("list", { name: "Canned messages of IT Service Desk" });
    await list.getByRole("button", { name: `Edit ${CANNED_TITLE}` }).click();
    await dana.getByRole("heading", { name: `Edit “${CANNED_TITLE}”` }).waitFor();
    await dana.getByLabel("Text").fill(NEW_TEXT);
    const preview = dana.getByRole("group", { name: /^Preview/ });
    await preview.getByText("Hello Sam, are you still with us? Dana here, I will wait two more minutes.").waitFor();
    await screenshot(dana, "manage-canned-edit");
    expect(await axeBothThemes(dana), "canned messages").toEqual([]);

    // An unknown placeholder: the server's 422 beside the text, nothing saved.
    await dana.getByLabel("Text").fill("Hi {customer.shoe_size}");
    await dana.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => dana.getByLabel("Text").getAttribute("aria-invalid")).toBe("true");
    await screenshot(dana, "manage-canned-unknown-placeholder");

    await dana.getByLabel("Text").fill(NEW_TEXT);
    await dana.getByRole("button", { name: "Save changes" }).click();
    await dana.getByRole("status").filter({ hasText: `Canned message “${CANNED_TITLE}” saved.` }).waitFor();
    await list.getByText(NEW_TEXT).waitFor();

    // Alice takes carol's chat; her canned picker has the new text.
    const alice = await person("alice", "/agent");
    const carol = await person("carol", "/support", { width: 900, height: 900 });
    await startChat(carol, "My second monitor stays black.");
    await notification(alice, "Carol Customer").getByRole("button", { name: "Accept" }).click();
    const window = miniWindow(alice, "Carol Customer");
    const field = window.getByRole("textbox", { name: "Message (comment)" });
    await field.focus();
    await field.press("/");
    const picker = window.getByRole("dialog", { name: "Canned messages" });
    await picker.getByRole("searchbox", { name: "Filter canned messages" }).fill("still");
    const still = picker.getByRole("button", { name: CANNED_TITLE });
    await still.hover();
    await picker.getByText("Hello Carol, are you still with us? Alice here, I will wait two more minutes.").waitFor();
    await still.click();
    await carol.getByRole("log").first().getByText("Hello Carol, are you still with us? Alice here, I will wait two more minutes.").waitFor();
  });

  it("dana_removes_bob_from_itsd_chat_and_adds_him_back_and_bob_is_offered_a_new_session", async () => {
    const bob = await person("bob", "/agent");
    const dana = await danaOnManage();
    await dana.getByRole("tab", { name: "Group membership" }).click();
    const members = dana.getByRole("list", { name: "Members of ITSD_chat" });
    await members.getByText("Bob Agent").waitFor();

    await members.getByRole("button", { name: "Remove Bob Agent" }).click();
    const dialog = dana.getByRole("dialog", { name: "Remove Bob Agent from ITSD_chat?" });
    await dialog.getByText(/lose this group's queues at once/).waitFor();
    await dialog.getByRole("button", { name: "Remove member" }).click();
    await dialog.waitFor({ state: "detached" });
    await dana.getByRole("status").filter({ hasText: "Bob Agent removed from ITSD_chat." }).waitFor();
    expect(await members.getByText("Bob Agent").count(), "bob is no longer listed").toBe(0);
    const bobApi = bob.context().request;
    const bobsQueues = (await (await bobApi.get("/api/queues")).json()) as { id: string }[];
    expect(bobsQueues.map((q) => q.id), "bob no longer works the queue").not.toContain(queueId);

    const picker = dana.getByRole("combobox", { name: "Add member to ITSD_chat" });
    await picker.fill("bob");
    await dana.getByRole("option", { name: /^Bob Agent/ }).click();
    await dana.getByRole("status").filter({ hasText: "Bob Agent added to ITSD_chat." }).waitFor();
    await members.getByText("Bob Agent").waitFor();
    await screenshot(dana, "manage-group-membership");
    expect(await axeBothThemes(dana), "group membership").toEqual([]);

    // A new session is offered to bob again.
    const ivan = await person("ivan", "/support", { width: 900, height: 900 });
    await startChat(ivan, "Teams will not start after the update.");
    await notification(bob, "Ivan Customer").getByRole("button", { name: "Accept" }).waitFor();
  });

  it("dana_sets_max_sessions_per_agent_to_1_and_the_queue_answers_with_it", async () => {
    const dana = await danaOnManage();
    const field = dana.getByLabel("Maximum concurrent sessions per agent");
    await field.fill("1");
    await dana.getByRole("button", { name: "Save" }).click();
    await dana.getByRole("status").filter({ hasText: "Settings of IT Service Desk saved." }).waitFor();
    const queue = (await (await manager.get(`/api/queues/${queueId}`)).json()) as { max_sessions_per_agent: number };
    expect(queue.max_sessions_per_agent).toBe(1);
    await dana.reload();
    await dana.getByRole("tab", { name: "Queue settings" }).click();
    expect(await dana.getByLabel("Maximum concurrent sessions per agent").inputValue(), "the form shows what the server keeps").toBe("1");

    // A value the server refuses is named beside its field.
    await dana.getByLabel("Maximum concurrent sessions per agent").fill("500");
    await dana.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => dana.getByLabel("Maximum concurrent sessions per agent").getAttribute("aria-invalid")).toBe("true");
    await screenshot(dana, "manage-queue-settings-refused");
  });
});
