import { describe, expect, it } from "vitest";
import errorFixture from "../../../tests/fixtures/wire/error.json";
import queueFixture from "../../../tests/fixtures/wire/queue.json";
import signInResponseFixture from "../../../tests/fixtures/wire/sign_in_response.json";
import userFixture from "../../../tests/fixtures/wire/user.json";
import {
  isApiErrorBody,
  isQueue,
  isQueueList,
  isSignInResponse,
  isUser,
  isUserRef,
  type ApiErrorBody,
  type Queue,
  type SignInResponse,
  type User,
} from "./wire";

// A JSON import types `"roles": ["agent"]` as `string[]`, not `Role[]`, so the compile-time
// check compares the fixture with the wire type after widening literal unions to their
// primitive. `Same` holds only when both have exactly the same fields: a field renamed,
// dropped or added on either side breaks `npm run typecheck`. The runtime guards below
// check the literal values (roles) that the widening lets through.
type Widened<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer Item)[]
        ? Widened<Item>[]
        : { [K in keyof T]: Widened<T[K]> };

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const userMatches: Same<typeof userFixture, Widened<User>> = true;
const errorMatches: Same<typeof errorFixture, Widened<ApiErrorBody>> = true;
const queueMatches: Same<typeof queueFixture, Widened<Queue>> = true;
const signInResponseMatches: Same<typeof signInResponseFixture, Widened<SignInResponse>> = true;

describe("wire fixtures shared with the server", () => {
  it("fixtures_have_exactly_the_fields_of_the_wire_types", () => {
    expect([userMatches, errorMatches, queueMatches, signInResponseMatches]).toEqual([true, true, true, true]);
  });

  it("user_fixture_is_a_user", () => {
    const value: unknown = userFixture;
    expect(isUser(value), "user.json should pass isUser").toBe(true);
    if (!isUser(value)) return;
    const user: User = value;
    expect(user.roles).toEqual(["agent"]);
  });

  it("error_fixture_is_an_api_error_body", () => {
    expect(isApiErrorBody(errorFixture), "error.json should pass isApiErrorBody").toBe(true);
  });

  it("queue_fixture_is_a_queue", () => {
    expect(isQueue(queueFixture), "queue.json should pass isQueue").toBe(true);
    expect(isQueueList([queueFixture]), "[queue.json] should pass isQueueList").toBe(true);
  });

  it("sign_in_response_fixture_is_a_sign_in_response", () => {
    expect(isSignInResponse(signInResponseFixture), "sign_in_response.json should pass isSignInResponse").toBe(true);
  });
});

describe("runtime guards reject what the server must not send", () => {
  const user = { ...userFixture };
  const cases: { name: string; guard: (value: unknown) => boolean; value: unknown }[] = [
    { name: "null user", guard: isUser, value: null },
    { name: "user with an unknown role", guard: isUser, value: { ...user, roles: ["superuser"] } },
    { name: "user with roles not a list", guard: isUser, value: { ...user, roles: "agent" } },
    { name: "user with a numeric id", guard: isUser, value: { ...user, id: 3 } },
    { name: "user without itil", guard: isUser, value: { id: "3", username: "a", display_name: "A", roles: [] } },
    { name: "user ref without display_name", guard: isUserRef, value: { id: "3" } },
    { name: "error body without message", guard: isApiErrorBody, value: { error: { code: "invalid" } } },
    { name: "error body flattened", guard: isApiErrorBody, value: { code: "invalid", message: "x" } },
    { name: "queue without group", guard: isQueue, value: { ...queueFixture, group: undefined } },
    { name: "queue with negative timer", guard: isQueue, value: { ...queueFixture, auto_close_seconds: -1 } },
    { name: "queue list that is an object", guard: isQueueList, value: { queues: [queueFixture] } },
    { name: "sign-in response that is a bare user", guard: isSignInResponse, value: userFixture },
  ];

  it.each(cases)("rejects $name", ({ guard, value }) => {
    expect(guard(value)).toBe(false);
  });
});
