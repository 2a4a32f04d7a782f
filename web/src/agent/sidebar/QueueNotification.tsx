/** New sessions waiting in the agent's queues: who, what, how long, and Accept. */
import { useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { clock } from "../../shared/format";
import { useClockText } from "../../shared/now";
import { asApiError } from "../../shared/session";
import type { Conversation } from "../../shared/wire";
import { acceptSession } from "../actions";
import { urgentLabel, urgentOffers, waitKey } from "../routing-alerts";
import "../routing-alerts.css";
import { acceptRequest, offerFocusRequest, openMiniWindow } from "../state";

/** The heading of the queue notifications: focus lands there when the last one goes away. */
export const QUEUE_HEADING_ID = "sidebar-queue";

/**
 * The waiting sessions, oldest first. When the one holding the focus goes away (a colleague took
 * it, the customer left, or Accept failed because of that), focus moves to the next waiting
 * session's Accept, else to the queue's heading: never to <body>.
 */
export function OfferList({ offers }: { offers: readonly Conversation[] }) {
  const focusedOffer = useRef<string | null>(null);
  const ids = offers.map((o) => o.id).join(",");

  useLayoutEffect(() => {
    const gone = focusedOffer.current;
    if (gone === null || offers.some((o) => o.id === gone)) return;
    focusedOffer.current = null;
    const active = document.activeElement;
    if (active !== null && active !== document.body) return;
    const next = document.querySelector<HTMLElement>("[data-offer-accept]");
    (next ?? document.getElementById(QUEUE_HEADING_ID))?.focus();
  }, [ids]);

  if (offers.length === 0) return <p class="muted sidebar-group__empty">No one is waiting.</p>;
  return (
    <div
      class="sidebar-group__list"
      onFocusIn={(event) => {
        const holder = (event.target as Element).closest("[data-offer]");
        focusedOffer.current = holder?.getAttribute("data-offer") ?? null;
      }}
      onFocusOut={(event) => {
        // Removing the focused element may report no new target: keep the note for the check above.
        const next = event.relatedTarget;
        if (next instanceof Node && !event.currentTarget.contains(next)) focusedOffer.current = null;
      }}
    >
      {offers.map((offer) => (
        <QueueNotification key={offer.id} offer={offer} />
      ))}
    </div>
  );
}

export function QueueNotification({ offer }: { offer: Conversation }) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const name = offer.customer?.display_name ?? "A customer";
  // A session back from an agent counts from its return (it waits at the front from then).
  const since = Date.parse(offer.returned_at ?? offer.created_at);
  const waited = useClockText((at) => clock((at - since) / 1000));
  const titleId = `offer-${offer.id}`;
  const back = offer.returned_from !== undefined;
  // Nobody accepted it within the queue's alert time: marked with how long it has waited, and it rang louder.
  const urgent = urgentOffers.value.get(waitKey(offer));
  const urgentMark = useClockText((at) => (urgent === undefined ? "" : urgentLabel(urgent, offer, at)));
  const button = useRef<HTMLButtonElement>(null);

  // A click on this session's desktop notification lands here.
  useEffect(() => {
    if (offerFocusRequest.value === offer.id && button.current !== null) {
      button.current.focus();
      button.current.scrollIntoView?.({ block: "nearest" });
      offerFocusRequest.value = null;
    }
  }, [offerFocusRequest.value, offer.id]);

  // The "Accept the oldest" shortcut.
  useEffect(() => {
    if (acceptRequest.value !== offer.id) return;
    acceptRequest.value = null;
    button.current?.focus();
    void accept();
  }, [acceptRequest.value, offer.id]);

  async function accept() {
    if (busy.value) return;
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
    <article class={`queue-notification${back ? " queue-notification--returned" : ""}${urgent !== undefined ? " queue-notification--urgent" : ""}`} aria-labelledby={titleId} data-offer={offer.id}>
      {urgent !== undefined && (
        <p class="queue-notification__urgent">
          <span aria-hidden="true">⚠ </span>
          {urgentMark}
        </p>
      )}
      {offer.returned_from !== undefined && (
        <p class="queue-notification__returned">
          <span aria-hidden="true">↩ </span>
          <strong>Returned</strong> · was with {offer.returned_from.display_name}
        </p>
      )}
      <div class="queue-notification__head">
        <h3 id={titleId} class="queue-notification__name">
          {name}
        </h3>
        <span class="queue-notification__wait">
          <span aria-hidden="true">◔</span> {back ? "back" : "waiting"} <span class="tabular">{waited}</span>
        </span>
      </div>
      {offer.first_message !== undefined && offer.first_message !== "" && <p class="queue-notification__message">“{offer.first_message}”</p>}
      {error.value !== null && (
        <p class="queue-notification__error" role="alert">
          {error.value}
        </p>
      )}
      {/* Not disabled while busy: a disabled button drops the focus to <body>. */}
      <button
        ref={button}
        type="button"
        class="button button--small"
        data-offer-accept={offer.id}
        aria-disabled={busy.value}
        aria-label={`Accept ${name}`}
        onClick={() => void accept()}
      >
        {busy.value ? "Accepting…" : "Accept"}
      </button>
    </article>
  );
}
