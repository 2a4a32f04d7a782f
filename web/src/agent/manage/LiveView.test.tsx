// @vitest-environment jsdom
/**
 * The live queue view: what a QueueLive shows (who waits, alerted, came back; the agents, their
 * presence and sessions, one removed from the group; what needs a transfer; today's figures),
 * the waits ticking on the server's clock, a read again on `queue_activity` of its queue only
 * (news in a burst read once; a hidden page reads when shown again), and why it cannot show.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../shared/api";
import { DANA } from "../../shared/fixtures";
import { now } from "../../shared/now";
import { connectedForTest } from "../../shared/socket.fakes";
import { pageVisible } from "../../shared/visibility";
import type { Queue, User } from "../../shared/wire";
import { connection } from "../state";
import { localMidnight } from "./live-api";
import { AT, fakeLiveApi, queueLive } from "./live-fake";
import { durationText, LiveView, ratingText } from "./LiveView";

const MANAGER: User = { id: DANA.id, username: "dana", display_name: DANA.display_name, roles: ["manager", "agent"], itil: false };

function queue(id: string, name: string): Queue {
  return {
    id,
    name,
    group: { id: "g1", name: "ITSD_chat" },
    greeting: "",
    inactivity_warning_seconds: 120,
    auto_close_seconds: 60,
    assignee_grace_seconds: 60,
    unsend_seconds: 120,
    max_sessions_per_agent: 0,
    survey: true,
    offer_alert_seconds: 60,
    reply_alert_seconds: 120,
  };
}
const QUEUES = [queue("q1", "IT Service Desk"), queue("q2", "HR Help")];

let feed: ReturnType<typeof connectedForTest>;
/** A short wait in tests: the view reads again this long after news. */
const DELAY = 20;

beforeEach(() => {
  now.value = Date.parse(AT);
  pageVisible.value = true;
  feed = connectedForTest(MANAGER.id);
  connection.value = feed.connection;
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
  pageVisible.value = true;
});

// Preact runs deferred effects (and their cleanups) up to 100 ms after a render; let that
// happen while this file's page still exists.
afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 150));
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const section = (name: string) => screen.getByRole("region", { name: new RegExp(`^${name}`) });
const table = (name: string) => within(section(name)).getAllByRole("table")[0] as HTMLElement;

describe("LiveView", () => {
  it("shows_who_waits_the_agents_what_needs_a_transfer_and_todays_figures", async () => {
    const api = fakeLiveApi();
    render(<LiveView queues={QUEUES} user={MANAGER} api={api} delay={DELAY} />);
    await screen.findByRole("region", { name: /^Waiting/ });
    expect(api.live, "the first queue, from local midnight").toHaveBeenCalledWith("q1", localMidnight(Date.now()));
    expect((screen.getByRole("combobox", { name: "Queue" }) as HTMLSelectElement).value).toBe("q1");

    // Waiting, in the queue's order: Ivan came back from Bob; Carol's offer guard fired.
    const waiting = within(table("Waiting")).getAllByRole("row").slice(1);
    expect(waiting.map((r) => r.textContent)).toEqual([
      expect.stringContaining("Ivan Customer↩ came back from Bob AgentPrinter offline1:00"),
      expect.stringContaining("Carol Customer⚠ AlertedMy VPN drops every few minutes.2:00"),
    ]);
    const stats = screen.getByRole("list", { name: "Now" });
    expect(within(stats).getByText("Longest wait now").nextElementSibling?.textContent).toBe("2:00");
    expect(within(stats).getByText("Agents available").nextElementSibling?.textContent, "Bob is no longer in the group").toBe("1 of 2");

    // Agents: presence in words, how many sessions, which; Bob marked and his session flagged.
    const alice = within(table("Agents")).getByRole("row", { name: /^Alice Agent/ });
    expect(alice.textContent).toContain("● Available");
    expect(alice.textContent).toContain("Dan Customer");
    expect(within(alice).getAllByRole("cell")[1]?.textContent, "active").toBe("1");
    const bob = within(table("Agents")).getByRole("row", { name: /^Bob Agent/ });
    expect(bob.textContent).toContain("Removed from the group");
    expect(bob.textContent).toContain("◐ Away");
    expect(bob.textContent).toContain("Erin Customer");
    expect(bob.textContent).toContain("Needs transfer");
    expect(within(table("Agents")).getByRole("row", { name: /^Dana Manager/ }).textContent).toContain("○ Offline");

    // What needs a transfer: the session, its customer and agent, Transfer and Open.
    const erin = within(table("Needs transfer")).getByRole("row", { name: /^Erin Customer/ });
    expect(erin.textContent).toContain("Bob Agent");
    within(erin).getByRole("button", { name: "Transfer Erin Customer's session" });

    // Today's figures.
    const totals = table("Today's figures");
    for (const name of ["Started 7", "Accepted 5", "Abandoned 1", "Timed out 1", "Ended 4", "Median time to accept 42 s", "Median handling time 12 min 34 s", "Average rating 4.3 of 5 (3 ratings)"]) {
      expect(within(totals).getByRole("row", { name }), name).toBeTruthy();
    }
    const perAgent = within(section("Today's figures")).getByRole("table", { name: "Per agent" });
    expect(within(perAgent).getByRole("row", { name: "Alice Agent 3 3 10 min 00 s 4.5 of 5 (2 ratings)" })).toBeTruthy();
    expect(within(perAgent).getByRole("row", { name: "Bob Agent 2 1 none yet 4 of 5 (1 rating)" })).toBeTruthy();
  });

  it("opens_every_session_in_the_workspace", async () => {
    render(<LiveView queues={QUEUES} user={MANAGER} api={fakeLiveApi()} delay={DELAY} />);
    await screen.findByRole("region", { name: /^Waiting/ });
    const href = (name: string) => screen.getAllByRole("link", { name }).map((l) => l.getAttribute("href"));
    expect(href("Open Carol Customer's session")).toEqual(["/agent/workspace/s1"]);
    expect(href("Open Ivan Customer's session")).toEqual(["/agent/workspace/s2"]);
    expect(href("Open Dan Customer's session")).toEqual(["/agent/workspace/s3"]);
    expect(href("Open Erin Customer's session"), "in Needs transfer and under Bob").toEqual(["/agent/workspace/s4", "/agent/workspace/s4"]);
  });

  it("counts_the_wait_live_on_the_servers_clock", async () => {
    // This browser's clock is 10 s behind the server's: the wait is the server's.
    now.value = Date.parse(AT) - 10_000;
    render(<LiveView queues={QUEUES} user={MANAGER} api={fakeLiveApi()} delay={DELAY} />);
    const carol = await within(await screen.findByRole("table", { name: /^Waiting/ })).findByRole("row", { name: /^Carol Customer/ });
    expect(carol.textContent, "as the server counts it").toContain("2:00");
    now.value += 5_000;
    await waitFor(() => expect(carol.textContent, "five seconds on").toContain("2:05"));
    expect(within(screen.getByRole("list", { name: "Now" })).getByText("Longest wait now").nextElementSibling?.textContent).toBe("2:05");
    now.value += 60_000;
    await waitFor(() => expect(carol.textContent).toContain("3:05"));
  });

  it("reads_again_on_queue_activity_of_its_queue_only_once_per_burst", async () => {
    const api = fakeLiveApi();
    render(<LiveView queues={QUEUES} user={MANAGER} api={api} delay={DELAY} />);
    await screen.findByRole("region", { name: /^Waiting/ });
    expect(api.live).toHaveBeenCalledTimes(1);

    feed.socket.receive({ type: "queue_activity", queue: "q2" });
    await pause(DELAY * 3);
    expect(api.live, "another queue's news").toHaveBeenCalledTimes(1);

    api.live.mockResolvedValueOnce(queueLive({ waiting: [], longest_wait_seconds: null, figures: { ...queueLive().figures, started: 8 } }));
    for (let i = 0; i < 3; i += 1) feed.socket.receive({ type: "queue_activity", queue: "q1" });
    await waitFor(() => expect(api.live).toHaveBeenCalledTimes(2));
    await within(table("Today's figures")).findByRole("row", { name: "Started 8" });
    expect(section("Waiting").textContent).toContain("Nobody is waiting.");
    expect(within(screen.getByRole("list", { name: "Now" })).getByText("Longest wait now").nextElementSibling?.textContent).toBe("Nobody waits");
    await pause(DELAY * 3);
    expect(api.live, "three in a burst: read once").toHaveBeenCalledTimes(2);
  });

  it("a_hidden_page_reads_again_when_shown", async () => {
    const api = fakeLiveApi();
    render(<LiveView queues={QUEUES} user={MANAGER} api={api} delay={DELAY} />);
    await screen.findByRole("region", { name: /^Waiting/ });
    pageVisible.value = false;
    feed.socket.receive({ type: "queue_activity", queue: "q1" });
    await pause(DELAY * 3);
    expect(api.live, "nothing read while hidden").toHaveBeenCalledTimes(1);
    pageVisible.value = true;
    await waitFor(() => expect(api.live, "read once shown").toHaveBeenCalledTimes(2));
    // Shown again without news: read again too (what the socket missed meanwhile).
    pageVisible.value = false;
    pageVisible.value = true;
    await waitFor(() => expect(api.live).toHaveBeenCalledTimes(3));
  });

  it("another_queue_is_read_when_chosen_and_its_news_followed", async () => {
    const api = fakeLiveApi(async (id) => queueLive({ queue: { id, name: id === "q2" ? "HR Help" : "IT Service Desk" } }));
    render(<LiveView queues={QUEUES} user={MANAGER} api={api} delay={DELAY} />);
    await screen.findByRole("region", { name: /^Waiting/ });
    fireEvent.change(screen.getByRole("combobox", { name: "Queue" }), { target: { value: "q2" } });
    await waitFor(() => expect(api.live).toHaveBeenLastCalledWith("q2", expect.any(String)));
    feed.socket.receive({ type: "queue_activity", queue: "q1" });
    await pause(DELAY * 3);
    expect(api.live, "the queue no longer shown").toHaveBeenCalledTimes(2);
    feed.socket.receive({ type: "queue_activity", queue: "q2" });
    await waitFor(() => expect(api.live).toHaveBeenCalledTimes(3));
  });

  it("tells_an_agent_only_managers_and_admins_see_it", async () => {
    const api = fakeLiveApi(async () => {
      throw new ApiError(403, "forbidden", "You may not do that.");
    });
    render(<LiveView queues={QUEUES} user={MANAGER} api={api} delay={DELAY} />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Only managers and admins");
    expect(screen.queryByRole("region", { name: /^Waiting/ }), "nothing else").toBeNull();
  });

  it("a_manager_no_longer_allowed_sees_the_view_no_more", async () => {
    const api = fakeLiveApi();
    render(<LiveView queues={QUEUES} user={MANAGER} api={api} delay={DELAY} />);
    await screen.findByRole("region", { name: /^Waiting/ });
    api.live.mockRejectedValueOnce(new ApiError(403, "forbidden", "You may not do that."));
    fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Only managers and admins");
    expect(screen.queryByRole("region", { name: /^Waiting/ }), "what was shown goes").toBeNull();
  });

  it("says_why_it_could_not_read_and_keeps_what_it_showed", async () => {
    const api = fakeLiveApi();
    render(<LiveView queues={QUEUES} user={MANAGER} api={api} delay={DELAY} />);
    await screen.findByRole("region", { name: /^Waiting/ });
    api.live.mockRejectedValueOnce(new ApiError(0, "network", "The server could not be reached."));
    fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect((await screen.findByRole("alert")).textContent).toBe("The live queue view could not be read: The server could not be reached.");
    expect(section("Waiting").textContent, "the last view stays").toContain("Carol Customer");
    fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    await waitFor(() => expect(screen.queryByRole("alert"), "gone once read").toBeNull());
  });

  it("transfer_opens_the_transfer_dialog_for_the_session", async () => {
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
      this.removeAttribute("open");
      // As browsers do: the close event comes in a task of its own.
      setTimeout(() => this.dispatchEvent(new Event("close")));
    };
    const calls: string[] = [];
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
    vi.stubGlobal(
      "fetch",
      vi.fn(async (path: string, init: RequestInit = {}) => {
        calls.push(`${init.method ?? "GET"} ${path}`);
        if (path.endsWith("/members")) return json([{ id: "u-alice", display_name: "Alice Agent", status: "available" }]);
        if (path.endsWith("/transfer")) return json({ id: "s4", kind: "support", state: "active", queue: "q1", customer: { id: "u-erin", display_name: "Erin Customer" }, assignee: { id: "u-alice", display_name: "Alice Agent" }, last_seq: 9, created_at: AT });
        return json({ id: "u-erin", username: "erin", display_name: "Erin Customer", roles: ["customer"], itil: false });
      }),
    );
    const api = fakeLiveApi();
    render(<LiveView queues={QUEUES} user={MANAGER} api={api} delay={DELAY} />);
    fireEvent.click(await screen.findByRole("button", { name: "Transfer Erin Customer's session" }));
    const dialog = screen.getByRole("dialog", { name: "Transfer Erin Customer" });
    fireEvent.click(await within(dialog).findByRole("radio", { name: /Alice Agent/ }));
    fireEvent.submit(dialog.querySelector("form") as HTMLFormElement);
    await waitFor(() => expect(calls).toContain("POST /api/conversations/s4/transfer"));
    await waitFor(() => expect(screen.queryByRole("dialog"), "closed").toBeNull());
    expect(api.live, "read again after the transfer").toHaveBeenCalledTimes(2);
  });

  it("has_no_queue_to_show_without_queues", () => {
    render(<LiveView queues={[]} user={MANAGER} api={fakeLiveApi()} delay={DELAY} />);
    expect(screen.getByText("No queues yet.")).toBeTruthy();
  });
});

describe("the live view's words", () => {
  it("durations_and_ratings", () => {
    expect([0, 42, 60, 754, 3600, 3900].map(durationText)).toEqual(["0 s", "42 s", "1 min 00 s", "12 min 34 s", "1 h 00 min", "1 h 05 min"]);
    expect(ratingText({ count: 0, average: null })).toBe("No ratings yet");
    expect(ratingText({ count: 1, average: 4 })).toBe("4 of 5 (1 rating)");
    expect(ratingText({ count: 3, average: 4.333333 })).toBe("4.3 of 5 (3 ratings)");
  });

  it("local_midnight_is_the_start_of_the_browsers_day", () => {
    const at = new Date(2026, 10, 30, 15, 42).getTime();
    expect(localMidnight(at)).toBe(new Date(2026, 10, 30).toISOString());
    expect(Date.parse(localMidnight(at))).toBeLessThanOrEqual(at);
  });
});
