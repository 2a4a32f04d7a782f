/** A LiveApi for component tests: every call recorded, answers given by the test; and a QueueLive as the server sends it. */
import { vi } from "vitest";
import type { QueueLive } from "../../shared/wire";
import type { LiveApi } from "./live-api";

export const AT = "2026-11-30T10:00:00.000Z";

/**
 * IT Service Desk at 10:00: Carol waits since 09:58 (alerted), Ivan came back from Bob at 09:59;
 * Alice holds Dan's session, Bob (removed from the group) still holds Erin's, which needs a transfer.
 */
export function queueLive(extra: Partial<QueueLive> = {}): QueueLive {
  return {
    queue: { id: "q1", name: "IT Service Desk" },
    at: AT,
    waiting: [
      { id: "s2", customer: { id: "u-ivan", display_name: "Ivan Customer" }, first_message: "Printer offline", waiting_since: "2026-11-30T09:59:00.000Z", returned_from: { id: "u-bob", display_name: "Bob Agent" }, alerted: false },
      { id: "s1", customer: { id: "u-carol", display_name: "Carol Customer" }, first_message: "My VPN drops every few minutes.", waiting_since: "2026-11-30T09:58:00.000Z", alerted: true },
    ],
    longest_wait_seconds: 120,
    agents: [
      {
        user: { id: "u-alice", display_name: "Alice Agent" },
        status: "available",
        in_group: true,
        active: 1,
        sessions: [{ id: "s3", customer: { id: "u-dan", display_name: "Dan Customer" }, accepted_at: "2026-11-30T09:40:00.000Z", needs_transfer: false }],
      },
      {
        user: { id: "u-bob", display_name: "Bob Agent" },
        status: "away",
        in_group: false,
        active: 1,
        sessions: [{ id: "s4", customer: { id: "u-erin", display_name: "Erin Customer" }, accepted_at: "2026-11-30T09:30:00.000Z", needs_transfer: true }],
      },
      { user: { id: "u-dana", display_name: "Dana Manager" }, status: "offline", in_group: true, active: 0, sessions: [] },
    ],
    needs_transfer: [{ id: "s4", customer: { id: "u-erin", display_name: "Erin Customer" }, assignee: { id: "u-bob", display_name: "Bob Agent" }, accepted_at: "2026-11-30T09:30:00.000Z" }],
    figures: {
      since: "2026-11-30T00:00:00.000Z",
      started: 7,
      accepted: 5,
      abandoned: 1,
      timed_out: 1,
      ended: 4,
      median_accept_seconds: 42,
      median_handling_seconds: 754,
      rating: { count: 3, average: 4.333333 },
      per_agent: [
        { user: { id: "u-alice", display_name: "Alice Agent" }, accepted: 3, ended: 3, median_handling_seconds: 600, rating: { count: 2, average: 4.5 } },
        { user: { id: "u-bob", display_name: "Bob Agent" }, accepted: 2, ended: 1, median_handling_seconds: null, rating: { count: 1, average: 4 } },
      ],
    },
    ...extra,
  };
}

export function fakeLiveApi(answer: (queue: string, since: string) => Promise<QueueLive> = async () => queueLive()): { live: ReturnType<typeof vi.fn<LiveApi["live"]>> } {
  return { live: vi.fn<LiveApi["live"]>(answer) };
}
