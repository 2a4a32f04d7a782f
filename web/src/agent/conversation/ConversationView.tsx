/**
 * A conversation's log and message field for the agent. What arrives is marked read only while
 * the agent is reading it: the conversation has focus (`where="window"`: its mini window's field
 * or log is focused; `where="pane"`: the workspace pane of a focused document) and its log is
 * scrolled to the bottom. The agent's own comments and work notes offer Withdraw within the
 * queue's unsend window (chats and records: 120 s); the server's answer shows at once, before
 * the marker entry that tells everyone arrives.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { Timeline, useConversationFeed, type Unsend } from "../../shared/Timeline";
import { isRetryable, WENT_BACK_CODE, type PendingSend } from "../../shared/outbox";
import { pageVisible } from "../../shared/visibility";
import { mayUnsend, noteWithdrawn, unsendSeconds, withdrawEntry, withdrawnHere, withWithdrawn } from "../../shared/withdraw";
import type { Conversation, Entry, User } from "../../shared/wire";
import { attending, focusedConversation, noteFocus, pageFocused } from "../attention";
import { connection, focusRequest, queues, restoreFocusRequest } from "../state";
import { conversationTitle } from "../sessions";
import { NoReplyNotice } from "../RoutingAlerts";
import { MessageField } from "./MessageField";
import "./conversation-view.css";

interface Props {
  conversation: Conversation;
  user: User;
  /** Shown at all (the workspace's pane and an open mini window are). */
  visible: boolean;
  where?: "window" | "pane";
}

/** Nothing the agent chose has the focus (the page just loaded: the body, or the page's heading). */
function focusIsFree(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || active.tagName === "H1";
}

/** The view's message field, or its log where there is none (a closed session). */
function focusInto(root: HTMLElement | null, id: string): boolean {
  if (root === null) return false;
  const field = document.getElementById(`composer-${id}`);
  const target = field !== null && root.contains(field) ? field : root.querySelector<HTMLElement>('[role="log"]');
  if (target === null) return false;
  target.focus();
  return true;
}

/** What the log is called: "Conversation with Carol Customer", "Chat with Bob Agent", "Group chat Printers", "Activity of INC…". */
function timelineLabel(conversation: Conversation, me: string): string {
  if (conversation.kind === "record") return `Activity of ${conversationTitle(conversation, me)}`;
  if (conversation.kind === "chat") return conversation.title !== undefined ? `Group chat ${conversation.title}` : `Chat with ${conversationTitle(conversation, me)}`;
  return `Conversation with ${conversation.customer?.display_name ?? "customer"}`;
}

export function ConversationView({ conversation, user, visible, where = "pane" }: Props) {
  const socket = connection.value;
  const atBottom = useSignal(true);
  const unreadAtOpen = useRef(conversation.unread ?? 0).current;
  const attends = visible && pageVisible.value && attending(conversation.id, where, focusedConversation.value, pageFocused.value);
  const feed = useConversationFeed(socket, conversation.id, attends && atBottom.value);
  const { pending, typing, history } = feed;
  // A withdraw answered here shows at once; the marker entry then says the same in the feed.
  const answered = withdrawnHere(conversation.id);
  const entries = useMemo(() => withWithdrawn(feed.entries, answered), [feed.entries, answered]);
  const unsend: Unsend | undefined = mayUnsend(user.roles)
    ? {
        seconds: unsendSeconds(conversation, queues.value),
        // The window is the server's: counted on its clock, whatever this browser's says.
        serverOffset: socket?.serverOffset.value ?? 0,
        onWithdraw: async (entry: Entry) => noteWithdrawn(await withdrawEntry(conversation.id, entry.seq)),
      }
    : undefined;
  const root = useRef<HTMLDivElement>(null);

  // Opened (or asked for again, from the sidebar): focus goes into the conversation, to its
  // field, or to its log once the session is closed, so it is read like any window with focus.
  // A window brought back by a reload takes it the same way, unless the agent has already put
  // the focus somewhere themselves.
  useEffect(() => {
    if (focusRequest.value === conversation.id) {
      if (focusInto(root.current, conversation.id)) focusRequest.value = null;
    } else if (restoreFocusRequest.value === conversation.id && where === "window") {
      restoreFocusRequest.value = null;
      if (focusIsFree()) focusInto(root.current, conversation.id);
    }
  }, [focusRequest.value, restoreFocusRequest.value, conversation.id]);

  return (
    <div
      ref={root}
      class="conversation-view"
      onFocusIn={() => noteFocus(conversation.id, true)}
      onFocusOut={(event) => {
        const next = event.relatedTarget;
        if (!(next instanceof Node) || !event.currentTarget.contains(next)) noteFocus(conversation.id, false);
      }}
    >
      <Timeline
        label={timelineLabel(conversation, user.id)}
        entries={entries}
        pending={pending}
        typing={typing}
        me={user.id}
        online={socket?.link.value === "online"}
        onDiscard={(id) => socket?.discard(id)}
        onRetry={(id) => socket?.retry(id)}
        mayRetry={(p: PendingSend) => isRetryable(p) || (p.code === WENT_BACK_CODE && conversation.state === "active" && conversation.assignee?.id === user.id)}
        unreadAtOpen={unreadAtOpen}
        attending={attends}
        history={history}
        onLoadEarlier={() => void socket?.loadEarlier(conversation.id)}
        onAtBottomChange={(value) => (atBottom.value = value)}
        unsend={unsend}
      />
      {conversation.assignee?.id === user.id && <NoReplyNotice conversation={conversation.id} />}
      <MessageField conversation={conversation} user={user} />
    </div>
  );
}
