/**
 * The live queue view over HTTP: `GET /api/queues/{id}/live?since=…` (managers and admins), the
 * answer checked before the view trusts it, and the start of today as the browser counts days
 * (the figures are "today's": from local midnight, not the server's UTC day).
 */
import { requestJson } from "../../shared/api";
import { isUserRef, type AgentFigures, type HeldSession, type LiveAgent, type NeedsTransfer, type QueueFigures, type QueueLive, type Rating, type WaitingSession } from "../../shared/wire";

export interface LiveApi {
  /** The queue's live view, its figures counted from `since` (RFC 3339). */
  live(queue: string, since: string): Promise<QueueLive>;
}

export const liveApi: LiveApi = {
  live: (queue, since) => requestJson(`/api/queues/${encodeURIComponent(queue)}/live?since=${encodeURIComponent(since)}`, isQueueLive),
};

/** Local midnight of the day of `at` (ms since the epoch), as RFC 3339 (in UTC, as `toISOString` writes it). */
export function localMidnight(at: number): string {
  const day = new Date(at);
  return new Date(day.getFullYear(), day.getMonth(), day.getDate()).toISOString();
}

// ---- the answer's shape (wire.ts holds the types; the guards live here, next to their one reader) ----

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === "string";
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;
const isCountOrNull = (value: unknown): value is number | null => value === null || isCount(value);
const isNumberOrNull = (value: unknown): value is number | null => value === null || (typeof value === "number" && Number.isFinite(value));
const PRESENCE: readonly unknown[] = ["available", "away", "offline"];

function listOf<T>(guard: (value: unknown) => value is T) {
  return (value: unknown): value is T[] => Array.isArray(value) && value.every(guard);
}

function isWaiting(value: unknown): value is WaitingSession {
  return (
    isObject(value) &&
    isString(value.id) &&
    isUserRef(value.customer) &&
    (value.first_message === undefined || isString(value.first_message)) &&
    isString(value.waiting_since) &&
    (value.returned_from === undefined || isUserRef(value.returned_from)) &&
    typeof value.alerted === "boolean"
  );
}

function isHeld(value: unknown): value is HeldSession {
  return isObject(value) && isString(value.id) && isUserRef(value.customer) && isString(value.accepted_at) && typeof value.needs_transfer === "boolean";
}

function isLiveAgent(value: unknown): value is LiveAgent {
  return (
    isObject(value) &&
    isUserRef(value.user) &&
    PRESENCE.includes(value.status) &&
    typeof value.in_group === "boolean" &&
    isCount(value.active) &&
    listOf(isHeld)(value.sessions)
  );
}

function isNeedsTransfer(value: unknown): value is NeedsTransfer {
  return isObject(value) && isString(value.id) && isUserRef(value.customer) && isUserRef(value.assignee) && isString(value.accepted_at);
}

function isRating(value: unknown): value is Rating {
  return isObject(value) && isCount(value.count) && isNumberOrNull(value.average);
}

function isAgentFigures(value: unknown): value is AgentFigures {
  return isObject(value) && isUserRef(value.user) && isCount(value.accepted) && isCount(value.ended) && isCountOrNull(value.median_handling_seconds) && isRating(value.rating);
}

function isFigures(value: unknown): value is QueueFigures {
  return (
    isObject(value) &&
    isString(value.since) &&
    isCount(value.started) &&
    isCount(value.accepted) &&
    isCount(value.abandoned) &&
    isCount(value.timed_out) &&
    isCount(value.ended) &&
    isCountOrNull(value.median_accept_seconds) &&
    isCountOrNull(value.median_handling_seconds) &&
    isRating(value.rating) &&
    listOf(isAgentFigures)(value.per_agent)
  );
}

export function isQueueLive(value: unknown): value is QueueLive {
  return (
    isObject(value) &&
    isObject(value.queue) &&
    isString(value.queue.id) &&
    isString(value.queue.name) &&
    isString(value.at) &&
    listOf(isWaiting)(value.waiting) &&
    isCountOrNull(value.longest_wait_seconds) &&
    listOf(isLiveAgent)(value.agents) &&
    listOf(isNeedsTransfer)(value.needs_transfer) &&
    isFigures(value.figures)
  );
}
