// @vitest-environment jsdom
/**
 * The managers' console: only managers and admins see the Manage link and the console; an
 * agent who opens the address is told who it is for; the three sections are tabs that the
 * arrow keys move between.
 */
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import type { User } from "../../shared/wire";
import { ContentNav } from "../AgentApp";
import { queues as agentQueues } from "../state";
import { fakeApi, QUEUE } from "./fake-api";
import { ManagePage } from "./ManagePage";

const person = (roles: User["roles"]): User => ({ id: "u1", username: "x", display_name: "Dana Manager", roles, itil: false });

afterEach(() => cleanup());

describe("the Manage link", () => {
  it.each([
    [["manager", "agent"], true],
    [["admin"], true],
    [["agent"], false],
  ] as const)("for %j shown: %s", (roles, shown) => {
    render(<ContentNav user={person([...roles])} />);
    const nav = screen.getByRole("navigation", { name: "Content" });
    const link = nav.querySelector('a[href="/agent/manage"]');
    expect(link !== null).toBe(shown);
    if (shown) expect(screen.getByRole("link", { name: "Manage" }).getAttribute("href")).toBe("/agent/manage");
  });

  it("is_the_current_page_on_the_console", () => {
    render(<ContentNav user={person(["manager"])} manage />);
    expect(screen.getByRole("link", { name: "Manage" }).getAttribute("aria-current")).toBe("page");
  });
});

describe("ManagePage", () => {
  it("an_agent_is_told_it_is_for_managers_and_admins_and_nothing_is_asked", () => {
    const api = fakeApi();
    render(<ManagePage user={person(["agent"])} api={api} />);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Only managers and admins");
    expect(screen.queryByRole("tablist")).toBeNull();
    expect(api.queues).not.toHaveBeenCalled();
    expect(api.groups).not.toHaveBeenCalled();
  });

  it("a_manager_gets_three_tabs_the_arrow_keys_move_between", async () => {
    render(<ManagePage user={person(["manager"])} api={fakeApi()} />);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Manage");
    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((t) => t.textContent)).toEqual(["Queue settings", "Group membership", "Canned messages"]);
    expect(tabs[0]?.getAttribute("aria-selected")).toBe("true");
    await screen.findByLabelText("Greeting");
    expect(screen.getByRole("tabpanel", { name: "Queue settings" })).toBeTruthy();

    fireEvent.keyDown(tabs[0] as HTMLElement, { key: "ArrowRight" });
    expect(document.activeElement).toBe(tabs[1]);
    expect(tabs[1]?.getAttribute("aria-selected")).toBe("true");
    await screen.findByRole("list", { name: "Members of ITSD_chat" });

    fireEvent.keyDown(tabs[1] as HTMLElement, { key: "End" });
    expect(tabs[2]?.getAttribute("aria-selected")).toBe("true");
    await screen.findByRole("list", { name: "Canned messages of IT Service Desk" });

    fireEvent.keyDown(tabs[2] as HTMLElement, { key: "ArrowRight" });
    expect(tabs[0]?.getAttribute("aria-selected"), "wraps around").toBe("true");
    expect(tabs[1]?.getAttribute("tabindex")).toBe("-1");
  });

  it("a_saved_queue_replaces_the_one_the_agent_app_holds", async () => {
    agentQueues.value = [QUEUE];
    render(<ManagePage user={person(["manager"])} api={fakeApi()} />);
    fireEvent.input(await screen.findByLabelText("Unsend window (seconds)"), { target: { value: "30" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Settings of IT Service Desk saved.");
    expect(agentQueues.value[0]?.unsend_seconds, "the Withdraw window of this tab follows at once").toBe(30);
    agentQueues.value = [];
  });
});
