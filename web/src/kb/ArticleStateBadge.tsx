/** An article's state as staff see it: words and an icon (the colour only adds to them). */
import { STATE_ICON, STATE_TEXT } from "./editor";
import type { ArticleState } from "./wire";

export function ArticleStateBadge({ state }: { state: ArticleState }) {
  return (
    <span class={`kb-state kb-state--${state}`}>
      <span aria-hidden="true">{STATE_ICON[state]}</span> {STATE_TEXT[state]}
    </span>
  );
}
