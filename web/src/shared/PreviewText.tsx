/**
 * A conversation's last message for a list: work notes gold and labelled "Work note", comments
 * with their author's first name, system lines as they read (some carry who caused them as
 * author, e.g. "Incident INC0010001 was created for you.", and name them in their text if at all).
 */
import { firstName } from "./format";
import type { Conversation } from "./wire";
import "./preview.css";

export function PreviewText({ conversation: c }: { conversation: Conversation }) {
  const p = c.preview;
  if (p === undefined) return <>{c.first_message ?? ""}</>;
  // A withdrawn message reads as such; a file without a caption by its name.
  const text = p.withdrawn !== undefined ? "Message withdrawn" : p.body === "" && p.attachment !== undefined ? `Attachment: ${p.attachment.name}` : p.body;
  if (p.kind === "work_note") {
    return (
      <span class="work-note-preview">
        <span class="work-note-preview__label">Work note</span>
        {text}
      </span>
    );
  }
  // A system line, and the marker of a withdrawal ("Alice Agent withdrew a message."), say who.
  const named = p.author !== undefined && p.kind !== "system" && p.event === undefined;
  return <>{(named && p.author !== undefined ? `${firstName(p.author.display_name)}: ` : "") + text}</>;
}
