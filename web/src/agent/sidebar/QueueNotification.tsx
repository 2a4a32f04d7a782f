/**
 * A new session waiting in one of the agent's queues: who, what, how long, and Accept. When it
 * goes away (a colleague took it, the customer left, or Accept failed because of that) while
 * focus was in it, focus moves to the next waiting session's Accept, else to the queue's heading.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { clock } from "../../shared/format";
import { now } from "../../shared/now";
import { asApiError } from "../../shared/session";
import type { Conversation } from "../../shared/wire";
import { acceptSession } from "../actions";
import { acceptRequest, offerFocusRequest, openMiniWindow } from "../state";

/** The heading of the queue notifications: focus lands there when the last one goes away. */
export const QUEUE_HEADING_ID = "sidebar-queue";

/** Focus the Accept of another waiting session than `gone`, else the queue heading. */
function focusAfterOffer(gone: string): void {
  setTimeout(() => {
    const next = Array.from(document.querySelectorAll<HTMLElement>("[data-offer-accept]")).find((b) => b.dataset.offerAccept !== gone);
    (next ?? document.getElementById(QUEUE_HEADING_ID))?.focus();
  }, 0);
}

export function QueueNotification({ offer }: { offer: Conversation }) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const name = offer.customer?.display_name ?? "A customer";
  const waited = (now.value - Date.parse(offer.created_at)) / 1000;
  const titleId = `offer-${offer.id}`;
  const button = useRef<HTMLButtonElement>(null);
  const article = useRef<HTMLElement>(null);
  const accepted = useRef(false);

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

  // Removed while focus was inside: never leave it on <body>. (Accepted: the new window's field takes it.)
  useEffect(() => {
    const element = article.current;
    return () => {
      if (!accepted.current && element !== null && element.contains(document.activeElement)) focusAfterOffer(offer.id);
    };
  }, [offer.id]);

  async function accept() {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      const conversation = await acceptSession(offer.id);
      accepted.current = true;
      openMiniWindow(conversation.id, true);
    } catch (failure) {
      error.value = asApiError(failure).message;
      busy.value = false;
    }
  }

  return (
    <article ref={article} class="queue-notification" aria-labelledby={titleId}>
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
