/**
 * The Connect sidebar's sections by kind of conversation, each with its own unread total:
 * Support sessions (mine, and those I was invited into to help), Chats (with colleagues),
 * Followed records; and Recently closed sessions. Pure: from the conversations held.
 */
import type { Conversation } from "../../shared/wire";
import { isChat, isInvitedTo } from "../chats/chats";
import { isMine, recordsOf, sidebarGroups } from "../sessions";

export interface SidebarSections {
  support: Conversation[];
  chats: Conversation[];
  records: Conversation[];
  closed: Conversation[];
}

const byRecent = (a: Conversation, b: Conversation) => (b.preview?.at ?? b.created_at).localeCompare(a.preview?.at ?? a.created_at);

/** Every conversation held, in its section, newest activity first. */
export function sidebarSections(all: readonly Conversation[], me: string, notFollowed: ReadonlySet<string> = new Set()): SidebarSections {
  const { closed } = sidebarGroups(all, me);
  return {
    support: all.filter((c) => isMine(c, me) || isInvitedTo(c, me)).sort(byRecent),
    chats: all.filter(isChat).sort(byRecent),
    records: recordsOf(all, notFollowed),
    // A chat is never closed; the sessions only.
    closed: closed.filter((c) => !isChat(c)),
  };
}

/** Unread messages in a section. */
export function unreadIn(conversations: readonly Conversation[]): number {
  return conversations.reduce((n, c) => n + (c.unread ?? 0), 0);
}
