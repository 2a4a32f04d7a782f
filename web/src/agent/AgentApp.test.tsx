// @vitest-environment jsdom
/**
 * The agent app's top bar links to the Knowledge Base (`/kb`, in this tab, through the shell's
 * router); with an unsaved incident the link loads the page instead, so the browser asks first.
 */
import { cleanup, fireEvent, render, screen, within } from "@testing-library/preact";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE } from "../shared/fixtures";
import { connectedForTest } from "../shared/socket.fakes";
import { AgentApp } from "./AgentApp";
import { contentPane } from "./records/pane";
import { connection, me } from "./state";

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
