// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { focusMainHeadingSoon } from "./focus";

afterEach(() => {
  document.body.innerHTML = "";
});

/** Lets the MutationObserver deliver its records. */
const observed = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe("focusMainHeadingSoon", () => {
  it("focuses_the_page_heading_that_is_there", () => {
    document.body.innerHTML = `<main><h1>My sessions</h1></main>`;
    focusMainHeadingSoon();
    expect(document.activeElement?.textContent).toBe("My sessions");
    expect(document.activeElement?.getAttribute("tabindex"), "focusable by script only").toBe("-1");
  });

  it("waits_for_the_heading_of_a_page_still_loading", async () => {
    document.body.innerHTML = `<p role="status">Loading…</p>`;
    focusMainHeadingSoon();
    expect(document.activeElement).toBe(document.body);
    document.body.insertAdjacentHTML("beforeend", `<main><h1>Ivan Customer</h1></main>`);
    await observed();
    expect(document.activeElement?.textContent).toBe("Ivan Customer");
  });

  it("leaves_focus_where_the_person_put_it_meanwhile", async () => {
    document.body.innerHTML = `<p role="status">Loading…</p><input aria-label="Search">`;
    focusMainHeadingSoon();
    document.querySelector("input")?.focus();
    document.body.insertAdjacentHTML("beforeend", `<main><h1>Late heading</h1></main>`);
    await observed();
    expect(document.activeElement?.tagName, "the search field keeps focus").toBe("INPUT");
  });
});
