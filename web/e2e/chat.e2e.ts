/**
 * Connect Chat end to end: alice starts a direct chat with bob from her sidebar and they talk
 * live (bob sees it unread under Chats, opens it, typing shows both ways); a group chat with a
 * title, which bob leaves; carol starts a support chat, alice accepts it and invites bob, who
 * gets it under Support sessions and writes a work note alice sees and carol never does (nor
 * anything of the invitation); alice ends the session and bob's window and item go (`gone`).
 */
import { request, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { seriousViolations } from "./axe";
import { isFocused, launchBrowser, newVisitor, screenshot, signInByApi, takePolicyViolations, type Visitor } from "./browser";

const baseUrl = inject("baseUrl");
let browser: Browser;
const people = {} as Record<"carol" | "alice" | "bob" | "gwen", Visitor>;
/** An agent outside the queue's group (made for this file): she sees a session only while invited. */
const GWEN = { username: "gwen", password: "gwen-e2e-password", display_name: "Gwen Agent" };

const FIRST_MESSAGE = "Outlook keeps asking for my password since this morning.";
const WORK_NOTE = "Bob here: her account is locked in AD, unlock it under Users.";

beforeAll(async () => {
  browser = await launchBrowser();
  const admin = await request.newContext({ baseURL: baseUrl });
  expect((await admin.post("/api/session", { data: { username: "admin", password: "admin" } })).ok(), "admin signs in").toBe(true);
  const made = await admin.post("/api/admin/users", { data: { ...GWEN, roles: ["agent"] } });
  expect([201, 409], `gwen is made (or was, by an earlier run on this server): ${await made.text()}`).toContain(made.status());
  await admin.dispose();
  for (const name of ["carol", "alice", "bob", "gwen"] as const) {
    const visitor = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 800 } });
    await signInByApi(visitor.context, name, name === "gwen" ? GWEN.password : name);
    people[name] = visitor;
  }
  // A chat of carol's another file left open would be handed back by Start chat.
  const open = ((await (await people.carol.context.request.get("/api/conversations")).json()) as { id: string; kind: string; state: string }[]).filter(
    (c) => c.kind === "support" && c.state !== "closed",
  );
  for (const c of open) await people.carol.context.request.post(`/api/conversations/${c.id}/end`);
});

afterAll(async () => {
  // The chats made here stay (a direct chat is never left): read to the end, so no later file
  // finds unread messages it did not make (the title counts chat messages too).
  const dana = await request.newContext({ baseURL: baseUrl });
  await dana.post("/api/session", { data: { username: "dana", password: "dana" } });
  for (const api of [people.alice?.context.request, people.bob?.context.request, people.gwen?.context.request, dana]) {
    if (api === undefined) continue;
    const listed = (await (await api.get("/api/conversations")).json()) as { id: string; kind: string; last_seq: number }[];
    for (const c of listed.filter((c) => c.kind === "chat")) await api.post(`/api/conversations/${c.id}/read`, { data: { seq: c.last_seq } });
  }
  await dana.dispose();
  await browser?.close();
});

afterEach(() => {
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

function keepScreenshotsOnFailure(test: TestContext): void {
  test.onTestFinished(async () => {
    if (test.task.result?.state !== "fail") return;
    for (const [name, visitor] of Object.entries(people)) {
      if (visitor.page.isClosed()) continue;
      console.error(`screenshot of the failed step: ${await screenshot(visitor.page, `failed-${test.task.name}-${name}`)}`);
    }
  });
}

/** Serious axe violations in the light and the dark theme. */
async function axeBothThemes(page: Page): Promise<string[]> {
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = (await seriousViolations(page)).map((v) => `dark: ${v}`);
  await page.emulateMedia({ colorScheme: "light" });
  return [...light, ...dark];
}

const sidebar = (page: Page): Locator => page.getByRole("complementary", { name: "Connect sidebar" });
const section = (page: Page, name: RegExp): Locator => sidebar(page).getByRole("region", { name });
const miniWindow = (page: Page, title: string): Locator => page.getByRole("region", { name: title, exact: true });

/** A fresh agent app: no mini windows left from another test. */
async function openAgentApp(page: Page): Promise<void> {
  await page.goto("/agent");
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await section(page, /^Chats/).waitFor();
}

/** New chat from the sidebar: the colleagues by name, a group name if given, Start chat. */
async function newChat(page: Page, colleagues: { search: string; name: string }[], groupName: string | null, shot: string | null = null): Promise<void> {
  await section(page, /^Chats/).getByRole("button", { name: "New chat" }).click();
  const dialog = page.getByRole("dialog", { name: "New chat" });
  const search = dialog.getByRole("combobox", { name: "Colleagues" });
  expect(await isFocused(search), "the search takes the focus").toBe(true);
  for (const colleague of colleagues) {
    await search.fill(colleague.search);
    await dialog.getByRole("listbox", { name: "Colleagues found" }).getByRole("option", { name: new RegExp(`^${colleague.name}`) }).waitFor();
    await search.press("Enter");
    await dialog.getByRole("list", { name: "Chosen colleagues" }).getByText(colleague.name).waitFor();
  }
  if (groupName !== null) await dialog.getByRole("textbox", { name: "Group name" }).fill(groupName);
  if (shot !== null) {
    await screenshot(page, shot);
    expect(await axeBothThemes(page), "the New chat dialog").toEqual([]);
  }
  await dialog.getByRole("button", { name: "Start chat" }).click();
  await dialog.waitFor({ state: "detached" });
}

/** Invite in a session's window: the colleague by name, then Invite. */
async function invite(page: Page, window: Locator, search: string, name: string, shot: string | null = null): Promise<void> {
  await window.getByRole("button", { name: "Invite", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Invite a colleague to Carol Customer's session" });
  await dialog.getByRole("combobox", { name: "Colleague" }).fill(search);
  await dialog.getByRole("option", { name: new RegExp(`^${name}`) }).click();
  await dialog.getByRole("list", { name: "Colleague to invite" }).getByText(name).waitFor();
  if (shot !== null) {
    await screenshot(page, shot);
    expect(await axeBothThemes(page), "the Invite dialog").toEqual([]);
  }
  await dialog.getByRole("button", { name: "Invite", exact: true }).click();
  await dialog.waitFor({ state: "detached" });
}

describe("Connect Chat", () => {
  it("alice_starts_a_direct_chat_with_bob_and_they_talk_live", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice, bob } = people;
    await openAgentApp(alice.page);
    await openAgentApp(bob.page);

    await newChat(alice.page, [{ search: "bob", name: "Bob Agent" }], null, "chat-new-chat-dialog");
    const alicesWindow = miniWindow(alice.page, "Bob Agent");
    const alicesField = alicesWindow.getByRole("textbox", { name: "Message to Bob Agent" });
    await alicesField.waitFor();
    expect(await isFocused(alicesField), "the new chat's field takes the focus").toBe(true);
    expect(await alicesWindow.getByRole("group", { name: "Message type" }).count(), "no Comment / Work Note in a chat").toBe(0);
    expect(await alicesWindow.getByRole("button", { name: /^(Transfer|Create Incident|End|Invite)$/ }).count(), "no session actions in a chat").toBe(0);
    await alicesField.fill("Hi Bob, got a minute for the printer on floor 3?");
    await alicesField.press("Enter");
    await alicesWindow.getByRole("log").getByText("got a minute for the printer").waitFor();

    // Bob: unread under Chats, live: "Alice Agent started a chat with Bob Agent." and her message.
    const bobsChats = section(bob.page, /^Chats, 2 unread$/);
    const item = bobsChats.getByRole("button", { name: /^Alice Agent/ });
    await item.waitFor();
    await item.getByText("Alice: Hi Bob, got a minute", { exact: false }).waitFor();
    await screenshot(bob.page, "chat-sidebar-groups");
    expect(await axeBothThemes(bob.page), "bob's sidebar with a chat unread").toEqual([]);

    await item.click();
    const bobsWindow = miniWindow(bob.page, "Alice Agent");
    await bobsWindow.getByRole("log").getByText("got a minute for the printer").waitFor();
    await section(bob.page, /^Chats$/).waitFor();

    // Typing shows on the other side, in the window and in the sidebar.
    const bobsField = bobsWindow.getByRole("textbox", { name: "Message to Alice Agent" });
    await bobsField.pressSequentially("Sure, on my");
    await alicesWindow.getByText("Bob Agent is typing…").waitFor();
    await section(alice.page, /^Chats/).getByRole("button", { name: /^Bob Agent/ }).getByText("Bob Agent is typing…").waitFor();
    await bobsField.pressSequentially(" way.");
    await bobsField.press("Enter");
    await alicesWindow.getByRole("log").getByText("Sure, on my way.").waitFor();
    // Both are signed in: the colleague's presence shows in words.
    await alicesWindow.getByText("Available").waitFor();

    await screenshot(alice.page, "chat-mini-window");
    expect(await axeBothThemes(alice.page), "alice's chat window").toEqual([]);

    // The chat in the workspace (New Window): the same conversation, comments only.
    const [workspace] = await Promise.all([alice.context.waitForEvent("page"), alicesWindow.getByRole("button", { name: "New Window" }).click()]);
    await workspace.waitForLoadState();
    const pane = workspace.getByRole("main", { name: "Conversation pane" });
    await pane.getByRole("heading", { name: "Bob Agent" }).waitFor();
    await pane.getByRole("log").getByText("Sure, on my way.").waitFor();
    const paneField = pane.getByRole("textbox", { name: "Message to Bob Agent" });
    await paneField.fill("Thanks!");
    await paneField.press("Enter");
    await bobsWindow.getByRole("log").getByText("Thanks!").waitFor();
    expect(await pane.getByRole("button", { name: /^(Transfer|Create Incident|End|Invite)$/ }).count(), "no session actions for a chat in the workspace").toBe(0);
    // The header names the colleague and says what the chat is (not a queue and a session state).
    // (No presence word here: a page just opened learns a colleague's presence only when it changes.)
    await pane.getByText(/^Direct chat/).waitFor();
    expect(await pane.getByText(/^Queue$/).count(), "no queue in a chat's header").toBe(0);
    // No customer, no record: the only tool is the Knowledge Base, selected.
    const tools = workspace.getByRole("complementary", { name: "Tools" });
    expect(await tools.getByRole("tab").allTextContents(), "a chat's tools").toEqual(["Knowledge Base"]);
    expect(await tools.getByRole("tab", { name: "Knowledge Base" }).getAttribute("aria-selected")).toBe("true");
    await tools.getByRole("tabpanel", { name: "Knowledge Base" }).getByLabel("Search the knowledge base").waitFor();
    await screenshot(workspace, "chat-workspace");
    expect(await axeBothThemes(workspace), "a chat in the workspace").toEqual([]);
    await workspace.close();
  });

  it("a_group_chat_has_its_title_a_member_can_leave_it_and_be_added_again", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice, bob } = people;
    await openAgentApp(alice.page);
    await openAgentApp(bob.page);
    await newChat(
      alice.page,
      [
        { search: "bob", name: "Bob Agent" },
        { search: "dana", name: "Dana Manager" },
      ],
      "Printer fleet",
    );
    const alicesWindow = miniWindow(alice.page, "Printer fleet");
    await alicesWindow.getByText("Group chat · Bob Agent, Dana Manager and you").waitFor();
    const field = alicesWindow.getByRole("textbox", { name: "Message to Printer fleet" });
    await field.fill("Toner order goes out on Friday.");
    await field.press("Enter");

    const bobsItem = section(bob.page, /^Chats/).getByRole("button", { name: /^Printer fleet/ });
    await bobsItem.waitFor();
    expect(await bobsItem.textContent()).toContain("Group · 3 people");
    await bobsItem.click();
    const bobsWindow = miniWindow(bob.page, "Printer fleet");
    await bobsWindow.getByRole("log").getByText("Toner order goes out on Friday.").waitFor();
    expect(await bobsWindow.getByRole("button", { name: "Add people" }).isVisible()).toBe(true);

    await bobsWindow.getByRole("button", { name: "Leave chat" }).click();
    const confirm = bob.page.getByRole("dialog", { name: "Leave “Printer fleet”?" });
    await confirm.getByRole("button", { name: "Leave chat" }).click();
    await bobsWindow.waitFor({ state: "detached" });
    await bobsItem.waitFor({ state: "detached" });
    expect(await bob.page.getByText("You are no longer in the group chat").count(), "leaving himself needs no notice").toBe(0);
    const listed = (await (await bob.context.request.get("/api/conversations")).json()) as { title?: string }[];
    expect(listed.map((c) => c.title), "the server no longer lists it for bob").not.toContain("Printer fleet");

    // Alice adds him again (Add people): the chat is back in his list, live.
    await alicesWindow.getByText("Bob Agent left the chat.").waitFor();
    await alicesWindow.getByRole("button", { name: "Add people" }).click();
    const add = alice.page.getByRole("dialog", { name: "Add people to Printer fleet" });
    await add.getByRole("combobox", { name: "Colleagues" }).fill("bob");
    await add.getByRole("option", { name: /^Bob Agent/ }).click();
    await add.getByRole("button", { name: "Add", exact: true }).click();
    await add.waitFor({ state: "detached" });
    await bobsItem.waitFor();

    // The group in the workspace: its name and members in the header, only the Knowledge Base as a tool.
    const [workspace] = await Promise.all([alice.context.waitForEvent("page"), alicesWindow.getByRole("button", { name: "New Window" }).click()]);
    await workspace.waitForLoadState();
    const pane = workspace.getByRole("main", { name: "Conversation pane" });
    await pane.getByRole("heading", { name: "Printer fleet" }).waitFor();
    await pane.getByText(/^Group chat · (Bob Agent, Dana Manager|Dana Manager, Bob Agent) and you$/).waitFor();
    expect(await workspace.getByRole("complementary", { name: "Tools" }).getByRole("tab").allTextContents()).toEqual(["Knowledge Base"]);
    await workspace.close();
  });

  it("a_long_group_name_without_spaces_stays_inside_the_mini_window", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice } = people;
    await openAgentApp(alice.page);
    const name = "PrintersAndScannersOfTheThirdFloor".repeat(4).slice(0, 100);
    expect(name).toHaveLength(100);
    await newChat(alice.page, [{ search: "bob", name: "Bob Agent" }, { search: "dana", name: "Dana Manager" }], name);
    const window = miniWindow(alice.page, name);
    const line = window.getByRole("log").getByText(`Alice Agent created ${name} with`);
    await line.waitFor();
    await window.getByRole("textbox", { name: `Message to ${name}` }).waitFor();
    // Nothing sticks out: the window, its header and the log scroll no sideways, and the system line wraps within the log.
    const overflows = await window.evaluate((section) =>
      [section, section.querySelector("header"), section.querySelector('[role="log"]')].flatMap((el) =>
        el instanceof HTMLElement && el.scrollWidth > el.clientWidth ? [`${el.tagName}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}`] : [],
      ),
    );
    expect(overflows).toEqual([]);
    const logBox = await window.getByRole("log").boundingBox();
    const lineBox = await line.boundingBox();
    expect(lineBox !== null && logBox !== null && lineBox.x + lineBox.width <= logBox.x + logBox.width, "the system line within the log").toBe(true);
    expect(await window.getByRole("heading", { name }).getAttribute("title"), "the whole name on hover").toBe(name);
    await screenshot(alice.page, "chat-long-group-name");
    expect(await axeBothThemes(alice.page), "the window of a long-named group").toEqual([]);
    // Leave it, so no later test finds it.
    await window.getByRole("button", { name: "Leave chat" }).click();
    await alice.page.getByRole("dialog", { name: `Leave “${name}”?` }).getByRole("button", { name: "Leave chat" }).click();
    await window.waitFor({ state: "detached" });
  });

  it("an_invited_colleague_helps_with_work_notes_the_customer_never_sees_and_goes_when_the_session_ends", async (test) => {
    keepScreenshotsOnFailure(test);
    const { alice, bob, carol, gwen } = people;
    await openAgentApp(alice.page);
    await openAgentApp(bob.page);
    await openAgentApp(gwen.page);

    await carol.page.goto("/support");
    await carol.page.getByLabel("What can we help you with?").fill(FIRST_MESSAGE);
    await carol.page.getByRole("button", { name: "Start chat" }).click();
    await carol.page.getByRole("status").getByText(/in the queue/).waitFor();

    await sidebar(alice.page).getByRole("article", { name: "Carol Customer" }).getByRole("button", { name: "Accept" }).click();
    const alicesWindow = miniWindow(alice.page, "Carol Customer");
    await alicesWindow.getByRole("log").getByText(FIRST_MESSAGE).waitFor();

    await invite(alice.page, alicesWindow, "bob", "Bob Agent", "chat-invite-dialog");
    await alicesWindow.getByText("Invited: Bob Agent").waitFor();

    // Bob: the session under Support sessions; work notes only, nothing to accept, transfer or end.
    const bobsItem = section(bob.page, /^Support sessions/).getByRole("button", { name: /^Carol Customer/ });
    await bobsItem.waitFor();
    expect(await bobsItem.textContent(), "whose session he helps with").toContain("helping Alice Agent");
    await bobsItem.click();
    const bobsWindow = miniWindow(bob.page, "Carol Customer");
    await bobsWindow.getByRole("log").getByText(FIRST_MESSAGE).waitFor();
    expect(await bobsWindow.getByRole("button", { name: "Comment", exact: true }).count(), "Comment is not offered").toBe(0);
    expect(await bobsWindow.getByRole("button", { name: "Work Note" }).getAttribute("aria-pressed")).toBe("true");
    expect(await bobsWindow.getByRole("button", { name: /^(Accept|Transfer|End|Invite)$/ }).count(), "not his to accept, transfer or end").toBe(0);
    expect(await bobsWindow.getByRole("button", { name: "Create Incident" }).count(), "staff of the queue: he may still make an incident of it").toBe(1);
    await bobsWindow.getByText("Invited: Bob Agent (you: work notes only)").waitFor();
    const note = bobsWindow.getByRole("textbox", { name: "Message (work note)" });
    await note.fill(WORK_NOTE);
    await note.press("Enter");
    await bobsWindow.getByRole("log").getByText(WORK_NOTE).waitFor();
    await screenshot(bob.page, "chat-invited-session");
    expect(await axeBothThemes(bob.page), "bob's invited session").toEqual([]);

    // Alice sees it, labelled a work note.
    const seen = alicesWindow.getByRole("log").getByText(WORK_NOTE);
    await seen.waitFor();
    // Carol sees neither the note nor anything of the invitation, on the page or over the API.
    await alicesWindow.getByRole("textbox", { name: "Message (comment)" }).fill("Let me check your account, Carol.");
    await alicesWindow.getByRole("textbox", { name: "Message (comment)" }).press("Enter");
    await carol.page.getByText("Let me check your account, Carol.").waitFor();
    const carolsText = (await carol.page.locator("body").textContent()) ?? "";
    expect(carolsText, "the work note").not.toContain("AD, unlock it");
    expect(carolsText, "the invitation").not.toMatch(/invited|Bob Agent/i);
    const mine = ((await (await carol.context.request.get("/api/conversations")).json()) as { id: string; kind: string; state: string; invited?: unknown }[]).find(
      (c) => c.kind === "support" && c.state === "active",
    );
    expect(mine, "carol's active chat").toBeDefined();
    expect(mine?.invited, "no invited list for a customer without ITIL").toBeUndefined();
    const entries = ((await (await carol.context.request.get(`/api/conversations/${mine?.id}/entries`)).json()) as { entries: { kind: string; body: string }[] }).entries;
    expect(entries.filter((e) => e.kind === "work_note"), "no work note reaches carol").toEqual([]);
    expect(entries.map((e) => e.body).join("\n")).not.toMatch(/invited|Bob Agent/i);

    // Gwen, an agent outside the queue's group, is invited too: she sees the session only through it.
    await invite(alice.page, alicesWindow, "gwen", "Gwen Agent");
    await alicesWindow.getByText("Invited: Bob Agent, Gwen Agent").waitFor();
    const gwensItem = section(gwen.page, /^Support sessions/).getByRole("button", { name: /^Carol Customer/ });
    await gwensItem.click();
    const gwensWindow = miniWindow(gwen.page, "Carol Customer");
    await gwensWindow.getByRole("log").getByText(WORK_NOTE).waitFor();
    expect(await gwensWindow.getByRole("button", { name: "Create Incident" }).count(), "only invited: no incident form she could not save").toBe(0);

    // Alice ends the session: the invitations end with it.
    await alicesWindow.getByRole("button", { name: "End", exact: true }).click();
    await alice.page.getByRole("dialog", { name: "End the chat with Carol Customer?" }).getByRole("button", { name: "End chat" }).click();
    // Gwen no longer sees it at all (`gone`): her window and item go, and a notice says why.
    await gwensWindow.waitFor({ state: "detached" });
    await gwensItem.waitFor({ state: "detached" });
    const notice = gwen.page.getByRole("status", { name: "Conversations that ended for you" });
    // Which of carol's sessions: its start and first message.
    const ended = new RegExp(`^Your invitation to Carol Customer's session ended \\(started [^“]+: “${FIRST_MESSAGE.replace(/[.]/g, "\\.")}”\\)\\.$`);
    await notice.getByText(ended).waitFor();
    const dismiss = notice.getByRole("button", { name: new RegExp(`^Dismiss: ${ended.source.slice(1)}`) });
    expect(await isFocused(dismiss), "the focus was in the window that went: it goes to the notice").toBe(true);
    await screenshot(gwen.page, "chat-invitation-ended");
    expect(await axeBothThemes(gwen.page), "gwen's page with the notice").toEqual([]);
    await dismiss.click();
    await dismiss.waitFor({ state: "detached" });
    // Bob is staff of the queue and may read the session still (the server sends him no `gone`
    // for it): it leaves his Support sessions, closed.
    await bobsItem.waitFor({ state: "detached" });
    await bobsWindow.getByText("This session is closed.").waitFor();
  });
});
