import { describe, expect, it } from "vitest";
import { incidentsPath } from "../../shared/api";
import { DEFAULT_FILTERS, emptyText, listQuery, withView } from "./incident-list";

describe("incident list filters", () => {
  it("mine_by_default", () => {
    expect(incidentsPath(listQuery(DEFAULT_FILTERS))).toBe("/api/incidents?view=mine");
  });

  it("state_and_trimmed_search_are_sent", () => {
    expect(incidentsPath(listQuery({ view: "all", state: "on_hold", search: "  10001 " }))).toBe("/api/incidents?view=all&state=on_hold&q=10001");
  });

  it("an_empty_search_sends_no_q", () => {
    expect(incidentsPath(listQuery({ view: "group", state: "", search: "   " }))).toBe("/api/incidents?view=group");
  });

  it("words_are_encoded", () => {
    expect(incidentsPath(listQuery({ view: "open", state: "", search: "vpn & wifi" }))).toBe("/api/incidents?view=open&q=vpn+%26+wifi");
  });

  it("a_state_the_new_view_cannot_show_is_dropped", () => {
    expect(withView({ view: "all", state: "closed", search: "x" }, "mine")).toEqual({ view: "mine", state: "", search: "x" });
    expect(withView({ view: "all", state: "on_hold", search: "" }, "open").state).toBe("on_hold");
    expect(withView({ view: "all", state: "resolved", search: "" }, "open").state, "open lists no resolved").toBe("");
  });

  it("says_what_matched_nothing", () => {
    expect(emptyText({ view: "mine", state: "", search: "vpn" })).toBe("No incidents (assigned to me, matching “vpn”).");
  });
});
