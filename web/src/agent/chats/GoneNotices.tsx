/**
 * Notices of conversations the agent no longer sees (the `gone` frame): "Your invitation to Carol
 * Customer's session ended (started 10:42: “VPN drops…”).", "Carol Customer's session is no
 * longer yours (…)." (it was theirs: a manager handed it on, or it went back to a queue they no
 * longer work), "You are no longer in the group chat “Printers”." Their mini windows close
 * (see `closeGoneWindows`); the notice says why, in one live region that is always there, until
 * dismissed. Each Dismiss is named after its notice, and two alike are numbered, so that no two
 * read the same.
 */
import { startedAt } from "../../shared/format";
import type { Conversation } from "../../shared/wire";
import { conversationTitle } from "../sessions";
import { connection, me } from "../state";
import { isChat, isGroupChat } from "./chats";
import "./chats.css";

/** How much of a session's first message a notice quotes. */
const QUOTED_CHARS = 60;

/** "started 10:42: “My VPN drops every few minutes.”": what tells two sessions of one customer apart. */
function sessionLabel(c: Conversation, now: number): string {
  const started = `started ${startedAt(c.created_at, now)}`;
  const first = (c.first_message ?? "").replace(/\s+/g, " ").trim();
  if (first === "") return started;
  const chars = Array.from(first);
  const quoted = chars.length > QUOTED_CHARS ? `${chars.slice(0, QUOTED_CHARS - 1).join("").trimEnd()}…` : first;
  return `${started}: “${quoted}”`;
}

/**
 * Why a conversation went, in words, from what it was when it went (the frame says no more): a
 * support session the user was invited to, or the assignee of, or neither (they saw it as staff
 * of its queue).
 */
export function goneText(c: Conversation, me: string | null, now: number = Date.now()): string {
  if (c.kind === "support") {
    const customer = c.customer?.display_name ?? "A customer";
    if (me !== null && c.assignee?.id === me) return `${customer}'s session is no longer yours (${sessionLabel(c, now)}).`;
    if (me !== null && (c.invited ?? []).some((u) => u.id === me)) return `Your invitation to ${c.customer?.display_name ?? "a customer"}'s session ended (${sessionLabel(c, now)}).`;
    return `${customer}'s session is no longer available to you (${sessionLabel(c, now)}).`;
  }
  if (isGroupChat(c)) return `You are no longer in the group chat “${c.title ?? ""}”.`;
  if (isChat(c)) return `The chat with ${conversationTitle(c, me)} is no longer available to you.`;
  return `${conversationTitle(c, me)} is no longer available to you.`;
}

/** The Dismiss buttons' names for notices reading `texts`, in order: the second of two alike gets "(2)", and so on. */
export function dismissLabels(texts: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return texts.map((text) => {
    const count = (seen.get(text) ?? 0) + 1;
    seen.set(text, count);
    return count === 1 ? `Dismiss: ${text}` : `Dismiss: ${text} (${count})`;
  });
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
  const texts = departures.map((d) => goneText(d.conversation, me.value?.id ?? null));
  const labels = dismissLabels(texts);
  return (
    <div class="gone-notices" role="status" aria-label="Conversations that ended for you">
      {departures.map((d, index) => {
        const text = texts[index] ?? "";
        return (
          <p key={d.conversation.id} class="gone-notice">
            <span aria-hidden="true">⏏ </span>
            <span class="gone-notice__text">
              {text}
            </span>
            <button id={goneDismissId(d.conversation.id)} type="button" class="button button--small button--quiet" aria-label={labels[index]} onClick={() => dismiss(d.conversation.id)}>
              Dismiss
            </button>
          </p>
        );
      })}
    </div>
  );
}
