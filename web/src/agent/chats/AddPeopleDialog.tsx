/** Add people to a group chat: choose colleagues not in it yet, then Add (one `PUT …/members/{user}` each). */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { asApiError } from "../../shared/session";
import type { Conversation, User, UserRef } from "../../shared/wire";
import { addToChat } from "./actions";
import { chatTitle } from "./chats";
import { ChosenPeople, PeoplePicker } from "./PeoplePicker";
import "../../shared/dialog.css";
import "./chats.css";

interface Props {
  chat: Conversation;
  me: string;
  /** Once, when the dialog has closed; `added`: someone was added. */
  onClose: (added: boolean) => void;
  find?: (q: string, signal: AbortSignal) => Promise<User[]>;
  add?: typeof addToChat;
  delay?: number;
}

export function AddPeopleDialog({ chat, me, onClose, find, add = addToChat, delay }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const chosen = useSignal<readonly UserRef[]>([]);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const added = useRef(false);
  const settled = useRef(false);
  const pickerId = `add-people-${chat.id}`;
  const titleId = `add-people-title-${chat.id}`;

  useEffect(() => {
    dialog.current?.showModal();
    document.getElementById(pickerId)?.focus();
  }, []);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy.value) return;
    if (chosen.value.length === 0) {
      error.value = "Choose at least one colleague to add.";
      document.getElementById(pickerId)?.focus();
      return;
    }
    busy.value = true;
    error.value = null;
    const waiting = [...chosen.value];
    try {
      // One at a time: those added leave the list, so a refusal midway leaves only the rest to try again.
      for (const person of waiting) {
        await add(chat.id, [person.id]);
        added.current = true;
        chosen.value = chosen.value.filter((p) => p.id !== person.id);
      }
      dialog.current?.close();
    } catch (failure) {
      error.value = asApiError(failure).message;
      busy.value = false;
    }
  }

  const members = new Set([me, ...(chat.members ?? []).map((m) => m.id)]);
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={titleId}
      onClose={() => {
        if (settled.current) return;
        settled.current = true;
        onClose(added.current);
      }}
    >
      <form method="dialog" class="dialog__form" noValidate onSubmit={(event) => void submit(event)}>
        <h2 id={titleId} class="dialog__title">
          Add people to {chatTitle(chat, me)}
        </h2>
        <p class="dialog__lead">They see the whole chat, earlier messages included.</p>
        {error.value !== null && (
          <p class="alert" role="alert">
            {error.value}
          </p>
        )}
        <div class="field">
          <label for={pickerId}>Colleagues</label>
          <PeoplePicker
            id={pickerId}
            chosen={chosen.value}
            exclude={members}
            onChoose={(user) => {
              chosen.value = [...chosen.value, user];
              error.value = null;
            }}
            {...(find !== undefined && { find })}
            {...(delay !== undefined && { delay })}
          />
        </div>
        <ChosenPeople
          people={chosen.value}
          label="Colleagues to add"
          onRemove={(id) => {
            chosen.value = chosen.value.filter((p) => p.id !== id);
            document.getElementById(pickerId)?.focus();
          }}
        />
        <div class="dialog__actions">
          <button type="button" class="button button--quiet" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="button" aria-disabled={busy.value}>
            Add
          </button>
        </div>
      </form>
    </dialog>
  );
}
