/**
 * Said in the composer when the server refused a send as stale ("2 new messages since you
 * started typing"): the message is still in the field; Send anyway sends it as it stands, Edit
 * puts the notice away and the focus back in the field.
 */
import type { StaleNotice } from "./staleView";

export function StaleNoticeBar({ notice, onSendAnyway, onEdit, canSend }: { notice: StaleNotice; onSendAnyway: () => void; onEdit: () => void; canSend: boolean }) {
  return (
    <div class="stale-notice">
      <p class="stale-notice__text" role="alert">
        <span aria-hidden="true">⚠ </span>
        {notice.message}
        <span class="visually-hidden">. Your message was not sent.</span>
      </p>
      <span class="stale-notice__actions">
        <button type="button" class="button button--small" onClick={onSendAnyway} disabled={!canSend}>
          Send anyway
        </button>
        <button type="button" class="button button--quiet button--small" onClick={onEdit}>
          Edit
        </button>
      </span>
    </div>
  );
}
