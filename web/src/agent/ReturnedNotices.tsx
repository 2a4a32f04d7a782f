/**
 * Tells managers (and admins) that a session went back to the front of its queue because its
 * agent had to leave (the `returned` frame): "Carol Customer's chat went back to the queue: Bob
 * Agent had to leave." One live region that is always there (so a new notice is announced),
 * each notice kept until dismissed.
 */
import { connection } from "./state";
import "./returned-notices.css";

/** "Carol Customer's chat went back to the queue: Bob Agent had to leave." */
export function returnedNoticeText(customer: string, from: string): string {
  return `${customer}'s chat went back to the queue: ${from} had to leave.`;
}

export function ReturnedNotices() {
  const socket = connection.value;
  const returns = socket?.returns.value ?? [];
  return (
    <div class="returned-notices" role="status" aria-label="Sessions back in the queue">
      {returns.map((r) => {
        const text = returnedNoticeText(r.customer, r.from);
        return (
          <p key={r.key} class="returned-notice">
            <span aria-hidden="true">↩ </span>
            <span class="returned-notice__text">{text}</span>
            <button type="button" class="button button--small button--quiet" aria-label={`Dismiss: ${text}`} onClick={() => socket?.dismissReturn(r.key)}>
              Dismiss
            </button>
          </p>
        );
      })}
    </div>
  );
}
