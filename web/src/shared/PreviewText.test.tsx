// @vitest-environment jsdom
/** A conversation's last message in a list: a comment names its author; a system line reads by itself. */
import { cleanup, render } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { ALICE, CAROL, conversation, entry } from "./fixtures";
import { PreviewText } from "./PreviewText";

afterEach(cleanup);

describe("PreviewText", () => {
  it("a_comment_is_prefixed_with_its_authors_first_name", () => {
    const { container } = render(<PreviewText conversation={conversation("c1", CAROL, { preview: entry("c1", 2, CAROL, "It still drops.") })} />);
    expect(container.textContent).toBe("Carol: It still drops.");
  });

  it("a_withdrawal_marker_reads_by_itself_a_withdrawn_message_as_withdrawn_and_a_file_by_its_name", () => {
    const marker = { ...entry("c1", 5, ALICE, "Alice Agent withdrew a message."), event: "withdrawn", withdraws: 4 };
    const withdrawn = { ...entry("c1", 4, ALICE, ""), withdrawn: { by: ALICE, at: "2026-11-30T22:00:00Z" } };
    const file = { ...entry("c1", 6, CAROL, ""), attachment: { id: "9", name: "error.png", type: "image/png", size: 4100, url: "/api/attachments/9" } };
    const texts = [marker, withdrawn, file].map((preview) => render(<PreviewText conversation={conversation("c1", CAROL, { preview })} />).container.textContent);
    expect(texts).toEqual(["Alice Agent withdrew a message.", "Alice: Message withdrawn", "Carol: Attachment: error.png"]);
  });

  it("a_system_line_is_not_prefixed_even_when_it_names_who_caused_it", () => {
    // The server sets the author of incident_created and field_changed to the agent who did it.
    const system = { ...entry("c1", 4, ALICE, "Incident INC0010001 was created for you."), kind: "system" as const, event: "incident_created" };
    const { container } = render(<PreviewText conversation={conversation("c1", CAROL, { preview: system })} />);
    expect(container.textContent, "the line says it all: no 'Alice:' before it").toBe("Incident INC0010001 was created for you.");
  });
});
