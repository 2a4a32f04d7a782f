/** Words for times, states and reasons, shared by the agent and customer pages. */
import type { ConversationState } from "./wire";

/** "0:42", "12:05", "1:02:03" for a duration in seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** "just now", "3 min ago", "2 h ago", "4 days ago". */
export function relativeTime(at: string, now: number): string {
  const then = Date.parse(at);
  if (Number.isNaN(then)) return "";
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return days === 1 ? "yesterday" : `${days} days ago`;
}

/** The exact time, for a tooltip. */
export function exactTime(at: string): string {
  const then = new Date(at);
  return Number.isNaN(then.getTime()) ? at : then.toLocaleString();
}

/** "10:42" (with the day when it was not today): tells two sessions of one customer apart. */
export function startedAt(at: string, now: number = Date.now()): string {
  const then = new Date(at);
  if (Number.isNaN(then.getTime())) return at;
  const time = then.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return dayKey(at) === dayKey(now) ? time : `${then.toLocaleDateString([], { day: "numeric", month: "short" })} ${time}`;
}

export const STATE_LABEL: Record<ConversationState, string> = {
  queued: "Waiting",
  active: "Active",
  closed: "Closed",
};

/** An icon per state, so state never rests on colour alone (shown beside the word). */
export const STATE_ICON: Record<ConversationState, string> = {
  queued: "◔",
  active: "●",
  closed: "✓",
};

export function closedReasonText(reason: string | undefined): string {
  switch (reason) {
    case "ended_by_agent":
      return "The agent ended the chat.";
    case "ended_by_customer":
      return "You ended the chat.";
    case "timed_out":
      return "The chat closed after a period without an answer.";
    case "abandoned":
      return "You left the queue before an agent joined.";
    default:
      return "The chat has ended.";
  }
}

/** The same reason, as the agent reads it. */
export function closedReasonForAgent(reason: string | undefined): string {
  switch (reason) {
    case "ended_by_agent":
      return "Ended by the agent";
    case "ended_by_customer":
      return "Ended by the customer";
    case "timed_out":
      return "Closed: the customer did not answer";
    case "abandoned":
      return "The customer left the queue";
    default:
      return "Closed";
  }
}

/** "Carol" from "Carol Customer". */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/** "CC" from "Carol Customer", for avatars. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter((p) => p !== "");
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((p) => (p ?? "").charAt(0).toUpperCase()).join("");
}

/** The local calendar day of `at` ("2026-11-30"), for grouping entries by day; "" when unreadable. */
export function dayKey(at: string | number): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** "Today", "Yesterday", or "Monday, 23 November 2026" for a day separator. */
export function dayLabel(at: string, now: number): string {
  const key = dayKey(at);
  if (key === dayKey(now)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (key === dayKey(yesterday.getTime())) return "Yesterday";
  return new Date(at).toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric" });
}

const SIZE_UNITS = ["KB", "MB", "GB"] as const;

/**
 * A file's size for people, in units of 1024 as the server's limit is counted (10 MiB reads
 * "10 MB"): "840 bytes", "1.5 KB", "47.1 KB", "10.5 MB", "150 MB" (one decimal below 100, none
 * from there). The one way sizes are written, in the composer's chip and its checks as on a
 * posted file's card, so the same file never reads as two sizes.
 */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  let value = bytes / 1024;
  let unit = 0;
  while (unit < SIZE_UNITS.length - 1 && roundSize(value) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${roundSize(value)} ${SIZE_UNITS[unit]}`;
}

function roundSize(value: number): number {
  return value < 100 ? Math.round(value * 10) / 10 : Math.round(value);
}
