import { describe, expect, it } from "vitest";
import { ALICE, CAROL, conversation, entry } from "../../shared/fixtures";
import { lastCustomerSeq, mayShare, noShareReason, ShareIds } from "./knowledge";

describe("who may share", () => {
  it("the_assignee_of_an_active_support_session", () => {
    expect(mayShare(conversation("c1", CAROL), ALICE.id)).toBe(true);
    expect(noShareReason(conversation("c1", CAROL), ALICE.id)).toBeNull();
  });

  it.each([
    ["a colleague", conversation("c1", CAROL, { assignee: { id: "u-bob", display_name: "Bob Agent" } }), /assigned to/],
    ["a queued session", conversation("c1", CAROL, { state: "queued" }), /Accept/],
    ["a closed session", conversation("c1", CAROL, { state: "closed" }), /ended/],
    ["a record", conversation("c1", CAROL, { kind: "record" }), /support chats/],
  ])("not_%s", (_what, c, reason) => {
    expect(mayShare(c, ALICE.id)).toBe(false);
    expect(noShareReason(c, ALICE.id)).toMatch(reason);
  });
});

describe("lastCustomerSeq", () => {
  const alice = { id: ALICE.id, display_name: ALICE.display_name };
  it("is_the_customers_newest_comment_not_the_agents_or_a_system_line", () => {
    const entries = [entry("c1", 1, CAROL, "VPN"), entry("c1", 2, undefined, "Alice joined"), entry("c1", 3, CAROL, "still"), entry("c1", 4, alice, "Try this")];
    expect(lastCustomerSeq(entries, CAROL.id)).toBe(3);
  });

  it("is_null_when_the_customer_has_said_nothing_here", () => {
    expect(lastCustomerSeq([entry("c1", 1, alice, "Hello")], CAROL.id)).toBeNull();
    expect(lastCustomerSeq(undefined, CAROL.id)).toBeNull();
  });
});

describe("ShareIds", () => {
  it("a_retry_of_the_same_share_keeps_its_id_the_next_share_gets_a_fresh_one", () => {
    let n = 0;
    const ids = new ShareIds(() => `id-${++n}`);
    expect(ids.idFor("a1")).toBe("id-1");
    expect(ids.idFor("a1"), "not done yet: a retry").toBe("id-1");
    expect(ids.idFor("a2"), "another article").toBe("id-2");
    ids.done("a1");
    expect(ids.idFor("a1"), "shared again: a new comment").toBe("id-3");
  });
});
