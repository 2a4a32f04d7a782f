/**
 * The connection layer in a real browser against the real server: a reload with a send still
 * pending loses nothing and doubles nothing, and a connection that goes silent without closing
 * (a frozen TCP proxy between the page and the server) is noticed by the heartbeat and
 * recovered, with the message sent meanwhile delivered once.
 *
 * This file starts its own server (with the proxy's origin allowed), so the customers here
 * start from a fresh demo database whatever the other files did.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import { request, type APIRequestContext, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { launchBrowser, newVisitor, screenshot, signInByApi, takePolicyViolations, type Visitor } from "./browser";
import { startServer, type RunningServer } from "./server";

/** The client's heartbeat (web/src/shared/transport.ts): a ping after 20 s of silence, 10 s for any answer. */
const HEARTBEAT_IDLE_MS = 20_000;
const HEARTBEAT_GRACE_MS = 10_000;

/**
 * A TCP proxy that can freeze: while frozen it keeps every connection open and accepts new
 * ones, but forwards nothing in either direction (what arrives is held); thawing delivers what
 * was held and forwards again. To both ends it looks like a network that silently stopped.
 */
class FreezableProxy {
  private readonly server: Server;
  private readonly held: { from: Socket; to: Socket; chunks: Buffer[] }[] = [];
  private readonly sockets = new Set<Socket>();
  private frozen = false;
  target = 0;

  constructor() {
    this.server = createServer((client) => {
      const upstream = connect(this.target, "127.0.0.1");
      this.sockets.add(client);
      this.sockets.add(upstream);
      this.forward(client, upstream);
      this.forward(upstream, client);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on("close", close);
      upstream.on("close", close);
      client.on("error", close);
      upstream.on("error", close);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("the proxy has no port");
    return address.port;
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const { to, chunks } of this.held.splice(0)) {
      for (const chunk of chunks.splice(0)) if (!to.destroyed) to.write(chunk);
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(from: Socket, to: Socket): void {
    from.on("data", (chunk: Buffer) => {
      if (!this.frozen) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      let queue = this.held.find((h) => h.from === from);
      if (queue === undefined) {
        queue = { from, to, chunks: [] };
        this.held.push(queue);
      }
      queue.chunks.push(chunk);
    });
  }
}

let server: RunningServer;
let proxy: FreezableProxy;
let proxyUrl = "";
let browser: Browser;
let queueId = "";
const open: Visitor[] = [];

beforeAll(async () => {
  proxy = new FreezableProxy();
  const port = await proxy.listen();
  proxyUrl = `http://127.0.0.1:${port}`;
  server = await startServer({ extraArgs: ["--allowed-origins", proxyUrl] });
  proxy.target = Number(new URL(server.baseUrl).port);
  browser = await launchBrowser();
  const api = await signedInApi("carol");
  const queues = (await (await api.get("/api/queues")).json()) as { id: string; name: string }[];
  queueId = queues.find((q) => q.name === "IT Service Desk")?.id ?? queues[0]?.id ?? "";
  await api.dispose();
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.stop();
});

afterEach(() => {
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

function keepScreenshotsOnFailure(test: TestContext): void {
  test.onTestFinished(async () => {
    if (test.task.result?.state !== "fail") return;
    for (const [i, visitor] of open.entries()) {
      if (visitor.page.isClosed()) continue;
      console.error(`screenshot of the failed step: ${await screenshot(visitor.page, `failed-${test.task.name}-${i}`)}`);
    }
  });
}

async function signedInApi(username: string): Promise<APIRequestContext> {
  const api = await request.newContext({ baseURL: server.baseUrl });
  const response = await api.post("/api/session", { data: { username, password: username } });
  if (!response.ok()) throw new Error(`sign-in of ${username}: ${response.status()}`);
  return api;
}

/** `customer` starts a chat over the API and alice accepts it; returns its id. */
async function chatAcceptedByAlice(customer: string, first: string): Promise<string> {
  const customerApi = await signedInApi(customer);
  const agentApi = await signedInApi("alice");
  try {
    const started = await customerApi.post(`/api/queues/${queueId}/sessions`, { data: { client_id: `start-${customer}-${Date.now()}`, message: first } });
    expect(started.ok(), `start: ${started.status()}`).toBe(true);
    const { id } = (await started.json()) as { id: string };
    const accepted = await agentApi.post(`/api/conversations/${id}/accept`);
    expect(accepted.ok(), `accept: ${accepted.status()}`).toBe(true);
    return id;
  } finally {
    await customerApi.dispose();
    await agentApi.dispose();
  }
}

/** How many entries of the conversation have this body, as the agent's API reads the log. */
async function storedCount(conversation: string, body: string): Promise<number> {
  const api = await signedInApi("alice");
  try {
    const response = await api.get(`/api/conversations/${conversation}/entries?after=0`);
    expect(response.ok(), `entries: ${response.status()}`).toBe(true);
    // One page is enough: these conversations are a few entries long.
    const page = (await response.json()) as { entries: { body: string }[]; next_after: number | null };
    expect(page.next_after, "the whole log in one page").toBeNull();
    return page.entries.filter((e) => e.body === body).length;
  } finally {
    await api.dispose();
  }
}

const log = (page: Page) => page.getByRole("log").first();
const banner = (page: Page) => page.getByRole("status").filter({ hasText: "Reconnecting…" });

async function sendFromSupportPage(page: Page, text: string): Promise<void> {
  const field = page.getByRole("textbox", { name: "Message" });
  await field.fill(text);
  await field.press("Enter");
}

/** Sends a later message and waits for it on the page: a duplicate of an earlier one would have come before it. */
async function flushWith(page: Page, conversation: string, text: string): Promise<void> {
  await sendFromSupportPage(page, text);
  await log(page).getByRole("listitem").filter({ hasText: text }).filter({ hasNotText: "Waiting for the connection" }).filter({ hasNotText: "Sending" }).waitFor();
  await expect.poll(() => storedCount(conversation, text), { message: "the later message is stored" }).toBe(1);
}

describe("the connection", () => {
  it("a_reload_with_a_pending_send_loses_nothing_and_doubles_nothing", async (test) => {
    keepScreenshotsOnFailure(test);
    const conversation = await chatAcceptedByAlice("carol", "My printer prints blank pages.");
    const carol = await newVisitor(browser, server.baseUrl, { viewport: { width: 1000, height: 800 } });
    open.push(carol);
    await signInByApi(carol.context, "carol");
    const { page, context } = carol;
    await page.goto("/support");
    await log(page).getByText("My printer prints blank pages.").waitFor();

    const text = "Sent offline, then the page was reloaded";
    await context.setOffline(true);
    await banner(page).waitFor();
    await sendFromSupportPage(page, text);
    await log(page).getByText("Waiting for the connection…").waitFor();
    const kept = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith("switchboard.outbox.")).map((k) => sessionStorage.getItem(k) ?? ""));
    expect(kept.join(""), "the pending send is kept in the tab's storage").toContain(text);

    // Reload while offline: the document cannot load (the browser's error page); the tab keeps its storage.
    await page.reload().catch(() => undefined);
    await context.setOffline(false);
    await page.goto("/support");
    await log(page).getByRole("listitem").filter({ hasText: text }).filter({ hasNotText: "Waiting for the connection" }).filter({ hasNotText: "Sending" }).waitFor();

    await flushWith(page, conversation, "And after the reload");
    expect(await storedCount(conversation, text), "the server stored it once").toBe(1);
    expect(await log(page).getByText(text).count(), "the page shows it once").toBe(1);
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith("switchboard.outbox.")).length), "nothing left to send").toBe(0);

    // A reload now (all sent) shows the same conversation, each message once.
    await page.reload();
    await log(page).getByText("And after the reload").waitFor();
    expect(await log(page).getByText(text).count()).toBe(1);
    await carol.context.close();
  });

  it("a_silently_dropped_connection_is_noticed_by_the_heartbeat_and_recovered", async (test) => {
    keepScreenshotsOnFailure(test);
    const conversation = await chatAcceptedByAlice("ivan", "Outlook keeps asking for my password.");
    const ivan = await newVisitor(browser, proxyUrl, { viewport: { width: 1000, height: 800 } });
    open.push(ivan);
    await signInByApi(ivan.context, "ivan");
    const { page } = ivan;
    // The page's timers run on a clock the test can move on: time flows, and jumps when told.
    await page.clock.install();
    await page.goto("/support");
    await log(page).getByText("Outlook keeps asking for my password.").waitFor();
    await sendFromSupportPage(page, "Before the freeze");
    await log(page).getByRole("listitem").filter({ hasText: "Before the freeze" }).filter({ hasNotText: "Sending" }).waitFor();

    proxy.freeze();
    try {
      await page.clock.fastForward(HEARTBEAT_IDLE_MS - 1_000);
      expect(await banner(page).count(), "silent for less than the heartbeat window: nothing noticed yet").toBe(0);
      // The ping goes out (into the frozen link); nothing answers within the grace period.
      await page.clock.fastForward(2_000);
      await page.clock.fastForward(HEARTBEAT_GRACE_MS + 1_000);
      await banner(page).waitFor({ timeout: 5_000 });

      const text = "Sent while the link was frozen";
      await sendFromSupportPage(page, text);
      await log(page).getByText("Waiting for the connection…").waitFor();
    } finally {
      proxy.thaw();
    }
    // Reconnect attempts wait on the page's clock: move it on until the banner goes.
    await expect
      .poll(
        async () => {
          await page.clock.fastForward(1_000);
          return banner(page).count();
        },
        { message: "the page reconnects once the link works again", timeout: 30_000 },
      )
      .toBe(0);
    const text = "Sent while the link was frozen";
    await log(page).getByRole("listitem").filter({ hasText: text }).filter({ hasNotText: "Waiting for the connection" }).filter({ hasNotText: "Sending" }).waitFor();
    await flushWith(page, conversation, "After the thaw");
    expect(await storedCount(conversation, text), "the server stored it once").toBe(1);
    expect(await log(page).getByText(text).count(), "the page shows it once").toBe(1);
    await ivan.context.close();
  });
});
