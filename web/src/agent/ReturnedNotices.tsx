/**
 * Tells managers (and admins) that a session went back to the front of its queue because its
 * agent had to leave (the `returned` frame): "Carol Customer's chat went back to the queue: Bob
 * Agent had to leave.", when ("2 min ago") and a link that opens the chat. One live region that
 * is always there (so a new notice is announced); a notice goes by itself once its session waits
 * no more (accepted, closed, the customer left: see the reducer's `returns`), or when dismissed.
 */
import { Since } from "../shared/Since";
import { unansweredReturns } from "./routing-alerts";
import { connection } from "./state";
import "./returned-notices.css";

/** "Carol Customer's chat went back to the queue: Bob Agent had to leave." */
export function returnedNoticeText(customer: string, from: string): string {
  return `${customer}'s chat went back to the queue: ${from} had to leave.`;
}

export function ReturnedNotices() {
  const socket = connection.value;
  // A return the routing guard made (the agent did not answer) has its own, truer notice (RoutingAlerts).
  const told = unansweredReturns.value;
  const returns = (socket?.returns.value ?? []).filter((r) => !told.has(r.key));
  return (
    <div class="returned-notices" role="status" aria-label="Sessions back in the queue">
      {returns.map((r) => {
        const text = returnedNoticeText(r.customer, r.from);
        return (
          <p key={r.key} class="returned-notice">
            <span aria-hidden="true">↩ </span>
            <span class="returned-notice__text">
              {text} <span class="muted">Back <Since at={r.at} />.</span>
            </span>
            <a class="returned-notice__link" href={`/agent/workspace/${encodeURIComponent(r.conversation)}`}>
              Open {r.customer}'s chat
            </a>
            <button type="button" class="button button--small button--quiet" aria-label={`Dismiss: ${text}`} onClick={() => socket?.dismissReturn(r.key)}>
              Dismiss
            </button>
          </p>
        );
      })}
    </div>
  );
}
