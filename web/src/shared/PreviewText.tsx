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
  if (p.kind === "work_note") {
    return (
      <span class="work-note-preview">
        <span class="work-note-preview__label">Work note</span>
        {p.body}
      </span>
    );
  }
  return <>{(p.author !== undefined && p.kind !== "system" ? `${firstName(p.author.display_name)}: ` : "") + p.body}</>;
}
