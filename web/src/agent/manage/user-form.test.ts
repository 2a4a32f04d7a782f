/** The Users tab's rules: what a new user needs, what an edit sends, which field a refusal is about. */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../shared/api";
import { ALICE } from "./fake-api";
import { newUserProblems, rolesInOrder, userFieldOf, userPatchOf } from "./user-form";

describe("newUserProblems", () => {
  const good = { username: "erin", display_name: "Erin", password: "long enough", roles: ["agent" as const], itil: false };

  it("a_good_user_has_none", () => expect(newUserProblems(good)).toEqual({}));

  it.each([
    [{ username: "" }, "username"],
    [{ username: "-erin" }, "username"],
    [{ username: "erin smith" }, "username"],
    [{ display_name: "   " }, "display_name"],
    [{ password: "7 chars" }, "password"],
    [{ password: "x".repeat(257) }, "password"],
    [{ roles: [] }, "roles"],
  ])("%j is refused for %s", (change, field) => {
    expect(Object.keys(newUserProblems({ ...good, ...change }))).toEqual([field]);
  });

  it("an_uppercase_username_is_taken_as_the_server_lowercases_it", () => expect(newUserProblems({ ...good, username: "Erin.S" })).toEqual({}));
});

describe("userPatchOf", () => {
  it("nothing_changed_sends_nothing", () => expect(userPatchOf(ALICE, { display_name: ALICE.display_name, roles: ["agent"], itil: false })).toEqual({}));

  it("roles_in_another_order_are_no_change", () => {
    const both = { ...ALICE, roles: ["manager" as const, "agent" as const] };
    expect(userPatchOf(both, { display_name: both.display_name, roles: ["agent", "manager"], itil: false })).toEqual({});
  });

  it("only_the_changed_fields", () => {
    expect(userPatchOf(ALICE, { display_name: "Alice A.", roles: ["manager", "agent"], itil: true })).toEqual({ display_name: "Alice A.", roles: ["agent", "manager"], itil: true });
  });

  it("roles_come_in_the_forms_order", () => expect(rolesInOrder(["customer", "admin", "agent"])).toEqual(["agent", "admin", "customer"]));
});

describe("userFieldOf", () => {
  it.each([
    [new ApiError(422, "invalid", "whatever", null, "password"), "password"],
    [new ApiError(409, "already_exists", "The username erin is taken."), "username"],
    [new ApiError(422, "invalid", "A username is 1 to 64 characters: …"), "username"],
    [new ApiError(422, "invalid", "A display name is 1 to 100 characters, …"), "display_name"],
    [new ApiError(422, "invalid", "A password is 8 to 256 characters."), "password"],
    [new ApiError(422, "invalid", "A user needs at least one role."), "roles"],
    [new ApiError(409, "self_lockout", "You cannot disable yourself or remove your own admin role."), null],
    [new ApiError(503, "busy", "Busy."), null],
  ])("%#: %s", (error, field) => expect(userFieldOf(error)).toBe(field));
});
