/**
 * Who may frame Switchboard. The widget's frame (the support page, or the sign-in page a
 * signed-out customer is sent to) shows on a portal of an allowed origin; on any other origin,
 * and for every other page even on Switchboard's own origin, the browser refuses the frame.
 * The host pages are served by the browser itself (routes), under the origins named here.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { launchBrowser, newVisitor, screenshot, signInByApi, takePolicyViolations, type Visitor } from "./browser";

const baseUrl = inject("baseUrl");
// Without --public-url the server allows the loopback origins of its port; the tests reach it
// at 127.0.0.1, so localhost is another origin that is allowed.
const allowedPortal = `http://localhost:${new URL(baseUrl).port}`;
const foreignPortal = "http://portal.invalid";
let browser: Browser;

beforeAll(async () => {
  // A host page served by a route has no address, so Chromium counts it as public and refuses
  // its requests to the server on loopback (Local Network Access) before any framing rule
  // applies. A real portal and desk share the intranet; here the checks are switched off.
  browser = await launchBrowser(["--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests"]);
});

afterAll(async () => {
  await browser?.close();
});

afterEach(() => {
  expect(takePolicyViolations(), "nothing else was refused under the Content-Security-Policy").toEqual([]);
});

/** A fresh visitor for this test; a failing test leaves a screenshot in e2e/artifacts/. */
async function visitor(test: TestContext): Promise<Visitor> {
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

/** Serves `body` as an HTML page at `url`, as the portal (or another site) would. */
async function serve(page: Page, url: string, body: string): Promise<void> {
  await page.route(url, (route) => route.fulfill({ contentType: "text/html", body: `<!doctype html><html lang="en"><head><title>Host</title></head><body>${body}</body></html>` }));
}

const widgetTag = `<main><h1>Intranet</h1></main><script src="${baseUrl}/widget.js" data-queue="1"></script>`;

/** Frames refused for their `frame-ancestors`, as Chromium reports them, once `count` are in. */
async function refusedFrames(count: number): Promise<string[]> {
  const refused: string[] = [];
  await expect
    .poll(
      () => {
        refused.push(...takePolicyViolations());
        return refused.filter((v) => v.includes("frame-ancestors")).length;
      },
      { timeout: 10_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return refused;
}

describe("framing", () => {
  it("the_widget_on_an_allowed_portal_shows_the_sign_in_form_to_a_signed_out_customer", async (test) => {
    const { page } = await visitor(test);
    await serve(page, `${allowedPortal}/intranet`, widgetTag);
    await page.goto(`${allowedPortal}/intranet`);
    await page.getByRole("button", { name: "Chat with the service desk" }).click();
    const frame = page.getByTitle("Service desk chat").contentFrame();
    await frame.getByLabel("Username").waitFor();
    await frame.getByRole("button", { name: "Sign in" }).waitFor();
  });

  it("the_widget_on_a_foreign_site_is_refused", async (test) => {
    const { page } = await visitor(test);
    await serve(page, `${foreignPortal}/intranet`, widgetTag);
    await page.goto(`${foreignPortal}/intranet`);
    await page.getByRole("button", { name: "Chat with the service desk" }).click();
    const refused = await refusedFrames(1);
    expect(refused.every((v) => v.includes("frame-ancestors")), `only the frame was refused: ${refused.join("\n")}`).toBe(true);
    expect(await page.getByTitle("Service desk chat").contentFrame().getByRole("button", { name: "Sign in" }).count()).toBe(0);
  });

  it("no_other_page_may_be_framed_even_by_switchboard_itself", async (test) => {
    const { context, page } = await visitor(test);
    await signInByApi(context, "alice");
    await serve(page, `${baseUrl}/framing-check`, `<iframe title="agent" src="/agent"></iframe><iframe title="demo" src="/widget-demo"></iframe>`);
    await page.goto(`${baseUrl}/framing-check`);
    const refused = await refusedFrames(2);
    expect(refused.every((v) => v.includes("frame-ancestors 'none'")), `the frames were refused: ${refused.join("\n")}`).toBe(true);
    expect(await page.getByTitle("agent").contentFrame().getByRole("complementary", { name: "Connect sidebar" }).count()).toBe(0);
  });
});
