/**
 * The customer's message field in an open chat: Enter sends through the socket's outbox (kept
 * across a drop or a reload), and a file goes with Attach file or a pasted screenshot, the text
 * as its caption, over HTTP. A refused upload keeps the file and the text, with the server's
 * words, for another try. The customer's sends carry no `seen`: the stale-view guard is for staff.
 */
import type { Signal } from "@preact/signals";
import { useMemo } from "preact/hooks";
import { Composer } from "../shared/Composer";
import { TypingThrottle } from "../shared/composer";
import { attachmentDraft } from "../shared/composer/attachment";
import type { Connection } from "../shared/socket";
import type { Conversation } from "../shared/wire";

export function CustomerComposer({ conversation, draft: text, socket }: { conversation: Conversation; draft: Signal<string>; socket: Connection | null }) {
  const typing = useMemo(() => new TypingThrottle((active) => socket?.setTyping(conversation.id, active, "comment")), [conversation.id, socket]);
  const attachment = attachmentDraft(conversation.id);

  async function sendFile(caption: string) {
    const outcome = await attachment.send({ conversation: conversation.id, kind: "comment", body: caption });
    if (outcome.kind !== "sent") return;
    // Typed on while it uploaded: that stays.
    if (text.peek().trim() === caption) text.value = "";
    typing.set(false);
  }

  return (
    <Composer
      id={`message-${conversation.id}`}
      text={text.value}
      onText={(value) => {
        text.value = value;
        typing.set(value !== "");
      }}
      onSend={(body) => {
        socket?.send(conversation.id, "comment", body);
        text.value = "";
        typing.set(false);
      }}
      label="Message"
      placeholder="Type your message…"
      onBlur={() => typing.set(false)}
      hint="Enter sends · Shift+Enter adds a line · paste a screenshot or attach a file"
      attachment={attachment}
      onSendAttachment={(caption) => void sendFile(caption)}
    />
  );
}
