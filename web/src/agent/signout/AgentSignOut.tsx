/**
 * The agent's Sign out. An incident form that would lose work (a new incident not saved, or
 * changes) is asked about first: Discard (then on), or Keep editing (nothing ends). Without open chats it then signs out at once; with some it asks first
 * (SignOutDialog): hand them back to the queue (`DELETE /api/session?hand_back=true`), or
 * Transfer, which opens the Transfer dialog of an open chat (in its mini window, or in the
 * workspace when that is shown), or Cancel. Once that Transfer has gone through, the question
 * comes back for the chats still open, or, with none left, Sign out goes on at once (a cancelled
 * Transfer ends the sign-out).
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { navigate } from "../../shared/nav";
import { SignOutError, useSignOut } from "../../shared/SignOutButton";
import type { Conversation, User } from "../../shared/wire";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { discardUnsavedWork, unsavedIncident } from "../records/pane";
import { connection, openMiniWindow, signOutTransferDone, transferRequest } from "../state";
import { chatToTransfer, openChats } from "./signout";
import { SignOutDialog } from "./SignOutDialog";

/** `workspace`: the conversation the workspace shows, null on the home view. */
export function AgentSignOut({ user, workspace }: { user: User; workspace: string | null }) {
  const { busy, error, run } = useSignOut();
  /** The open chats when the question was asked; null while it is not. */
  const asking = useSignal<Conversation[] | null>(null);
  /** Asking first about an incident form that would lose work (a new incident, or changes). */
  const unsaved = useSignal<"new" | "changed" | null>(null);
  /** How that question ended: Discard goes on with the sign-out (the dialog's close may come twice). */
  const discarded = useRef(false);
  const button = useRef<HTMLButtonElement>(null);

  /** Sign out: first the incident not saved (Discard / Keep editing), then the open chats. */
  function ask() {
    const work = unsavedIncident();
    if (work !== null) {
      error.value = null;
      discarded.current = false;
      unsaved.value = work;
      return;
    }
    askAboutChats();
  }

  function unsavedClosed() {
    if (unsaved.peek() === null) return;
    unsaved.value = null;
    if (discarded.current) {
      askAboutChats();
      return;
    }
    // Keep editing: back to the form.
    const field = document.querySelector<HTMLElement>(".incident-form [id$='-short_description']");
    (field ?? button.current)?.focus();
  }

  function askAboutChats() {
    const open = openChats([...(connection.value?.conversations.value.values() ?? [])], user.id);
    if (open.length === 0) {
      void run();
      return;
    }
    error.value = null;
    asking.value = open;
  }

  // The Transfer chosen here went through: ask again about what is left, or sign out when nothing is.
  useEffect(() => {
    if (!signOutTransferDone.value) return;
    signOutTransferDone.value = false;
    ask();
  }, [signOutTransferDone.value]);

  function transfer(open: readonly Conversation[]) {
    asking.value = null;
    const chat = chatToTransfer(open, workspace);
    if (chat === null) return;
    if (workspace !== null) {
      if (chat.id !== workspace) navigate(`/agent/workspace/${encodeURIComponent(chat.id)}`);
    } else {
      openMiniWindow(chat.id, false);
    }
    transferRequest.value = chat.id;
  }

  const open = asking.value;
  return (
    <span class="sign-out">
      <button ref={button} type="button" class="button button--quiet" disabled={busy.value && open === null} onClick={ask}>
        Sign out
      </button>
      {open === null && <SignOutError error={error.value} />}
      {unsaved.value !== null && (
        <ConfirmDialog
          title={unsaved.value === "new" ? "Discard the new incident and sign out?" : "Discard your changes to the incident and sign out?"}
          confirm="Discard"
          cancel="Keep editing"
          onConfirm={async () => {
            discarded.current = true;
            discardUnsavedWork();
          }}
          onClose={unsavedClosed}
        >
          <p>{unsaved.value === "new" ? "It has not been saved: nothing of it is stored." : "What you changed has not been saved."}</p>
        </ConfirmDialog>
      )}
      {open !== null && (
        <SignOutDialog
          chats={open}
          busy={busy.value}
          error={error.value}
          onHandBack={() => void run({ handBack: true })}
          onTransfer={() => transfer(open)}
          onClose={() => {
            asking.value = null;
            button.current?.focus();
          }}
        />
      )}
    </span>
  );
}
