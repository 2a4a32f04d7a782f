/**
 * The widget on a portal of another site. The desk runs at http://127.0.0.1:<port> with
 * `--portal-origins http://localhost:<portal port>`; a small node server on localhost (another
 * site than 127.0.0.1, so the desk's SameSite=Lax cookie never reaches the frame) serves the
 * portal page with the widget's script tag. The customer signs in inside the frame (for a bearer
 * token, kept in the frame's memory, and the partitioned embed cookie carrying it: no session
 * cookie), starts a chat, and an agent on the desk sees it; a reload of the portal page finds them
 * still signed in (the cookie). A portal that is not configured cannot frame the page at all.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { launchBrowser, newVisitor, screenshot, signInByApi, takePolicyViolations, type Visitor } from "./browser";
import { customerApi } from "./desk";
import { startServer, type RunningServer } from "./server";

let browser: Browser;
let desk: RunningServer;
let portal: Server;
let otherPortal: Server;
let portalUrl: string;
let otherPortalUrl: string;
let queueId: string;

/** A node http server on every interface (localhost may resolve to ::1 or 127.0.0.1). */
async function listen(handler: (path: string) => string): Promise<Server> {
  const server = createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(handler(request.url ?? "/"));
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return server;
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function portalPage(deskUrl: string, queue: string): string {
  return `<!doctype html><html lang="en"><head><title>Intranet</title></head><body>
<main><h1>Contoso intranet</h1><p>Need help? Use the chat button.</p></main>
<script src="${deskUrl}/widget.js" data-queue="${queue}"></script>
</body></html>`;
}

beforeAll(async () => {
  // The portal pages are built per request, once the desk's address and queue are known.
  let deskUrl = "";
  portal = await listen(() => portalPage(deskUrl, queueId));
  otherPortal = await listen(() => portalPage(deskUrl, queueId));
  portalUrl = `http://localhost:${portOf(portal)}`;
  otherPortalUrl = `http://localhost:${portOf(otherPortal)}`;
  desk = await startServer({ extraArgs: ["--portal-origins", portalUrl] });
  deskUrl = desk.baseUrl;
  const signIn = await fetch(`${deskUrl}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "dana", password: "dana", token: true }),
  });
  const { token } = (await signIn.json()) as { token: string };
  const queues = (await (await fetch(`${deskUrl}/api/queues`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { id: string }[];
  queueId = queues[0]?.id ?? "";
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await desk?.stop();
  await new Promise((resolve) => portal?.close(resolve));
  await new Promise((resolve) => otherPortal?.close(resolve));
});

afterEach(() => {
  // Only the frame on the portal that is not configured may have been refused.
  const violations = takePolicyViolations().filter((v) => !v.includes("frame-ancestors"));
  expect(violations, "nothing else was refused under the Content-Security-Policy").toEqual([]);
});

async function visitor(test: TestContext, baseUrl: string): Promise<Visitor> {
  const visitor = await newVisitor(browser, baseUrl);
  test.onTestFinished(async () => {
    if (test.task.result?.state === "fail") {
      const path = await screenshot(visitor.page, `failed-${test.task.name}`);
      console.error(`screenshot of the failed test: ${path}`);
    }
    await visitor.context.close();
  });
  return visitor;
}

/**
 * The frame signed in for a token: no session cookie, only the embed cookie, partitioned under
 * the portal's site (Chromium keeps it although the frame may use no storage).
 */
async function expectOnlyTheEmbedCookie(customer: Visitor): Promise<void> {
  const cookies = await customer.context.cookies(desk.baseUrl);
  expect(cookies.map((c) => c.name)).toEqual(["switchboard_embed"]);
  expect(cookies[0]).toMatchObject({ httpOnly: true, secure: true, sameSite: "None", partitionKey: "http://localhost" });
}

describe("the widget on a portal of another site", () => {
  it("a_customer_signs_in_inside_the_frame_and_chats_and_an_agent_sees_it", async (test) => {
    const message = "The portal widget: my laptop will not dock";
    const carol = await visitor(test, portalUrl);
    await carol.page.goto(`${portalUrl}/intranet`);
    await carol.page.getByRole("button", { name: "Chat with the service desk" }).click();
    const frame = carol.page.getByTitle("Service desk chat").contentFrame();
    await frame.getByLabel("Username").fill("carol");
    await frame.getByLabel("Password").fill("carol");
    await frame.getByRole("button", { name: "Sign in" }).click();
    await frame.getByLabel("What can we help you with?").fill(message);
    await screenshot(carol.page, "widget-cross-site-start");
    await frame.getByRole("button", { name: "Start chat" }).click();
    await frame.getByRole("log").first().getByText(message).waitFor();
    await screenshot(carol.page, "widget-cross-site-chat");
    await expectOnlyTheEmbedCookie(carol);

    const alice = await visitor(test, desk.baseUrl);
    await signInByApi(alice.context, "alice");
    await alice.page.goto("/agent");
    const offer = alice.page.getByRole("complementary", { name: "Connect sidebar" }).getByRole("article", { name: "Carol Customer" });
    await offer.getByText(message).waitFor();
    await offer.getByRole("button", { name: "Accept Carol Customer", exact: true }).click();
    await frame.getByText("You are chatting with Alice Agent.").waitFor();

    // The customer writes on the socket, which carries the token; the agent reads it live.
    const reply = "It is the USB-C dock on the third floor";
    await frame.getByRole("textbox", { name: "Message" }).fill(reply);
    await frame.getByRole("button", { name: "Send" }).click();
    await alice.page.getByRole("region", { name: "Carol Customer" }).getByRole("log").first().getByText(reply).waitFor();

    // Sign-out in the frame ends the token's session: the frame is back at the sign-in form.
    await frame.getByRole("button", { name: "Sign out" }).click();
    await frame.getByLabel("Username").waitFor();
    expect(await carol.context.cookies(desk.baseUrl)).toEqual([]);
  });

  it("a_reload_of_the_portal_page_keeps_the_customer_signed_in_and_their_chat", async (test) => {
    const message = "The portal widget: the printer on floor two jams";
    // Carol's chat of the test above may still be open: Start chat would hand it back.
    await (await customerApi(desk.baseUrl, "carol")).dispose();
    const carol = await visitor(test, portalUrl);
    await carol.page.goto(`${portalUrl}/intranet`);
    await carol.page.getByRole("button", { name: "Chat with the service desk" }).click();
    let frame = carol.page.getByTitle("Service desk chat").contentFrame();
    await frame.getByLabel("Username").fill("carol");
    await frame.getByLabel("Password").fill("carol");
    await frame.getByRole("button", { name: "Sign in" }).click();
    await frame.getByLabel("What can we help you with?").fill(message);
    await frame.getByRole("button", { name: "Start chat" }).click();
    await frame.getByRole("log").first().getByText(message).waitFor();
    await expectOnlyTheEmbedCookie(carol);

    // The frame keeps its token in memory only (it may not use storage); the partitioned cookie
    // set with it is what a reload of the portal page leaves.
    await carol.page.reload();
    await carol.page.getByRole("button", { name: "Chat with the service desk" }).click();
    frame = carol.page.getByTitle("Service desk chat").contentFrame();
    await frame.getByRole("log").first().getByText(message).waitFor();
    expect(await frame.getByLabel("Username").count(), "still signed in: no sign-in form").toBe(0);

    // So does a navigation to another page of the portal.
    await carol.page.goto(`${portalUrl}/intranet/other-page`);
    await carol.page.getByRole("button", { name: "Chat with the service desk" }).click();
    frame = carol.page.getByTitle("Service desk chat").contentFrame();
    await frame.getByRole("log").first().getByText(message).waitFor();
    await screenshot(carol.page, "widget-cross-site-after-reload");

    // Sign-out in the frame clears the cookie: another reload shows the sign-in form.
    await frame.getByRole("button", { name: "Sign out" }).click();
    await frame.getByLabel("Username").waitFor();
    expect(await carol.context.cookies(desk.baseUrl)).toEqual([]);
    await carol.page.reload();
    await carol.page.getByRole("button", { name: "Chat with the service desk" }).click();
    frame = carol.page.getByTitle("Service desk chat").contentFrame();
    await frame.getByLabel("Username").waitFor();
  });

  it("a_portal_that_is_not_configured_cannot_frame_the_desk", async (test) => {
    const visitorOnOther = await visitor(test, otherPortalUrl);
    await visitorOnOther.page.goto(`${otherPortalUrl}/intranet`);
    await visitorOnOther.page.getByRole("button", { name: "Chat with the service desk" }).click();
    let refused: string[] = [];
    await expect
      .poll(
        () => {
          refused.push(...takePolicyViolations());
          return refused.filter((v) => v.includes("frame-ancestors")).length;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(1);
    refused = refused.filter((v) => v.includes("frame-ancestors"));
    expect(refused.join("\n")).not.toContain(otherPortalUrl.replace("http://", "ws://"));
    const frame = visitorOnOther.page.getByTitle("Service desk chat").contentFrame();
    expect(await frame.getByRole("button", { name: "Sign in" }).count(), "nothing of the desk shows").toBe(0);
    expect(await frame.getByLabel("What can we help you with?").count()).toBe(0);
  });
});
