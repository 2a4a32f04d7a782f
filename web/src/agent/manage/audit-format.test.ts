/**
 * The audit log in words: labels, each change as "field: before → after" (only what the entry
 * holds; values a person reads), the filter days as the times the API takes, and the query path.
 */
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "../../shared/wire";
import { auditPath } from "./api";
import { ACTION_LABEL, changeLines, dayEnd, dayStart, fieldLabel, lineText, valueText } from "./audit-format";

const texts = (before: Record<string, unknown> | null, after: Record<string, unknown> | null) => changeLines({ before, after }).map(lineText);

describe("changeLines", () => {
  it.each([
    ["an update: each changed field before and after", { display_name: "Bob", itil: false }, { display_name: "Robert", itil: true }, ["display name: Bob → Robert", "itil: no → yes"]],
    ["a password set says set, nothing more", null, { password: "set" }, ["password: set"]],
    ["a password's before is never shown", { password: null }, { password: "set" }, ["password: set"]],
    ["roles are listed", { roles: ["agent"] }, { roles: ["agent", "manager"] }, ["roles: agent → agent, manager"]],
    ["a member by name", null, { member: { id: "u-bob", display_name: "Bob Agent" } }, ["member: Bob Agent"]],
    ["a member removed", { member: { id: "u-bob", display_name: "Bob Agent" } }, null, ["member: Bob Agent"]],
    ["a creation leaves out ids and times", null, { id: "q9", name: "Field", group: { id: "g2", name: "Field team" }, created_at: "2026-01-01T00:00:00Z" }, ["name: Field", "group: Field team"]],
    ["seconds are said as such", { offer_alert_seconds: 60 }, { offer_alert_seconds: 0 }, ["offer alert (seconds): 60 → 0"]],
    ["an empty text is said", { greeting: "Hi" }, { greeting: "" }, ["greeting: Hi → (empty)"]],
    ["an unchanged field is left out", { title: "A", body: "x" }, { title: "A", body: "y" }, ["body: x → y"]],
    ["no change, no lines", null, null, []],
  ] as const)("%s", (_what, before, after, expected) => {
    expect(texts(before as Record<string, unknown> | null, after as Record<string, unknown> | null)).toEqual(expected);
  });

  it("a_long_text_is_cut_but_a_change_past_the_cut_still_shows", () => {
    const long = "x".repeat(300);
    const lines = changeLines({ before: { body: long }, after: { body: `${long}!` } });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.after?.length).toBe(160);
    expect(lines[0]?.after?.endsWith("…")).toBe(true);
  });
});

describe("words", () => {
  it("every_action_has_a_label", () => {
    for (const action of AUDIT_ACTIONS) expect(ACTION_LABEL[action], action).toMatch(/^[A-Z]/);
  });

  it.each([
    ["display_name", "display name"],
    ["reply_alert_seconds", "reply alert (seconds)"],
    ["order", "order"],
  ])("field %s reads %s", (field, label) => expect(fieldLabel(field)).toBe(label));

  it.each([
    [true, "yes"],
    [null, "—"],
    [[], "(none)"],
    [3, "3"],
    [{ id: "g1", name: "ITSD_chat" }, "ITSD_chat"],
  ])("value %j reads %s", (value, text) => expect(valueText(value)).toBe(text));
});

describe("days and the query", () => {
  it("a_day_runs_from_its_local_midnight_to_the_next", () => {
    expect(dayStart("2026-03-01")).toBe(new Date(2026, 2, 1).toISOString());
    expect(dayEnd("2026-03-01")).toBe(new Date(2026, 2, 2).toISOString());
    expect(dayEnd("2026-12-31")).toBe(new Date(2027, 0, 1).toISOString());
    expect(dayStart("")).toBe("");
  });

  it("the_path_leaves_out_empty_filters_and_encodes_the_rest", () => {
    expect(auditPath({})).toBe("/api/audit");
    expect(auditPath({ limit: 50, action: "user.update", actor: "", from: "2026-03-01T00:00:00.000Z", before: "a2" })).toBe(
      "/api/audit?limit=50&action=user.update&from=2026-03-01T00%3A00%3A00.000Z&before=a2",
    );
  });
});
