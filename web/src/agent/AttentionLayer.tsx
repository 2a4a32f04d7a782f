/**
 * What the agent app adds around its screens for attention: the keyboard shortcuts (and their
 * dialog), and the beep and flash for customers' messages in conversations not being read.
 * Mounted once by the app shell.
 */
import { useEffect } from "preact/hooks";
import type { User } from "../shared/wire";
import { alertOnCustomerMessages, attending, focusedConversation, lastConversation, pageFocused } from "./attention";
import { chatOrder, neighbourChat, nextUnread, oldestOffer, shortcutFor, shortcutsOpen } from "./shortcuts/shortcuts";
import { ShortcutsDialog } from "./shortcuts/ShortcutsDialog";
import { acceptRequest, connection, miniWindows, openMiniWindow, showOffer } from "./state";

/** In the workspace a chat opens in the pane (its link), elsewhere in a mini window. */
function openChat(id: string): void {
  const link = document.querySelector<HTMLAnchorElement>(`a[href="/agent/workspace/${encodeURIComponent(id)}"]`);
  if (link !== null) {
    link.click();
    return;
  }
  openMiniWindow(id, true);
}

function inWorkspace(): boolean {
  return location.pathname.startsWith("/agent/workspace/");
}

/** The conversation in the workspace's pane, or null outside the workspace. */
function workspaceConversation(): string | null {
  const match = /^\/agent\/workspace\/([^/]+)\/?$/.exec(location.pathname);
  return match?.[1] === undefined ? null : decodeURIComponent(match[1]);
}

export function AttentionLayer({ user }: { user: User }) {
  const socket = connection.value;

  useEffect(() => {
    if (socket === null) return;
    return alertOnCustomerMessages(socket, user.id, (id) => {
      const where = inWorkspace() ? "pane" : "window";
      if (where === "pane") return pageFocused.value && location.pathname === `/agent/workspace/${encodeURIComponent(id)}`;
      return miniWindows.value.some((w) => w.id === id && !w.minimised) && attending(id, where, focusedConversation.value, pageFocused.value);
    });
  }, [socket, user.id]);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      const action = shortcutFor(event);
      if (action === null) return;
      event.preventDefault();
      const current = connection.value;
      const order = chatOrder(current?.conversations.value.values() ?? [], user.id);
      // In the workspace the chat shown is where the agent is, wherever the focus went (the page's
      // heading takes it after a switch).
      const here = workspaceConversation() ?? focusedConversation.value ?? lastConversation.value;
      switch (action) {
        case "next-unread": {
          const id = nextUnread(order, here);
          if (id !== null) openChat(id);
          break;
        }
        case "next-chat":
        case "previous-chat": {
          const id = neighbourChat(order, here, action === "next-chat" ? 1 : -1);
          if (id !== null) openChat(id);
          break;
        }
        case "accept-oldest": {
          const id = oldestOffer(current?.offers.value.values() ?? []);
          if (id === null) break;
          showOffer(id);
          acceptRequest.value = id;
          break;
        }
        case "show-shortcuts":
          shortcutsOpen.value = true;
          break;
      }
    }
    // The window as it is now: a cleanup that runs late (after a test's page is gone) still finds it.
    const target = window;
    target.addEventListener("keydown", onKeyDown);
    return () => target.removeEventListener("keydown", onKeyDown);
  }, [user.id]);

  return <ShortcutsDialog />;
}
