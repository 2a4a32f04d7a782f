/** A conversation's log and message field for the agent, marking what is shown as read. */
import { useEffect } from "preact/hooks";
import { Timeline } from "../../shared/Timeline";
import type { Conversation, User } from "../../shared/wire";
import { connection } from "../state";
import { MessageField } from "./MessageField";

const NO_ENTRIES: never[] = [];

export function ConversationView({ conversation, user, visible }: { conversation: Conversation; user: User; visible: boolean }) {
  const socket = connection.value;
  const entries = socket?.entries.value.get(conversation.id) ?? NO_ENTRIES;
  const pending = (socket?.outbox.value ?? NO_ENTRIES).filter((p) => p.conversation === conversation.id);
  const typing = socket?.typing.value.get(conversation.id) ?? NO_ENTRIES;
  const last = entries.at(-1)?.seq ?? 0;

  useEffect(() => {
    if (visible && last > 0) socket?.markRead(conversation.id, last);
  }, [visible, last, conversation.id]);

  return (
    <>
      <Timeline
        label={`Conversation with ${conversation.customer?.display_name ?? "customer"}`}
        entries={entries}
        pending={pending}
        typing={typing}
        me={user.id}
        online={socket?.link.value === "online"}
        onDiscard={(id) => socket?.discard(id)}
      />
      <MessageField conversation={conversation} user={user} />
    </>
  );
}
