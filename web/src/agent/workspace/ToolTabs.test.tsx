// @vitest-environment jsdom
/** The workspace's tools tabs: one Tab stop, arrows / Home / End move and select, panels wired by id. */
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { useState } from "preact/hooks";
import { afterEach, describe, expect, it } from "vitest";
import { tabAfterKey, ToolTabs, type ToolTab } from "./ToolTabs";

const TOOLS: readonly ToolTab[] = [
  { id: "record", name: "Record" },
  { id: "knowledge", name: "Knowledge Base" },
  { id: "customer", name: "Customer" },
];

/** The tabs as the workspace uses them: a tool once selected stays opened. */
function Harness({ initial = "customer", tools = TOOLS }: { initial?: string; tools?: readonly ToolTab[] }) {
  const [selected, setSelected] = useState(initial);
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set([initial]));
  return (
    <ToolTabs
      tools={tools}
      selected={selected}
      opened={opened}
      onSelect={(id) => {
        setSelected(id);
        setOpened((o) => new Set([...o, id]));
      }}
    >
      {(id) => <p>{`content of ${id}`}</p>}
    </ToolTabs>
  );
}

const tab = (name: string) => screen.getByRole("tab", { name });
const selectedName = () => screen.getAllByRole("tab").filter((t) => t.getAttribute("aria-selected") === "true").map((t) => t.textContent);

afterEach(() => cleanup());

describe("tabAfterKey", () => {
  it.each([
    ["ArrowRight", 0, 1],
    ["ArrowRight", 2, 0],
    ["ArrowLeft", 1, 0],
    ["ArrowLeft", 0, 2],
    ["Home", 2, 0],
    ["End", 0, 2],
    ["ArrowDown", 1, null],
    ["a", 1, null],
  ] as const)("%s_from_%i_goes_to_%s", (key, from, to) => {
    expect(tabAfterKey(key, from, 3), `${key} from tab ${from} of 3`).toBe(to);
  });
});

describe("ToolTabs", () => {
  it("only_the_selected_tab_is_a_tab_stop", () => {
    render(<Harness initial="customer" />);
    expect(screen.getByRole("tablist", { name: "Tools" })).toBeTruthy();
    expect(TOOLS.map((t) => tab(t.name).tabIndex), "roving tabindex: Customer selected").toEqual([-1, -1, 0]);
    expect(selectedName()).toEqual(["Customer"]);
  });

  it("arrow_keys_move_focus_and_select_wrapping_at_the_ends", () => {
    render(<Harness initial="customer" />);
    tab("Customer").focus();

    fireEvent.keyDown(tab("Customer"), { key: "ArrowRight" });
    expect(document.activeElement, "ArrowRight from the last tab wraps to the first").toBe(tab("Record"));
    expect(selectedName()).toEqual(["Record"]);
    expect(tab("Record").tabIndex, "the newly selected tab is the Tab stop").toBe(0);
    expect(tab("Customer").tabIndex).toBe(-1);

    fireEvent.keyDown(tab("Record"), { key: "ArrowLeft" });
    expect(document.activeElement, "ArrowLeft from the first tab wraps to the last").toBe(tab("Customer"));
    expect(selectedName()).toEqual(["Customer"]);

    fireEvent.keyDown(tab("Customer"), { key: "ArrowLeft" });
    expect(document.activeElement).toBe(tab("Knowledge Base"));
    expect(selectedName()).toEqual(["Knowledge Base"]);
    expect(screen.getByRole("tabpanel", { name: "Knowledge Base" }).textContent, "the selected tool is shown").toBe("content of knowledge");
  });

  it("home_and_end_go_to_the_first_and_last_tab", () => {
    render(<Harness initial="knowledge" />);
    fireEvent.keyDown(tab("Knowledge Base"), { key: "End" });
    expect(document.activeElement).toBe(tab("Customer"));
    expect(selectedName()).toEqual(["Customer"]);
    fireEvent.keyDown(tab("Customer"), { key: "Home" });
    expect(document.activeElement).toBe(tab("Record"));
    expect(selectedName()).toEqual(["Record"]);
  });

  it("other_keys_leave_the_selection_alone", () => {
    render(<Harness initial="record" />);
    tab("Record").focus();
    fireEvent.keyDown(tab("Record"), { key: "ArrowDown" });
    fireEvent.keyDown(tab("Record"), { key: "Enter" });
    expect(selectedName()).toEqual(["Record"]);
    expect(document.activeElement).toBe(tab("Record"));
  });

  it("the_selected_panel_is_labelled_by_its_tab_and_aria_controls_names_only_panels_in_the_document", () => {
    render(<Harness initial="record" />);
    const panel = screen.getByRole("tabpanel", { name: "Record" });
    expect(panel.id, "the panel has an id").not.toBe("");
    expect(tab("Record").getAttribute("aria-controls"), "the selected tab controls its panel").toBe(panel.id);
    expect(panel.getAttribute("aria-labelledby")).toBe(tab("Record").id);
    for (const name of ["Knowledge Base", "Customer"]) {
      expect(tab(name).hasAttribute("aria-controls"), `${name}: its panel is not rendered, so no aria-controls`).toBe(false);
    }

    fireEvent.click(tab("Customer"));
    const customer = screen.getByRole("tabpanel", { name: "Customer" });
    expect(tab("Customer").getAttribute("aria-controls")).toBe(customer.id);
    expect(screen.getAllByRole("tabpanel").length, "one visible panel: the selected tool").toBe(1);
    for (const t of screen.getAllByRole("tab")) {
      const controls = t.getAttribute("aria-controls");
      if (controls !== null) expect(document.getElementById(controls), `${t.textContent}'s aria-controls names an element in the document`).not.toBeNull();
    }
    expect(document.getElementById(tab("Record").getAttribute("aria-controls") ?? "")?.hidden, "Record stays mounted, hidden").toBe(true);
  });

  it("a_single_tab_a_chats_knowledge_base_is_the_tab_stop_and_the_keys_stay_on_it", () => {
    render(<Harness initial="knowledge" tools={[{ id: "knowledge", name: "Knowledge Base" }]} />);
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual(["Knowledge Base"]);
    expect(tab("Knowledge Base").tabIndex).toBe(0);
    expect(selectedName()).toEqual(["Knowledge Base"]);
    tab("Knowledge Base").focus();
    for (const key of ["ArrowRight", "ArrowLeft", "Home", "End"]) {
      fireEvent.keyDown(tab("Knowledge Base"), { key });
      expect(document.activeElement, `${key} keeps the focus on the one tab`).toBe(tab("Knowledge Base"));
      expect(selectedName()).toEqual(["Knowledge Base"]);
    }
    const panel = screen.getByRole("tabpanel", { name: "Knowledge Base" });
    expect(tab("Knowledge Base").getAttribute("aria-controls")).toBe(panel.id);
    expect(panel.hidden).toBe(false);
    expect(panel.textContent).toBe("content of knowledge");
  });
});
