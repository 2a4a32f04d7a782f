/**
 * Transfer: the group's members with their presence (offline ones shown but not selectable),
 * an optional note for the receiver, and Transfer. A colleague the server refused as not online
 * (`not_online`: no socket at this moment, though their presence may still read Available for a
 * reload's grace) shows Offline and cannot be chosen while the dialog is open, and the list is
 * read again. A chat that closes (or goes back to the queue) while the dialog is open can no
 * longer be transferred: Transfer is disabled and the dialog says why.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { asApiError } from "../../shared/session";
import type { Conversation, Member, PresenceStatus } from "../../shared/wire";
import { bodyProblem } from "../../shared/composer";
import { LengthNote, lengthNoteShown } from "../../shared/LengthNote";
import { membersOf, transferSession } from "../actions";
import { workNoteAudience } from "../sessions";
import { connection } from "../state";
import { useCustomerItil } from "./MessageField";
import "../../shared/dialog.css";
import "./transfer.css";

const PRESENCE: Record<PresenceStatus, { icon: string; word: string }> = {
  available: { icon: "●", word: "Available" },
  away: { icon: "◐", word: "Away" },
  offline: { icon: "○", word: "Offline" },
};

export function PresenceLabel({ status }: { status: PresenceStatus }) {
  return (
    <span class={`presence presence--${status}`}>
      <span aria-hidden="true">{PRESENCE[status].icon}</span> {PRESENCE[status].word}
    </span>
  );
}

/** Why a chat that is no longer active cannot be transferred, or null while it can. */
export function notTransferable(conversation: Conversation): string | null {
  if (conversation.state === "active") return null;
  if (conversation.state === "queued") return "This chat went back to the queue: it can no longer be transferred from here.";
  const why: Record<string, string> = {
    timed_out: " (the customer did not answer)",
    ended_by_customer: " (the customer ended it)",
    ended_by_agent: " (ended by the agent)",
    abandoned: " (the customer left)",
  };
  return `This chat has closed${why[conversation.closed_reason ?? ""] ?? ""}: there is nothing to transfer.`;
}

interface Props {
  conversation: Conversation;
  me: string;
  /** Once, when the dialog has closed; `transferred`: the session went to the colleague. */
  onClose: (transferred: boolean) => void;
}

export function TransferDialog({ conversation, me, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const members = useSignal<Member[] | null>(null);
  const chosen = useSignal<string | null>(null);
  const note = useSignal("");
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  /** Colleagues the server refused as not online while this dialog was open. */
  const notOnline = useSignal<ReadonlySet<string>>(new Set());
  const titleId = `transfer-title-${conversation.id}`;
  const itil = useCustomerItil(conversation.customer?.id);
  const customer = conversation.customer?.display_name ?? "the customer";
  const settled = useRef(false);
  const gone = notTransferable(conversation);

  function finish(transferred: boolean) {
    if (settled.current) return;
    settled.current = true;
    onClose(transferred);
  }

  function loadMembers(): void {
    if (conversation.queue === undefined) return;
    membersOf(conversation.queue).then(
      (list) => (members.value = list.filter((m) => m.id !== me && m.id !== conversation.assignee?.id)),
      (failure: unknown) => (error.value ??= asApiError(failure).message),
    );
  }

  useEffect(() => {
    dialog.current?.showModal();
    loadMembers();
  }, []);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (chosen.value === null || busy.value || gone !== null || bodyProblem(note.value.trim()) !== null) return;
    const to = chosen.value;
    busy.value = true;
    error.value = null;
    try {
      await transferSession(conversation.id, to, note.value);
      // Closed first: while the modal is open the page is inert and focus cannot go back.
      dialog.current?.close();
      finish(true);
    } catch (failure) {
      const refusal = asApiError(failure);
      error.value = refusal.message;
      busy.value = false;
      if (refusal.code === "not_online") {
        notOnline.value = new Set([...notOnline.value, to]);
        if (chosen.value === to) chosen.value = null;
        loadMembers();
      }
    }
  }

  return (
    <dialog ref={dialog} class="dialog" aria-labelledby={titleId} onClose={() => finish(false)}>
      <form method="dialog" class="dialog__form" onSubmit={(event) => void submit(event)}>
        <h2 id={titleId} class="dialog__title">
          Transfer {conversation.customer?.display_name ?? "session"}
        </h2>
        {gone !== null ? (
          <p class="alert" role="alert">
            {gone}
          </p>
        ) : (
          error.value !== null && (
            <p class="alert" role="alert">
              {error.value}
            </p>
          )
        )}
        <fieldset class="dialog__fieldset">
          <legend>Agent</legend>
          {members.value === null && error.value === null && <p class="muted">Loading the group…</p>}
          {members.value?.length === 0 && <p class="muted">No one else is in this queue's group.</p>}
          <ul class="member-list">
            {members.value?.map((listed) => {
              // Live: the presence the socket reports since the list was read (one who signs out
              // turns Offline here at once).
              const status = notOnline.value.has(listed.id) ? "offline" : (connection.value?.presence.value.get(listed.id) ?? listed.status);
              const offline = status === "offline";
              return (
                <li key={listed.id}>
                  <label class={`member${offline ? " member--offline" : ""}`}>
                    <input
                      type="radio"
                      name={`transfer-to-${conversation.id}`}
                      value={listed.id}
                      disabled={offline}
                      checked={chosen.value === listed.id}
                      onChange={() => (chosen.value = listed.id)}
                    />
                    <span class="member__name">{listed.display_name}</span>
                    <PresenceLabel status={status} />
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
        <div class="field">
          <label for={`transfer-note-${conversation.id}`}>Note for the receiver (optional, a work note: {workNoteAudience(customer, itil)})</label>
          <textarea
            id={`transfer-note-${conversation.id}`}
            class="dialog__note"
            rows={3}
            aria-describedby={lengthNoteShown(note.value) ? `transfer-note-${conversation.id}-length` : undefined}
            value={note.value}
            onInput={(e) => (note.value = e.currentTarget.value)}
          />
          <LengthNote id={`transfer-note-${conversation.id}-length`} text={note.value} />
        </div>
        <div class="dialog__actions">
          <button type="button" class="button button--quiet" onClick={() => dialog.current?.close()}>
            {gone === null ? "Cancel" : "Close"}
          </button>
          <button type="submit" class="button" disabled={chosen.value === null || busy.value || gone !== null || bodyProblem(note.value.trim()) !== null}>
            Transfer
          </button>
        </div>
      </form>
    </dialog>
  );
}
