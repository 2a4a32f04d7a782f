// @vitest-environment jsdom
/** Drafts in sessionStorage: saved at every change from the first render on, and read back. */
import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { readStoredText, storedText, useStoredText } from "./storedText";

function Field() {
  const text = useStoredText("draft");
  return <textarea aria-label="Message" value={text.value} onInput={(event) => (text.value = event.currentTarget.value)} />;
}

afterEach(() => sessionStorage.clear());

describe("stored text", () => {
  it("is_read_back_and_saved_at_every_change_at_once", () => {
    sessionStorage.setItem("k", "half a sentence");
    const bound = storedText("k");
    expect(bound.text.value, "what was stored").toBe("half a sentence");
    bound.text.value = "half a sentence, and more";
    expect(readStoredText("k"), "saved with no render or effect in between").toBe("half a sentence, and more");
    bound.text.value = "";
    expect(sessionStorage.getItem("k"), "an emptied field leaves nothing behind").toBeNull();
    bound.dispose();
  });

  it("stops_saving_once_disposed", () => {
    const bound = storedText("k");
    bound.text.value = "kept";
    bound.dispose();
    bound.text.value = "not kept";
    expect(readStoredText("k")).toBe("kept");
  });

  it("a_keystroke_in_the_first_frame_after_mounting_is_saved_and_not_overwritten", async () => {
    // Preact's render without act(): effects wait for the next frame, as in the browser.
    sessionStorage.setItem("draft", "older");
    const root = document.createElement("div");
    render(<Field />, root);
    const field = root.querySelector("textarea") as HTMLTextAreaElement;
    field.value = "typed at once";
    field.dispatchEvent(new Event("input", { bubbles: true }));
    expect(readStoredText("draft"), "saved before any effect ran (a reload now finds it)").toBe("typed at once");
    await new Promise((settled) => setTimeout(settled, 100));
    expect(field.value, "the effects that ran since did not put the older text back").toBe("typed at once");
    expect(readStoredText("draft")).toBe("typed at once");
    render(null, root);
  });
});
