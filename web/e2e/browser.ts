/** The Debian Chromium driven by playwright-core (no browser download), and page helpers. */
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import type { TestContext } from "vitest";

export const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));

/** Debian's Chromium, headless; `extraArgs` go after the usual flags. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}

export interface Visitor {
  context: BrowserContext;
  page: Page;
}

const policyViolations: string[] = [];

/**
 * What Chromium refused under a Content-Security-Policy since the last call (scripts, styles,
 * sockets, frames) in any visitor's pages and frames. The server's policy is strict, so every
 * file checks after each test that the app needed nothing it forbids.
 */
export function takePolicyViolations(): string[] {
  return policyViolations.splice(0);
}

/** A fresh browser profile (no cookies) with one page, for one person in a test. */
export async function newVisitor(browser: Browser, baseUrl: string, options: BrowserContextOptions = {}): Promise<Visitor> {
  const context = await browser.newContext({ baseURL: baseUrl, ...options });
  context.setDefaultTimeout(10_000);
  context.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) policyViolations.push(`${message.page()?.url() ?? "?"}: ${message.text()}`);
  });
  const page = await context.newPage();
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name.replace(/[^\w.-]+/g, "_")}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A visitor a test opened, by the name its failure evidence goes under. */
export interface Opened {
  name: string;
  visitor: Visitor;
}

/**
 * After each test (its `afterEach`): when it failed, each page still open is kept as a screenshot
 * and what it showed to assistive technology is printed (the log is what CI keeps); then every
 * visitor is signed out (an agent whose window only closes stays present for a reload's grace)
 * and closed, and `opened` is emptied.
 */
export async function closeVisitors(test: TestContext, opened: Opened[]): Promise<void> {
  if (test.task.result?.state === "fail") {
    for (const { name, visitor } of opened) {
      if (visitor.page.isClosed()) continue;
      console.error(`screenshot of the failed test: ${await screenshot(visitor.page, `failed-${test.task.name}-${name}`)}`);
      console.error(`what ${name}'s page showed:\n${await visitor.page.locator("body").ariaSnapshot()}`);
    }
  }
  for (const { visitor } of opened.splice(0)) {
    await visitor.context.request.delete("/api/session");
    await visitor.context.close();
  }
}

/** Fills in the sign-in form the way a person does and submits it. */
export async function signInAs(page: Page, username: string, password: string = username): Promise<void> {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in through the API (the sign-in form has its own tests); the context keeps the cookie. */
export async function signInByApi(context: BrowserContext, username: string, password: string = username): Promise<void> {
  const response = await context.request.post("/api/session", { data: { username, password } });
  if (!response.ok()) throw new Error(`sign-in of ${username} answered ${response.status()}: ${await response.text()}`);
}

/** Whether the element is the focused one. */
export async function isFocused(locator: import("playwright-core").Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}
