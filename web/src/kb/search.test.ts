import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DebouncedSearch, FIRST_MESSAGE_SEARCH, searchTerm, TYPING_SEARCH, type SearchState } from "./search";

interface Hit {
  id: string;
}

describe("searchTerm", () => {
  it("is_null_below_the_minimum_and_trimmed_otherwise", () => {
    expect(searchTerm(" p ", 2)).toBeNull();
    expect(searchTerm(" pa ", 2)).toBe("pa");
    expect(searchTerm("", 0), "the list page lists everything for no text").toBe("");
  });

  it("sends_at_most_200_characters", () => {
    expect(Array.from(searchTerm("é".repeat(250), 2) ?? "")).toHaveLength(200);
  });
});

describe("DebouncedSearch", () => {
  let states: SearchState<Hit>[];
  let find: ReturnType<typeof vi.fn<(q: string, signal: AbortSignal) => Promise<Hit[]>>>;
  let search: DebouncedSearch<Hit>;

  beforeEach(() => {
    vi.useFakeTimers();
    states = [];
    find = vi.fn(async (q: string) => [{ id: q }]);
    search = new DebouncedSearch<Hit>(find, (s) => states.push(s), TYPING_SEARCH);
  });
  afterEach(() => vi.useRealTimers());

  it("searches_once_after_the_pause_with_the_last_text_typed", async () => {
    search.input("pa");
    search.input("pas");
    search.input("pass");
    await vi.advanceTimersByTimeAsync(TYPING_SEARCH.delay - 1);
    expect(find, "nothing before the pause").not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(find).toHaveBeenCalledTimes(1);
    expect(find.mock.calls[0]?.[0]).toBe("pass");
    expect(states.at(-1)).toEqual({ kind: "results", term: "pass", hits: [{ id: "pass" }] });
  });

  it("a_text_too_short_goes_back_to_idle_without_a_request", async () => {
    search.input("p");
    await vi.advanceTimersByTimeAsync(TYPING_SEARCH.delay * 3);
    expect(find).not.toHaveBeenCalled();
    expect(states).toEqual([{ kind: "idle" }]);
  });

  it("an_answer_to_an_older_text_is_dropped_and_its_request_aborted", async () => {
    let release: (hits: Hit[]) => void = () => undefined;
    find.mockImplementationOnce(() => new Promise<Hit[]>((resolve) => (release = resolve)));
    search.input("vpn");
    await vi.advanceTimersByTimeAsync(TYPING_SEARCH.delay);
    const first = find.mock.calls[0]?.[1];
    search.input("password");
    expect(first?.aborted, "the older request is aborted").toBe(true);
    release([{ id: "stale" }]);
    await vi.advanceTimersByTimeAsync(TYPING_SEARCH.delay);
    expect(states.filter((s) => s.kind === "results"), "only the newest answer is shown").toEqual([{ kind: "results", term: "password", hits: [{ id: "password" }] }]);
  });

  it("an_answer_arriving_after_the_text_was_cleared_is_dropped", async () => {
    let release: (hits: Hit[]) => void = () => undefined;
    find.mockImplementationOnce(() => new Promise<Hit[]>((resolve) => (release = resolve)));
    search.input("vpn");
    await vi.advanceTimersByTimeAsync(TYPING_SEARCH.delay);
    search.input("");
    release([{ id: "late" }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1), "back to idle, the late answer ignored").toEqual({ kind: "idle" });
  });

  it("a_failure_of_the_newest_search_is_reported_an_abort_is_not", async () => {
    find.mockRejectedValueOnce(new Error("Too many requests."));
    search.input("printer");
    await vi.advanceTimersByTimeAsync(TYPING_SEARCH.delay);
    expect(states.at(-1)).toEqual({ kind: "failed", term: "printer", message: "Too many requests." });
  });

  it("cancel_stops_a_pending_search", async () => {
    search.input("printer");
    search.cancel();
    await vi.advanceTimersByTimeAsync(TYPING_SEARCH.delay * 2);
    expect(find).not.toHaveBeenCalled();
  });

  it("the_first_message_search_waits_longer_and_needs_three_characters", async () => {
    const slow = new DebouncedSearch<Hit>(find, (s) => states.push(s), FIRST_MESSAGE_SEARCH);
    slow.input("vp");
    await vi.advanceTimersByTimeAsync(FIRST_MESSAGE_SEARCH.delay);
    expect(find).not.toHaveBeenCalled();
    slow.input("vpn");
    await vi.advanceTimersByTimeAsync(TYPING_SEARCH.delay);
    expect(find, "not at the typing tool's pause").not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(FIRST_MESSAGE_SEARCH.delay - TYPING_SEARCH.delay);
    expect(find).toHaveBeenCalledWith("vpn", expect.any(AbortSignal));
  });
});
