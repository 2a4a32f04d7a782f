/**
 * The composer's side of attachments and the stale-view guard, end to end, each person in their
 * own browser context: carol pastes a screenshot into the support page's field and sends it,
 * alice sees the picture in her mini window; alice's reply, begun before carol wrote twice, is
 * refused as stale and kept in her field until Send anyway posts it once; a reply refused as
 * stale that alice switches to Work Note goes as a work note and never reaches carol; a renamed
 * executable is refused by the server, with its words, and nothing is posted.
 */
import { randomUUID } from "node:crypto";
import type { APIRequestContext, Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { seriousViolations } from "./axe";
import { ARTIFACTS, closeVisitors, isFocused, launchBrowser, newVisitor, type Opened, signInByApi, takePolicyViolations, type Visitor } from "./browser";
import { customerApi, deskQueueId } from "./desk";

const baseUrl = inject("baseUrl");
let browser: Browser;
let queueId = "";
let carolApi: APIRequestContext;
/** Every page opened by a test, closed after it (a failed test leaves a screenshot of each). */
const opened: Opened[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  carolApi = await customerApi(baseUrl, "carol");
  queueId = await deskQueueId(carolApi);
});

afterAll(async () => {
  await carolApi?.dispose();
  await browser?.close();
});

afterEach(async (test) => {
  await closeVisitors(test, opened);
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

/** Someone signed in, with their page open at `path`. */
async function person(name: string, path: string): Promise<Visitor> {
  const visitor = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 800 } });
  await signInByApi(visitor.context, name);
  opened.push({ name, visitor });
  await visitor.page.goto(path);
  return visitor;
}

/** Carol starts a chat (over the API: the start form has its own tests); it is ended after the test. */
async function startChat(test: TestContext, message: string): Promise<string> {
  const response = await carolApi.post(`/api/queues/${queueId}/sessions`, { data: { client_id: randomUUID(), message } });
  expect(response.status(), "a chat starts").toBe(201);
  const id = ((await response.json()) as { id: string }).id;
  test.onTestFinished(async () => {
    await carolApi.post(`/api/conversations/${id}/end`);
  });
  return id;
}

const sidebar = (page: Page): Locator => page.getByRole("complementary", { name: "Connect sidebar" });
const miniWindow = (page: Page, customer: string): Locator => page.getByRole("region", { name: customer, exact: true });
const log = (scope: Page | Locator): Locator => scope.getByRole("log").first();
const chat = (page: Page): Locator => page.getByRole("region", { name: "Chat with the service desk" });
const SCREENSHOT_NAME = /^Screenshot \d{4}-\d\d-\d\d \d\d\.\d\d\.png$/;

/** alice accepts carol's chat from the sidebar; its mini window opens. */
async function accept(page: Page): Promise<Locator> {
  await sidebar(page).getByRole("button", { name: "Accept Carol Customer", exact: true }).click();
  const window = miniWindow(page, "Carol Customer");
  await window.getByRole("textbox", { name: "Message (comment)" }).waitFor();
  return window;
}

/** Alice takes carol's new chat, and carol's support page shows her. */
async function acceptedChat(test: TestContext, first: string): Promise<{ id: string; alice: Visitor; window: Locator; carol: Visitor }> {
  const id = await startChat(test, first);
  const alice = await person("alice", "/agent");
  const window = await accept(alice.page);
  const carol = await person("carol", "/support");
  await carol.page.getByText("You are chatting with Alice Agent.").waitFor();
  return { id, alice, window, carol };
}

/**
 * Pastes a picture into `field` as a browser does with a screenshot on the clipboard: a paste
 * event whose DataTransfer holds a PNG drawn in the page, named "image.png" as Chromium names a
 * clipboard bitmap.
 */
async function pasteScreenshot(field: Locator): Promise<void> {
  await field.evaluate(async (element) => {
    const canvas = document.createElement("canvas");
    canvas.width = 320;
    canvas.height = 200;
    const context = canvas.getContext("2d");
    if (context === null) throw new Error("no 2d context");
    context.fillStyle = "#ebf0f8";
    context.fillRect(0, 0, 320, 200);
    context.fillStyle = "#1d5bb8";
    context.fillRect(0, 0, 320, 24);
    context.fillStyle = "#c82828";
    context.fillRect(32, 80, 256, 40);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
    if (blob === null) throw new Error("the canvas made no PNG");
    const data = new DataTransfer();
    data.items.add(new File([blob], "image.png", { type: "image/png" }));
    element.focus();
    element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

/** The entries carol's conversation holds now, as the server tells her. */
async function entries(id: string): Promise<{ seq: number; body: string; attachment?: { name: string } }[]> {
  const response = await carolApi.get(`/api/conversations/${id}/entries`);
  expect(response.ok(), "carol reads the entries").toBe(true);
  return ((await response.json()) as { entries: { seq: number; body: string; attachment?: { name: string } }[] }).entries;
}

/** Whether the image was loaded and decoded (not a broken image). */
async function loaded(image: Locator): Promise<boolean> {
  return image.evaluate((element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0);
}

/** Serious axe violations in the light and the dark theme. */
async function axeBothThemes(page: Page): Promise<string[]> {
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = (await seriousViolations(page)).map((v) => `dark: ${v}`);
  await page.emulateMedia({ colorScheme: "light" });
  return [...light, ...dark];
}

/** A picture of one part of the page, next to the full-page screenshots in e2e/artifacts/. */
async function shoot(part: Locator, name: string): Promise<void> {
  await part.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

describe("the composer's attachments and stale-view guard", () => {
  it("carol_pastes_a_screenshot_and_alice_sees_the_image_in_her_mini_window", async (test) => {
    const { id, window, carol } = await acceptedChat(test, "Teams shows an error when I share my screen.");
    const field = chat(carol.page).getByRole("textbox", { name: "Message" });
    await pasteScreenshot(field);

    const chip = chat(carol.page).getByRole("group", { name: /^Attachment Screenshot / });
    await chip.waitFor();
    expect((await chip.getAttribute("aria-label"))?.replace(/^Attachment /, ""), "a pasted screenshot is named for when it was taken").toMatch(SCREENSHOT_NAME);
    expect(await chip.textContent(), "its type and size").toMatch(/PNG image · \d+(\.\d)? (bytes|KB)/);
    const thumbnail = chip.getByRole("img", { name: /^Preview of Screenshot / });
    await thumbnail.waitFor();
    await expect.poll(() => loaded(thumbnail), { message: "the thumbnail is drawn (a data: URL the CSP allows)" }).toBe(true);
    expect(await field.inputValue(), "no text was pasted").toBe("");
    await field.fill("This is what I get");
    await shoot(chat(carol.page), "composer-pending-image");
    expect(await axeBothThemes(carol.page), "the support page with a file waiting").toEqual([]);

    await field.press("Enter");
    await chip.waitFor({ state: "detached" });
    expect(await field.inputValue(), "sent: the field is empty").toBe("");

    // Alice: the picture, with its caption, in her mini window.
    const image = log(window).getByRole("img", { name: SCREENSHOT_NAME });
    await image.waitFor();
    await expect.poll(() => loaded(image), { message: "the image is served to alice and decodes" }).toBe(true);
    await log(window).getByText("This is what I get").waitFor();
    await log(carol.page).getByRole("img", { name: SCREENSHOT_NAME }).waitFor();
    const posted = (await entries(id)).filter((e) => e.attachment !== undefined);
    expect(posted.map((e) => e.body), "posted once, the caption as its body").toEqual(["This is what I get"]);
    expect(await log(carol.page).getByRole("img", { name: SCREENSHOT_NAME }).count(), "shown once to carol").toBe(1);

    // Alice's mini window takes a pasted screenshot the same way (a chip until sent or removed).
    const agentField = window.getByRole("textbox", { name: "Message (comment)" });
    await pasteScreenshot(agentField);
    const agentChip = window.getByRole("group", { name: /^Attachment Screenshot / });
    await agentChip.getByRole("img", { name: /^Preview of Screenshot / }).waitFor();
    await shoot(window, "composer-agent-pending-image");
    await agentChip.getByRole("button", { name: "Remove attachment" }).click();
    await agentChip.waitFor({ state: "detached" });
    await expect.poll(() => isFocused(agentField), { message: "focus back in the field after Remove" }).toBe(true);
  });

  it("alices_reply_begun_before_two_new_messages_waits_for_send_anyway_and_posts_once", async (test) => {
    const { id, alice, window, carol } = await acceptedChat(test, "My VPN drops every few minutes.");
    const reply = "Please restart the VPN client and tell me what it says.";
    const agentField = window.getByRole("textbox", { name: "Message (comment)" });
    await agentField.pressSequentially("Please restart the VPN client");

    // While alice types, carol writes twice; both reach alice's log.
    const customerField = chat(carol.page).getByRole("textbox", { name: "Message" });
    for (const message of ["Oh, and it happens on Wi-Fi only.", "At home the cable works fine."]) {
      await customerField.fill(message);
      await customerField.press("Enter");
      await log(window).getByText(message).waitFor();
    }
    await agentField.pressSequentially(" and tell me what it says.");
    await agentField.press("Enter");

    const notice = window.getByRole("alert").filter({ hasText: "2 new messages since you started typing" });
    await notice.waitFor();
    expect(await agentField.inputValue(), "not sent and not lost: still in the field").toBe(reply);
    expect(await log(carol.page).getByText(reply).count(), "carol got nothing").toBe(0);
    await shoot(window, "composer-stale-view-notice");
    expect(await axeBothThemes(alice.page), "the agent app with the stale-view notice").toEqual([]);

    await window.getByRole("button", { name: "Send anyway" }).click();
    await log(carol.page).getByText(reply).waitFor();
    await notice.waitFor({ state: "detached" });
    expect(await agentField.inputValue()).toBe("");
    await log(window).getByText(reply).waitFor();
    expect((await entries(id)).filter((e) => e.body === reply), "posted once").toHaveLength(1);
    expect(await log(carol.page).getByText(reply).count(), "carol sees it once").toBe(1);
    expect(await log(window).getByText(reply).count(), "alice's log shows it once (no failed copy)").toBe(1);
  });

  it("a_reply_refused_as_stale_and_switched_to_work_note_goes_as_a_work_note_never_to_carol", async (test) => {
    const { id, window, carol } = await acceptedChat(test, "I cannot sign in to the VPN.");
    const note = "INTERNAL ONLY: her account is locked by the fraud team, do not tell her why.";
    const commentField = window.getByRole("textbox", { name: "Message (comment)" });
    await commentField.pressSequentially("INTERNAL ONLY:");

    // Carol writes while alice types: alice's send is refused as stale, as a comment.
    const customerField = chat(carol.page).getByRole("textbox", { name: "Message" });
    await customerField.fill("Is there any news?");
    await customerField.press("Enter");
    await log(window).getByText("Is there any news?").waitFor();
    await commentField.fill(note);
    await commentField.press("Enter");
    const notice = window.getByRole("alert").filter({ hasText: "1 new message since you started typing" });
    await notice.waitFor();

    // Alice sees she was about to tell the customer: she switches to Work Note and presses Enter.
    await window.getByRole("button", { name: "Work Note" }).click();
    const noteField = window.getByRole("textbox", { name: "Message (work note)" });
    expect(await noteField.inputValue(), "the text is still there, now a work note").toBe(note);
    await noteField.press("Enter");
    await notice.waitFor({ state: "detached" });
    expect(await noteField.inputValue()).toBe("");

    const posted = log(window).getByRole("listitem").filter({ hasText: note });
    await posted.waitFor();
    expect(await posted.textContent(), "alice's log shows it as a work note").toContain("Work note");
    expect(await posted.evaluate((element) => element.classList.contains("entry--work-note")), "drawn as a work note").toBe(true);
    expect(await log(window).getByText(note).count(), "once").toBe(1);

    // Carol never sees it: not live, not over the API, not after a reload.
    await customerField.fill("Hello?");
    await customerField.press("Enter");
    await log(window).getByText("Hello?").waitFor();
    await log(carol.page).getByText("Hello?").waitFor();
    expect(await carol.page.getByText(note).count(), "not on carol's page").toBe(0);
    expect((await entries(id)).filter((e) => e.body.includes("INTERNAL ONLY")), "nor in what the server gives carol").toEqual([]);
    await carol.page.reload();
    await log(carol.page).getByText("Hello?").waitFor();
    expect(await carol.page.getByText(note).count(), "nor after a reload").toBe(0);
  });

  it("a_renamed_executable_is_refused_with_the_servers_words_and_nothing_is_posted", async (test) => {
    const { id, carol } = await acceptedChat(test, "Can you look at this picture?");
    const before = (await entries(id)).length;
    const chooser = carol.page.waitForEvent("filechooser");
    await chat(carol.page).getByRole("button", { name: "Attach file" }).click();
    // "MZ": the start of a Windows executable, under a picture's name and type.
    const executable = Buffer.concat([Buffer.from("MZ\u0090\u0000\u0003\u0000\u0000\u0000", "latin1"), Buffer.alloc(2048, 0x90)]);
    await (await chooser).setFiles({ name: "photo.png", mimeType: "image/png", buffer: executable });
    const chip = chat(carol.page).getByRole("group", { name: "Attachment photo.png" });
    await chip.waitFor();
    const field = chat(carol.page).getByRole("textbox", { name: "Message" });
    await field.fill("Here is the photo");
    await chat(carol.page).getByRole("button", { name: "Send" }).click();

    // The server's own words, as it answers the same upload over the API.
    const direct = await carolApi.post(`/api/conversations/${id}/attachments`, {
      multipart: { client_id: randomUUID(), kind: "comment", body: "", file: { name: "photo.png", mimeType: "image/png", buffer: executable } },
    });
    expect(direct.status(), "the server judges the bytes, not the name (422: a well-formed form whose file is refused)").toBe(422);
    const words = ((await direct.json()) as { error: { code: string; message: string } }).error;
    expect(words.code).toBe("unsupported_type");

    const alert = chat(carol.page).getByRole("alert").filter({ hasText: "photo.png was not sent" });
    await alert.waitFor();
    expect(await alert.textContent(), "the server's message").toBe(`photo.png was not sent: ${words.message}`);
    expect(await field.inputValue(), "the text stays").toBe("Here is the photo");
    await chip.waitFor();
    await shoot(chat(carol.page), "composer-upload-error");
    expect((await entries(id)).length, "nothing was posted").toBe(before);
    expect(await log(carol.page).getByText("Here is the photo").count()).toBe(0);

    await chip.getByRole("button", { name: "Remove attachment" }).click();
    await chip.waitFor({ state: "detached" });
    expect(await axeBothThemes(carol.page), "the support page after a refused upload").toEqual([]);
  });
});
