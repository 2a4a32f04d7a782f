import { describe, expect, it } from "vitest";
import { discardUnsavedWork, Pane, unsavedIncident } from "./pane";

describe("Pane", () => {
  it("moves_freely_while_nothing_would_be_lost", () => {
    const pane = new Pane();
    pane.show({ kind: "incidents" });
    expect(pane.view.value.kind).toBe("incidents");
    expect(pane.leaveRequest.value).toBeNull();
  });

  it("asks_before_leaving_an_unsaved_form_and_keep_editing_changes_nothing", () => {
    const pane = new Pane();
    pane.show({ kind: "incident", id: "i1" });
    pane.holding.value = true;
    pane.show({ kind: "home" });
    expect(pane.view.value, "still on the form").toEqual({ kind: "incident", id: "i1" });
    expect(pane.leaveRequest.value).toEqual({ kind: "home" });
    pane.stay();
    expect(pane.leaveRequest.value).toBeNull();
    expect(pane.view.value.kind).toBe("incident");
  });

  it("discard_goes_where_the_agent_asked", () => {
    const pane = new Pane();
    pane.show({ kind: "incident", id: "i1" });
    pane.holding.value = true;
    pane.show({ kind: "incidents" });
    pane.discardAndLeave();
    expect(pane.view.value.kind).toBe("incidents");
    expect(pane.holding.value).toBe(false);
  });

  it("showing_the_same_form_again_does_not_ask", () => {
    const pane = new Pane();
    pane.show({ kind: "incident", id: "i1" });
    pane.holding.value = true;
    pane.show({ kind: "incident", id: "i1" });
    expect(pane.leaveRequest.value).toBeNull();
  });
});

describe("unsaved work when signing out", () => {
  const draft = { session: null, clientId: "d1", initial: {} as never };

  it("says_what_would_be_lost_a_new_incident_or_changes", () => {
    const content = new Pane();
    const record = new Pane();
    expect(unsavedIncident([content, record]), "nothing held").toBeNull();
    record.show({ kind: "incident", id: "i1" });
    record.holding.value = true;
    expect(unsavedIncident([content, record])).toBe("changed");
    content.show({ kind: "new", draft });
    content.holding.value = true;
    expect(unsavedIncident([content, record]), "a new incident weighs more").toBe("new");
  });

  it("discard_drops_the_drafts_so_nothing_holds_the_page_any_more", () => {
    const content = new Pane();
    content.show({ kind: "new", draft });
    content.holding.value = true;
    const idle = new Pane();
    idle.show({ kind: "incidents" });
    discardUnsavedWork([content, idle]);
    expect(content.holding.value).toBe(false);
    expect(content.view.value.kind, "the draft is gone").toBe("home");
    expect(idle.view.value.kind, "a pane holding nothing stays as it is").toBe("incidents");
  });
});
