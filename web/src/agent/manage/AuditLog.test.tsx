// @vitest-environment jsdom
/**
 * The audit log in a DOM: the first page newest first with when, who, the action, the target and
 * the change in words; the filters sent as `GET /api/audit` takes them (days as local
 * midnights, the last day included); Load more asks for the page before the last entry with the
 * same filters; a refusal is an alert.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../shared/api";
import type { AuditEntry, User } from "../../shared/wire";
import { AuditLog } from "./AuditLog";
import { AUDIT_ENTRIES, fakeApi } from "./fake-api";

const DANA: User = { id: "u-dana", username: "dana", display_name: "Dana Manager", roles: ["manager", "agent"], itil: false };

afterEach(() => cleanup());

async function show(api = fakeApi()) {
  const find = vi.fn(async (q: string) => [DANA].filter((u) => u.display_name.toLowerCase().includes(q.toLowerCase())));
  render(<AuditLog api={api} find={find} delay={0} />);
  await screen.findByRole("table", { name: "Audit log, newest first" });
  return api;
}

const rows = () => within(screen.getByRole("table")).getAllByRole("row").slice(1);
const cellTexts = (row: HTMLElement) => within(row).getAllByRole("cell").map((c) => c.textContent);

describe("AuditLog", () => {
  it("shows_each_entry_with_who_the_action_the_target_and_the_change", async () => {
    const api = await show();
    expect(api.audit).toHaveBeenCalledWith({ limit: 50 });
    const [first, second] = rows();
    expect(cellTexts(first as HTMLElement).slice(1)).toEqual(["Admin", "User changed", "User Alice Agent", "roles: agent → agent, managerdisabled: no → yespassword: set"]);
    const change = within(first as HTMLElement).getAllByRole("listitem").map((li) => li.textContent);
    expect(change).toEqual(["roles: agent → agent, manager", "disabled: no → yes", "password: set"]);
    expect(cellTexts(second as HTMLElement).slice(1)).toEqual(["Dana Manager", "Member added", "Group ITSD_chat", "member: Bob Agent"]);
    const when = within(first as HTMLElement).getAllByRole("cell")[0]?.querySelector("time");
    expect(when?.getAttribute("datetime")).toBe("2026-03-02T10:15:00Z");
    expect(screen.queryByRole("button", { name: "Load more" }), "no next page").toBeNull();
  });

  it("the_filters_are_sent_as_the_api_takes_them", async () => {
    const api = await show();
    fireEvent.change(screen.getByLabelText("Action"), { target: { value: "group.add_member" } });
    fireEvent.change(screen.getByLabelText("Target"), { target: { value: "group" } });
    fireEvent.input(screen.getByLabelText("From (day)"), { target: { value: "2026-03-01" } });
    fireEvent.input(screen.getByLabelText("To (day, included)"), { target: { value: "2026-03-02" } });
    fireEvent.input(screen.getByRole("combobox", { name: "Who" }), { target: { value: "dana" } });
    fireEvent.click(await screen.findByRole("option", { name: /^Dana Manager/ }));
    await screen.findByRole("list", { name: "Who" });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    await waitFor(() => expect(api.audit).toHaveBeenCalledTimes(2));
    expect(api.audit.mock.calls[1]?.[0]).toEqual({
      limit: 50,
      action: "group.add_member",
      target_kind: "group",
      actor: "u-dana",
      from: new Date(2026, 2, 1).toISOString(),
      to: new Date(2026, 2, 3).toISOString(),
    });
  });

  it("who_can_be_cleared_and_clear_filters_reads_everything_again", async () => {
    const api = await show();
    fireEvent.input(screen.getByRole("combobox", { name: "Who" }), { target: { value: "dana" } });
    fireEvent.click(await screen.findByRole("option", { name: /^Dana Manager/ }));
    fireEvent.click(await screen.findByRole("button", { name: "Anyone, not only Dana Manager" }));
    await screen.findByRole("combobox", { name: "Who" });
    fireEvent.change(screen.getByLabelText("Action"), { target: { value: "user.create" } });
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(api.audit).toHaveBeenCalledTimes(2));
    expect(api.audit.mock.calls[1]?.[0]).toEqual({ limit: 50 });
    expect((screen.getByLabelText("Action") as HTMLSelectElement).value).toBe("");
  });

  it("a_last_day_before_the_first_is_refused_here", async () => {
    const api = await show();
    fireEvent.input(screen.getByLabelText("From (day)"), { target: { value: "2026-03-05" } });
    const to = screen.getByLabelText("To (day, included)");
    fireEvent.input(to, { target: { value: "2026-03-01" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    await waitFor(() => expect(to.getAttribute("aria-invalid")).toBe("true"));
    expect(api.audit).toHaveBeenCalledTimes(1);
  });

  it("load_more_asks_for_the_page_before_with_the_filters_applied", async () => {
    const older: AuditEntry = { ...AUDIT_ENTRIES[1]!, id: "a1", at: "2026-03-01T08:00:00Z", action: "group.create", before: null, after: { name: "ITSD_chat" } };
    const api = fakeApi();
    api.audit.mockImplementation(async (query) => (query.before === undefined ? { entries: AUDIT_ENTRIES, next_before: "a2" } : { entries: [older], next_before: null }));
    await show(api);
    fireEvent.change(screen.getByLabelText("Action"), { target: { value: "group.create" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    await waitFor(() => expect(api.audit).toHaveBeenCalledTimes(2));
    fireEvent.change(screen.getByLabelText("Action"), { target: { value: "user.create" } });
    fireEvent.click(await screen.findByRole("button", { name: "Load more" }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(api.audit.mock.calls[2]?.[0], "the filters applied, not the ones being typed").toEqual({ limit: 50, action: "group.create", before: "a2" });
    expect(cellTexts(rows()[2] as HTMLElement).slice(2)).toEqual(["Group created", "Group ITSD_chat", "name: ITSD_chat"]);
    expect(screen.queryByRole("button", { name: "Load more" }), "the last page").toBeNull();
  });

  it("a_refusal_is_an_alert", async () => {
    render(
      <AuditLog
        api={fakeApi({
          audit: async () => {
            throw new ApiError(403, "forbidden", "Only managers may do this.");
          },
        })}
      />,
    );
    expect((await screen.findByRole("alert")).textContent).toBe("Only managers may do this.");
  });

  it("no_entries_says_so", async () => {
    render(<AuditLog api={fakeApi({ audit: async () => ({ entries: [], next_before: null }) })} />);
    await screen.findByText("No changes match these filters.");
  });
});
