import { describe, expect, it } from "vitest";
import { homeFor, safeNext, signInUrl } from "./nav";
import type { Role, User } from "./wire";

function userWith(roles: Role[]): User {
  return { id: "1", username: "u", display_name: "U", roles, itil: false };
}

describe("homeFor", () => {
  const cases: [Role[], string][] = [
    [["agent"], "/agent"],
    [["manager"], "/agent"],
    [["admin"], "/agent"],
    [["customer", "agent"], "/agent"],
    [["customer"], "/support"],
    [[], "/support"],
  ];

  it.each(cases)("roles %j go to %s", (roles, home) => {
    expect(homeFor(userWith(roles))).toBe(home);
  });
});

describe("safeNext", () => {
  const cases: [string | null, string | null][] = [
    ["/agent", "/agent"],
    ["/agent/workspace/12?tab=record#top", "/agent/workspace/12?tab=record#top"],
    ["/support", "/support"],
    ["/", "/"],
    [null, null],
    ["", null],
    ["agent", null],
    ["//evil.example", null],
    ["//evil.example/agent", null],
    ["/\\evil.example", null],
    ["/\t/evil.example", null],
    ["/\n/evil.example", null],
    ["/x\\y", null],
    ["https://evil.example/", null],
    ["javascript:alert(1)", null],
  ];

  it.each(cases)("next %j is followed as %j", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

describe("signInUrl", () => {
  it("encodes_the_path_to_come_back_to", () => {
    expect(signInUrl("/agent/workspace/1")).toBe("/?next=%2Fagent%2Fworkspace%2F1");
  });
});
