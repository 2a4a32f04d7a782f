/** A new session waiting in one of the agent's queues: who, what, how long, and Accept. */
import { useSignal } from "@preact/signals";
import { clock } from "../../shared/format";
import { now } from "../../shared/now";
import { asApiError } from "../../shared/session";
import type { Conversation } from "../../shared/wire";
import { acceptSession } from "../actions";
import { openMiniWindow } from "../state";

export function QueueNotification({ offer }: { offer: Conversation }) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const name = offer.customer?.display_name ?? "A customer";
  const waited = (now.value - Date.parse(offer.created_at)) / 1000;
  const titleId = `offer-${offer.id}`;

  async function accept() {
    busy.value = true;
    error.value = null;
    try {
      const conversation = await acceptSession(offer.id);
      openMiniWindow(conversation.id, true);
    } catch (failure) {
      error.value = asApiError(failure).message;
      busy.value = false;
    }
  }

  return (
    <article class="queue-notification" aria-labelledby={titleId}>
      <div class="queue-notification__head">
        <h3 id={titleId} class="queue-notification__name">
          {name}
        </h3>
        <span class="queue-notification__wait">
          <span aria-hidden="true">◔</span> waiting <span class="tabular">{clock(waited)}</span>
        </span>
      </div>
      {offer.first_message !== undefined && offer.first_message !== "" && <p class="queue-notification__message">“{offer.first_message}”</p>}
      {error.value !== null && (
        <p class="queue-notification__error" role="alert">
          {error.value}
        </p>
      )}
      <button type="button" class="button button--small" disabled={busy.value} aria-describedby={titleId} onClick={() => void accept()}>
        Accept
      </button>
    </article>
  );
}
