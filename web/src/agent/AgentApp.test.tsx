// @vitest-environment jsdom
/**
 * The agent app's top bar links to the Knowledge Base (`/kb`, in this tab, through the shell's
 * router); with an unsaved incident the link loads the page instead, so the browser asks first.
 * A change of the user's own roles while the page is open (the socket closes with 4403) reads
 * `/api/me` again: the Manage link and the console follow without a reload.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE } from "../shared/fixtures";
import { CLOSE, Connection } from "../shared/socket";
import { connectedForTest, FakeSocket, ManualScheduler } from "../shared/socket.fakes";
import type { User } from "../shared/wire";
import { AgentApp, followRightsChanges } from "./AgentApp";
import { QUEUE } from "./manage/fake-api";
import { contentPane } from "./records/pane";
import { connection, me, miniWindows, queues, restoreFocusRequest } from "./state";

/** Clicks that reached the window, where the shell's router (preact-iso) takes them. */
let routed: number;
const toRouter = () => void routed++;
/** jsdom cannot navigate: the click's default action is prevented before it reaches the link. */
const noNavigation = (event: Event) => event.preventDefault();

beforeEach(() => {
  routed = 0;
  window.addEventListener("click", noNavigation, { capture: true });
  window.addEventListener("click", toRouter);
  connection.value = connectedForTest(ALICE.id).connection;
  me.value = ALICE;
});

// Preact runs deferred effects (and their cleanups) up to 100 ms after a render; let that
// happen while this file's page still exists, not after jsdom has been torn down.
afterAll(async () => {
  await new Promise<void>((resolve) => setTimeout(resolve, 150));
});

afterEach(() => {
  cleanup();
  window.removeEventListener("click", noNavigation, { capture: true });
  window.removeEventListener("click", toRouter);
  contentPane.holding.value = false;
  connection.value = null;
  me.value = null;
});

const link = () => within(screen.getByRole("banner")).getByRole("link", { name: "Knowledge Base" });

describe("the top bar's Knowledge Base link", () => {
  it("goes_to_kb_in_this_tab_through_the_router", () => {
    render(<AgentApp workspace={null} />);
    expect(link().getAttribute("href")).toBe("/kb");
    expect(link().getAttribute("target"), "same tab").toBeNull();
    fireEvent.click(link());
    expect(routed, "the shell's router takes the click").toBe(1);
  });

  it("with_an_unsaved_incident_loads_the_page_so_the_browser_asks_first", () => {
    contentPane.holding.value = true;
    render(<AgentApp workspace={null} />);
    fireEvent.click(link());
    expect(routed, "kept from the router: the browser follows the link, and beforeunload asks").toBe(0);
  });
});

describe("a change of the user's own roles", () => {
  const DANA: User = { id: "u-dana", username: "dana", display_name: "Dana Manager", roles: ["manager", "agent"], itil: false };
  const DEMOTED: User = { ...DANA, roles: ["agent"] };
  /** What `GET /api/me` answers now. */
  let current: User;
  let sockets: FakeSocket[];
  let clock: ManualScheduler;
  let unfollow: () => void;

  const latest = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (socket === undefined) throw new Error("no socket was created");
    return socket;
  };
  const manageLink = () => within(screen.getByRole("banner")).queryByRole("link", { name: "Manage" });

  beforeEach(() => {
    sockets = [];
    clock = new ManualScheduler();
    const socket = new Connection({
      me: DANA.id,
      url: "ws://test.invalid/api/ws",
      storage: null,
      scheduler: clock,
      random: () => 0.5,
      checkSignedIn: () => Promise.resolve(true),
      createSocket: (url, protocols) => {
        const made = new FakeSocket(url, protocols);
        sockets.push(made);
        return made;
      },
    });
    unfollow = followRightsChanges(socket);
    socket.start();
    latest().open();
    latest().receive({ type: "ready" });
    connection.value = socket;
    me.value = DANA;
    current = DANA;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (path: string) => {
        const body = path === "/api/me" ? current : path === "/api/queues" ? [QUEUE] : {};
        return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
      }),
    );
  });

  afterEach(() => {
    unfollow();
    connection.value?.stop();
    vi.unstubAllGlobals();
    queues.value = [];
  });

  /** The server closes the socket for a change of rights; it reconnects and is caught up. */
  function rightsChange(): void {
    latest().drop(CLOSE.PERMISSIONS_CHANGED, "permissions changed");
    clock.advance(1_000);
    latest().open();
    latest().receive({ type: "ready" });
  }

  it("a_manager_demoted_to_agent_loses_the_manage_link_and_the_console_without_a_reload", async () => {
    render(<AgentApp workspace={null} manage={true} />);
    expect(manageLink(), "a manager has Manage").not.toBeNull();
    expect(screen.getByRole("tab", { name: "Live queue" }), "and the console's tabs").toBeTruthy();

    current = DEMOTED;
    rightsChange();
    await waitFor(() => expect(manageLink(), "demoted: no Manage link").toBeNull());
    expect(screen.queryByRole("tab", { name: "Live queue" }), "no console tabs").toBeNull();
    expect(screen.getByRole("heading", { name: "Only managers and admins" })).toBeTruthy();
    expect(me.value?.roles).toEqual(["agent"]);
    await waitFor(() => expect(queues.value.map((q) => q.id), "the queues they work are read again too").toEqual([QUEUE.id]));
  });

  it("an_agent_promoted_to_manager_gets_the_manage_link", async () => {
    me.value = DEMOTED;
    render(<AgentApp workspace={null} />);
    expect(manageLink(), "an agent has no Manage").toBeNull();
    current = DANA;
    rightsChange();
    await waitFor(() => expect(manageLink(), "promoted: Manage").not.toBeNull());
  });

  it("another_reason_to_reconnect_does_not_read_the_user_again", async () => {
    render(<AgentApp workspace={null} />);
    latest().drop(CLOSE.SERVER_RESTART, "restart");
    clock.advance(1_000);
    latest().open();
    latest().receive({ type: "ready" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(vi.mocked(fetch), "nothing read again").not.toHaveBeenCalledWith("/api/me", expect.anything());
  });

  it("new_roles_do_not_bring_the_tabs_windows_back_again", () => {
    miniWindows.value = [{ id: "c1", minimised: false }];
    restoreFocusRequest.value = null;
    me.value = DEMOTED;
    expect(restoreFocusRequest.value, "the same user: the tab's state is not restored a second time (it would take the focus)").toBeNull();
    expect(miniWindows.value).toEqual([{ id: "c1", minimised: false }]);
    miniWindows.value = [];
  });
});
