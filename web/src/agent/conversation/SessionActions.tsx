/** Transfer / New Window / End for a support session, as the mini window and the workspace show them. */
import { useSignal } from "@preact/signals";
import { STATE_ICON, STATE_LABEL } from "../../shared/format";
import { asApiError } from "../../shared/session";
import type { Conversation } from "../../shared/wire";
import { endSession } from "../actions";
import { TransferDialog } from "./TransferDialog";

interface Props {
  conversation: Conversation;
  me: string;
  /** The mini window offers New Window; the workspace does not. */
  onNewWindow?: () => void;
}

export function SessionActions({ conversation, me, onNewWindow }: Props) {
  const transferring = useSignal(false);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const mine = conversation.assignee?.id === me;
  const active = conversation.state === "active";

  async function end() {
    busy.value = true;
    error.value = null;
    try {
      await endSession(conversation.id);
    } catch (failure) {
      error.value = asApiError(failure).message;
    } finally {
      busy.value = false;
    }
  }

  return (
    <div class="session-actions">
      <button type="button" class="button button--small" disabled={!mine || !active} onClick={() => (transferring.value = true)}>
        Transfer
      </button>
      {onNewWindow !== undefined && (
        <button type="button" class="button button--small button--quiet" onClick={onNewWindow}>
          New Window
        </button>
      )}
      <button type="button" class="button button--small button--quiet" disabled={!mine || !active || busy.value} onClick={() => void end()}>
        End
      </button>
      {error.value !== null && (
        <p class="session-actions__error" role="alert">
          {error.value}
        </p>
      )}
      {transferring.value && <TransferDialog conversation={conversation} me={me} onClose={() => (transferring.value = false)} />}
    </div>
  );
}

/** The state in words and an icon. */
export function StateBadge({ conversation }: { conversation: Conversation }) {
  return (
    <span class={`state-badge state-badge--${conversation.state}`}>
      <span aria-hidden="true">{STATE_ICON[conversation.state]}</span> {STATE_LABEL[conversation.state]}
    </span>
  );
}
