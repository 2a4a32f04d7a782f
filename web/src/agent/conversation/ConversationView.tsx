/** A conversation's log and message field for the agent, marking what is shown as read. */
import { Timeline, useConversationFeed } from "../../shared/Timeline";
import type { Conversation, User } from "../../shared/wire";
import { connection } from "../state";
import { MessageField } from "./MessageField";

export function ConversationView({ conversation, user, visible }: { conversation: Conversation; user: User; visible: boolean }) {
  const socket = connection.value;
  const { entries, pending, typing } = useConversationFeed(socket, conversation.id, visible);

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
        onRetry={(id) => socket?.retry(id)}
      />
      <MessageField conversation={conversation} user={user} />
    </>
  );
}
