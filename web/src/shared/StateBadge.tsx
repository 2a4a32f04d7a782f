/** A conversation's state in words and an icon (never colour alone), wherever it is listed. */
import { STATE_ICON, STATE_LABEL } from "./format";
import type { ConversationState } from "./wire";
import "./state-badge.css";

export function StateBadge({ conversation }: { conversation: { state: ConversationState } }) {
  return (
    <span class={`state-badge state-badge--${conversation.state}`}>
      <span aria-hidden="true">{STATE_ICON[conversation.state]}</span> {STATE_LABEL[conversation.state]}
    </span>
  );
}
