/**
 * What the live stream means for chats and invitations beyond the lists: a conversation gone
 * (`gone`: a group chat left, an invitation ended) closes its mini window (GoneNotices says
 * why); a colleague's message in a chat whose window is open but not being read flashes its
 * header, as a customer's message does in a session.
 */
import type { Connection } from "../../shared/socket";
import { flash, focusedConversation } from "../attention";
import { closeMiniWindow, miniWindows } from "../state";
import { isChat } from "./chats";
import { goneDismissId } from "./GoneNotices";

/** Subscribes to `socket` for the signed-in `me`; returns the unsubscribe. */
export function followChats(socket: Connection, me: string): () => void {
  return socket.subscribe((frame, live) => {
    if (frame.type === "gone") {
      if (!miniWindows.value.some((w) => w.id === frame.conversation)) return;
      const hadFocus = typeof document !== "undefined" && document.getElementById(`mini-title-${frame.conversation}`)?.closest("section")?.contains(document.activeElement) === true;
      closeMiniWindow(frame.conversation);
      // The focus was in the window that went: to the notice that says why, not to the page's body.
      if (hadFocus) setTimeout(() => document.getElementById(goneDismissId(frame.conversation))?.focus(), 0);
      return;
    }
    if (!live || frame.type !== "entry" || frame.author === undefined || frame.author.id === me) return;
    const chat = socket.conversations.value.get(frame.conversation);
    if (chat === undefined || !isChat(chat)) return;
    if (miniWindows.value.some((w) => w.id === chat.id) && focusedConversation.value !== chat.id) flash(chat.id);
  });
}
