/**
 * Saves pictures of the pages to e2e/artifacts/ for a person to look at:
 * sign-in (blank and after a wrong password), agent app, support page and "page not found", on a desktop and a
 * phone, light and dark;
 * then a support session played through (queue notification, mini window with comments, a work note,
 * the canned-message picker, the Transfer dialog, the icon rail, the workspace, the customer's chat,
 * inactivity warning and closed state, on a desktop and a phone) and the widget's demo page;
 * then incidents: the form saved from a chat, Records in the sidebar and a record's mini window
 * (a comment, a work note, field changes), the workspace's Record tool, the incident list, the
 * customer's My incidents and one incident, and the support page when nobody is available
 * (Leave a message, and the thank-you with the request's number).
 * Run with `SWITCHBOARD_BIN=… npm run screenshots` after `npm run build`.
 */
import { readFile } from "node:fs/promises";
import { request, type Browser, type Page } from "playwright-core";
import { launchBrowser, newVisitor, screenshot, signInAs, signInByApi } from "./browser";
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
    await page.goto("/no-such-page");
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    saved.push(await screenshot(page, `not-found-${suffix}`));

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

/** Sets the queue's inactivity timers (as the manager). */
async function setTimers(baseUrl: string, queue: string, warning: number, close: number): Promise<void> {
  const manager = await request.newContext({ baseURL: baseUrl });
  try {
    await manager.post("/api/session", { data: { username: "dana", password: "dana" } });
    await manager.patch(`/api/queues/${queue}`, { data: { inactivity_warning_seconds: warning, auto_close_seconds: close } });
  } finally {
    await manager.dispose();
  }
}

async function sendIn(page: Page, name: string, text: string): Promise<void> {
  const field = page.getByRole("textbox", { name });
  await field.fill(text);
  await field.press("Enter");
}

/** A support session played through by carol and alice, pictured at each step. */
async function session(browser: Browser, baseUrl: string, theme: "light" | "dark"): Promise<string[]> {
  const suffix = theme === "dark" ? "-dark" : "";
  const saved: string[] = [];
  const options = { viewport: viewports.desktop, colorScheme: theme } as const;
  const carol = await newVisitor(browser, baseUrl, options);
  const alice = await newVisitor(browser, baseUrl, options);
  try {
    await signInByApi(carol.context, "carol");
    await signInByApi(alice.context, "alice");
    const queues = (await (await carol.context.request.get("/api/queues")).json()) as { id: string }[];
    const queue = queues[0]?.id ?? "1";

    await alice.page.goto("/agent");
    await alice.page.getByRole("complementary", { name: "Connect sidebar" }).waitFor();
    await carol.page.goto("/support");
    await carol.page.getByLabel("What can we help you with?").fill("My VPN drops every few minutes since this morning. I am working from home today.");
    await carol.page.getByRole("button", { name: "Start chat" }).click();
    await carol.page.getByRole("status").getByText("in the queue").waitFor();
    saved.push(await screenshot(carol.page, `support-queued-desktop${suffix}`));

    const offer = alice.page.getByRole("article", { name: "Carol Customer" });
    await offer.waitFor();
    await alice.page.waitForTimeout(1200);
    saved.push(await screenshot(alice.page, `agent-offer-desktop${suffix}`));

    await offer.getByRole("button", { name: "Accept" }).click();
    const mini = alice.page.getByRole("region", { name: "Carol Customer" });
    await mini.getByRole("textbox", { name: "Message (comment)" }).waitFor();
    await sendIn(carol.page, "Message", "It happens on the home Wi-Fi and on my phone's hotspot.");
    await sendIn(alice.page, "Message (comment)", "Thanks Carol. Which VPN client version do you see under Help › About?");
    await sendIn(carol.page, "Message", "Version 4.2.1");
    await mini.getByRole("button", { name: "Work Note" }).click();
    await sendIn(alice.page, "Message (work note)", "Old client: 4.2 is known to drop on MTU changes; needs the 5.x upgrade.");
    await mini.getByRole("log").getByText("needs the 5.x upgrade").waitFor();
    await carol.page.getByRole("log").getByText("Version 4.2.1").waitFor();
    await carol.page.getByRole("textbox", { name: "Message" }).pressSequentially("One more thing");
    await mini.getByRole("status").getByText("is typing").waitFor();
    saved.push(await screenshot(alice.page, `agent-mini-window-desktop${suffix}`));

    await mini.getByRole("button", { name: "Comment" }).click();
    await mini.getByRole("button", { name: "Canned messages" }).click();
    const picker = mini.getByRole("dialog", { name: "Canned messages" });
    await picker.getByRole("button", { name: "Greeting" }).hover();
    await picker.getByText("Hi Carol").waitFor();
    saved.push(await screenshot(alice.page, `agent-canned-desktop${suffix}`));
    await alice.page.keyboard.press("Escape");

    await mini.getByRole("button", { name: "Transfer" }).click();
    const dialog = alice.page.getByRole("dialog", { name: "Transfer Carol Customer" });
    await dialog.getByRole("radio", { name: /Bob Agent/ }).waitFor();
    saved.push(await screenshot(alice.page, `agent-transfer-desktop${suffix}`));
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await alice.page.getByRole("button", { name: "Collapse sidebar" }).click();
    saved.push(await screenshot(alice.page, `agent-rail-desktop${suffix}`));
    await alice.page.getByRole("button", { name: "Expand sidebar" }).click();

    const opened = alice.context.waitForEvent("page");
    await mini.getByRole("button", { name: "New Window" }).click();
    const workspace = await opened;
    await workspace.setViewportSize(viewports.desktop);
    await workspace.getByRole("main", { name: "Conversation pane" }).getByRole("log").getByText("Version 4.2.1").waitFor();
    saved.push(await screenshot(workspace, `workspace-desktop${suffix}`));

    await carol.page.getByRole("textbox", { name: "Message" }).fill("");
    saved.push(await screenshot(carol.page, `support-chat-desktop${suffix}`));
    await carol.page.setViewportSize(viewports.phone);
    saved.push(await screenshot(carol.page, `support-chat-phone${suffix}`));

    await setTimers(baseUrl, queue, 2, 30);
    await sendIn(workspace, "Message (comment)", "Could you try reconnecting now?");
    await carol.page.getByRole("button", { name: "I'm still here" }).waitFor({ timeout: 10_000 });
    saved.push(await screenshot(carol.page, `support-warning-phone${suffix}`));
    await carol.page.setViewportSize(viewports.desktop);
    saved.push(await screenshot(carol.page, `support-warning-desktop${suffix}`));
    await workspace.getByRole("button", { name: "End", exact: true }).click();
    await workspace.getByRole("dialog", { name: /^End the chat with/ }).getByRole("button", { name: "End chat" }).click();
    await carol.page.getByRole("button", { name: "Start a new chat" }).waitFor();
    saved.push(await screenshot(carol.page, `support-closed-desktop${suffix}`));
    await setTimers(baseUrl, queue, 120, 60);

    // The widget on its demo page (served here as the server serves dist/widget-demo.html).
    const demo = await readFile(new URL("../dist/widget-demo.html", import.meta.url), "utf8");
    await carol.page.route(`${baseUrl}/widget-demo.html`, (route) => route.fulfill({ contentType: "text/html", body: demo }));
    await carol.page.goto("/widget-demo.html");
    await carol.page.getByRole("button", { name: "Chat with the service desk" }).click();
    await carol.page.getByTitle("Service desk chat").contentFrame().getByRole("heading", { name: "Start a chat with the service desk" }).waitFor();
    saved.push(await screenshot(carol.page, `widget-demo-desktop${suffix}`));
  } finally {
    await carol.context.close();
    await alice.context.close();
  }
  return saved;
}

/** Incidents from a chat to the customer's view, and a message left when nobody is available. */
async function incidents(browser: Browser, baseUrl: string, theme: "light" | "dark"): Promise<string[]> {
  const suffix = theme === "dark" ? "-dark" : "";
  const saved: string[] = [];
  const options = { viewport: viewports.desktop, colorScheme: theme } as const;
  const carol = await newVisitor(browser, baseUrl, options);
  const alice = await newVisitor(browser, baseUrl, options);
  const bob = await newVisitor(browser, baseUrl, options);
  try {
    await signInByApi(carol.context, "carol");
    await signInByApi(alice.context, "alice");
    await signInByApi(bob.context, "bob");
    const me = (await (await carol.context.request.get("/api/me")).json()) as { id: string };
    const queues = (await (await carol.context.request.get("/api/queues")).json()) as { id: string; group: { id: string } }[];
    const group = queues[0]?.group.id ?? "1";

    const sidebar = alice.page.getByRole("complementary", { name: "Connect sidebar" });
    const pane = alice.page.getByRole("main", { name: "Content pane" });
    await alice.page.goto("/agent");
    await sidebar.getByRole("heading", { name: "Records" }).waitFor();
    await carol.page.goto("/support");
    await carol.page.getByLabel("What can we help you with?").fill("Since this morning's update my laptop no longer docks: no external screens, no network.");
    await carol.page.getByRole("button", { name: "Start chat" }).click();
    await sidebar.getByRole("article", { name: "Carol Customer" }).getByRole("button", { name: "Accept" }).click();
    const mini = alice.page.getByRole("region", { name: "Carol Customer" });
    await mini.getByRole("button", { name: "Create Incident" }).click();
    await pane.getByRole("heading", { name: "New incident" }).waitFor();
    await pane.getByLabel("Short description").fill("Laptop does not dock after the update");
    await pane.getByLabel("Category").selectOption("hardware");
    await pane.getByLabel("Impact").selectOption("2");
    await pane.getByLabel("Urgency").selectOption("2");
    await pane.getByRole("button", { name: "Save" }).click();
    await pane.getByRole("heading", { name: /^Incident INC\d{7}$/ }).waitFor();
    const number = await pane.getByLabel("Number").inputValue();
    saved.push(await screenshot(alice.page, `incident-saved-desktop${suffix}`));
    await carol.page.getByRole("log").first().getByText(number).waitFor();
    saved.push(await screenshot(carol.page, `support-incident-created-desktop${suffix}`));

    // Bob comments, writes a work note and changes the state: alice follows it as its creator.
    const incident = (await (await bob.context.request.get(`/api/incidents/${number}`)).json()) as { id: string; activity: string; version: number };
    const post = (clientId: string, kind: string, body: string) =>
      bob.context.request.post(`/api/conversations/${incident.activity}/entries`, { data: { client_id: clientId, kind, body } });
    await post(`shots-${theme}-1`, "comment", "Docking station firmware 2.1 fixes this; I will send the update to Carol.");
    await post(`shots-${theme}-2`, "work_note", "Same as last week on the 3rd floor: the dock firmware rollout skipped this model.");
    await bob.context.request.patch(`/api/incidents/${incident.id}`, { data: { version: incident.version, state: "in_progress", urgency: 1 } });
    await pane.getByRole("button", { name: /^Close / }).click();
    const records = sidebar.getByRole("region", { name: "Records" });
    const item = records.getByRole("button", { name: new RegExp(`^${number} · `) });
    await item.waitFor();
    await item.getByText(/\d+ unread/).waitFor();
    saved.push(await screenshot(alice.page, `agent-records-desktop${suffix}`));
    await item.click();
    const record = alice.page.getByRole("region", { name: new RegExp(`^${number}`) });
    await record.getByRole("log").getByText("State:").waitFor();
    saved.push(await screenshot(alice.page, `agent-record-window-desktop${suffix}`));

    const opened = alice.context.waitForEvent("page");
    await mini.getByRole("button", { name: "New Window" }).click();
    const workspace = await opened;
    await workspace.setViewportSize(viewports.desktop);
    await workspace.getByRole("tab", { name: "Record" }).click();
    await workspace.getByRole("tabpanel", { name: "Record" }).getByRole("heading", { name: `Incident ${number}` }).waitFor();
    saved.push(await screenshot(workspace, `workspace-record-desktop${suffix}`));
    await workspace.close();

    // More incidents for the list, as bob files them.
    const file = (short: string, impact: number, urgency: number, clientId: string) =>
      bob.context.request.post("/api/incidents", {
        data: { client_id: `${clientId}-${theme}`, caller: me.id, short_description: short, category: "software", contact_type: "phone", impact, urgency, assignment_group: group },
      });
    await file("Outlook asks for the password again and again", 3, 2, "shots-outlook");
    await file("Payroll application down for the whole finance team", 1, 1, "shots-payroll");
    await alice.page.getByRole("navigation", { name: "Content" }).getByRole("button", { name: "Incidents" }).click();
    await pane.getByRole("button", { name: "All", exact: true }).click();
    await pane.getByRole("table").getByText("Payroll application").first().waitFor();
    saved.push(await screenshot(alice.page, `agent-incidents-desktop${suffix}`));

    await carol.page.getByRole("button", { name: "My incidents" }).click();
    await carol.page.getByRole("button", { name: new RegExp(number) }).click();
    await carol.page.getByRole("log").getByText("Docking station firmware").waitFor();
    saved.push(await screenshot(carol.page, `support-incident-desktop${suffix}`));
    await carol.page.getByRole("button", { name: "My incidents" }).click();
    await carol.page.getByRole("button", { name: new RegExp(number) }).waitFor();
    saved.push(await screenshot(carol.page, `support-incidents-desktop${suffix}`));
    await carol.page.setViewportSize(viewports.phone);
    saved.push(await screenshot(carol.page, `support-incidents-phone${suffix}`));
    await carol.page.setViewportSize(viewports.desktop);

    // Nobody available: alice goes Away (bob has no socket), and carol's chat is over.
    await alice.page.getByRole("combobox", { name: "Presence" }).selectOption("away");
    const chats = (await (await carol.context.request.get("/api/conversations")).json()) as { id: string; kind: string; state: string }[];
    for (const c of chats.filter((c) => c.kind === "support" && c.state !== "closed")) await carol.context.request.post(`/api/conversations/${c.id}/end`);
    await carol.page.goto("/support");
    const leave = carol.page.getByRole("region", { name: /^Nobody from/ });
    await leave.waitFor();
    saved.push(await screenshot(carol.page, `support-nobody-desktop${suffix}`));
    await leave.getByLabel("Your message").fill("My badge no longer opens the 3rd floor door since Monday. I am at desk 3.14, phone 4471.");
    await leave.getByRole("button", { name: "Send" }).click();
    await leave.getByRole("status").getByText(/Thank you/).waitFor();
    saved.push(await screenshot(carol.page, `support-message-left-desktop${suffix}`));
    await carol.page.setViewportSize(viewports.phone);
    saved.push(await screenshot(carol.page, `support-message-left-phone${suffix}`));
    await alice.page.getByRole("combobox", { name: "Presence" }).selectOption("available");
  } finally {
    await carol.context.close();
    await alice.context.close();
    await bob.context.close();
  }
  return saved;
}

async function main(): Promise<void> {
  const server = await startServer();
  let browser: Browser | null = null;
  try {
    browser = await launchBrowser();
    const only = process.env.SCREENSHOTS_ONLY;
    if (only === "incidents") {
      for (const theme of ["light", "dark"] as const) {
        for (const path of await incidents(browser, server.baseUrl, theme)) console.log(`saved ${path}`);
      }
      return;
    }
    for (const device of ["desktop", "phone"] as const) {
      for (const theme of ["light", "dark"] as const) {
        for (const path of await shoot(browser, server.baseUrl, device, theme)) console.log(`saved ${path}`);
      }
    }
    for (const theme of ["light", "dark"] as const) {
      for (const path of await session(browser, server.baseUrl, theme)) console.log(`saved ${path}`);
    }
    for (const theme of ["light", "dark"] as const) {
      for (const path of await incidents(browser, server.baseUrl, theme)) console.log(`saved ${path}`);
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
