/**
 * Connect Chat as data: what a chat is called (the colleague of a direct chat, a group's title),
 * who else is in it, and whether a support session is one the agent was invited into. Pure.
 */
import type { Conversation, User, UserRef } from "../../shared/wire";

/** A chat between colleagues (kind `chat`): direct or a named group. */
export function isChat(c: Conversation): boolean {
  return c.kind === "chat";
}

/** A group chat has a title (and may take more people); a direct chat has none. */
export function isGroupChat(c: Conversation): boolean {
  return isChat(c) && c.title !== undefined;
}

/** Everyone in the chat but `me`, in the server's order. */
export function otherMembers(c: Conversation, me: string | null): UserRef[] {
  return (c.members ?? []).filter((m) => m.id !== me);
}

/** The colleague of a direct chat (null for a group, or before the members are known). */
export function chatPartner(c: Conversation, me: string | null): UserRef | null {
  if (!isChat(c) || isGroupChat(c)) return null;
  return otherMembers(c, me)[0] ?? null;
}

/** What a chat is called in lists and headers: the group's title, or the colleague's name. */
export function chatTitle(c: Conversation, me: string | null): string {
  if (c.title !== undefined) return c.title;
  const others = otherMembers(c, me);
  if (others.length === 0) return "Chat";
  return others.map((m) => m.display_name).join(", ");
}

/** "Alice Agent, Bob Agent and 2 more": who is in a group, for its header (`me` as "you"). */
export function membersText(c: Conversation, me: string | null, shown = 3): string {
  const names = (c.members ?? []).map((m) => (m.id === me ? "you" : m.display_name));
  const mine = names.indexOf("you");
  // "you" last: the others are what the agent wants to read.
  if (mine !== -1) names.push(...names.splice(mine, 1));
  if (names.length <= shown) return joinNames(names);
  return `${names.slice(0, shown).join(", ")} and ${names.length - shown} more`;
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1) ?? ""}`;
}

/** An active support session `me` was invited into to help (not theirs: work notes only). */
export function isInvitedTo(c: Conversation, me: string | null): boolean {
  return c.kind === "support" && c.state === "active" && me !== null && c.assignee?.id !== me && (c.invited ?? []).some((u) => u.id === me);
}

/** Who may invite a colleague into `c`: its assignee, or a manager (or admin), while it is active. */
export function mayInvite(c: Conversation, user: Pick<User, "id" | "roles">): boolean {
  if (c.kind !== "support" || c.state !== "active") return false;
  return c.assignee?.id === user.id || user.roles.includes("manager") || user.roles.includes("admin");
}

/**
 * Whether `user` sees support session `c` only through an invitation (work notes only): invited
 * into it, and neither its assignee, nor staff of its queue (`queues`: the ids of the queues the
 * agent works, as `GET /api/queues` lists them: an agent's are those of their groups), nor a
 * manager or admin. Until the queues are known an invited agent counts as only invited.
 */
export function onlyInvited(c: Conversation, user: Pick<User, "id" | "roles">, queues: readonly string[]): boolean {
  if (c.kind !== "support" || c.assignee?.id === user.id) return false;
  if (!(c.invited ?? []).some((u) => u.id === user.id)) return false;
  if (user.roles.includes("manager") || user.roles.includes("admin")) return false;
  return c.queue === undefined || !queues.includes(c.queue);
}

/**
 * Create Incident from support session `c`: not for a colleague who only helps in it (they write
 * work notes; the form would offer them no assignment group and could not be saved).
 */
export function mayCreateIncident(c: Conversation, user: Pick<User, "id" | "roles">, queues: readonly string[]): boolean {
  return c.kind === "support" && !onlyInvited(c, user, queues);
}

/** "Invited: Bob Agent, Dana Manager" for a session's header, or null with nobody invited. */
export function invitedText(c: Conversation): string | null {
  const invited = c.invited ?? [];
  if (invited.length === 0) return null;
  return `Invited: ${invited.map((u) => u.display_name).join(", ")}`;
}

/** What `POST /api/chats` is sent for the colleagues chosen and the group name typed. */
export function newChatRequest(members: readonly UserRef[], title: string): { members: string[]; title?: string } {
  const name = title.trim();
  return name === "" ? { members: members.map((m) => m.id) } : { members: members.map((m) => m.id), title: name };
}

/** At most this many others in a group (the server takes 1–49). */
export const MAX_OTHERS = 49;
/** A group's name: 1–100 characters. */
export const MAX_TITLE_CHARS = 100;

/** Why the New chat form cannot be sent as it is, by field; null when it can. */
export function newChatProblem(members: readonly UserRef[], title: string): { field: "people" | "title"; message: string } | null {
  if (members.length === 0) return { field: "people", message: "Choose at least one colleague." };
  if (members.length > MAX_OTHERS) return { field: "people", message: `A group holds at most ${MAX_OTHERS} colleagues besides you.` };
  const name = title.trim();
  if (members.length > 1 && name === "") return { field: "title", message: "Give the group a name: a chat with several colleagues is a group." };
  if (Array.from(name).length > MAX_TITLE_CHARS) return { field: "title", message: `A group name is at most ${MAX_TITLE_CHARS} characters.` };
  return null;
}
