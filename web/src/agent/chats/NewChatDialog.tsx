/**
 * New chat: choose one colleague for a direct chat (the one already there if the two have one),
 * or several and a Group name for a named group; Start chat sends `POST /api/chats` and the chat
 * opens in a mini window. A Group name with one colleague makes a group too (people can be added
 * later). What the server refuses is said in the dialog, which stays open.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { asApiError } from "../../shared/session";
import type { Conversation, User, UserRef } from "../../shared/wire";
import { MAX_TITLE_CHARS, newChatProblem, newChatRequest } from "./chats";
import { startChat } from "./actions";
import { ChosenPeople, PeoplePicker } from "./PeoplePicker";
import "../../shared/dialog.css";
import "./chats.css";

interface Props {
  me: string;
  /** Once, when the dialog has closed: the chat started (then it is open in a mini window), or null. */
  onClose: (chat: Conversation | null) => void;
  /** For tests: how colleagues are found, and how the chat is started. */
  find?: (q: string, signal: AbortSignal) => Promise<User[]>;
  start?: typeof startChat;
  delay?: number;
}

const PEOPLE_ID = "new-chat-people";
const TITLE_ID = "new-chat-group-name";

export function NewChatDialog({ me, onClose, find, start = startChat, delay }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const chosen = useSignal<readonly UserRef[]>([]);
  const title = useSignal("");
  const problem = useSignal<{ field: "people" | "title"; message: string } | null>(null);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const started = useRef<Conversation | null>(null);
  const settled = useRef(false);

  useEffect(() => {
    dialog.current?.showModal();
    document.getElementById(PEOPLE_ID)?.focus();
  }, []);

  const group = chosen.value.length > 1;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy.value) return;
    const refused = newChatProblem(chosen.value, title.value);
    problem.value = refused;
    if (refused !== null) {
      document.getElementById(refused.field === "people" ? PEOPLE_ID : TITLE_ID)?.focus();
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      started.current = await start(newChatRequest(chosen.value, title.value));
      // Closed first: while the modal is open the page is inert and the chat's field cannot take the focus.
      dialog.current?.close();
    } catch (failure) {
      error.value = asApiError(failure).message;
      busy.value = false;
    }
  }

  const peopleError = problem.value?.field === "people" ? problem.value.message : null;
  const titleError = problem.value?.field === "title" ? problem.value.message : null;
  const titleHint = group ? "Needed: a chat with several colleagues is a group." : "Optional: with a name, it is a group chat people can be added to.";

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="new-chat-title"
      onClose={() => {
        if (settled.current) return;
        settled.current = true;
        onClose(started.current);
      }}
    >
      <form method="dialog" class="dialog__form" noValidate onSubmit={(event) => void submit(event)}>
        <h2 id="new-chat-title" class="dialog__title">
          New chat
        </h2>
        <p class="dialog__lead">Choose one colleague for a direct chat, or several and a group name for a group chat.</p>
        {error.value !== null && (
          <p class="alert" role="alert">
            {error.value}
          </p>
        )}
        <div class="field">
          <label for={PEOPLE_ID}>Colleagues</label>
          <PeoplePicker
            id={PEOPLE_ID}
            chosen={chosen.value}
            exclude={new Set([me])}
            invalid={peopleError !== null}
            describedBy={peopleError !== null ? `${PEOPLE_ID}-error` : undefined}
            onChoose={(user) => {
              chosen.value = [...chosen.value, user];
              if (problem.value?.field === "people") problem.value = null;
            }}
            {...(find !== undefined && { find })}
            {...(delay !== undefined && { delay })}
          />
          {peopleError !== null && (
            <p id={`${PEOPLE_ID}-error`} class="field__error">
              {peopleError}
            </p>
          )}
        </div>
        <ChosenPeople
          people={chosen.value}
          label="Chosen colleagues"
          onRemove={(id) => {
            chosen.value = chosen.value.filter((p) => p.id !== id);
            document.getElementById(PEOPLE_ID)?.focus();
          }}
        />
        <div class="field">
          <label for={TITLE_ID}>Group name</label>
          <input
            id={TITLE_ID}
            type="text"
            maxLength={MAX_TITLE_CHARS}
            value={title.value}
            aria-invalid={titleError !== null}
            aria-required={group}
            aria-describedby={`${TITLE_ID}-hint${titleError !== null ? ` ${TITLE_ID}-error` : ""}`}
            onInput={(event) => {
              title.value = event.currentTarget.value;
              if (problem.value?.field === "title") problem.value = null;
            }}
          />
          <span id={`${TITLE_ID}-hint`} class="muted field__hint">
            {titleHint}
          </span>
          {titleError !== null && (
            <p id={`${TITLE_ID}-error`} class="field__error">
              {titleError}
            </p>
          )}
        </div>
        <div class="dialog__actions">
          <button type="button" class="button button--quiet" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="button" aria-disabled={busy.value}>
            Start chat
          </button>
        </div>
      </form>
    </dialog>
  );
}
