/** A new session waiting in one of the agent's queues: who, what, how long, and Accept. */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { clock } from "../../shared/format";
import { now } from "../../shared/now";
import { asApiError } from "../../shared/session";
import type { Conversation } from "../../shared/wire";
import { acceptSession } from "../actions";
import { offerFocusRequest, openMiniWindow } from "../state";

export function QueueNotification({ offer }: { offer: Conversation }) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const name = offer.customer?.display_name ?? "A customer";
  const waited = (now.value - Date.parse(offer.created_at)) / 1000;
  const titleId = `offer-${offer.id}`;
  const button = useRef<HTMLButtonElement>(null);

  // A click on this session's desktop notification lands here.
  useEffect(() => {
    if (offerFocusRequest.value === offer.id && button.current !== null) {
      button.current.focus();
      button.current.scrollIntoView?.({ block: "nearest" });
      offerFocusRequest.value = null;
    }
  }, [offerFocusRequest.value, offer.id]);

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
      <button
        ref={button}
        type="button"
        class="button button--small"
        disabled={busy.value}
        aria-label={`Accept ${name}`}
        onClick={() => void accept()}
      >
        Accept
      </button>
    </article>
  );
}
