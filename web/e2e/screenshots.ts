/**
 * Saves pictures of the pages to e2e/artifacts/ for a person to look at:
 * sign-in (blank and after a wrong password), agent app and support page, on a desktop and a phone, light and dark.
 * Run with `SWITCHBOARD_BIN=… npm run screenshots` after `npm run build`.
 */
import type { Browser } from "playwright-core";
import { launchBrowser, newVisitor, screenshot, signInAs } from "./browser";
import { startServer } from "./server";

const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 740 },
} as const;

async function shoot(browser: Browser, baseUrl: string, device: keyof typeof viewports, theme: "light" | "dark"): Promise<string[]> {
  const suffix = `${device}${theme === "dark" ? "-dark" : ""}`;
  const saved: string[] = [];
  const { context, page } = await newVisitor(browser, baseUrl, { viewport: viewports[device], colorScheme: theme });
  try {
    await page.goto("/");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    saved.push(await screenshot(page, `signin-${suffix}`));

    await signInAs(page, "alice", "wrong-password");
    await page.getByRole("alert").waitFor();
    saved.push(await screenshot(page, `signin-error-${suffix}`));

    await signInAs(page, "alice");
    await page.getByRole("complementary", { name: "Connect sidebar" }).waitFor();
    saved.push(await screenshot(page, `agent-${suffix}`));

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await signInAs(page, "carol");
    await page.getByRole("heading", { name: "Start a chat with the service desk" }).waitFor();
    saved.push(await screenshot(page, `support-${suffix}`));
  } finally {
    await context.close();
  }
  return saved;
}

async function main(): Promise<void> {
  const server = await startServer();
  let browser: Browser | null = null;
  try {
    browser = await launchBrowser();
    for (const device of ["desktop", "phone"] as const) {
      for (const theme of ["light", "dark"] as const) {
        for (const path of await shoot(browser, server.baseUrl, device, theme)) console.log(`saved ${path}`);
      }
    }
  } finally {
    await browser?.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
