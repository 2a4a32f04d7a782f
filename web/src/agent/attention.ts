/**
 * Where the agent's attention is, and what calls for it. A conversation is read only while it
 * has focus (its mini window's field or log focused, or the workspace pane of a focused
 * document) and its log is at the bottom; a new customer message anywhere else raises the
 * conversation's unread badge (the socket counts), the count in the tab title, a beep (see
 * `soundSettings`) and a flash of its mini window's header.
 */
import { signal } from "@preact/signals";
import type { Connection } from "../shared/socket";
import type { Conversation, ServerFrame } from "../shared/wire";
import { beep } from "./alerts";
import { isMine } from "./sessions";

/** The conversation whose mini window holds the keyboard focus (null: none). */
export const focusedConversation = signal<string | null>(null);
/** The conversation the agent last worked in, for "next / previous chat". */
export const lastConversation = signal<string | null>(null);

function documentHasFocus(): boolean {
  return typeof document === "undefined" || typeof document.hasFocus !== "function" || document.hasFocus();
}

/** Whether this tab's document has the focus (the agent is in this window, not another app). */
export const pageFocused = signal(documentHasFocus());

if (typeof window !== "undefined") {
  window.addEventListener("focus", () => (pageFocused.value = true));
  window.addEventListener("blur", () => (pageFocused.value = documentHasFocus()));
}

/** Per conversation, how many times its header should have flashed (a new key restarts the flash). */
export const flashes = signal<ReadonlyMap<string, number>>(new Map());

export function flash(conversation: string): void {
  const next = new Map(flashes.value);
  next.set(conversation, (next.get(conversation) ?? 0) + 1);
  flashes.value = next;
}

/** Focus entered or left a conversation's view. */
export function noteFocus(conversation: string, focused: boolean): void {
  if (focused) {
    focusedConversation.value = conversation;
    lastConversation.value = conversation;
  } else if (focusedConversation.value === conversation) focusedConversation.value = null;
}

/** Whether the agent is reading `conversation` now: in a mini window it needs the focus, in the workspace pane the document's. */
export function attending(conversation: string, where: "window" | "pane", focused: string | null, documentFocused: boolean): boolean {
  return documentFocused && (where === "pane" || focused === conversation);
}

/** What the tab title counts: unread messages in my sessions plus the sessions waiting for an agent. */
export function attentionCount(conversations: Iterable<Conversation>, offers: number, me: string): number {
  let unread = 0;
  for (const c of conversations) if (isMine(c, me)) unread += c.unread ?? 0;
  return unread + offers;
}

/** Whether a frame is a live message from the customer of a conversation. */
export function customerMessage(frame: ServerFrame, live: boolean, conversations: ReadonlyMap<string, Conversation>): string | null {
  if (!live || frame.type !== "entry" || frame.kind !== "comment") return null;
  const conversation = conversations.get(frame.conversation);
  if (conversation === undefined || conversation.customer === undefined) return null;
  return frame.author?.id === conversation.customer.id ? conversation.id : null;
}

/**
 * Alerts for customers' messages in conversations the agent is not attending to: a beep (when
 * switched on and not Away) and a flash. Returns the unsubscribe.
 */
export function alertOnCustomerMessages(socket: Connection, me: string, isAttending: (conversation: string) => boolean, sound: () => void = () => beep("replies")): () => void {
  return socket.subscribe((frame, live) => {
    const id = customerMessage(frame, live, socket.conversations.value);
    if (id === null) return;
    const conversation = socket.conversations.value.get(id);
    if (conversation === undefined || conversation.assignee?.id !== me) return;
    if (isAttending(id)) return;
    sound();
    flash(id);
  });
}
