// @vitest-environment jsdom
/**
 * The Connect sidebar in a DOM: unread badges on my sessions, queue notifications oldest first
 * with Accept, the polite announcement of a new offer (once), and focus when an offer goes away.
 */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, conversation, IVAN } from "../../shared/fixtures";
import type { Connection } from "../../shared/socket";
import { connectedForTest, putOffers } from "../../shared/socket.fakes";
import { connection, miniWindows, queues, sidebarCollapsed } from "../state";
import { ConnectSidebar } from "./ConnectSidebar";

let socket: Connection;

function offer(id: string, customer: typeof CAROL, createdAt: string, message: string) {
  const { assignee: _assignee, ...rest } = conversation(id, customer, { state: "queued", created_at: createdAt, first_message: message });
  return rest;
}

let feed: ReturnType<typeof connectedForTest>;

function setOffers(...offers: ReturnType<typeof offer>[]) {
  putOffers(feed, offers);
}

beforeEach(() => {
  feed = connectedForTest(ALICE.id);
  socket = feed.connection;
  connection.value = socket;
  queues.value = [{ id: "q-itsd", name: "IT Service Desk" } as never];
  sidebarCollapsed.value = false;
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
  miniWindows.value = [];
});

describe("ConnectSidebar", () => {
  it("shows_unread_counts_on_my_sessions_and_in_total", () => {
    socket.noteConversation(conversation("c1", CAROL, { unread: 2 }));
    socket.noteConversation(conversation("c2", IVAN, { unread: 0 }));
    render(<ConnectSidebar user={ALICE} />);
    const mine = screen.getByRole("region", { name: "Support sessions, 2 unread" });
    const carol = screen.getByRole("button", { name: /^Carol Customer/ });
    expect(carol.textContent, "Carol's badge").toContain("2 unread");
    expect(screen.getByRole("button", { name: /^Ivan Customer/ }).textContent, "no badge without unread").not.toContain("unread");
    expect(mine.contains(carol)).toBe(true);
    expect(screen.getByText("2 unread", { selector: ".connect-sidebar__head .badge" }), "the total beside the title").toBeTruthy();
  });

  it("the_rail_keeps_the_unread_badges", () => {
    socket.noteConversation(conversation("c1", CAROL, { unread: 3 }));
    sidebarCollapsed.value = true;
    render(<ConnectSidebar user={ALICE} />);
    expect(screen.getByRole("button", { name: "Carol Customer, Active, 3 unread" })).toBeTruthy();
  });

  it("lists_offers_oldest_first_and_announces_a_new_one_once", async () => {
    setOffers(offer("o2", IVAN, "2026-11-30T09:05:00Z", "Printer jam"), offer("o1", CAROL, "2026-11-30T09:00:00Z", "VPN drops"));
    const view = render(<ConnectSidebar user={ALICE} />);
    const accepts = screen.getAllByRole("button", { name: /^Accept / }).map((b) => b.getAttribute("aria-label"));
    expect(accepts, "the longest waiting on top").toEqual(["Accept Carol Customer", "Accept Ivan Customer"]);
    const live = screen.getByRole("status", { name: "" , hidden: true });
    await waitFor(() => expect(live.textContent).toBe("2 new chats are waiting."));

    const third = offer("o3", { id: "u-erin", display_name: "Erin Customer" }, "2026-11-30T09:10:00Z", "Projector");
    setOffers(offer("o1", CAROL, "2026-11-30T09:00:00Z", "VPN drops"), offer("o2", IVAN, "2026-11-30T09:05:00Z", "Printer jam"), third);
    view.rerender(<ConnectSidebar user={ALICE} />);
    await waitFor(() => expect(live.textContent).toBe("New chat waiting: Erin Customer: Projector"));
    setOffers(third);
    view.rerender(<ConnectSidebar user={ALICE} />);
    expect(live.textContent, "a withdrawal announces nothing new").toBe("New chat waiting: Erin Customer: Projector");
  });

  it("moves_focus_to_the_next_offer_when_the_focused_one_is_taken", async () => {
    setOffers(offer("o1", CAROL, "2026-11-30T09:00:00Z", "VPN drops"), offer("o2", IVAN, "2026-11-30T09:05:00Z", "Printer jam"));
    const view = render(<ConnectSidebar user={ALICE} />);
    screen.getByRole("button", { name: "Accept Carol Customer" }).focus();
    setOffers(offer("o2", IVAN, "2026-11-30T09:05:00Z", "Printer jam"));
    view.rerender(<ConnectSidebar user={ALICE} />);
    await waitFor(() => expect(document.activeElement, "focus on the next Accept, not on <body>").toBe(screen.getByRole("button", { name: "Accept Ivan Customer" })));

    setOffers();
    view.rerender(<ConnectSidebar user={ALICE} />);
    await waitFor(() => expect(document.activeElement?.id, "the last one gone: focus on the queue heading").toBe("sidebar-queue"));
  });

  it("a_failed_accept_says_why_and_keeps_the_focus_on_the_button", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ error: { code: "already_accepted", message: "Bob Agent accepted this session first." } }), { status: 409, headers: { "Content-Type": "application/json" } })),
    );
    setOffers(offer("o1", CAROL, "2026-11-30T09:00:00Z", "VPN drops"));
    render(<ConnectSidebar user={ALICE} />);
    const accept = screen.getByRole("button", { name: "Accept Carol Customer" });
    accept.focus();
    fireEvent.click(accept);
    expect((await screen.findByRole("alert")).textContent).toBe("Bob Agent accepted this session first.");
    expect(document.activeElement, "focus stays on Accept (never disabled under it)").toBe(accept);
    expect(miniWindows.value, "no window for a session not accepted").toEqual([]);
  });

  it("a_session_back_from_an_agent_comes_first_marked_returned_and_announced_as_such", async () => {
    const bob = { id: "u-bob", display_name: "Bob Agent" };
    const back = { ...offer("r9", IVAN, "2026-11-30T09:20:00Z", "Printer jam"), returned_from: bob, returned_at: "2026-11-30T09:30:00Z" };
    // Ivan's chat was new once (announced then), an agent took it, and it comes back.
    setOffers(offer("r9", IVAN, "2026-11-30T09:20:00Z", "Printer jam"));
    const view = render(<ConnectSidebar user={ALICE} />);
    const live = screen.getByRole("status", { name: "", hidden: true });
    await waitFor(() => expect(live.textContent).toBe("New chat waiting: Ivan Customer: Printer jam"));
    setOffers(offer("r1", CAROL, "2026-11-30T09:00:00Z", "VPN drops"));
    view.rerender(<ConnectSidebar user={ALICE} />);
    await waitFor(() => expect(live.textContent).toBe("New chat waiting: Carol Customer: VPN drops"));
    setOffers(offer("r1", CAROL, "2026-11-30T09:00:00Z", "VPN drops"), back);
    view.rerender(<ConnectSidebar user={ALICE} />);
    const accepts = screen.getAllByRole("button", { name: /^Accept / }).map((b) => b.getAttribute("aria-label"));
    expect(accepts, "back in the queue: at its front, before one waiting longer").toEqual(["Accept Ivan Customer", "Accept Carol Customer"]);
    const ivan = screen.getByRole("article", { name: "Ivan Customer" });
    expect(ivan.textContent, "marked in words, not colour alone").toContain("Returned · was with Bob Agent");
    expect(screen.getByRole("article", { name: "Carol Customer" }).textContent, "a new one is not marked").not.toContain("Returned");
    await waitFor(() => expect(live.textContent).toBe("Back in the queue: Ivan Customer — was with Bob Agent."));
  });
});
