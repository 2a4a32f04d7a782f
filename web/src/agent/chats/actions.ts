/** Connect Chat over HTTP: start a chat, add people to a group, leave one, invite a colleague into a session, find colleagues. */
import { requestJson, requestNoContent } from "../../shared/api";
import { isConversation, isMemberList, isUser, type Conversation, type NewChat, type User } from "../../shared/wire";
import { connection, queues } from "../state";

const enc = encodeURIComponent;

function adopt(conversation: Conversation): Conversation {
  connection.value?.noteConversation(conversation);
  return conversation;
}

/** Staff whose name or username contains `q` (colleagues to chat with or invite). */
export function findStaff(q: string, signal?: AbortSignal): Promise<User[]> {
  const isUserList = (value: unknown): value is User[] => Array.isArray(value) && value.every(isUser);
  return requestJson(`/api/users?q=${enc(q)}&staff=true`, isUserList, signal === undefined ? {} : { signal });
}

/** A direct chat (one colleague, no title: the existing one if there is one) or a new named group. */
export async function startChat(request: NewChat): Promise<Conversation> {
  return adopt(await requestJson("/api/chats", isConversation, { method: "POST", body: request }));
}

/** Adds colleagues to a group chat, one after the other; the chat as the last answer says. */
export async function addToChat(chat: string, users: readonly string[]): Promise<Conversation | null> {
  let last: Conversation | null = null;
  for (const user of users) last = adopt(await requestJson(`/api/chats/${enc(chat)}/members/${enc(user)}`, isConversation, { method: "PUT" }));
  return last;
}

/** Leaves a group chat: it goes from this client at once (the server's `gone` follows, with no notice). */
export async function leaveChat(chat: string, me: string): Promise<void> {
  await requestNoContent(`/api/chats/${enc(chat)}/members/${enc(me)}`, { method: "DELETE" });
  const socket = connection.value;
  socket?.forget(chat);
  socket?.dismissDeparture(chat);
}

/** Invites a colleague into a support session: they see it and post work notes only. */
export async function inviteColleague(conversation: string, user: string): Promise<Conversation> {
  return adopt(await requestJson(`/api/conversations/${enc(conversation)}/invite`, isConversation, { method: "POST", body: { user } }));
}

/**
 * The presence of colleagues in the agent's queues (each queue read once per page): a
 * colleague's presence is otherwise known only when it changes, and a direct chat shows it from
 * the start. Presence the socket reported is newer and stays.
 */
const presenceRead = new Set<string>();

export async function readColleaguesPresence(): Promise<void> {
  for (const queue of queues.value) {
    if (presenceRead.has(queue.id)) continue;
    presenceRead.add(queue.id);
    try {
      connection.value?.notePresence(await requestJson(`/api/queues/${enc(queue.id)}/members`, isMemberList));
    } catch {
      // Not known for now: shown once it changes (or read again on the next page).
      presenceRead.delete(queue.id);
    }
  }
}
