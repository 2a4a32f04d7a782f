/**
 * What a chat between colleagues offers where a session has Transfer and End: for a group, Add
 * people and Leave chat (asked first); New Window in a mini window. A direct chat is never left:
 * it is the two people's one chat.
 */
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { asApiError } from "../../shared/session";
import type { Conversation } from "../../shared/wire";
import { leaveChat } from "./actions";
import { AddPeopleDialog } from "./AddPeopleDialog";
import { chatTitle, isGroupChat } from "./chats";
import "../conversation/session-actions.css";

interface Props {
  conversation: Conversation;
  me: string;
  /** The mini window offers New Window; the workspace does not. */
  onNewWindow?: (() => void) | undefined;
  /** After Leave chat went through (the mini window closes itself). */
  onLeft?: (() => void) | undefined;
}

export function ChatActions({ conversation, me, onNewWindow, onLeft }: Props) {
  const adding = useSignal(false);
  const leaving = useSignal(false);
  const addButton = useRef<HTMLButtonElement>(null);
  const leaveButton = useRef<HTMLButtonElement>(null);
  const group = isGroupChat(conversation);
  const name = chatTitle(conversation, me);
  if (!group && onNewWindow === undefined) return null;

  return (
    <div class="session-actions">
      {group && (
        <button ref={addButton} type="button" class="button button--small" onClick={() => (adding.value = true)}>
          Add people
        </button>
      )}
      {onNewWindow !== undefined && (
        <button type="button" class="button button--small button--quiet" onClick={onNewWindow}>
          New Window
        </button>
      )}
      {group && (
        <button ref={leaveButton} type="button" class="button button--small button--quiet" onClick={() => (leaving.value = true)}>
          Leave chat
        </button>
      )}
      {adding.value && (
        <AddPeopleDialog
          chat={conversation}
          me={me}
          onClose={() => {
            adding.value = false;
            addButton.current?.focus();
          }}
        />
      )}
      {leaving.value && (
        <ConfirmDialog
          title={`Leave “${name}”?`}
          confirm="Leave chat"
          onConfirm={async () => {
            await leaveChat(conversation.id, me);
            onLeft?.();
          }}
          describeError={(failure) => asApiError(failure).message}
          onClose={() => {
            leaving.value = false;
            if (leaveButton.current?.isConnected === true) leaveButton.current.focus();
          }}
        >
          <p>The chat goes from your list. Someone in it can add you again.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
