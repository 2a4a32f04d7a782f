/**
 * Tells screen readers, politely and once per session, that a new session waits: the list of
 * notifications itself is not a live region (its timers tick every second).
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Conversation } from "../../shared/wire";
import { returnKey } from "../../shared/reducer";
import { returnedText } from "../sessions";

/** Offers already announced, for the page's life (a collapse of the sidebar must not repeat them). */
const announced = new Set<string>();

/** What to announce for the offers not announced yet (and marks them announced), or null. */
export function announcementFor(offers: readonly Conversation[], seen: Set<string> = announced): string | null {
  // A session back from an agent was announced when it was new: its return is news again.
  const key = (o: Conversation) => returnKey(o) ?? o.id;
  const fresh = offers.filter((o) => !seen.has(key(o)));
  for (const o of fresh) seen.add(key(o));
  if (fresh.length === 0) return null;
  if (fresh.length > 1) {
    const back = fresh.filter((o) => o.returned_from !== undefined).length;
    return back === 0 ? `${fresh.length} new chats are waiting.` : `${fresh.length} chats are waiting, ${back} of them back in the queue.`;
  }
  const [offer] = fresh;
  const back = offer === undefined ? null : returnedText(offer);
  if (back !== null) return `${back}.`;
  const who = offer?.customer?.display_name ?? "A customer";
  const what = offer?.first_message;
  return what === undefined || what === "" ? `New chat waiting: ${who}.` : `New chat waiting: ${who}: ${what}`;
}

export function OfferAnnouncer({ offers }: { offers: readonly Conversation[] }) {
  const text = useSignal("");
  const ids = offers.map((o) => returnKey(o) ?? o.id).join(",");
  useEffect(() => {
    const next = announcementFor(offers);
    if (next !== null) text.value = next;
  }, [ids]);
  return (
    <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {text.value}
    </div>
  );
}
