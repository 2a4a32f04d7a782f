/**
 * Transfer / Invite / Create Incident / New Window / End for a support session, as the mini
 * window and the workspace show them; End asks first. "Invited: Bob Agent" above them while a
 * colleague is invited. A colleague invited into the session gets neither Transfer nor End nor
 * Invite (it is not theirs), and no Create Incident unless they are staff of its queue or a
 * manager (else the form could not be saved). A chat between colleagues gets its own actions (`ChatActions`).
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { asApiError } from "../../shared/session";
import type { Conversation } from "../../shared/wire";
import { endSession } from "../actions";
import { ChatActions } from "../chats/ChatActions";
import { invitedText, isChat, isInvitedTo, mayCreateIncident, mayInvite } from "../chats/chats";
import { queues, me as signedIn, signOutTransferDone, transferRequest } from "../state";
import { InviteDialog } from "./InviteDialog";
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
  /** A chat left (Leave chat): the mini window closes itself. */
  onLeft?: () => void;
}

export function SessionActions(props: Props) {
  if (isChat(props.conversation)) return <ChatActions conversation={props.conversation} me={props.me} onNewWindow={props.onNewWindow} onLeft={props.onLeft} />;
  return <SupportActions {...props} />;
}

function SupportActions({ conversation, me, onNewWindow, onCreateIncident }: Props) {
  const transferring = useSignal(false);
  const inviting = useSignal(false);
  const inviteButton = useRef<HTMLButtonElement>(null);
  const confirming = useSignal(false);
  const endButton = useRef<HTMLButtonElement>(null);
  const transferButton = useRef<HTMLButtonElement>(null);
  /** The open Transfer dialog was asked for by Sign out, which goes on once it ends. */
  const forSignOut = useRef(false);
  const mine = conversation.assignee?.id === me;
  const active = conversation.state === "active";
  const customer = conversation.customer?.display_name ?? "the customer";
  const user = signedIn.value;
  // Invited to help: the session is not theirs to hand on or end.
  const helping = isInvitedTo(conversation, me);
  const canInvite = user !== null && user.id === me && mayInvite(conversation, user);
  const invited = invitedText(conversation);
  // The signed-in agent's roles when it is them looking (always, in the app).
  const viewer = user !== null && user.id === me ? user : { id: me, roles: [] };
  const incidentOffered = onCreateIncident !== undefined && mayCreateIncident(conversation, viewer, queues.value.map((q) => q.id));

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
      {invited !== null && <span class="session-actions__invited">{helping && user !== null ? `${invited} (you: work notes only)` : invited}</span>}
      {!helping && (
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
      )}
      {canInvite && (
        <button ref={inviteButton} type="button" class="button button--small button--quiet" onClick={() => (inviting.value = true)}>
          Invite
        </button>
      )}
      {incidentOffered && (
        <button type="button" class="button button--small button--quiet" onClick={onCreateIncident}>
          Create Incident
        </button>
      )}
      {onNewWindow !== undefined && (
        <button type="button" class="button button--small button--quiet" onClick={onNewWindow}>
          New Window
        </button>
      )}
      {!helping && (
        <button ref={endButton} type="button" class="button button--small button--quiet" disabled={!mine || !active} onClick={() => (confirming.value = true)}>
          End
        </button>
      )}
      {inviting.value && (
        <InviteDialog
          conversation={conversation}
          me={me}
          onClose={() => {
            inviting.value = false;
            focusBack(inviteButton.current);
          }}
        />
      )}
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
