/** A conversation's last message for a list: work notes gold and labelled "Work note", comments with their author's first name. */
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
  return <>{(p.author !== undefined ? `${firstName(p.author.display_name)}: ` : "") + p.body}</>;
}
