/** Transfer / Create Incident / New Window / End for a support session, as the mini window and the workspace show them. End asks first. */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { asApiError } from "../../shared/session";
import type { Conversation } from "../../shared/wire";
import { endSession } from "../actions";
import { signOutTransferDone, transferRequest } from "../state";
import { TransferDialog } from "./TransferDialog";
import "./session-actions.css";

export { StateBadge } from "../../shared/StateBadge";

interface Props {
  conversation: Conversation;
  me: string;
  /** The mini window offers New Window; the workspace does not. */
  onNewWindow?: () => void;
  /** Create Incident: opens an unsaved incident prefilled from this session (or the one already made). */
  onCreateIncident?: () => void;
}

export function SessionActions({ conversation, me, onNewWindow, onCreateIncident }: Props) {
  const transferring = useSignal(false);
  const confirming = useSignal(false);
  const endButton = useRef<HTMLButtonElement>(null);
  const transferButton = useRef<HTMLButtonElement>(null);
  /** The open Transfer dialog was asked for by Sign out, which goes on once it ends. */
  const forSignOut = useRef(false);
  const mine = conversation.assignee?.id === me;
  const active = conversation.state === "active";
  const customer = conversation.customer?.display_name ?? "the customer";

  // Sign out's Transfer asks for this chat's Transfer dialog.
  useEffect(() => {
    if (transferRequest.value !== conversation.id) return;
    transferRequest.value = null;
    if (mine && active) {
      forSignOut.current = true;
      transferring.value = true;
    }
  }, [transferRequest.value, conversation.id, mine, active]);

  return (
    <div class="session-actions">
      <button
        ref={transferButton}
        type="button"
        class="button button--small"
        disabled={!mine || !active}
        onClick={() => {
          forSignOut.current = false;
          transferring.value = true;
        }}
      >
        Transfer
      </button>
      {onCreateIncident !== undefined && (
        <button type="button" class="button button--small button--quiet" onClick={onCreateIncident}>
          Create Incident
        </button>
      )}
      {onNewWindow !== undefined && (
        <button type="button" class="button button--small button--quiet" onClick={onNewWindow}>
          New Window
        </button>
      )}
      <button ref={endButton} type="button" class="button button--small button--quiet" disabled={!mine || !active} onClick={() => (confirming.value = true)}>
        End
      </button>
      {confirming.value && (
        <ConfirmDialog
          title={`End the chat with ${customer}?`}
          confirm="End chat"
          onConfirm={async () => {
            await endSession(conversation.id);
          }}
          describeError={(failure) => asApiError(failure).message}
          onClose={() => {
            confirming.value = false;
            focusBack(endButton.current);
          }}
        >
          <p>{customer} sees that the chat has ended and can no longer write in it.</p>
        </ConfirmDialog>
      )}
      {transferring.value && (
        <TransferDialog
          conversation={conversation}
          me={me}
          onClose={(transferred) => {
            transferring.value = false;
            focusBack(transferButton.current);
            if (forSignOut.current && transferred) signOutTransferDone.value = true;
            forSignOut.current = false;
          }}
        />
      )}
    </div>
  );
}

/** Back to the button that opened a dialog; once it is disabled (ended, transferred away), to the conversation's log. */
function focusBack(button: HTMLButtonElement | null): void {
  if (button === null) return;
  if (!button.disabled) button.focus();
  else button.closest("section, main")?.querySelector<HTMLElement>('[role="log"]')?.focus();
}
