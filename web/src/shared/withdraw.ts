/**
 * Unsend (docs/protocol.md, **Unsend**): staff take back their own comment or work note within
 * the queue's `unsend_seconds` of sending it. Who may and until when, the two requests (withdraw;
 * the managers' audit list), and the answers of withdraws made here, kept until the marker's
 * arrival makes them redundant: a view lays them over the feed's entries so the message shows
 * withdrawn at once (both say the same, so having both is harmless).
 */
import { signal } from "@preact/signals";
import { ApiError, requestJson } from "./api";
import { isWithdrawalMarker } from "./reducer";
import { isEntry, isWithdrawal, type Conversation, type Entry, type Queue, type Role, type Withdrawal } from "./wire";

/** The window of a queue that does not say, and of chats and records (docs/protocol.md). */
export const DEFAULT_UNSEND_SECONDS = 120;

/** How long after sending staff may withdraw an entry of `conversation` (0: never). */
export function unsendSeconds(conversation: Conversation, queues: readonly Queue[]): number {
  if (conversation.kind !== "support") return DEFAULT_UNSEND_SECONDS;
  return queues.find((q) => q.id === conversation.queue)?.unsend_seconds ?? DEFAULT_UNSEND_SECONDS;
}

/** Staff may unsend; customers never. */
export function mayUnsend(roles: readonly Role[]): boolean {
  return roles.some((r) => r === "agent" || r === "manager" || r === "admin");
}

/** Managers and admins read what was withdrawn. */
export function mayReadWithdrawals(roles: readonly Role[]): boolean {
  return roles.some((r) => r === "manager" || r === "admin");
}

/** Whether `entry` is one `me` could take back at all (their own comment or work note, not withdrawn yet), whatever the time. */
export function isWithdrawable(entry: Entry, me: string): boolean {
  return (entry.kind === "comment" || entry.kind === "work_note") && entry.author?.id === me && entry.withdrawn === undefined && !isWithdrawalMarker(entry);
}

/** Until when (ms since the epoch) `entry` may be withdrawn with a window of `seconds`; null: never. */
export function withdrawDeadline(entry: Entry, seconds: number): number | null {
  const at = Date.parse(entry.at);
  if (seconds <= 0 || Number.isNaN(at)) return null;
  return at + seconds * 1000;
}

/** `POST /api/conversations/{id}/entries/{seq}/withdraw` → the entry as now shown (withdrawn); the same for a repeat. */
export function withdrawEntry(conversation: string, seq: number): Promise<Entry> {
  return requestJson(`/api/conversations/${encodeURIComponent(conversation)}/entries/${seq}/withdraw`, isEntry, { method: "POST" });
}

function isWithdrawalList(value: unknown): value is Withdrawal[] {
  return Array.isArray(value) && value.every(isWithdrawal);
}

/** `GET /api/conversations/{id}/withdrawals` (managers and admins): the audit records, oldest first. */
export function fetchWithdrawals(conversation: string): Promise<Withdrawal[]> {
  return requestJson(`/api/conversations/${encodeURIComponent(conversation)}/withdrawals`, isWithdrawalList);
}

/** What a failed withdraw says near its message: the server's words (too late, not allowed), else a generic line. */
export function withdrawFailure(failure: unknown): string {
  if (failure instanceof ApiError || failure instanceof Error) return failure.message;
  return "The message could not be withdrawn. Try again.";
}

// ---- answers of withdraws made here ----

const answers = signal<ReadonlyMap<string, ReadonlyMap<number, Entry>>>(new Map());

/** Keeps the server's answer to a withdraw (an entry shown withdrawn) for `withWithdrawn`. */
export function noteWithdrawn(entry: Entry): void {
  if (entry.withdrawn === undefined) return;
  const current = answers.value.get(entry.conversation);
  if (current?.get(entry.seq)?.withdrawn !== undefined) return;
  const next = new Map(answers.value);
  next.set(entry.conversation, new Map(current ?? []).set(entry.seq, entry));
  answers.value = next;
}

/** Forgets the answers (tests; a page that signs out reloads anyway). */
export function clearWithdrawnAnswers(): void {
  answers.value = new Map();
}

/**
 * `entries` of `conversation` with the withdraws answered here laid over them: an entry still
 * held as sent shows as the answer says. The same array when there is nothing to change (the
 * marker has done it already, or nothing was withdrawn here).
 */
export function withWithdrawn(entries: readonly Entry[], overlay: ReadonlyMap<number, Entry> | undefined): readonly Entry[] {
  if (overlay === undefined || overlay.size === 0) return entries;
  if (!entries.some((e) => e.withdrawn === undefined && overlay.has(e.seq))) return entries;
  return entries.map((e) => (e.withdrawn === undefined ? (overlay.get(e.seq) ?? e) : e));
}

/** The answers kept for `conversation` (read during a render, it re-renders the view when one is added). */
export function withdrawnHere(conversation: string): ReadonlyMap<number, Entry> | undefined {
  return answers.value.get(conversation);
}
