/**
 * The agent's Sign out. Without open chats it signs out at once; with some it asks first
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
import { connection, openMiniWindow, signOutTransferDone, transferRequest } from "../state";
import { chatToTransfer, openChats } from "./signout";
import { SignOutDialog } from "./SignOutDialog";

/** `workspace`: the conversation the workspace shows, null on the home view. */
export function AgentSignOut({ user, workspace }: { user: User; workspace: string | null }) {
  const { busy, error, run } = useSignOut();
  /** The open chats when the question was asked; null while it is not. */
  const asking = useSignal<Conversation[] | null>(null);
  const button = useRef<HTMLButtonElement>(null);

  function ask() {
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
