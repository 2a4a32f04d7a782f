/**
 * Notices of conversations the agent no longer sees (the `gone` frame): "Your invitation to Carol
 * Customer's session ended.", "You are no longer in the group chat “Printers”." Their mini windows
 * close (see `closeGoneWindows`); the notice says why, in one live region that is always there,
 * until dismissed.
 */
import type { Conversation } from "../../shared/wire";
import { conversationTitle } from "../sessions";
import { connection, me } from "../state";
import { isChat, isGroupChat } from "./chats";
import "./chats.css";

/** Why a conversation went, in words, from what it was when it went. */
export function goneText(c: Conversation, me: string | null): string {
  if (c.kind === "support") return `Your invitation to ${c.customer?.display_name ?? "a customer"}'s session ended.`;
  if (isGroupChat(c)) return `You are no longer in the group chat “${c.title ?? ""}”.`;
  if (isChat(c)) return `The chat with ${conversationTitle(c, me)} is no longer available to you.`;
  return `${conversationTitle(c, me)} is no longer available to you.`;
}

/** The id of a notice's Dismiss button (the focus goes there when the conversation's window closes under it). */
export function goneDismissId(conversation: string): string {
  return `gone-dismiss-${conversation}`;
}

export function GoneNotices() {
  const socket = connection.value;
  const departures = socket?.departures.value ?? [];
  function dismiss(id: string) {
    const others = departures.filter((d) => d.conversation.id !== id);
    socket?.dismissDeparture(id);
    // Its button goes: the focus goes to the next notice, else to the sidebar.
    setTimeout(() => {
      const next = others[0];
      (document.getElementById(next === undefined ? "" : goneDismissId(next.conversation.id)) ?? document.querySelector<HTMLElement>(".connect-sidebar__toggle"))?.focus();
    }, 0);
  }
  return (
    <div class="gone-notices" role="status" aria-label="Conversations that ended for you">
      {departures.map((d) => {
        const text = goneText(d.conversation, me.value?.id ?? null);
        return (
          <p key={d.conversation.id} class="gone-notice">
            <span aria-hidden="true">⏏ </span>
            <span class="gone-notice__text">
              {text}
            </span>
            <button id={goneDismissId(d.conversation.id)} type="button" class="button button--small button--quiet" aria-label={`Dismiss: ${text}`} onClick={() => dismiss(d.conversation.id)}>
              Dismiss
            </button>
          </p>
        );
      })}
    </div>
  );
}
