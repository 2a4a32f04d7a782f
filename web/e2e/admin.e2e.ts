/**
 * The admin's side of the managers' console end to end: the admin creates an agent under Users,
 * adds them to ITSD_chat under Group membership, resets their password in its dialog; the new
 * agent signs in with that password (not the first one) and works the desk's queue; the Audit
 * log shows the three changes, with the admin as who and the password only as "set". Then dana
 * (a manager) moves a canned message up (the server keeps the new order) and sets the queue's
 * routing guards, and has no Users tab. Screenshots of each new tab go to e2e/artifacts/; axe
 * in both themes; everything put back after the file.
 */
import { request, type APIRequestContext, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe";
import { closeVisitors, launchBrowser, newVisitor, type Opened, screenshot, signInAs, signInByApi, takePolicyViolations } from "./browser";
import { deskQueueId } from "./desk";

const baseUrl = inject("baseUrl");
let browser: Browser;
let admin: APIRequestContext;
let queueId = "";
const opened: Opened[] = [];

/** Unique within the server's run (another run of this file on the same server finds its own). */
const SUFFIX = Date.now().toString(36).slice(-5);
const NEW_USERNAME = `erin${SUFFIX}`;
const NEW_NAME = `Erin Engineer ${SUFFIX}`;
const FIRST_PASSWORD = "first-password-1";
const NEW_PASSWORD = "second-password-2";

/** What the file changes and puts back. */
let createdId: string | null = null;
let cannedOrder: string[] | null = null;
let guards: { offer_alert_seconds: number; reply_alert_seconds: number } | null = null;

interface Group {
  id: string;
  name: string;
  members: { id: string; display_name: string }[];
}

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await request.newContext({ baseURL: baseUrl });
  expect((await admin.post("/api/session", { data: { username: "admin", password: "admin" } })).ok(), "admin signs in").toBe(true);
  queueId = await deskQueueId(admin);
});

afterAll(async () => {
  if (admin !== undefined) {
    if (createdId !== null) {
      const group = ((await (await admin.get("/api/groups")).json()) as Group[]).find((g) => g.name === "ITSD_chat");
      if (group !== undefined) await admin.delete(`/api/groups/${group.id}/members/${createdId}`);
      await admin.patch(`/api/admin/users/${createdId}`, { data: { disabled: true } });
    }
    if (cannedOrder !== null) await admin.put(`/api/queues/${queueId}/canned/order`, { data: { ids: cannedOrder } });
    if (guards !== null) await admin.patch(`/api/queues/${queueId}`, { data: guards });
    await admin.dispose();
  }
  await browser?.close();
});

afterEach(async (test) => {
  await closeVisitors(test, opened);
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

/** `name` signed in over the API, on the console from the top bar's Manage link. */
async function onManage(name: string): Promise<Page> {
  const visitor = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 900 } });
  await signInByApi(visitor.context, name);
  opened.push({ name, visitor });
  const page = visitor.page;
  await page.goto("/agent");
  await page.getByRole("navigation", { name: "Content" }).getByRole("link", { name: "Manage" }).click();
  await page.getByRole("heading", { level: 1, name: "Manage" }).waitFor();
  return page;
}

async function openTab(page: Page, name: string): Promise<Locator> {
  await page.getByRole("tab", { name, exact: true }).click();
  return page.getByRole("tabpanel", { name, exact: true });
}

const status = (scope: Locator | Page, text: string | RegExp): Locator => scope.getByRole("status").filter({ hasText: text });

/** Serious axe violations in the light and the dark theme. */
async function axeBothThemes(page: Page): Promise<string[]> {
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = (await seriousViolations(page)).map((v) => `dark: ${v}`);
  await page.emulateMedia({ colorScheme: "light" });
  return [...light, ...dark];
}

describe("the admin's console", () => {
  it("admin_creates_a_user_adds_them_to_a_group_resets_their_password_and_the_audit_log_shows_it", async () => {
    const page = await onManage("admin");
    expect(
      await page.getByRole("tab").allTextContents(),
      "an admin's tabs",
    ).toEqual(["Live queue", "Queue settings", "Group membership", "Canned messages", "Users", "Groups and queues", "Audit log"]);

    // Users: create an agent.
    const users = await openTab(page, "Users");
    const table = users.getByRole("table", { name: "Users" });
    await table.getByRole("cell", { name: "Alice Agent", exact: true }).waitFor();
    const form = users.getByRole("form", { name: "Create user" });
    await form.getByLabel("Username").fill(NEW_USERNAME);
    await form.getByLabel("Display name").fill(NEW_NAME);
    await form.getByLabel("Password", { exact: true }).fill(FIRST_PASSWORD);
    expect(await form.getByRole("checkbox", { name: /^Agent/ }).isChecked(), "Agent is ticked to start with").toBe(true);
    await form.getByRole("button", { name: "Create user" }).click();
    await status(form, `User ${NEW_USERNAME} (${NEW_NAME}) created.`).waitFor();
    const row = table.getByRole("row").filter({ hasText: NEW_NAME });
    await row.waitFor();
    expect(await row.getByRole("cell").allTextContents()).toEqual([NEW_USERNAME, NEW_NAME, "Agent", "No", "✓ Active", expect.any(String)]);
    const listed = ((await (await admin.get("/api/admin/users")).json()) as { id: string; username: string }[]).find((u) => u.username === NEW_USERNAME);
    expect(listed, "the server keeps the user").toBeDefined();
    createdId = listed?.id ?? null;

    // The same username again: the server's 409 beside the field.
    await form.getByLabel("Username").fill(NEW_USERNAME);
    await form.getByLabel("Display name").fill("Someone else");
    await form.getByLabel("Password", { exact: true }).fill(FIRST_PASSWORD);
    await form.getByRole("button", { name: "Create user" }).click();
    await expect.poll(() => form.getByLabel("Username").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "manage-users");
    expect(await axeBothThemes(page), "users").toEqual([]);

    // Group membership: add them to ITSD_chat.
    const groups = await openTab(page, "Group membership");
    await groups.getByRole("combobox", { name: "Add member to ITSD_chat" }).fill(NEW_USERNAME);
    await page.getByRole("option", { name: new RegExp(`^${NEW_NAME}`) }).click();
    await status(groups, `${NEW_NAME} added to ITSD_chat.`).waitFor();
    await groups.getByRole("list", { name: "Members of ITSD_chat" }).getByText(NEW_NAME).waitFor();

    // Users: reset the password in its dialog.
    await openTab(page, "Users");
    await row.getByRole("button", { name: `Reset password of ${NEW_NAME}` }).click();
    const dialog = page.getByRole("dialog", { name: `Reset the password of ${NEW_NAME}` });
    await dialog.getByLabel("New password").fill("short");
    await dialog.getByRole("button", { name: "Set password" }).click();
    await expect.poll(() => dialog.getByLabel("New password").getAttribute("aria-invalid"), { message: "8 characters at least, said beside the field" }).toBe("true");
    await screenshot(page, "manage-users-reset-password");
    await dialog.getByLabel("New password").fill(NEW_PASSWORD);
    await dialog.getByRole("button", { name: "Set password" }).click();
    await dialog.waitFor({ state: "detached" });
    await status(page, `New password of ${NEW_NAME} set.`).waitFor();

    // They sign in with the new password; the first one no longer works.
    const before = await request.newContext({ baseURL: baseUrl });
    expect((await before.post("/api/session", { data: { username: NEW_USERNAME, password: FIRST_PASSWORD } })).status(), "the first password is gone").toBe(401);
    await before.dispose();
    const erin = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 900 } });
    opened.push({ name: NEW_USERNAME, visitor: erin });
    await erin.page.goto("/");
    await signInAs(erin.page, NEW_USERNAME, NEW_PASSWORD);
    await erin.page.waitForURL(`${baseUrl}/agent`);
    await erin.page.getByRole("banner").getByText(NEW_NAME).waitFor();
    const theirQueues = (await (await erin.context.request.get("/api/queues")).json()) as { id: string }[];
    expect(theirQueues.map((q) => q.id), "as a member of ITSD_chat they work its queue").toContain(queueId);

    // The audit log: newest first, the admin as who, the password only as "set".
    const audit = await openTab(page, "Audit log");
    await audit.getByLabel("Target").selectOption("user");
    await audit.getByRole("button", { name: "Apply filters" }).click();
    const log = audit.getByRole("table", { name: "Audit log, newest first" });
    // A user is named in the log by their username.
    const changed = log.getByRole("row").filter({ hasText: "User changed" }).filter({ hasText: NEW_USERNAME }).first();
    await changed.waitFor();
    expect(await changed.getByRole("cell").nth(1).textContent()).toBe("Admin");
    expect(await changed.getByRole("cell").nth(4).textContent(), "the password only as set").toBe("password: set");
    const created = log.getByRole("row").filter({ hasText: "User created" }).filter({ hasText: NEW_USERNAME });
    await created.waitFor();
    expect(await created.getByRole("cell").nth(4).textContent(), "no password in the log").not.toContain(FIRST_PASSWORD);
    const rowsNow = await log.getByRole("row").allTextContents();
    expect(rowsNow.findIndex((r) => r.includes("User changed") && r.includes(NEW_USERNAME)), "newest first").toBeLessThan(rowsNow.findIndex((r) => r.includes("User created") && r.includes(NEW_USERNAME)));
    expect(await created.getByRole("cell").nth(4).textContent(), "the new user's fields").toContain(`display name: ${NEW_NAME}`);

    await audit.getByLabel("Target").selectOption("group");
    await audit.getByLabel("Action").selectOption("group.add_member");
    await audit.getByRole("combobox", { name: "Who" }).fill("admin");
    await page.getByRole("option", { name: /^Admin/ }).click();
    await audit.getByRole("button", { name: "Apply filters" }).click();
    const added = log.getByRole("row").filter({ hasText: "Member added" }).filter({ hasText: `member: ${NEW_NAME}` });
    await added.waitFor();
    expect(await added.getByRole("cell").nth(3).textContent()).toBe("Group ITSD_chat");
    await screenshot(page, "manage-audit-log");
    expect(await axeBothThemes(page), "audit log").toEqual([]);
  });

  it("admin_sees_groups_and_queues_and_a_new_group_reaches_the_queue_form", async () => {
    const page = await onManage("admin");
    const directory = await openTab(page, "Groups and queues");
    await directory.getByRole("list", { name: "Queues" }).getByText("IT Service Desk").waitFor();
    const name = `Field ${SUFFIX}`;
    const groupForm = directory.getByRole("form", { name: "New group" });
    await groupForm.getByLabel("Group name").fill(name);
    await groupForm.getByRole("button", { name: "Create group" }).click();
    await status(groupForm, `Group ${name} created.`).waitFor();
    await directory.getByRole("list", { name: "Groups" }).getByText(name).waitFor();
    await directory.getByRole("form", { name: "New queue" }).getByLabel("Group").locator("option", { hasText: name }).waitFor({ state: "attached" });
    await screenshot(page, "manage-groups-and-queues");
    expect(await axeBothThemes(page), "groups and queues").toEqual([]);
    // A group cannot be deleted through the API: it stays, empty and with no queue.
  });

  it("dana_moves_a_canned_message_up_and_sets_the_routing_guards_and_has_no_users_tab", async () => {
    const before = (await (await admin.get(`/api/queues/${queueId}/canned`)).json()) as { id: string; title: string }[];
    cannedOrder = before.map((c) => c.id);
    const queue = (await (await admin.get(`/api/queues/${queueId}`)).json()) as { offer_alert_seconds: number; reply_alert_seconds: number };
    guards = { offer_alert_seconds: queue.offer_alert_seconds, reply_alert_seconds: queue.reply_alert_seconds };

    const page = await onManage("dana");
    expect(await page.getByRole("tab", { name: "Users" }).count(), "a manager has no Users tab").toBe(0);
    expect(await page.getByRole("tab", { name: "Groups and queues" }).count()).toBe(0);

    const canned = await openTab(page, "Canned messages");
    await canned.getByLabel("Queue").selectOption({ label: "IT Service Desk" });
    await canned.getByRole("list", { name: "Canned messages of IT Service Desk" }).waitFor();
    const second = before[1];
    expect(second, "the demo queue has canned messages").toBeDefined();
    if (second === undefined) return;
    await canned.getByRole("button", { name: `Move '${second.title}' up` }).click();
    await status(page, `“${second.title}” moved up: now 1 of ${before.length}.`).waitFor();
    const after = (await (await admin.get(`/api/queues/${queueId}/canned`)).json()) as { id: string }[];
    expect(after.map((c) => c.id), "the server keeps the new order").toEqual([second.id, ...cannedOrder.filter((id) => id !== second.id)]);
    await screenshot(page, "manage-canned-reorder");

    // Another file may have made queues of its own: the desk's form is the one named after it.
    const settings = (await openTab(page, "Queue settings")).getByRole("region", { name: /^IT Service Desk/ });
    await settings.getByLabel("Offer alert after (seconds)").fill("0");
    await settings.getByLabel("Reply alert after (seconds)").fill("300");
    await settings.getByRole("button", { name: "Save" }).click();
    await status(settings, "Settings of IT Service Desk saved.").waitFor();
    const saved = (await (await admin.get(`/api/queues/${queueId}`)).json()) as { offer_alert_seconds: number; reply_alert_seconds: number };
    expect([saved.offer_alert_seconds, saved.reply_alert_seconds]).toEqual([0, 300]);
    await settings.getByLabel("Reply alert after (seconds)").fill("4000");
    await settings.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => settings.getByLabel("Reply alert after (seconds)").getAttribute("aria-invalid"), { message: "the server's 422 beside the field" }).toBe("true");
    await screenshot(page, "manage-queue-settings-guards");
    expect(await axeBothThemes(page), "queue settings").toEqual([]);
  });
});
