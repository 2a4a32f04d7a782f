// @vitest-environment jsdom
/**
 * "How did we do?" under the customer's closed chat: asked only when the server says `asked`, a
 * rating is required before Send, the comment's 1,000-character limit, and what each answer of
 * POST …/survey does (201 thanks, 409 the stored answer, 422 beside its field, 403 no form); a
 * rating given before shows as given.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Survey } from "../shared/survey";
import { SurveyForm } from "./SurveyForm";

interface Call {
  method: string;
  path: string;
  body: unknown;
}

let calls: Call[];
/** What GET answers, in turn (the last one repeats). */
let gets: Survey[];
/** What POST answers: a status and a body. */
let post: { status: number; body: unknown };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const ANSWERED: Survey = { state: "answered", rating: 4, comment: "Quick and friendly, VPN works again.", at: "2026-11-30T10:00:00Z" };

beforeEach(() => {
  calls = [];
  gets = [{ state: "asked" }];
  post = { status: 201, body: ANSWERED };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      calls.push({ method, path, body: typeof init.body === "string" ? JSON.parse(init.body) : null });
      if (method === "POST") return json(post.status, post.body);
      const answer = gets.length > 1 ? gets.shift() : gets[0];
      return json(200, answer);
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const posts = () => calls.filter((c) => c.method === "POST");

async function asked(): Promise<HTMLElement> {
  render(<SurveyForm conversation="c1" />);
  return screen.findByRole("region", { name: "How did we do?" });
}

describe("SurveyForm", () => {
  it("asks with five named ratings, a labelled optional comment and Send rating", async () => {
    const form = await asked();
    expect(calls[0]).toMatchObject({ method: "GET", path: "/api/conversations/c1/survey" });
    const radios = within(form).getAllByRole("radio");
    expect(radios).toHaveLength(5);
    for (const name of ["1 of 5, very poor", "2 of 5, poor", "3 of 5, okay", "4 of 5, good", "5 of 5, excellent"]) {
      expect(within(form).getByRole("radio", { name })).toBeTruthy();
    }
    // One group: native radios move and choose with the arrow keys.
    expect(new Set(radios.map((r) => (r as HTMLInputElement).name)).size).toBe(1);
    expect(within(form).getByRole("group", { name: "Rate this chat" })).toBeTruthy();
    expect(within(form).getByRole("textbox", { name: "Comment (optional)" })).toBeTruthy();
    expect(within(form).getByRole("button", { name: "Send rating" })).toBeTruthy();
  });

  it("needs a rating before Send: nothing is sent, the group says why and takes the focus", async () => {
    const form = await asked();
    fireEvent.click(within(form).getByRole("button", { name: "Send rating" }));
    const alert = await within(form).findByRole("alert");
    expect(alert.textContent).toBe("Choose a rating from 1 to 5 first.");
    expect(within(form).getByRole("group", { name: "Rate this chat" }).getAttribute("aria-describedby")).toBe(alert.id);
    expect(document.activeElement).toBe(within(form).getByRole("radio", { name: "1 of 5, very poor" }));
    expect(posts()).toEqual([]);
    // Choosing one clears it.
    fireEvent.click(within(form).getByRole("radio", { name: "3 of 5, okay" }));
    expect(within(form).queryByRole("alert")).toBeNull();
  });

  it("counts the comment near its 1,000 characters and sends nothing over it", async () => {
    const form = await asked();
    const comment = within(form).getByRole("textbox", { name: "Comment (optional)" });
    fireEvent.click(within(form).getByRole("radio", { name: "2 of 5, poor" }));
    fireEvent.input(comment, { target: { value: "x".repeat(950) } });
    expect(within(form).getByText("950 / 1,000 characters")).toBeTruthy();
    fireEvent.input(comment, { target: { value: "😀".repeat(1001) } });
    const problem = within(form).getByRole("alert");
    expect(problem.textContent).toBe("Too long: at most 1,000 characters (this one has 1,001).");
    expect(comment.getAttribute("aria-describedby")).toContain(problem.id);
    expect(comment.getAttribute("aria-invalid")).toBe("true");
    fireEvent.click(within(form).getByRole("button", { name: "Send rating" }));
    expect(posts()).toEqual([]);
    // Exactly 1,000 (code points, as the server counts) goes.
    fireEvent.input(comment, { target: { value: "😀".repeat(1000) } });
    fireEvent.click(within(form).getByRole("button", { name: "Send rating" }));
    await waitFor(() => expect(posts()).toHaveLength(1));
  });

  it("201: thanks the customer and shows the rating and comment given", async () => {
    const form = await asked();
    fireEvent.click(within(form).getByRole("radio", { name: "4 of 5, good" }));
    fireEvent.input(within(form).getByRole("textbox", { name: "Comment (optional)" }), { target: { value: "  Quick and friendly, VPN works again.  " } });
    fireEvent.click(within(form).getByRole("button", { name: "Send rating" }));
    const thanks = await screen.findByRole("region", { name: "Thanks for your rating" });
    expect(posts()).toEqual([{ method: "POST", path: "/api/conversations/c1/survey", body: { rating: 4, comment: "Quick and friendly, VPN works again." } }]);
    expect(thanks.textContent).toContain("Rated 4 of 5, good");
    expect(within(thanks).getByLabelText("Your comment").textContent).toBe("Quick and friendly, VPN works again.");
    expect(screen.queryByRole("button", { name: "Send rating" })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(within(thanks).getByRole("heading", { name: "Thanks for your rating" })));
  });

  it("sends no comment when it is blank", async () => {
    const form = await asked();
    post = { status: 201, body: { state: "answered", rating: 5, at: "2026-11-30T10:00:00Z" } };
    fireEvent.click(within(form).getByRole("radio", { name: "5 of 5, excellent" }));
    fireEvent.input(within(form).getByRole("textbox", { name: "Comment (optional)" }), { target: { value: "   " } });
    fireEvent.click(within(form).getByRole("button", { name: "Send rating" }));
    const thanks = await screen.findByRole("region", { name: "Thanks for your rating" });
    expect(posts()[0]?.body).toEqual({ rating: 5 });
    expect(within(thanks).queryByLabelText("Your comment")).toBeNull();
  });

  it("409 already_answered: reads the survey again and shows the answer kept", async () => {
    const form = await asked();
    gets = [{ state: "answered", rating: 5, comment: "Rated from the other tab.", at: "2026-11-30T10:00:00Z" }];
    post = { status: 409, body: { error: { code: "already_answered", message: "This session's survey was already answered." } } };
    fireEvent.click(within(form).getByRole("radio", { name: "2 of 5, poor" }));
    fireEvent.click(within(form).getByRole("button", { name: "Send rating" }));
    const given = await screen.findByRole("region", { name: "Your rating" });
    expect(given.textContent).toContain("Rated 5 of 5, excellent");
    expect(given.textContent).toContain("already rated");
    expect(within(given).getByLabelText("Your comment").textContent).toBe("Rated from the other tab.");
    expect(calls.map((c) => c.method)).toEqual(["GET", "POST", "GET"]);
    expect(screen.queryByRole("radio")).toBeNull();
  });

  it("422 about the comment: the message beside the field, the form kept", async () => {
    const form = await asked();
    post = { status: 422, body: { error: { code: "invalid", message: "`comment` must be at most 1,000 characters.", field: "comment" } } };
    fireEvent.click(within(form).getByRole("radio", { name: "4 of 5, good" }));
    const comment = within(form).getByRole("textbox", { name: "Comment (optional)" });
    fireEvent.input(comment, { target: { value: "fine" } });
    fireEvent.click(within(form).getByRole("button", { name: "Send rating" }));
    const alert = await within(form).findByRole("alert");
    expect(alert.textContent).toBe("`comment` must be at most 1,000 characters.");
    expect(comment.getAttribute("aria-describedby")).toContain(alert.id);
    expect(comment.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(comment);
    expect((within(form).getByRole("radio", { name: "4 of 5, good" }) as HTMLInputElement).checked).toBe(true);
  });

  it("422 about the rating: the message beside the rating group", async () => {
    const form = await asked();
    post = { status: 422, body: { error: { code: "invalid", message: "`rating` must be a whole number from 1 to 5.", field: "rating" } } };
    fireEvent.click(within(form).getByRole("radio", { name: "1 of 5, very poor" }));
    fireEvent.click(within(form).getByRole("button", { name: "Send rating" }));
    const alert = await within(form).findByRole("alert");
    expect(within(form).getByRole("group", { name: "Rate this chat" }).getAttribute("aria-describedby")).toBe(alert.id);
  });

  it("403: the form goes (nothing is asked any more)", async () => {
    const form = await asked();
    post = { status: 403, body: { error: { code: "forbidden", message: "Not asked." } } };
    fireEvent.click(within(form).getByRole("radio", { name: "4 of 5, good" }));
    fireEvent.click(within(form).getByRole("button", { name: "Send rating" }));
    await waitFor(() => expect(screen.queryByRole("region", { name: "How did we do?" })).toBeNull());
    expect(screen.queryByRole("radio")).toBeNull();
  });

  it("another failure keeps the form and says so", async () => {
    const form = await asked();
    post = { status: 500, body: { error: { code: "internal", message: "Something went wrong." } } };
    fireEvent.click(within(form).getByRole("radio", { name: "4 of 5, good" }));
    fireEvent.click(within(form).getByRole("button", { name: "Send rating" }));
    expect((await within(form).findByRole("alert")).textContent).toBe("Your rating could not be sent: Something went wrong.");
    expect(within(form).getByRole("button", { name: "Send rating" })).toBeTruthy();
  });

  it("a rating given before shows as given, with no form", async () => {
    gets = [ANSWERED];
    render(<SurveyForm conversation="c1" />);
    const given = await screen.findByRole("region", { name: "Your rating" });
    expect(given.textContent).toContain("Rated 4 of 5, good");
    expect(within(given).getByLabelText("Your comment").textContent).toBe(ANSWERED.comment);
    expect(screen.queryByRole("button", { name: "Send rating" })).toBeNull();
    expect(screen.queryByText("Thanks for your rating")).toBeNull();
  });

  it("tells the page when it shows something (the chat is kept for a reload), never for none", async () => {
    const shown = vi.fn();
    render(<SurveyForm conversation="c1" onShown={shown} />);
    await screen.findByRole("region", { name: "How did we do?" });
    await waitFor(() => expect(shown).toHaveBeenCalled());
    cleanup();
    const none = vi.fn();
    gets = [{ state: "none" }];
    render(<SurveyForm conversation="c2" onShown={none} />);
    await waitFor(() => expect(calls.filter((c) => c.path.includes("/c2/"))).toHaveLength(1));
    await act(async () => undefined);
    expect(none).not.toHaveBeenCalled();
  });

  it("none: nothing is shown", async () => {
    gets = [{ state: "none" }];
    const { container } = render(<SurveyForm conversation="c1" />);
    await waitFor(() => expect(calls).toHaveLength(1));
    await act(async () => undefined);
    expect(container.textContent).toBe("");
  });
});
