/**
 * What a chat's header says under its name: "Direct chat" and the colleague's presence (in
 * words), or "Group chat · Bob Agent, Dana Manager and you". Used by the mini window and meant
 * for the workspace's header (in place of a session's queue and state).
 */
import type { Conversation } from "../../shared/wire";
import { PresenceLabel } from "../conversation/TransferDialog";
import { connection } from "../state";
import { chatPartner, isGroupChat, membersText } from "./chats";
import "./chats.css";

export function ChatSummary({ conversation, me, presence = true }: { conversation: Conversation; me: string; presence?: boolean }) {
  if (isGroupChat(conversation)) return <span class="muted chat-members">Group chat · {membersText(conversation, me)}</span>;
  const partner = chatPartner(conversation, me);
  const status = partner === null ? undefined : connection.value?.presence.value.get(partner.id);
  return (
    <span class="muted chat-members">
      Direct chat
      {presence && status !== undefined && (
        <>
          {" · "}
          <PresenceLabel status={status} />
        </>
      )}
    </span>
  );
}
