import { describe, expect, it } from "vitest";
import { forgetTabState } from "./session";

class Store {
  readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(i: number): string | null {
    return [...this.items.keys()][i] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describe("forgetTabState", () => {
  it("removes_what_switchboard_kept_in_the_tab_and_nothing_else", () => {
    const store = new Store();
    for (const key of ["switchboard.outbox.u1", "switchboard.agent.drafts.u1", "switchboard.start.u1.q1", "other.app"]) store.items.set(key, "x");
    forgetTabState(store);
    expect([...store.items.keys()]).toEqual(["other.app"]);
  });
});
