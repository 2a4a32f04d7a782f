import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { seriousViolations } from "./axe";
import { isFocused, launchBrowser, newVisitor, screenshot, signInAs, takePolicyViolations, type Visitor } from "./browser";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(() => {
  expect(takePolicyViolations(), "nothing was refused under the Content-Security-Policy").toEqual([]);
});

/** A signed-out visitor for this test; a failing test leaves a screenshot in e2e/artifacts/. */
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

function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

describe("signing in", () => {
  it("agent_signs_in_and_lands_on_the_agent_app", async (test) => {
    const { page } = await visitor(test);
    await page.goto("/");
    await signInAs(page, "alice");
    await page.waitForURL(`${baseUrl}/agent`);
    await page.getByRole("banner").getByText("Alice Agent").waitFor();
    await page.getByRole("complementary", { name: "Connect sidebar" }).waitFor();
    await page.getByRole("main", { name: "Content pane" }).getByRole("heading", { name: "My sessions" }).waitFor();
    expect(pathOf(page), "alice should land on the agent app").toBe("/agent");
  });

  it("customer_signs_in_and_lands_on_the_support_page", async (test) => {
    const { page } = await visitor(test);
    await page.goto("/");
    await signInAs(page, "carol");
    await page.waitForURL(`${baseUrl}/support`);
    await page.getByRole("heading", { name: "Start a chat with the service desk" }).waitFor();
    await page.getByRole("banner").getByText("Carol Customer").waitFor();
    expect(pathOf(page), "carol should land on the support page").toBe("/support");
  });

  it("wrong_password_shows_the_error_and_stays_on_the_sign_in_page", async (test) => {
    const { page } = await visitor(test);
    await page.goto("/");
    await signInAs(page, "alice", "not-her-password");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect((await alert.textContent())?.trim(), "the alert should carry the server's message").not.toBe("");
    expect(pathOf(page), "a failed sign-in should stay on the sign-in page").toBe("/");
    expect(await page.getByRole("button", { name: "Sign in" }).isEnabled(), "the form can be submitted again").toBe(true);
    // signInAs clicks the button, which is busy meanwhile: the focus must not fall to <body>.
    await expect.poll(() => isFocused(page.getByLabel("Password")), { message: "the focus is on the password to retype" }).toBe(true);
  });

  it("signed_in_visitor_to_the_sign_in_page_goes_straight_home", async (test) => {
    const { page } = await visitor(test);
    await page.goto("/");
    await signInAs(page, "carol");
    await page.waitForURL(`${baseUrl}/support`);
    await page.goto("/");
    await page.waitForURL(`${baseUrl}/support`);
    expect(pathOf(page), "an already signed-in customer should be sent to /support").toBe("/support");
  });
});

describe("pages behind sign-in", () => {
  it("signed_out_visit_to_agent_app_signs_in_and_returns_there", async (test) => {
    const { page } = await visitor(test);
    await page.goto("/agent");
    await page.waitForURL(`${baseUrl}/?next=%2Fagent`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await signInAs(page, "bob");
    await page.waitForURL(`${baseUrl}/agent`);
    await page.getByRole("complementary", { name: "Connect sidebar" }).waitFor();
    expect(pathOf(page), "signing in should come back to /agent").toBe("/agent");
  });

  it("sign_out_returns_to_sign_in_and_ends_the_session", async (test) => {
    const { page, context } = await visitor(test);
    await page.goto("/");
    await signInAs(page, "alice");
    await page.waitForURL(`${baseUrl}/agent`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    const me = await context.request.get("/api/me");
    expect(me.status(), "GET /api/me after signing out").toBe(401);
  });
});

describe("accessibility", () => {
  const themes = ["light", "dark"] as const;

  it.for(themes)("pages_have_no_serious_axe_violations_in_%s_theme", async (theme, test) => {
    const visitor = await newVisitor(browser, baseUrl, { colorScheme: theme });
    test.onTestFinished(() => visitor.context.close());
    const { page } = visitor;

    await page.goto("/");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await seriousViolations(page), "sign-in page").toEqual([]);

    await signInAs(page, "alice", "wrong");
    await page.getByRole("alert").waitFor();
    expect(await seriousViolations(page), "sign-in page showing an error").toEqual([]);

    await signInAs(page, "alice");
    await page.getByRole("complementary", { name: "Connect sidebar" }).waitFor();
    expect(await seriousViolations(page), "agent app").toEqual([]);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await signInAs(page, "carol");
    await page.getByRole("heading", { name: "Start a chat with the service desk" }).waitFor();
    expect(await seriousViolations(page), "support page").toEqual([]);
  });
});
