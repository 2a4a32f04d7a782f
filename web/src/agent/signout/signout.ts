/** What Sign out decides from the data: which chats are still open with the agent, what the question says, which chat Transfer opens. */
import type { Conversation } from "../../shared/wire";
import { sidebarGroups } from "../sessions";

/** The agent's open chats (active, assigned to them), in the order of "My sessions". */
export function openChats(all: readonly Conversation[], me: string): Conversation[] {
  return sidebarGroups(all, me).mine;
}

/** "You have 1 open chat", "You have 2 open chats". */
export function openChatsTitle(count: number): string {
  return `You have ${count} open chat${count === 1 ? "" : "s"}`;
}

/**
 * The chat whose Transfer dialog the sign-out's Transfer opens: the one the workspace shows, if
 * it is open with the agent, else the first of "My sessions"; null without open chats.
 */
export function chatToTransfer(open: readonly Conversation[], shown: string | null): Conversation | null {
  return open.find((c) => c.id === shown) ?? open[0] ?? null;
}
