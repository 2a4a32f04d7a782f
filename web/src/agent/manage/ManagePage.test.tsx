// @vitest-environment jsdom
/**
 * The managers' console: only managers and admins see the Manage link and the console; an
 * agent who opens the address is told who it is for; the sections are tabs that the arrow keys
 * move between, Live queue first; Users and Groups and queues for admins only; a group or queue
 * created reaches the other tabs' pickers.
 */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { User } from "../../shared/wire";
import { ContentNav } from "../AgentApp";
import { queues as agentQueues } from "../state";
import { fakeApi, GROUP, installDialogPolyfill, QUEUE } from "./fake-api";
import { ManagePage } from "./ManagePage";

const person = (roles: User["roles"]): User => ({ id: "u1", username: "x", display_name: "Dana Manager", roles, itil: false });

beforeEach(() => installDialogPolyfill());
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

  it("a_manager_gets_the_live_queue_first_and_the_arrow_keys_move_between_tabs", async () => {
    render(<ManagePage user={person(["manager"])} api={fakeApi()} />);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Manage");
    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((t) => t.textContent)).toEqual(["Live queue", "Queue settings", "Group membership", "Canned messages", "Audit log"]);
    expect(tabs[0]?.getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("tabpanel", { name: "Live queue" })).toBeTruthy();

    fireEvent.keyDown(tabs[0] as HTMLElement, { key: "ArrowRight" });
    expect(document.activeElement).toBe(tabs[1]);
    expect(tabs[1]?.getAttribute("aria-selected")).toBe("true");
    await screen.findByLabelText("Greeting");

    fireEvent.keyDown(tabs[1] as HTMLElement, { key: "ArrowRight" });
    await screen.findByRole("list", { name: "Members of ITSD_chat" });

    fireEvent.keyDown(tabs[2] as HTMLElement, { key: "ArrowRight" });
    await screen.findByRole("list", { name: "Canned messages of IT Service Desk" });

    fireEvent.keyDown(tabs[3] as HTMLElement, { key: "End" });
    expect(tabs[4]?.getAttribute("aria-selected")).toBe("true");
    await screen.findByRole("search", { name: "Filter the audit log" });

    fireEvent.keyDown(tabs[4] as HTMLElement, { key: "ArrowRight" });
    expect(tabs[0]?.getAttribute("aria-selected"), "wraps around").toBe("true");
    fireEvent.keyDown(tabs[0] as HTMLElement, { key: "ArrowLeft" });
    expect(tabs[4]?.getAttribute("aria-selected"), "wraps around backwards").toBe("true");
    fireEvent.keyDown(tabs[4] as HTMLElement, { key: "Home" });
    expect(tabs[0]?.getAttribute("aria-selected")).toBe("true");
    expect(tabs[1]?.getAttribute("tabindex")).toBe("-1");
  });

  it("users_and_groups_and_queues_are_for_admins_only", async () => {
    const api = fakeApi();
    render(<ManagePage user={person(["manager", "agent"])} api={api} />);
    expect(screen.queryByRole("tab", { name: "Users" }), "a manager has no Users tab").toBeNull();
    expect(screen.queryByRole("tab", { name: "Groups and queues" })).toBeNull();
    expect(screen.getByRole("tab", { name: "Audit log" })).toBeTruthy();
    expect(api.users).not.toHaveBeenCalled();
    cleanup();

    render(<ManagePage user={person(["admin"])} api={api} />);
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual(["Live queue", "Queue settings", "Group membership", "Canned messages", "Users", "Groups and queues", "Audit log"]);
    fireEvent.click(screen.getByRole("tab", { name: "Users" }));
    await screen.findByRole("table", { name: "Users" });
    expect(api.users).toHaveBeenCalledTimes(1);
  });

  it("a_queue_created_under_groups_and_queues_reaches_the_other_tabs", async () => {
    const api = fakeApi();
    const made: typeof QUEUE = { ...QUEUE, id: "q9", name: "Field Services" };
    api.createQueue.mockImplementation(async () => {
      api.queues.mockImplementation(async () => [QUEUE, made]);
      api.groups.mockImplementation(async () => [GROUP, { id: "g9", name: "Field", members: [] }]);
      return made;
    });
    render(<ManagePage user={person(["admin"])} api={api} />);
    fireEvent.click(screen.getByRole("tab", { name: "Groups and queues" }));
    fireEvent.input(await screen.findByLabelText("Queue name"), { target: { value: "Field Services" } });
    fireEvent.click(screen.getByRole("button", { name: "Create queue" }));
    await waitFor(() => expect(api.queues, "the console reads its lists again").toHaveBeenCalledTimes(2));
    await screen.findByText("Field", { selector: "option" });

    fireEvent.click(screen.getByRole("tab", { name: "Canned messages" }));
    const select = (await screen.findByLabelText("Queue")) as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual(["IT Service Desk", "Field Services"]);
    fireEvent.click(screen.getByRole("tab", { name: "Group membership" }));
    await screen.findByRole("heading", { name: "Field" });
  });

  it("a_saved_queue_replaces_the_one_the_agent_app_holds", async () => {
    agentQueues.value = [QUEUE];
    render(<ManagePage user={person(["manager"])} api={fakeApi()} />);
    fireEvent.click(screen.getByRole("tab", { name: "Queue settings" }));
    fireEvent.input(await screen.findByLabelText("Unsend window (seconds)"), { target: { value: "30" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Settings of IT Service Desk saved.");
    expect(agentQueues.value[0]?.unsend_seconds, "the Withdraw window of this tab follows at once").toBe(30);
    agentQueues.value = [];
  });
});
