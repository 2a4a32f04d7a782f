// @vitest-environment jsdom
import { cleanup, render } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { Snippet } from "./Snippet";

afterEach(cleanup);

describe("Snippet", () => {
  it("matched_words_are_in_mark_the_rest_is_text", () => {
    const { container } = render(<Snippet parts={[{ text: "Reset your " }, { text: "password", mark: true }, { text: " in the portal." }]} />);
    const marks = [...container.querySelectorAll("mark")].map((m) => m.textContent);
    expect(marks).toEqual(["password"]);
    expect(container.textContent).toBe("Reset your password in the portal.");
  });

  it("markup_in_a_part_is_shown_as_text_never_parsed", () => {
    const { container } = render(<Snippet parts={[{ text: "<img src=x onerror=alert(1)> " }, { text: "<b>VPN</b>", mark: true }]} />);
    expect(container.querySelector("img"), "no element from the text").toBeNull();
    expect(container.querySelector("b")).toBeNull();
    expect(container.querySelector("mark")?.textContent).toBe("<b>VPN</b>");
    expect(container.textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("an_empty_snippet_renders_nothing", () => {
    const { container } = render(<Snippet parts={[]} />);
    expect(container.innerHTML).toBe("");
  });
});
