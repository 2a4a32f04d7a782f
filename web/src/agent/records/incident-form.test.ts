import { describe, expect, it } from "vitest";
import { ApiError } from "../../shared/api";
import { ALICE, CAROL, conversation, entry, incident } from "../../shared/fixtures";
import type { Entry } from "../../shared/wire";
import {
  DESCRIPTION_MAX,
  blankIncident,
  EARLIER_CUT,
  draftOf,
  keepNewest,
  isDirty,
  leavingLosesWork,
  localProblems,
  prefillFromSession,
  priorityOf,
  priorityText,
  saveFailure,
  statesFrom,
  toInput,
  toPatch,
  transcript,
} from "./incident-form";

const GROUP = { id: "g-itsd", name: "ITSD_chat" };
const AGENT = { id: ALICE.id, display_name: ALICE.display_name };

describe("priority", () => {
  it.each([
    [1, 1, "1 - Critical"],
    [1, 2, "2 - High"],
    [2, 1, "2 - High"],
    [2, 2, "3 - Moderate"],
    [1, 3, "3 - Moderate"],
    [2, 3, "4 - Low"],
    [3, 2, "4 - Low"],
    [3, 3, "5 - Planning"],
  ] as const)("impact_%i_urgency_%i_is_%s", (impact, urgency, text) => {
    expect(priorityText(priorityOf(impact, urgency))).toBe(text);
  });
});

describe("prefill from a support session", () => {
  const entries: Entry[] = [
    entry("c1", 1, CAROL, "My VPN drops every few minutes."),
    entry("c1", 2, undefined, "Alice Agent joined the chat."),
    entry("c1", 3, AGENT, "Which client version do you use?"),
    { ...entry("c1", 4, AGENT, "Probably the known gateway bug."), kind: "work_note" },
    entry("c1", 5, CAROL, "Version 5.2"),
  ];

  it("takes_caller_first_message_transcript_group_and_agent", () => {
    const draft = prefillFromSession(conversation("c1", CAROL), entries, AGENT, GROUP);
    expect(draft.caller, "caller is the customer").toEqual(CAROL);
    expect(draft.short_description).toBe("My VPN drops every few minutes.");
    expect(draft.description, "comments as Name: text, no work note, no system line").toBe(
      "Carol Customer: My VPN drops every few minutes.\nAlice Agent: Which client version do you use?\nCarol Customer: Version 5.2",
    );
    expect(draft.contact_type).toBe("chat");
    expect([draft.impact, draft.urgency, draft.state]).toEqual([3, 3, "new"]);
    expect(draft.assignment_group).toEqual(GROUP);
    expect(draft.assigned_to).toEqual(AGENT);
  });

  it("cuts_a_long_first_message_to_160_characters", () => {
    const long = "x".repeat(200);
    const draft = prefillFromSession(conversation("c1", CAROL, { first_message: long }), [], AGENT, null);
    expect(Array.from(draft.short_description)).toHaveLength(160);
    expect(draft.assignment_group, "no queue group known").toBeNull();
  });

  it("a_transcript_over_the_limit_keeps_the_newest_messages_and_says_earlier_ones_were_cut", () => {
    // 40 messages of 500 characters: about 20,000 characters, over the 15,000 the server takes.
    const long: Entry[] = Array.from({ length: 40 }, (_, i) => entry("c1", i + 1, i % 2 === 0 ? CAROL : AGENT, `message ${i + 1} ${"x".repeat(480)}`));
    const draft = prefillFromSession(conversation("c1", CAROL), long, AGENT, GROUP);
    const chars = Array.from(draft.description);
    expect(chars.length, "fits the description").toBeLessThanOrEqual(DESCRIPTION_MAX);
    expect(draft.description.startsWith(`${EARLIER_CUT}\n`), "says that earlier messages were cut").toBe(true);
    expect(draft.description, "the newest message is kept whole").toContain(`Alice Agent: message 40 ${"x".repeat(480)}`);
    expect(draft.description, "the oldest one went").not.toContain("message 1 ");
    const lines = draft.description.split("\n").slice(1);
    expect(lines.every((l) => /^(Carol Customer|Alice Agent): message \d+ x+$/.test(l)), "no message is cut in its middle").toBe(true);
  });

  it("a_transcript_within_the_limit_is_kept_as_it_is", () => {
    expect(keepNewest("a\nb", 10)).toBe("a\nb");
  });

  it("one_message_longer_than_the_limit_keeps_its_end", () => {
    const text = "Carol Customer: " + "y".repeat(100) + "END";
    const kept = keepNewest(text, 60);
    expect(Array.from(kept).length).toBeLessThanOrEqual(60);
    expect(kept.startsWith(`${EARLIER_CUT}\n`)).toBe(true);
    expect(kept.endsWith("END")).toBe(true);
  });

  it("work_notes_never_reach_the_transcript", () => {
    expect(transcript([{ ...entry("c1", 1, AGENT, "secret"), kind: "work_note" }])).toBe("");
  });
});

describe("validation", () => {
  it("resolution_notes_are_required_when_resolved_or_closed", () => {
    const draft = { ...draftOf(incident()), state: "resolved" as const };
    expect(localProblems(draft).resolution_notes).toMatch(/required/);
    expect(localProblems({ ...draft, resolution_notes: "Replaced the client." })).toEqual({});
  });

  it("an_empty_short_description_is_refused_before_asking_the_server", () => {
    expect(localProblems({ ...draftOf(incident()), short_description: "  " }).short_description).toBeDefined();
  });

  it("a_422_naming_a_field_is_shown_next_to_that_field", () => {
    const error = new ApiError(422, "invalid", "Bob Agent is not a member of ITSD_chat.", null, "assigned_to");
    expect(saveFailure(error)).toEqual({ kind: "field", field: "assigned_to", message: "Bob Agent is not a member of ITSD_chat." });
  });

  it("a_422_about_no_form_field_goes_above_the_form", () => {
    expect(saveFailure(new ApiError(422, "invalid", "`client_id` must be 1-64 characters.", null, "client_id")).kind).toBe("general");
    expect(saveFailure(new ApiError(422, "invalid", "Bad.", null, null)).kind).toBe("general");
  });

  it("a_409_changed_keeps_the_servers_message", () => {
    const error = new ApiError(409, "changed", "Changed by Bob Agent at 10:42 — reload");
    expect(saveFailure(error)).toEqual({ kind: "changed", message: "Changed by Bob Agent at 10:42 — reload" });
  });

  it("closed_only_from_resolved_and_final_states_stay", () => {
    expect(statesFrom(null)).not.toContain("closed");
    expect(statesFrom("in_progress")).not.toContain("closed");
    expect(statesFrom("resolved")).toContain("closed");
    expect(statesFrom("canceled")).toEqual(["canceled"]);
  });
});

describe("what Save sends", () => {
  it("a_new_incident_sends_every_field_with_its_client_id_and_session", () => {
    const draft = prefillFromSession(conversation("c1", CAROL), [], AGENT, GROUP);
    const input = toInput(draft, "draft-1", "c1");
    expect(input).toMatchObject({ client_id: "draft-1", session: "c1", caller: CAROL.id, assignment_group: GROUP.id, assigned_to: ALICE.id, impact: 3, urgency: 3 });
    expect("priority" in input, "priority is never sent").toBe(false);
  });

  it("a_saved_incident_sends_only_what_changed_with_the_version_read", () => {
    const base = incident({ version: 4 });
    const patch = toPatch(base, { ...draftOf(base), short_description: "VPN drops on Wi-Fi", impact: 1 });
    expect(patch).toEqual({ version: 4, short_description: "VPN drops on Wi-Fi", impact: 1 });
  });

  it("unassigning_sends_null", () => {
    const base = incident();
    expect(toPatch(base, { ...draftOf(base), assigned_to: null })).toEqual({ version: 1, assigned_to: null });
  });
});

describe("dirty and discard guard", () => {
  it("an_untouched_saved_incident_may_be_left", () => {
    const start = draftOf(incident());
    expect(isDirty(start, { ...start })).toBe(false);
    expect(leavingLosesWork(true, false)).toBe(false);
  });

  it("a_change_or_a_new_incident_asks_first", () => {
    const start = draftOf(incident());
    expect(isDirty(start, { ...start, urgency: 1 })).toBe(true);
    expect(leavingLosesWork(true, true)).toBe(true);
    expect(leavingLosesWork(false, false), "a new incident not saved is work").toBe(true);
  });
});

describe("blankIncident", () => {
  it("phone_3_3_the_agents_group_and_the_agent_and_no_caller", () => {
    const draft = blankIncident(AGENT, GROUP);
    expect(draft).toMatchObject({ caller: null, short_description: "", description: "", contact_type: "phone", impact: 3, urgency: 3, state: "new", assignment_group: GROUP, assigned_to: AGENT });
    expect(priorityOf(draft.impact, draft.urgency)).toBe(5);
  });

  it("asks_for_a_caller_before_sending", () => {
    const draft = { ...blankIncident(AGENT, null), short_description: "Printer jams" };
    expect(localProblems(draft)).toEqual({ caller: "Choose a caller." });
    expect(localProblems({ ...draft, caller: CAROL })).toEqual({});
    expect(toInput({ ...draft, caller: CAROL }, "draft-9", null), "no session for a new incident from the list").not.toHaveProperty("session");
  });
});
