// @vitest-environment jsdom
/**
 * The routing guards in the agent app: an urgent offer marks its queue notification with how
 * long it has waited ("Waiting over 1 min", not the queue's guard as last read) and rings the
 * louder tune (once, and only live); `no_reply` tells the agent on the session and in an alert
 * region until they comment; `unaccepted` and `returned_unanswered` tell
 * managers (not agents) in a status region, the latter instead of "had to leave"; every notice
 * has Open and Dismiss.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, BOB, CAROL, conversation, DANA, entry, IVAN } from "../shared/fixtures";
import { setNavigate } from "../shared/nav";
import { now } from "../shared/now";
import { connectedForTest } from "../shared/socket.fakes";
import type { Conversation, User } from "../shared/wire";
import { ConversationView } from "./conversation/ConversationView";
import { ReturnedNotices } from "./ReturnedNotices";
import { durationWords, followRoutingAlerts, noteRoutingFrame, noticeText, resetRoutingAlerts, routingNotices, urgentOffers, urgentText, type RoutingContext } from "./routing-alerts";
import { RoutingAlerts } from "./RoutingAlerts";
import { QueueNotification } from "./sidebar/QueueNotification";
import { connection, me, miniWindows, queues } from "./state";
import { TUNES, VOLUME } from "./alerts";

const MANAGER: User = { id: DANA.id, username: "dana", display_name: DANA.display_name, roles: ["manager"], itil: false };

let feed: ReturnType<typeof connectedForTest>;
let unfollow: () => void = () => undefined;
let sounds: string[];
let notes: string[];
/** The fixtures' sessions start at 09:00:00. */
const STARTED = Date.parse("2026-11-30T09:00:00Z");
/** The time the listener reads (ms since the epoch): a minute into the fixtures' sessions unless a test moves it. */
let time: number;

function follow(user: User, extra: Partial<RoutingContext> = {}): void {
  feed = connectedForTest(user.id);
  connection.value = feed.connection;
  me.value = user;
  unfollow = followRoutingAlerts(feed.connection, () => user, {
    queueName: (queue) => (queue === "q-itsd" ? "IT Service Desk" : "Queue"),
    sound: (kind) => sounds.push(kind),
    notify: (title, body) => notes.push(`${title} | ${body}`),
    now: () => time,
    ...extra,
  });
}

function waitingOffer(id: string, customer = CAROL, extra: Partial<Conversation> = {}): Conversation {
  const { assignee: _a, ...queued } = conversation(id, customer, { state: "queued", position: 1, ...extra });
  return queued;
}

beforeEach(() => {
  sounds = [];
  notes = [];
  time = STARTED + 60_000;
  now.value = time;
  resetRoutingAlerts();
  queues.value = [{ id: "q-itsd", name: "IT Service Desk", offer_alert_seconds: 60 } as never];
  vi.stubGlobal("fetch", vi.fn(async () => new Response("{}", { status: 404, headers: { "Content-Type": "application/json" } })));
});

afterEach(() => {
  cleanup();
  unfollow();
  vi.unstubAllGlobals();
  connection.value = null;
  me.value = null;
  miniWindows.value = [];
  queues.value = [];
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 150));
});

describe("urgent offers", () => {
  it("an_urgent_offer_is_marked_waiting_over_n_s_and_rings_louder_once", async () => {
    follow(ALICE);
    const offer = waitingOffer("c7");
    feed.socket.receive({ type: "offer", conversation: offer });
    render(<QueueNotification offer={offer} />);
    const card = screen.getByRole("article", { name: "Carol Customer" });
    expect(card.textContent, "a new offer is not urgent").not.toContain("Waiting over");
    expect(sounds, "the plain offer rings elsewhere (AgentApp)").toEqual([]);

    feed.socket.receive({ type: "offer", conversation: offer, urgent: true });
    await waitFor(() => expect(card.textContent).toContain("⚠ Waiting over 1 min"));
    expect(card.className).toContain("queue-notification--urgent");
    expect(sounds, "the louder tune").toEqual(["offers"]);
    expect(notes).toEqual(["Waiting over 1 min: Carol Customer | My VPN drops every few minutes."]);

    feed.socket.receive({ type: "offer", conversation: offer, urgent: true });
    expect(sounds, "told once per wait").toEqual(["offers"]);

    feed.socket.receive({ type: "withdraw", conversation: "c7", by: { id: BOB.id, display_name: BOB.display_name } });
    await waitFor(() => expect(urgentOffers.value.size, "accepted: no longer urgent").toBe(0));
  });

  it("screen_readers_are_told_of_an_urgent_offer", async () => {
    follow(ALICE);
    render(<RoutingAlerts />);
    feed.socket.receive({ type: "offer", conversation: waitingOffer("c7", IVAN), urgent: true });
    await waitFor(() => expect(screen.getByText("Waiting over 1 min: Ivan Customer.")).toBeTruthy());
  });

  it("a_session_back_in_the_queue_waits_anew", async () => {
    follow(ALICE);
    const first = waitingOffer("c7");
    feed.socket.receive({ type: "offer", conversation: first, urgent: true });
    const back = waitingOffer("c7", CAROL, { returned_from: { id: BOB.id, display_name: BOB.display_name }, returned_at: "2026-11-30T10:05:00Z" });
    render(<QueueNotification offer={back} />);
    expect(screen.getByRole("article", { name: "Carol Customer" }).textContent, "its return is a new wait").not.toContain("Waiting over");
  });

  it("says_how_long_the_session_has_waited_not_the_queues_guard_as_last_read", async () => {
    // This page read a 60 s guard; a manager has since made it 45 s, and the server says so by sending it urgent at 45.8 s.
    follow(ALICE);
    time = STARTED + 45_800;
    now.value = time;
    const offer = waitingOffer("c7");
    feed.socket.receive({ type: "offer", conversation: offer, urgent: true });
    render(<QueueNotification offer={offer} />);
    const card = screen.getByRole("article", { name: "Carol Customer" });
    await waitFor(() => expect(card.textContent, "its real wait, rounded down").toContain("⚠ Waiting over 45 s"));
    expect(card.textContent, "not the guard this page read").not.toContain("60 s");
    expect(notes).toEqual(["Waiting over 45 s: Carol Customer | My VPN drops every few minutes."]);

    now.value = STARTED + 59_000;
    await waitFor(() => expect(card.textContent, "under a minute the mark stays as it went urgent").toContain("⚠ Waiting over 45 s"));
    now.value = STARTED + 61_000;
    await waitFor(() => expect(card.textContent, "past a minute it follows the clock, by the minute").toContain("⚠ Waiting over 1 min"));
    now.value = STARTED + 179_000;
    await waitFor(() => expect(card.textContent, "never more than the real wait").toContain("⚠ Waiting over 2 min"));
  });

  it("an_urgent_offer_back_from_an_agent_counts_from_its_return", async () => {
    // A guard raised to 10 minutes after this page read 60 s: the mark says the real 2 min, not 60 s.
    follow(ALICE);
    const back = waitingOffer("c7", CAROL, { returned_from: { id: BOB.id, display_name: BOB.display_name }, returned_at: "2026-11-30T10:05:00Z" });
    time = Date.parse("2026-11-30T10:07:30Z");
    now.value = time;
    feed.socket.receive({ type: "offer", conversation: back, urgent: true });
    render(<QueueNotification offer={back} />);
    await waitFor(() => expect(screen.getByRole("article", { name: "Carol Customer" }).textContent).toContain("⚠ Waiting over 2 min"));
  });

  it("the_mark_is_rounded_down_in_seconds_then_minutes", () => {
    expect([0, 2, 2.9, 45, 59.9, 60, 119, 120, 3599, 3600].map(urgentText)).toEqual([
      "Waiting over 0 s",
      "Waiting over 2 s",
      "Waiting over 2 s",
      "Waiting over 45 s",
      "Waiting over 59 s",
      "Waiting over 1 min",
      "Waiting over 1 min",
      "Waiting over 2 min",
      "Waiting over 59 min",
      "Waiting over 60 min",
    ]);
  });

  it("an_urgent_offer_replayed_at_hello_is_marked_without_a_sound", () => {
    sounds = [];
    noteRoutingFrame({ type: "offer", conversation: waitingOffer("c8", IVAN), urgent: true }, false, ALICE, {
      now: () => STARTED + 45_000,
      queueName: () => "IT Service Desk",
      sound: (kind) => sounds.push(kind),
      notify: (title) => notes.push(title),
    });
    expect([...urgentOffers.value.values()]).toEqual([{ conversation: "c8", seconds: 45 }]);
    expect(sounds, "old news: no sound").toEqual([]);
    expect(notes).toEqual([]);
  });

  it("the_urgent_tune_is_its_own_and_louder", () => {
    expect(TUNES.urgent.length, "more tones than any other").toBeGreaterThan(Math.max(TUNES.new.length, TUNES.returned.length));
    expect(VOLUME.urgent).toBeGreaterThan(VOLUME.new);
  });
});

describe("no reply", () => {
  it("tells_the_agent_on_the_session_until_they_comment", async () => {
    follow(ALICE);
    const session = conversation("c1", CAROL);
    feed.connection.noteConversation(session);
    render(
      <>
        <RoutingAlerts />
        <ConversationView conversation={session} user={ALICE} visible={true} />
      </>,
    );
    const region = screen.getByRole("alert", { name: "Replies overdue" });
    expect(region.textContent, "nothing yet").toBe("");
    feed.socket.receive({ type: "alert", kind: "no_reply", conversation: session, seconds: 120 });
    await waitFor(() => expect(region.textContent).toContain("Carol Customer has had no reply for 2 minutes — reply now or the session goes back to the queue"));
    expect(screen.getByText("No reply for 2 minutes: reply now or the session goes back to the queue."), "on the session itself").toBeTruthy();
    expect(sounds).toEqual(["replies"]);
    expect(notes).toEqual(["No reply to Carol Customer | Carol Customer has had no reply for 2 minutes — reply now or the session goes back to the queue"]);

    fireEvent.click(within(region).getByRole("button", { name: "Open Carol Customer's chat" }));
    expect(miniWindows.value.map((w) => w.id), "its mini window opens").toEqual(["c1"]);

    // A work note is no reply; a comment is.
    feed.socket.receive({ type: "entry", ...entry("c1", 2, { id: ALICE.id, display_name: ALICE.display_name }, "Checking"), kind: "work_note" });
    expect(routingNotices.value).toHaveLength(1);
    feed.socket.receive({ type: "entry", ...entry("c1", 3, { id: ALICE.id, display_name: ALICE.display_name }, "Hi Carol, looking into it.") });
    await waitFor(() => expect(region.textContent, "answered: gone").toBe(""));
    expect(screen.queryByText(/No reply for/), "and on the session").toBeNull();
  });

  it("is_dismissed_by_hand_or_goes_with_the_session", async () => {
    follow(ALICE);
    const session = conversation("c1", CAROL);
    render(<RoutingAlerts />);
    feed.socket.receive({ type: "alert", kind: "no_reply", conversation: session, seconds: 90 });
    const text = "Carol Customer has had no reply for 90 seconds — reply now or the session goes back to the queue";
    fireEvent.click(await screen.findByRole("button", { name: `Dismiss: ${text}` }));
    expect(routingNotices.value).toEqual([]);

    feed.socket.receive({ type: "alert", kind: "no_reply", conversation: session, seconds: 90 });
    expect(routingNotices.value).toHaveLength(1);
    const { assignee: _a, ...back } = conversation("c1", CAROL, { state: "queued", returned_from: { id: ALICE.id, display_name: ALICE.display_name } });
    feed.socket.receive({ type: "conversation", ...back });
    expect(routingNotices.value, "back in the queue: no longer Alice's to answer").toEqual([]);
  });

  it("is_not_for_anyone_but_the_sessions_agent", () => {
    follow({ id: BOB.id, username: "bob", display_name: BOB.display_name, roles: ["agent"], itil: false });
    feed.socket.receive({ type: "alert", kind: "no_reply", conversation: conversation("c1", CAROL), seconds: 120 });
    expect(routingNotices.value).toEqual([]);
  });
});

describe("managers' alerts", () => {
  it("unaccepted_tells_managers_with_open_and_dismiss", async () => {
    const went: string[] = [];
    const restore = setNavigate((url) => went.push(url));
    follow(MANAGER);
    render(<RoutingAlerts />);
    const region = screen.getByRole("status", { name: "Queue alerts" });
    feed.socket.receive({ type: "alert", kind: "unaccepted", conversation: waitingOffer("c7"), seconds: 60 });
    await waitFor(() => expect(region.textContent).toContain("Carol Customer's chat in IT Service Desk has waited over 60 s: nobody accepted it."));
    expect(sounds, "louder").toEqual(["offers"]);
    fireEvent.click(within(region).getByRole("button", { name: "Open Carol Customer's chat" }));
    restore();
    expect(went, "in the workspace").toEqual(["/agent/workspace/c7"]);
    feed.socket.receive({ type: "withdraw", conversation: "c7", by: { id: ALICE.id, display_name: ALICE.display_name } });
    await waitFor(() => expect(region.textContent, "accepted: gone").toBe(""));
  });

  it("returned_unanswered_replaces_the_had_to_leave_notice", async () => {
    follow(MANAGER);
    render(
      <>
        <RoutingAlerts />
        <ReturnedNotices />
      </>,
    );
    const back = waitingOffer("c7", CAROL, { returned_from: { id: BOB.id, display_name: BOB.display_name }, returned_at: "2026-11-30T10:05:00Z" });
    feed.socket.receive({ type: "returned", conversation: back });
    const returned = screen.getByRole("status", { name: "Sessions back in the queue" });
    await waitFor(() => expect(returned.textContent).toContain("Bob Agent had to leave."));
    feed.socket.receive({ type: "alert", kind: "returned_unanswered", conversation: back, seconds: 120 });
    const region = screen.getByRole("status", { name: "Queue alerts" });
    await waitFor(() => expect(region.textContent).toContain("Carol Customer's chat went back to the queue: Bob Agent did not answer."));
    expect(returned.textContent, "not told as 'had to leave'").toBe("");
    expect(sounds, "the return rang already").toEqual([]);
    fireEvent.click(within(region).getByRole("button", { name: "Dismiss: Carol Customer's chat went back to the queue: Bob Agent did not answer." }));
    await waitFor(() => expect(region.textContent).toBe(""));
  });

  it("agents_get_no_managers_alerts", () => {
    follow(ALICE);
    feed.socket.receive({ type: "alert", kind: "unaccepted", conversation: waitingOffer("c7"), seconds: 60 });
    expect(routingNotices.value).toEqual([]);
    expect(sounds).toEqual([]);
  });
});

describe("the notices' words", () => {
  it("say_how_long_in_words", () => {
    expect([1, 45, 60, 90, 120, 3600].map(durationWords)).toEqual(["1 second", "45 seconds", "1 minute", "90 seconds", "2 minutes", "60 minutes"]);
    expect(noticeText({ kind: "no_reply", customer: "Carol Customer", from: null, seconds: 120 }, "IT Service Desk")).toBe(
      "Carol Customer has had no reply for 2 minutes — reply now or the session goes back to the queue",
    );
  });
});
