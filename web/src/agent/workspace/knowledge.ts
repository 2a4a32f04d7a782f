/**
 * The Knowledge Base tool's decisions, apart from the component: who may share an article into
 * the conversation, when the suggestions are read again, and the client id of each share (one
 * per share meant: a retry after a lost answer posts the comment once, the next share is new).
 */
import { newClientId } from "../../shared/socket";
import type { Conversation, Entry } from "../../shared/wire";

/** The assignee of an active support session may post comments, so may share. */
export function mayShare(conversation: Conversation, userId: string): boolean {
  return conversation.kind === "support" && conversation.state === "active" && conversation.assignee?.id === userId;
}

/** Why there is no Share, in words (null when there is one). */
export function noShareReason(conversation: Conversation, userId: string): string | null {
  if (mayShare(conversation, userId)) return null;
  if (conversation.kind !== "support") return "Articles are shared into support chats.";
  if (conversation.state === "queued") return "Accept the chat to share articles in it.";
  if (conversation.state === "closed") return "This chat has ended: articles can no longer be shared in it.";
  return "Only the agent the chat is assigned to can share articles in it.";
}

/**
 * The seq of the customer's newest comment in `entries`, or null: the suggestions follow what
 * the customer said, so they are read again when this changes.
 */
export function lastCustomerSeq(entries: readonly Entry[] | undefined, customer: string | undefined): number | null {
  if (entries === undefined || customer === undefined) return null;
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const e = entries[i];
    if (e !== undefined && e.kind === "comment" && e.author?.id === customer) return e.seq;
  }
  return null;
}

/** The client id of each article's share in progress. */
export class ShareIds {
  private readonly ids = new Map<string, string>();

  constructor(private readonly make: () => string = newClientId) {}

  /** The id to send for sharing `article`: the same until that share is done. */
  idFor(article: string): string {
    let id = this.ids.get(article);
    if (id === undefined) {
      id = this.make();
      this.ids.set(article, id);
    }
    return id;
  }

  /** The share went through: sharing it again is a new comment. */
  done(article: string): void {
    this.ids.delete(article);
  }
}
