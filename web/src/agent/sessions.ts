/** Agent-side decisions from the data: whose sessions are mine, the message mode, who sees a work note. */
import type { Conversation, PostKind } from "../shared/wire";
import { chatTitle } from "./chats/chats";
import { me } from "./state";

const byRecent = (a: Conversation, b: Conversation) => (b.preview?.at ?? b.created_at).localeCompare(a.preview?.at ?? a.created_at);

/** A followed incident's activity (kind `record`). */
export function isRecord(c: Conversation): boolean {
  return c.kind === "record";
}

/**
 * What a conversation is called in lists and headers: the customer, "INC0010001 · short
 * description" for a record, or for a chat its group's title or the colleague (`viewer`: who
 * looks, by default the signed-in agent).
 */
export function conversationTitle(c: Conversation, viewer: string | null = me.value?.id ?? null): string {
  if (c.kind === "chat") return chatTitle(c, viewer);
  if (c.record !== undefined) return `${c.record.number} · ${c.record.short_description}`;
  if (isRecord(c)) return "Record";
  return c.customer?.display_name ?? "Conversation";
}

/**
 * Records followed, newest activity on top. `notFollowed`: records this client knows the user
 * does not follow (unfollowed here, or held only to look at their activity): never listed.
 */
export function recordsOf(all: readonly Conversation[], notFollowed: ReadonlySet<string> = new Set()): Conversation[] {
  return all.filter((c) => isRecord(c) && !notFollowed.has(c.id)).sort(byRecent);
}

/** Active sessions assigned to `me` (a colleague's session this socket watches is not mine). */
export function isMine(c: Conversation, me: string): boolean {
  return !isRecord(c) && c.state === "active" && c.assignee?.id === me;
}

/** "My sessions" (assigned to me, newest activity on top) and "Recently closed" (at most 10). */
export function sidebarGroups(all: readonly Conversation[], me: string): { mine: Conversation[]; closed: Conversation[] } {
  return {
    mine: all.filter((c) => isMine(c, me)).sort(byRecent),
    closed: all.filter((c) => c.state === "closed" && !isRecord(c)).sort(byRecent).slice(0, 10),
  };
}

/** How many sessions of `queue` are active with `me`. */
export function activeWithMe(all: readonly Conversation[], queue: string, me: string): number {
  return all.filter((c) => c.queue === queue && isMine(c, me)).length;
}

/**
 * The message field's mode after the right to comment changed. Losing it forces Work Note;
 * gaining it (a transfer to me) never turns a Work Note into a Comment by itself: what the agent
 * typed as an internal note must not go to the customer. A new field starts as Comment when it can.
 */
export function nextMode(current: PostKind, canComment: boolean): PostKind {
  return canComment ? current : "work_note";
}

/** Who reads a work note: "agents only", or the customer too when they hold the ITIL role (null: not known yet). */
export function workNoteAudience(customer: string, itil: boolean | null): string {
  if (itil === true) return `agents and ${customer} (ITIL) see it`;
  if (itil === false) return "agents only";
  return "agents, and the customer if they hold the ITIL role";
}

/**
 * Queue notifications in the queue's own order, the one `position` counts: sessions that came
 * back from an agent first (the longest back first), then the others, the longest waiting
 * first. Computed from the sessions themselves, not from `position`, which an offer carries as
 * of when it was made.
 */
export function inQueueOrder(a: Conversation, b: Conversation): number {
  const aBack = a.returned_from !== undefined;
  const bBack = b.returned_from !== undefined;
  if (aBack !== bBack) return aBack ? -1 : 1;
  const since = (c: Conversation) => (c.returned_from !== undefined ? (c.returned_at ?? c.created_at) : c.created_at);
  return since(a).localeCompare(since(b)) || a.created_at.localeCompare(b.created_at);
}

/**
 * "Back in the queue: Carol Customer — was with Bob Agent", for a session that came back from its
 * agent (who left, or did not answer: the session's log says which); null for a new one.
 */
export function returnedText(c: Conversation): string | null {
  if (c.returned_from === undefined) return null;
  return `Back in the queue: ${c.customer?.display_name ?? "A customer"} — was with ${c.returned_from.display_name}`;
}
