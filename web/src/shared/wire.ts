/**
 * Types of the HTTP API as the server sends them; mirrors `src/wire.rs`.
 * The fixtures in `tests/fixtures/wire/` are parsed by both sides (see wire.test.ts),
 * so a change on one side that the other does not follow fails a test.
 */

export type Role = "admin" | "manager" | "agent" | "customer";

export const ROLES: readonly Role[] = ["admin", "manager", "agent", "customer"];

export interface UserRef {
  id: string;
  display_name: string;
}

export interface User {
  id: string;
  username: string;
  display_name: string;
  roles: Role[];
  itil: boolean;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export interface QueueGroup {
  id: string;
  name: string;
}

export interface Queue {
  id: string;
  name: string;
  group: QueueGroup;
  greeting: string;
  inactivity_warning_seconds: number;
  auto_close_seconds: number;
}

export interface SignInResponse {
  user: User;
}

// Runtime guards: the answer of a server is data from the network, so it is checked
// before the app treats it as one of the types above.

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

export function isRole(value: unknown): value is Role {
  return ROLES.some((role) => role === value);
}

export function isUserRef(value: unknown): value is UserRef {
  return isObject(value) && isString(value.id) && isString(value.display_name);
}

export function isUser(value: unknown): value is User {
  return (
    isObject(value) &&
    isString(value.id) &&
    isString(value.username) &&
    isString(value.display_name) &&
    Array.isArray(value.roles) &&
    value.roles.every(isRole) &&
    typeof value.itil === "boolean"
  );
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return isObject(value) && isObject(value.error) && isString(value.error.code) && isString(value.error.message);
}

function isQueueGroup(value: unknown): value is QueueGroup {
  return isObject(value) && isString(value.id) && isString(value.name);
}

export function isQueue(value: unknown): value is Queue {
  return (
    isObject(value) &&
    isString(value.id) &&
    isString(value.name) &&
    isQueueGroup(value.group) &&
    isString(value.greeting) &&
    isCount(value.inactivity_warning_seconds) &&
    isCount(value.auto_close_seconds)
  );
}

export function isQueueList(value: unknown): value is Queue[] {
  return Array.isArray(value) && value.every(isQueue);
}

export function isSignInResponse(value: unknown): value is SignInResponse {
  return isObject(value) && isUser(value.user);
}
