/**
 * Unsend and attachments end to end, each person in their own browser context: alice takes
 * carol's chat, sends a comment and withdraws it; carol sees "Message withdrawn" live and after
 * a reload and never the text, and dana (manager) reads the original under "Withdrawn messages"
 * in the workspace. Files posted over the API (multipart) show on the other side: an image
 * inline, a PDF and a text file as download cards, an image work note gold for agents only.
 */
import { randomUUID } from "node:crypto";
import { deflateSync } from "node:zlib";
import { request, type APIRequestContext, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { seriousViolations } from "./axe";
import { closeVisitors, launchBrowser, newVisitor, type Opened, screenshot, signInByApi, takePolicyViolations, type Visitor } from "./browser";
import { customerApi, deskQueueId } from "./desk";

const baseUrl = inject("baseUrl");
let browser: Browser;
let queueId = "";
let carolApi: APIRequestContext;
/** Every page opened by a test, closed after it (a failed test leaves a screenshot of each). */
const opened: Opened[] = [];

const SECRET = "Your temporary password is Winter2026! (sent to the wrong chat)";

beforeAll(async () => {
  browser = await launchBrowser();
  carolApi = await customerApi(baseUrl, "carol");
  queueId = await deskQueueId(carolApi);
  await setUnsendWindow(120);
});

afterAll(async () => {
  await carolApi?.dispose();
  await browser?.close();
});

afterEach(async (test) => {
  await closeVisitors(test, opened);
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

/** The queue's unsend window, set by the manager dana (another file may have changed it). */
async function setUnsendWindow(seconds: number): Promise<void> {
  const manager = await request.newContext({ baseURL: baseUrl });
  try {
    expect((await manager.post("/api/session", { data: { username: "dana", password: "dana" } })).ok(), "dana signs in").toBe(true);
    const patched = await manager.patch(`/api/queues/${queueId}`, { data: { unsend_seconds: seconds } });
    expect(patched.ok(), `PATCH unsend_seconds: ${patched.status()} ${await patched.text()}`).toBe(true);
  } finally {
    await manager.dispose();
  }
}

/** Someone signed in, with their page open at `path`. */
async function person(name: string, path: string): Promise<Visitor> {
  const visitor = await newVisitor(browser, baseUrl, { viewport: { width: 1280, height: 800 } });
  await signInByApi(visitor.context, name);
  opened.push({ name, visitor });
  await visitor.page.goto(path);
  return visitor;
}

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

/** alice accepts carol's chat from the sidebar; its mini window opens. */
async function accept(page: Page): Promise<Locator> {
  await sidebar(page).getByRole("button", { name: "Accept Carol Customer", exact: true }).click();
  const window = miniWindow(page, "Carol Customer");
  // The agent app's first load and socket catch-up can be slow on a busy machine.
  await window.getByRole("textbox", { name: "Message (comment)" }).waitFor({ timeout: 20_000 });
  return window;
}

/** Serious axe violations in the light and the dark theme. */
async function axeBothThemes(page: Page): Promise<string[]> {
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = (await seriousViolations(page)).map((v) => `dark: ${v}`);
  await page.emulateMedia({ colorScheme: "light" });
  return [...light, ...dark];
}

// ---- files to post ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG of `width` × `height`: a blue "window" with a red error bar, like a small screenshot. */
function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      const bar = y > height * 0.4 && y < height * 0.6 && x > width * 0.1 && x < width * 0.9;
      const title = y < height * 0.12;
      row.set(bar ? [200, 40, 40] : title ? [29, 91, 184] : [235, 240, 248], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

/** A small valid PDF of one empty page. */
function pdf(): Buffer {
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"];
  let text = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(text.length);
    text += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = text.length;
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, "latin1");
}

/** Posts a file into the conversation over the API (multipart), as `api`'s user. */
async function postFile(api: APIRequestContext, conversation: string, file: { name: string; mimeType: string; buffer: Buffer }, fields: { kind?: string; body?: string } = {}): Promise<void> {
  const response = await api.post(`/api/conversations/${conversation}/attachments`, {
    multipart: { client_id: randomUUID(), kind: fields.kind ?? "comment", ...(fields.body !== undefined ? { body: fields.body } : {}), file },
  });
  expect(response.status(), `the upload of ${file.name}: ${await response.text()}`).toBe(201);
}

/** Whether the image was loaded and decoded (not a broken image). */
async function loaded(image: Locator): Promise<boolean> {
  return image.evaluate((element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0);
}

describe("unsend", () => {
  it("alice_withdraws_a_comment_carol_sees_it_withdrawn_live_and_after_reload_and_dana_reads_it", async (test) => {
    const id = await startChat(test, "I cannot sign in to the VPN.");
    const alice = await person("alice", "/agent");
    const window = await accept(alice.page);
    const carol = await person("carol", "/support");
    await carol.page.getByText("You are chatting with Alice Agent.").waitFor();

    const field = window.getByRole("textbox", { name: "Message (comment)" });
    await field.fill(SECRET);
    await field.press("Enter");
    await log(carol.page).getByText(SECRET).waitFor();
    expect(await log(carol.page).getByRole("button", { name: "Withdraw message" }).count(), "a customer never gets Withdraw").toBe(0);

    const mine = log(window).getByRole("listitem").filter({ hasText: SECRET });
    await mine.getByRole("button", { name: "Withdraw message" }).click();
    const dialog = alice.page.getByRole("dialog", { name: "Withdraw this message?" });
    await dialog.getByRole("button", { name: "Withdraw" }).click();
    await log(window).getByText("Message withdrawn", { exact: true }).waitFor();
    expect(await log(window).getByText(SECRET).count(), "alice's log no longer shows it").toBe(0);

    // Carol, live: the mark arrives over her socket.
    await log(carol.page).getByText("Message withdrawn", { exact: true }).waitFor();
    await log(carol.page).getByText(SECRET).waitFor({ state: "detached" });
    expect(await log(carol.page).getByText(/withdrew a message/).count(), "the marker is not shown as a message").toBe(0);
    await screenshot(carol.page, "unsend-customer-withdrawn");

    // And after a reload: the server sends it withdrawn.
    await carol.page.reload();
    await log(carol.page).getByText("Message withdrawn", { exact: true }).waitFor();
    expect(await carol.page.evaluate((secret) => document.documentElement.outerHTML.includes(secret), SECRET), "the text is nowhere in carol's page").toBe(false);
    const entries = await (await carolApi.get(`/api/conversations/${id}/entries`)).text();
    expect(entries.includes(SECRET), "nor in what the server tells carol").toBe(false);
    expect(await axeBothThemes(carol.page), "customer chat with a withdrawn message").toEqual([]);

    // Dana, the manager, reads the original in the workspace.
    const dana = await person("dana", `/agent/workspace/${id}`);
    const pane = dana.page.getByRole("main", { name: "Conversation pane" });
    await log(pane).getByText("Message withdrawn", { exact: true }).waitFor();
    await pane.getByText(/^Withdrawn messages/).click();
    const records = pane.getByRole("list", { name: "Withdrawn messages" });
    const record = records.getByRole("listitem").filter({ hasText: SECRET });
    await record.waitFor();
    expect(await record.textContent(), "who wrote it").toContain("Alice Agent wrote");
    expect(await record.textContent(), "who withdrew it").toContain("Withdrawn by Alice Agent");
    await screenshot(dana.page, "unsend-manager-withdrawn-messages");
    expect(await axeBothThemes(dana.page), "the manager's withdrawn messages").toEqual([]);

    // Alice, an agent, has no such view.
    await alice.page.goto(`/agent/workspace/${id}`);
    const alicePane = alice.page.getByRole("main", { name: "Conversation pane" });
    await log(alicePane).getByText("Message withdrawn", { exact: true }).waitFor();
    expect(await alicePane.getByText(/^Withdrawn messages/).count(), "agents do not read withdrawn messages").toBe(0);
  });

  it("files_posted_over_the_api_show_on_the_other_side", async (test) => {
    const id = await startChat(test, "Teams shows an error when I share my screen.");
    const alice = await person("alice", "/agent");
    const window = await accept(alice.page);
    const carol = await person("carol", "/support");
    await carol.page.getByText("You are chatting with Alice Agent.").waitFor();

    // Carol's screenshot, with a caption: an image in alice's mini window.
    await postFile(carolApi, id, { name: "screenshot.png", mimeType: "image/png", buffer: png(320, 200) }, { body: "This is what I get" });
    const image = log(window).getByRole("img", { name: "screenshot.png" });
    await image.waitFor();
    await expect.poll(() => loaded(image), { message: "the image is served to alice and decodes" }).toBe(true);
    await log(window).getByText("This is what I get").waitFor();
    expect(await image.evaluate((element) => element.closest("a")?.getAttribute("target")), "it opens full size in a new tab").toBe("_blank");

    // Alice's files: a PDF and a log as download cards, an image, for carol.
    const alicesApi = alice.context.request;
    await postFile(alicesApi, id, { name: "vpn-guide.pdf", mimeType: "application/pdf", buffer: pdf() }, { body: "The guide" });
    await postFile(alicesApi, id, { name: "teams.log", mimeType: "text/plain", buffer: Buffer.from("2026-11-30 09:30 share failed: GPU process crashed\n".repeat(40)) });
    await postFile(alicesApi, id, { name: "settings.png", mimeType: "image/png", buffer: png(240, 160) });
    const guide = log(carol.page).getByRole("link", { name: /^Download vpn-guide\.pdf, PDF, \d+(\.\d)? (bytes|KB)$/ });
    await guide.waitFor();
    expect(await guide.textContent()).toContain("PDF");
    const text = log(carol.page).getByRole("link", { name: /^Download teams\.log, Text file, \d+(\.\d)? KB$/ });
    await text.waitFor();
    expect(await text.textContent()).toContain("Text file");
    const download = await carol.context.request.get((await guide.getAttribute("href")) ?? "");
    expect(download.status(), "the card's link downloads").toBe(200);
    expect(download.headers()["content-disposition"] ?? "", "as a download").toMatch(/^attachment/);
    const settings = log(carol.page).getByRole("img", { name: "settings.png" });
    await settings.waitFor();
    await expect.poll(() => loaded(settings), { message: "carol's image decodes" }).toBe(true);

    // An image as a work note: gold and labelled for alice, nothing for carol (no ITIL).
    await postFile(alicesApi, id, { name: "device-info.png", mimeType: "image/png", buffer: png(200, 120) }, { kind: "work_note", body: "Her GPU driver is old" });
    const note = log(window).getByRole("listitem").filter({ hasText: "Her GPU driver is old" });
    await note.getByRole("img", { name: "device-info.png" }).waitFor();
    expect(await note.textContent(), "labelled").toContain("Work note");
    expect(await note.evaluate((element) => getComputedStyle(element.querySelector(".entry__bubble") as Element).backgroundColor), "gold").toBe("rgb(255, 244, 204)");
    await log(carol.page).getByRole("img", { name: "settings.png" }).scrollIntoViewIfNeeded();
    expect(await log(carol.page).getByText("Her GPU driver is old").count(), "carol never sees the work note").toBe(0);

    await window.getByRole("img", { name: "device-info.png" }).scrollIntoViewIfNeeded();
    await screenshot(alice.page, "attachments-agent-mini-window");
    await screenshot(carol.page, "attachments-customer");
    expect(await axeBothThemes(carol.page), "customer chat with files").toEqual([]);
    expect(await axeBothThemes(alice.page), "agent mini window with files").toEqual([]);
  });
});
