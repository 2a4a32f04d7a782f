// @vitest-environment jsdom
/** The incident form against the server's answers: a refused field is marked beside it with the draft kept; a colleague's change is never overwritten. */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, conversation, incident } from "../../shared/fixtures";
import { connectedForTest } from "../../shared/socket.fakes";
import type { Conversation } from "../../shared/wire";
import { connection, notFollowed } from "../state";
import { IncidentForm } from "./IncidentForm";
import { Pane } from "./pane";
import { blankIncident, prefillFromSession } from "./incident-form";
import { CALLER_SEARCH_DELAY_MS } from "./caller-picker";

let calls: { method: string; path: string; body: unknown }[];
let answers: Record<string, () => Response>;
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

beforeEach(() => {
  calls = [];
  answers = {};
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      calls.push({ method, path, body: init.body === undefined ? undefined : JSON.parse(String(init.body)) });
      const answer = answers[`${method} ${path}`];
      return answer === undefined ? json([]) : answer();
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
  notFollowed.value = new Set();
});

const agent = { id: ALICE.id, display_name: ALICE.display_name };

describe("IncidentForm", () => {
  it("priority_follows_impact_and_urgency_live", () => {
    render(<IncidentForm source={{ kind: "saved", incident: incident() }} pane={new Pane()} user={ALICE} />);
    const priority = screen.getByLabelText("Priority") as HTMLInputElement;
    expect(priority.value).toBe("5 - Planning");
    fireEvent.change(screen.getByLabelText("Impact"), { target: { value: "1" } });
    fireEvent.change(screen.getByLabelText("Urgency"), { target: { value: "1" } });
    expect(priority.value).toBe("1 - Critical");
  });

  it("a_field_the_server_refuses_is_marked_beside_it_and_the_draft_is_kept", async () => {
    const pane = new Pane();
    const draft = prefillFromSession(conversation("c1", CAROL), [], agent, null);
    answers["POST /api/incidents"] = () => json({ error: { code: "invalid", message: "Alice Agent is not a member of the assignment group.", field: "assigned_to" } }, 422);
    render(<IncidentForm source={{ kind: "new", draft: { session: "c1", clientId: "draft-1", initial: draft } }} pane={pane} user={ALICE} />);
    expect(pane.holding.value, "a new incident holds the pane").toBe(true);
    fireEvent.input(screen.getByLabelText("Short description"), { target: { value: "VPN drops on Wi-Fi" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    const field = screen.getByLabelText("Assigned to");
    await waitFor(() => expect(field.getAttribute("aria-invalid"), "the refused field is marked").toBe("true"));
    expect(document.getElementById(field.getAttribute("aria-describedby") ?? "")?.textContent).toContain("not a member of the assignment group");
    expect((screen.getByLabelText("Short description") as HTMLInputElement).value, "the draft is kept").toBe("VPN drops on Wi-Fi");
    expect(pane.holding.value, "still unsaved").toBe(true);
    const post = calls.find((c) => c.method === "POST");
    expect(post?.body, "one client id per draft, and the session").toMatchObject({ client_id: "draft-1", session: "c1", short_description: "VPN drops on Wi-Fi" });
  });

  it("a_colleagues_change_is_not_overwritten_and_reload_shows_theirs", async () => {
    answers["PATCH /api/incidents/i1"] = () => json({ error: { code: "changed", message: "Changed by Bob Agent at 10:42 — reload" } }, 409);
    answers["GET /api/incidents/i1"] = () => json(incident({ version: 2, short_description: "Bob's words" }));
    render(<IncidentForm source={{ kind: "saved", incident: incident() }} pane={new Pane()} user={ALICE} />);
    fireEvent.input(screen.getByLabelText("Short description"), { target: { value: "Mine" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/Changed by Bob Agent at 10:42 — reload/);
    expect(calls.find((c) => c.method === "PATCH")?.body, "sent with the version read").toEqual({ version: 1, short_description: "Mine" });
    expect((screen.getByLabelText("Short description") as HTMLInputElement).value, "my draft stays until Reload").toBe("Mine");
    fireEvent.click(screen.getByRole("button", { name: "Reload" }));
    await waitFor(() => expect((screen.getByLabelText("Short description") as HTMLInputElement).value).toBe("Bob's words"));
  });

  it("a_save_refused_because_the_incident_was_closed_elsewhere_reloads_it_read_only_and_says_why", async () => {
    answers["PATCH /api/incidents/i1"] = () => json({ error: { code: "incident_closed", message: "INC0010001 is closed: it changes no more." } }, 409);
    answers["GET /api/incidents/i1"] = () =>
      json(incident({ version: 3, state: "closed", resolution_notes: "Replaced the dock.", updated_by: { id: "u-bob", display_name: "Bob Agent" } }));
    const pane = new Pane();
    render(<IncidentForm source={{ kind: "saved", incident: incident() }} pane={pane} user={ALICE} />);
    fireEvent.input(screen.getByLabelText("Short description"), { target: { value: "Mine" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.some((c) => c.method === "GET" && c.path === "/api/incidents/i1"), "read again").toBe(true));
    const alert = await screen.findByText(/INC0010001 is closed: it changes no more\./);
    expect(alert.textContent, "says what happened to the change").toMatch(/not saved/i);
    expect(screen.getAllByText(/is closed: it changes no more/), "said once").toHaveLength(1);
    await waitFor(() => expect((screen.getByLabelText("Short description") as HTMLInputElement).value, "as it is now").toBe("VPN drops"));
    expect((screen.getByLabelText("State") as HTMLSelectElement).value, "the state shown is the current one").toBe("closed");
    expect(screen.getByText("Closed", { selector: ".incident-form__state" }), "the badge too").toBeTruthy();
    expect((screen.getByLabelText("Short description") as HTMLInputElement).closest("fieldset")?.disabled, "read-only now").toBe(true);
    expect((screen.getByRole("button", { name: "Save" }) as HTMLButtonElement).disabled).toBe(true);
    expect(pane.holding.value, "nothing left to lose").toBe(false);
  });

  it("follow_toggles_with_put_and_delete", async () => {
    answers["DELETE /api/incidents/i1/follow"] = () => new Response(null, { status: 204 });
    render(<IncidentForm source={{ kind: "saved", incident: incident({ following: true }) }} pane={new Pane()} user={ALICE} />);
    fireEvent.click(screen.getByRole("button", { name: "Unfollow" }));
    await screen.findByRole("button", { name: "Follow" });
    expect(calls.some((c) => c.method === "DELETE" && c.path === "/api/incidents/i1/follow")).toBe(true);
  });

  it("unfollow_takes_the_record_off_records_at_once_and_follow_puts_it_back", async () => {
    connection.value = connectedForTest(ALICE.id).connection;
    const activity: Conversation = {
      id: "c9",
      kind: "record",
      state: "active",
      last_seq: 2,
      created_at: "2026-11-30T09:05:00Z",
      record: { incident: "i1", number: "INC0010001", short_description: "VPN drops", state: "new" },
    };
    connection.value.noteConversation(activity);
    answers["DELETE /api/incidents/i1/follow"] = () => new Response(null, { status: 204 });
    answers["PUT /api/incidents/i1/follow"] = () => new Response(null, { status: 204 });
    answers["GET /api/conversations/c9"] = () => json(activity);
    render(<IncidentForm source={{ kind: "saved", incident: incident({ following: true }) }} pane={new Pane()} user={ALICE} />);
    fireEvent.click(screen.getByRole("button", { name: "Unfollow" }));
    await screen.findByRole("button", { name: "Follow" });
    expect(connection.value.conversations.value.has("c9"), "no longer held: off Records without a reload").toBe(false);
    expect(notFollowed.value.has("c9")).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Follow" }));
    await screen.findByRole("button", { name: "Unfollow" });
    await waitFor(() => expect(connection.value?.conversations.value.get("c9")?.record?.number, "read and held again: under Records").toBe("INC0010001"));
    expect(notFollowed.value.has("c9")).toBe(false);
  });

  it("an_incident_one_does_not_follow_is_never_listed_under_records_while_its_form_is_open", () => {
    render(<IncidentForm source={{ kind: "saved", incident: incident({ following: false }) }} pane={new Pane()} user={ALICE} />);
    expect(notFollowed.value.has("c9")).toBe(true);
  });

  it("resolution_notes_are_asked_for_before_a_resolve_is_sent", async () => {
    render(<IncidentForm source={{ kind: "saved", incident: incident() }} pane={new Pane()} user={ALICE} />);
    fireEvent.change(screen.getByLabelText("State"), { target: { value: "resolved" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    const notes = screen.getByLabelText(/Resolution notes/);
    await waitFor(() => expect(notes.getAttribute("aria-invalid")).toBe("true"));
    expect(calls.some((c) => c.method === "PATCH"), "nothing sent").toBe(false);
  });

  it("caller_picker_searches_after_two_characters_and_arrows_and_enter_choose", async () => {
    const ivan = { id: "u-ivan", username: "ivan", display_name: "Ivan Customer", roles: ["customer"], itil: true };
    const ivy = { id: "u-ivy", username: "ivy", display_name: "Ivy Caller", roles: ["customer"], itil: false };
    answers["GET /api/users?q=iv"] = () => json([ivan, ivy]);
    answers["PATCH /api/incidents/i1"] = () => json(incident({ version: 2, caller: { id: ivy.id, display_name: ivy.display_name } }));
    render(<IncidentForm source={{ kind: "saved", incident: incident() }} pane={new Pane()} user={ALICE} />);
    const caller = screen.getByRole("combobox", { name: "Caller" }) as HTMLInputElement;
    expect(caller.value, "the saved caller is shown").toBe("Carol Customer");
    fireEvent.input(caller, { target: { value: "i" } });
    await new Promise((r) => setTimeout(r, CALLER_SEARCH_DELAY_MS + 50));
    expect(calls.some((c) => c.path.startsWith("/api/users")), "one character: no search").toBe(false);
    fireEvent.input(caller, { target: { value: "iv" } });
    const options = within(await screen.findByRole("listbox", { name: "People found" })).getAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual(["Ivan Customer ivan", "Ivy Caller ivy"]);
    expect(calls.filter((c) => c.path.startsWith("/api/users")).map((c) => c.path)).toEqual(["/api/users?q=iv"]);
    expect(caller.getAttribute("aria-expanded")).toBe("true");
    expect(caller.getAttribute("aria-activedescendant"), "the first is active").toBe(options[0]?.id);
    fireEvent.keyDown(caller, { key: "ArrowDown" });
    expect(caller.getAttribute("aria-activedescendant")).toBe(options[1]?.id);
    fireEvent.keyDown(caller, { key: "Enter" });
    expect(caller.value, "the chosen caller is shown").toBe("Ivy Caller");
    expect(caller.getAttribute("aria-expanded")).toBe("false");
    expect(calls.some((c) => c.method === "PATCH"), "Enter in the list chooses; it does not save").toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.find((c) => c.method === "PATCH")?.body, "the change of caller, with the version").toEqual({ version: 1, caller: "u-ivy" }));
  });

  it("escape_closes_the_callers_list_and_leaving_it_puts_the_chosen_name_back", async () => {
    answers["GET /api/users?q=iv"] = () => json([{ id: "u-ivan", username: "ivan", display_name: "Ivan Customer", roles: ["customer"], itil: true }]);
    render(<IncidentForm source={{ kind: "saved", incident: incident() }} pane={new Pane()} user={ALICE} />);
    const caller = screen.getByRole("combobox", { name: "Caller" }) as HTMLInputElement;
    fireEvent.input(caller, { target: { value: "iv" } });
    await screen.findByRole("listbox", { name: "People found" });
    fireEvent.keyDown(caller, { key: "Escape" });
    expect(screen.queryByRole("listbox", { name: "People found" }), "closed").toBeNull();
    fireEvent.blur(caller);
    expect(caller.value, "nothing chosen: the caller stays").toBe("Carol Customer");
  });

  it("a_new_incident_from_the_list_needs_a_caller_before_anything_is_sent", async () => {
    const pane = new Pane();
    const group = { id: "g-itsd", name: "ITSD_chat" };
    render(<IncidentForm source={{ kind: "new", draft: { session: null, clientId: "draft-2", initial: blankIncident(agent, group) } }} pane={pane} user={ALICE} />);
    expect(pane.holding.value, "unsaved: leaving asks").toBe(true);
    expect((screen.getByLabelText("Contact type") as HTMLSelectElement).value).toBe("phone");
    expect((screen.getByLabelText("Priority") as HTMLInputElement).value).toBe("5 - Planning");
    const caller = screen.getByRole("combobox", { name: "Caller" }) as HTMLInputElement;
    expect(caller.value).toBe("");
    fireEvent.input(screen.getByLabelText("Short description"), { target: { value: "Printer jams" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(caller.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById("incident-new-caller-error")?.textContent).toContain("Choose a caller.");
    expect(caller.getAttribute("aria-describedby")).toContain("incident-new-caller-error");
    expect(calls.some((c) => c.method === "POST"), "nothing sent").toBe(false);
  });
});
