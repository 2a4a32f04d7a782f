/** What the agent does over HTTP: Accept, End, Transfer, the canned messages' list, lookups. */
import { requestJson } from "../shared/api";
import { isCannedList, isConversation, isConversationList, isMemberList, isUser, type Canned, type Conversation, type Member, type User } from "../shared/wire";
import { connection } from "./state";

function adopt(conversation: Conversation): Conversation {
  connection.value?.noteConversation(conversation);
  return conversation;
}

export async function acceptSession(id: string): Promise<Conversation> {
  return adopt(await requestJson(`/api/conversations/${encodeURIComponent(id)}/accept`, isConversation, { method: "POST" }));
}

export async function endSession(id: string): Promise<Conversation> {
  return adopt(await requestJson(`/api/conversations/${encodeURIComponent(id)}/end`, isConversation, { method: "POST" }));
}

export async function transferSession(id: string, to: string, note: string): Promise<Conversation> {
  const body = note.trim() === "" ? { to } : { to, note: note.trim() };
  return adopt(await requestJson(`/api/conversations/${encodeURIComponent(id)}/transfer`, isConversation, { method: "POST", body }));
}

const cannedCache = new Map<string, Promise<Canned[]>>();

export function cannedFor(queue: string): Promise<Canned[]> {
  let cached = cannedCache.get(queue);
  if (cached === undefined) {
    cached = requestJson(`/api/queues/${encodeURIComponent(queue)}/canned`, isCannedList);
    cached.catch(() => cannedCache.delete(queue));
    cannedCache.set(queue, cached);
  }
  return cached;
}

/** Forgets the queue's canned messages read so far (a manager changed them here): the picker reads them again. */
export function forgetCanned(queue: string): void {
  cannedCache.delete(queue);
}

export function membersOf(queue: string): Promise<Member[]> {
  return requestJson(`/api/queues/${encodeURIComponent(queue)}/members`, isMemberList);
}

/** The customer's sessions (earlier ones included), for the Customer tool. */
export function sessionsOf(user: string): Promise<Conversation[]> {
  return requestJson(`/api/users/${encodeURIComponent(user)}/sessions`, isConversationList);
}

/** A person's profile (name, username, roles, ITIL), for the Customer tool. */
export function userProfile(user: string): Promise<User> {
  return requestJson(`/api/users/${encodeURIComponent(user)}`, isUser);
}
