// @vitest-environment jsdom
/**
 * Staff see the customer's rating of a closed support session under the pane's header ("Rated 4
 * of 5" and the comment, read-only); the survey is asked for only for closed support sessions,
 * and nothing shows until the server says `answered`.
 */
import { act, cleanup, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, chat, conversation, DANA } from "../../shared/fixtures";
import type { Survey } from "../../shared/survey";
import { SurveyResult } from "./SurveyResult";

let asked: string[];
let answer: Survey;

beforeEach(() => {
  asked = [];
  answer = { state: "answered", rating: 4, comment: "Quick and friendly,\nVPN works again.", at: "2026-11-30T10:00:00Z" };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit = {}) => {
      asked.push(`${init.method ?? "GET"} ${path}`);
      return new Response(JSON.stringify(answer), { status: 200, headers: { "Content-Type": "application/json" } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const closed = conversation("c1", CAROL, { state: "closed", closed_reason: "ended_by_agent" });

describe("SurveyResult", () => {
  it("shows the rating and the comment of a closed, rated session, read-only", async () => {
    render(<SurveyResult conversation={closed} />);
    const region = await screen.findByRole("region", { name: "Customer rating" });
    expect(asked).toEqual(["GET /api/conversations/c1/survey"]);
    expect(within(region).getByText("Rated 4 of 5")).toBeTruthy();
    expect(region.textContent).toContain("(good)");
    expect(within(region).getByLabelText("Customer's comment").textContent).toBe("Quick and friendly,\nVPN works again.");
    expect(within(region).queryByRole("textbox")).toBeNull();
    expect(within(region).queryByRole("button")).toBeNull();
  });

  it("shows no comment when there is none", async () => {
    answer = { state: "answered", rating: 2, at: "2026-11-30T10:00:00Z" };
    render(<SurveyResult conversation={closed} />);
    const region = await screen.findByRole("region", { name: "Customer rating" });
    expect(within(region).getByText("Rated 2 of 5")).toBeTruthy();
    expect(within(region).queryByLabelText("Customer's comment")).toBeNull();
  });

  it("shows nothing when the customer did not rate it", async () => {
    answer = { state: "none" };
    const { container } = render(<SurveyResult conversation={closed} />);
    await waitFor(() => expect(asked).toHaveLength(1));
    await act(async () => undefined);
    expect(container.textContent).toBe("");
  });

  it("never asks for an open session, a queued one, or a chat between colleagues", async () => {
    const { rerender } = render(<SurveyResult conversation={conversation("c1", CAROL)} />);
    rerender(<SurveyResult conversation={conversation("c2", CAROL, { state: "queued" })} />);
    rerender(<SurveyResult conversation={chat("c3", [ALICE, DANA], { state: "closed" })} />);
    await act(async () => undefined);
    expect(asked).toEqual([]);
    expect(screen.queryByRole("region", { name: "Customer rating" })).toBeNull();
  });

  it("asks once the session it shows closes", async () => {
    const { rerender } = render(<SurveyResult conversation={conversation("c1", CAROL)} />);
    expect(asked).toEqual([]);
    rerender(<SurveyResult conversation={closed} />);
    await screen.findByRole("region", { name: "Customer rating" });
    expect(asked).toEqual(["GET /api/conversations/c1/survey"]);
  });
});
