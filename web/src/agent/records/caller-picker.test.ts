import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { User } from "../../shared/wire";
import { CALLER_SEARCH_DELAY_MS, CallerSearch, pickerKey, searchTerm, type SearchState } from "./caller-picker";

const IVAN: User = { id: "u-ivan", username: "ivan", display_name: "Ivan Customer", roles: ["customer"], itil: true };

describe("searchTerm", () => {
  it("needs_at_least_two_characters_trimmed", () => {
    expect(searchTerm("")).toBeNull();
    expect(searchTerm(" i ")).toBeNull();
    expect(searchTerm("iv")).toBe("iv");
    expect(searchTerm("  ivan  ")).toBe("ivan");
  });

  it("sends_at_most_100_characters", () => {
    expect(Array.from(searchTerm("é".repeat(150)) ?? "")).toHaveLength(100);
  });
});

describe("CallerSearch", () => {
  let states: SearchState[];
  let find: ReturnType<typeof vi.fn<(q: string, signal: AbortSignal) => Promise<User[]>>>;
  let search: CallerSearch;

  beforeEach(() => {
    vi.useFakeTimers();
    states = [];
    find = vi.fn(async () => [IVAN]);
    search = new CallerSearch(find, (s) => states.push(s));
  });
  afterEach(() => vi.useRealTimers());

  it("searches_once_after_the_pause_with_the_last_text_typed", async () => {
    search.input("iv");
    search.input("iva");
    search.input("ivan");
    await vi.advanceTimersByTimeAsync(CALLER_SEARCH_DELAY_MS - 1);
    expect(find, "not before the pause").not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(find).toHaveBeenCalledTimes(1);
    expect(find.mock.calls[0]?.[0]).toBe("ivan");
    expect(states.at(-1)).toEqual({ kind: "results", term: "ivan", users: [IVAN] });
  });

  it("a_text_shorter_than_two_characters_is_not_searched", async () => {
    search.input("i");
    await vi.advanceTimersByTimeAsync(CALLER_SEARCH_DELAY_MS * 3);
    expect(find).not.toHaveBeenCalled();
    expect(states).toEqual([{ kind: "idle" }]);
  });

  it("an_answer_to_an_older_text_is_dropped_and_its_request_aborted", async () => {
    let release: (users: User[]) => void = () => undefined;
    find.mockImplementationOnce((_q, _signal) => new Promise<User[]>((resolve) => (release = resolve)));
    search.input("ca");
    await vi.advanceTimersByTimeAsync(CALLER_SEARCH_DELAY_MS);
    const firstSignal = find.mock.calls[0]?.[1];
    search.input("iv");
    expect(firstSignal?.aborted, "the older request is aborted").toBe(true);
    release([{ ...IVAN, id: "u-carol", display_name: "Carol Customer" }]);
    await vi.advanceTimersByTimeAsync(CALLER_SEARCH_DELAY_MS);
    expect(states.filter((s) => s.kind === "results")).toEqual([{ kind: "results", term: "iv", users: [IVAN] }]);
  });

  it("a_failure_is_reported", async () => {
    find.mockRejectedValueOnce(new Error("Too many requests."));
    search.input("ivan");
    await vi.advanceTimersByTimeAsync(CALLER_SEARCH_DELAY_MS);
    expect(states.at(-1)).toEqual({ kind: "failed", term: "ivan", message: "Too many requests." });
  });
});

describe("pickerKey", () => {
  const closed = { open: false, active: -1 };
  it("arrows_open_and_move_wrapping", () => {
    expect(pickerKey(closed, "ArrowDown", 3)).toEqual({ kind: "move", state: { open: true, active: 0 } });
    expect(pickerKey({ open: true, active: 0 }, "ArrowDown", 3)).toEqual({ kind: "move", state: { open: true, active: 1 } });
    expect(pickerKey({ open: true, active: 2 }, "ArrowDown", 3)).toEqual({ kind: "move", state: { open: true, active: 0 } });
    expect(pickerKey({ open: true, active: 0 }, "ArrowUp", 3)).toEqual({ kind: "move", state: { open: true, active: 2 } });
    expect(pickerKey(closed, "ArrowDown", 0), "nothing to show").toEqual({ kind: "none" });
  });

  it("enter_chooses_the_active_option_only_when_open", () => {
    expect(pickerKey({ open: true, active: 1 }, "Enter", 3)).toEqual({ kind: "choose", index: 1 });
    expect(pickerKey(closed, "Enter", 3), "closed: Enter submits the form as usual").toEqual({ kind: "none" });
    expect(pickerKey({ open: true, active: -1 }, "Enter", 3)).toEqual({ kind: "none" });
  });

  it("escape_closes_an_open_list_and_otherwise_does_nothing", () => {
    expect(pickerKey({ open: true, active: 1 }, "Escape", 3)).toEqual({ kind: "close", state: closed });
    expect(pickerKey(closed, "Escape", 3)).toEqual({ kind: "none" });
  });
});
