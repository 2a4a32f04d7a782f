/**
 * Invite: a colleague (staff) joins a support session to help. They see the conversation and
 * write work notes only; the customer is not told (the note of the invitation is a work note).
 * Choose one colleague, then Invite (`POST /api/conversations/{id}/invite`). A session that
 * closes or goes back to the queue while the dialog is open can no longer take anyone: Invite
 * is refused in words.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { asApiError } from "../../shared/session";
import type { Conversation, User, UserRef } from "../../shared/wire";
import { inviteColleague } from "../chats/actions";
import { ChosenPeople, PeoplePicker } from "../chats/PeoplePicker";
import "../../shared/dialog.css";
import "../chats/chats.css";

interface Props {
  conversation: Conversation;
  me: string;
  /** Once, when the dialog has closed; `invited`: the colleague was invited. */
  onClose: (invited: boolean) => void;
  find?: (q: string, signal: AbortSignal) => Promise<User[]>;
  invite?: typeof inviteColleague;
  delay?: number;
}

/** Why nobody can be invited into `conversation` now, or null while they can. */
export function notInvitable(conversation: Conversation): string | null {
  if (conversation.state === "active") return null;
  if (conversation.state === "queued") return "This chat went back to the queue: nobody can be invited into it now.";
  return "This chat has closed: there is nobody to help any more.";
}

export function InviteDialog({ conversation, me, onClose, find, invite = inviteColleague, delay }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const chosen = useSignal<UserRef | null>(null);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const done = useRef(false);
  const settled = useRef(false);
  const pickerId = `invite-${conversation.id}`;
  const titleId = `invite-title-${conversation.id}`;
  const customer = conversation.customer?.display_name ?? "the customer";
  const gone = notInvitable(conversation);

  useEffect(() => {
    dialog.current?.showModal();
    document.getElementById(pickerId)?.focus();
  }, []);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy.value || gone !== null) return;
    const colleague = chosen.value;
    if (colleague === null) {
      error.value = "Choose the colleague to invite.";
      document.getElementById(pickerId)?.focus();
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      await invite(conversation.id, colleague.id);
      done.current = true;
      dialog.current?.close();
    } catch (failure) {
      error.value = asApiError(failure).message;
      busy.value = false;
    }
  }

  // Not offered: me, the assignee, whoever is invited already, the customer.
  const exclude = new Set([me, ...[conversation.assignee, conversation.customer, ...(conversation.invited ?? [])].flatMap((u) => (u === undefined ? [] : [u.id]))]);
  const problem = gone ?? error.value;
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={titleId}
      onClose={() => {
        if (settled.current) return;
        settled.current = true;
        onClose(done.current);
      }}
    >
      <form method="dialog" class="dialog__form" noValidate onSubmit={(event) => void submit(event)}>
        <h2 id={titleId} class="dialog__title">
          Invite a colleague to {customer}'s session
        </h2>
        <p class="dialog__lead">
          They see the conversation and write work notes only. {customer} is not told.
        </p>
        {problem !== null && (
          <p class="alert" role="alert">
            {problem}
          </p>
        )}
        <div class="field">
          <label for={pickerId}>Colleague</label>
          <PeoplePicker
            id={pickerId}
            chosen={chosen.value === null ? [] : [chosen.value]}
            exclude={exclude}
            // One colleague is invited at a time: once chosen, "Type 2 or more letters…" no longer applies.
            hint={chosen.value === null}
            onChoose={(user) => {
              chosen.value = user;
              error.value = null;
            }}
            {...(find !== undefined && { find })}
            {...(delay !== undefined && { delay })}
          />
        </div>
        <ChosenPeople
          people={chosen.value === null ? [] : [chosen.value]}
          label="Colleague to invite"
          onRemove={() => {
            chosen.value = null;
            document.getElementById(pickerId)?.focus();
          }}
        />
        <div class="dialog__actions">
          <button type="button" class="button button--quiet" onClick={() => dialog.current?.close()}>
            {gone === null ? "Cancel" : "Close"}
          </button>
          <button type="submit" class="button" aria-disabled={busy.value || gone !== null}>
            Invite
          </button>
        </div>
      </form>
    </dialog>
  );
}
