/** Data for the component and unit tests: people, conversations and entries as the server sends them. */
import type { Conversation, Entry, Incident, User, UserRef } from "./wire";

export const ALICE: User = { id: "u-alice", username: "alice", display_name: "Alice Agent", roles: ["agent"], itil: false };
export const CAROL: UserRef = { id: "u-carol", display_name: "Carol Customer" };
export const IVAN: UserRef = { id: "u-ivan", display_name: "Ivan Customer" };

export function conversation(id: string, customer: UserRef, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    kind: "support",
    state: "active",
    queue: "q-itsd",
    customer,
    assignee: { id: ALICE.id, display_name: ALICE.display_name },
    last_seq: 1,
    first_message: "My VPN drops every few minutes.",
    created_at: "2026-11-30T09:00:00Z",
    ...extra,
  };
}

export function entry(conversationId: string, seq: number, author: UserRef | undefined, body: string, at = "2026-11-30T09:00:00Z"): Entry {
  return { conversation: conversationId, seq, kind: author === undefined ? "system" : "comment", body, at, ...(author === undefined ? {} : { author }) };
}

/** An incident created by Alice from session c1, as the server sends it. */
export function incident(extra: Partial<Incident> = {}): Incident {
  return {
    id: "i1",
    number: "INC0010001",
    caller: CAROL,
    short_description: "VPN drops",
    description: "Carol Customer: VPN drops",
    category: "network",
    contact_type: "chat",
    impact: 3,
    urgency: 3,
    priority: 5,
    state: "new",
    assignment_group: { id: "g-itsd", name: "ITSD_chat" },
    assigned_to: { id: ALICE.id, display_name: ALICE.display_name },
    session: "c1",
    activity: "c9",
    created_by: { id: ALICE.id, display_name: ALICE.display_name },
    created_at: "2026-11-30T09:05:00Z",
    updated_by: { id: ALICE.id, display_name: ALICE.display_name },
    updated_at: "2026-11-30T09:05:00Z",
    version: 1,
    following: true,
    ...extra,
  };
}

export const BOB: UserRef = { id: "u-bob", display_name: "Bob Agent" };
export const DANA: UserRef = { id: "u-dana", display_name: "Dana Manager" };

/** A chat between colleagues (kind `chat`): direct without `title`, a group with one. Alice is in it. */
export function chat(id: string, others: readonly UserRef[], extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    kind: "chat",
    state: "active",
    members: [{ id: ALICE.id, display_name: ALICE.display_name }, ...others],
    last_seq: 0,
    created_at: "2026-11-30T09:00:00Z",
    ...extra,
  };
}
