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

/** Each queue's canned messages as last read: the picker shows them at once, while it reads them again. */
const cannedKnown = new Map<string, Canned[]>();
/** The latest read asked for, per queue: only its answer is kept (an older one may be from before a change). */
const cannedLatest = new Map<string, Promise<Canned[]>>();

/** The queue's canned messages as last read, if they were. */
export function knownCanned(queue: string): Canned[] | undefined {
  return cannedKnown.get(queue);
}

/**
 * Reads the queue's canned messages (`GET /api/queues/{queue}/canned`) anew each time (a manager
 * may have renamed or edited one since), and keeps the answer for `knownCanned`.
 */
export function readCanned(queue: string): Promise<Canned[]> {
  const read = requestJson(`/api/queues/${encodeURIComponent(queue)}/canned`, isCannedList);
  cannedLatest.set(queue, read);
  read.then(
    (canned) => {
      if (cannedLatest.get(queue) !== read) return;
      cannedLatest.delete(queue);
      cannedKnown.set(queue, canned);
    },
    () => {
      if (cannedLatest.get(queue) === read) cannedLatest.delete(queue);
    },
  );
  return read;
}

/**
 * Forgets the queue's canned messages read so far (a manager changed them here): the picker does
 * not show them while it reads them again.
 */
export function forgetCanned(queue: string): void {
  cannedKnown.delete(queue);
  cannedLatest.delete(queue);
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
