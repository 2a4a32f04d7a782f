import { describe, expect, it } from "vitest";
import { Pane } from "./pane";

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
