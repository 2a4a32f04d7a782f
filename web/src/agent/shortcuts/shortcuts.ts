/**
 * The agent app's keyboard shortcuts: Alt+Shift with a key, matched on `event.code` (the key's
 * place, so they work on any layout) and never while an IME composes. Alt+Shift+letter is
 * taken by no browser on Windows, Linux or macOS (Ctrl+… and Alt+letter are).
 */
import { signal } from "@preact/signals";
import type { Conversation } from "../../shared/wire";
import { inQueueOrder, sidebarGroups } from "../sessions";

export type ShortcutAction = "next-unread" | "next-chat" | "previous-chat" | "accept-oldest" | "show-shortcuts";

export interface Shortcut {
  code: string;
  keys: string;
  action: ShortcutAction;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { code: "KeyU", keys: "Alt+Shift+U", action: "next-unread", description: "Next conversation with unread messages" },
  { code: "KeyJ", keys: "Alt+Shift+J", action: "next-chat", description: "Next chat" },
  { code: "KeyK", keys: "Alt+Shift+K", action: "previous-chat", description: "Previous chat" },
  { code: "KeyO", keys: "Alt+Shift+O", action: "accept-oldest", description: "Accept the session at the front of the queue" },
  { code: "Slash", keys: "Alt+Shift+/", action: "show-shortcuts", description: "Show these keyboard shortcuts" },
];

/** The keys of a keydown that matter here. */
export interface ShortcutKey {
  code: string;
  altKey: boolean;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  isComposing: boolean;
  /** 229 while an IME handles the key (some browsers do not set isComposing on its first key). */
  keyCode?: number;
}

/** The shortcut a keydown asks for, or null. */
export function shortcutFor(event: ShortcutKey): ShortcutAction | null {
  if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return null;
  if (event.isComposing || event.keyCode === 229) return null;
  return SHORTCUTS.find((s) => s.code === event.code)?.action ?? null;
}

/** Whether the "Keyboard shortcuts" dialog is open. */
export const shortcutsOpen = signal(false);

/** The agent's chats in the sidebar's order ("My sessions", newest activity first). */
export function chatOrder(all: Iterable<Conversation>, me: string): Conversation[] {
  return sidebarGroups([...all], me).mine;
}

/** The chat after (or before) `current` in `order`, wrapping; the first (or last) without one. */
export function neighbourChat(order: readonly Conversation[], current: string | null, step: 1 | -1): string | null {
  if (order.length === 0) return null;
  const at = order.findIndex((c) => c.id === current);
  if (at === -1) return (step === 1 ? order[0] : order.at(-1))?.id ?? null;
  return order[(at + step + order.length) % order.length]?.id ?? null;
}

/** The next chat after `current` (wrapping) with unread messages, or null. */
export function nextUnread(order: readonly Conversation[], current: string | null): string | null {
  const at = order.findIndex((c) => c.id === current);
  for (let i = 1; i <= order.length; i += 1) {
    const c = order[(at + i + order.length) % order.length];
    if (c !== undefined && c.id !== current && (c.unread ?? 0) > 0) return c.id;
  }
  return null;
}

/** The offer at the front of the queue (a session back from an agent, else the one waiting longest; see `inQueueOrder`), or null. */
export function oldestOffer(offers: Iterable<Conversation>): string | null {
  return [...offers].sort(inQueueOrder)[0]?.id ?? null;
}
