/**
 * The agent's message field: Comment or Work Note (toggle, or Alt+N / Ctrl+Shift+N), Enter
 * sends, Shift+Enter adds a line, "/" in an empty field opens the canned messages (Comment mode
 * only: they are posted to the customer). The field turns gold in work-note mode. Sends go
 * through the socket's outbox, so nothing typed while offline is lost; the draft and the mode
 * are kept per conversation (see `drafts`), through a minimised window and a reload. A chat
 * between colleagues takes comments only (no toggle, no canned messages); a colleague invited
 * into a session writes work notes only (no Comment offered).
 *
 * A file goes with Attach file or a pasted screenshot, the text as its caption. Every send
 * carries what the agent's view showed when they began writing (`seen`): when the customer (or a
 * colleague) wrote meanwhile, the server refuses it and the message stays here with "2 new
 * messages since you started typing", Send anyway and Edit (see `useStaffComposer`).
 */
import { effect, useSignal } from "@preact/signals";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { Composer } from "../../shared/Composer";
import { TypingThrottle } from "../../shared/composer";
import { useStaffComposer } from "../../shared/composer/useStaffComposer";
import type { Conversation, PostKind, User } from "../../shared/wire";
import { userProfile } from "../actions";
import { isChat, isInvitedTo } from "../chats/chats";
import { conversationTitle, nextMode, workNoteAudience } from "../sessions";
import { connection, drafts, queueName, type Draft } from "../state";
import { CannedMessagePicker } from "./CannedMessagePicker";
import "./message-field.css";

/** Whether the customer holds the ITIL role (and so reads work notes); null until known. */
export function useCustomerItil(customerId: string | undefined): boolean | null {
  const itil = useSignal<boolean | null>(null);
  useEffect(() => {
    itil.value = null;
    if (customerId === undefined) return;
    let current = true;
    userProfile(customerId).then(
      (user) => {
        if (current) itil.value = user.itil;
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [customerId]);
  return itil.value;
}

/** The draft to keep: the start only with text (the stale-view guard's, see useStaffComposer). */
function draftOf(text: string, mode: PostKind, began: number | null): Draft {
  return { text, mode, ...(began === null || text === "" ? {} : { began }) };
}

export function MessageField({ conversation, user }: { conversation: Conversation; user: User }) {
  if (isChat(conversation)) return <ChatField conversation={conversation} user={user} />;
  return <SessionField conversation={conversation} user={user} />;
}

/** A chat between colleagues: comments only, to everyone in it. */
function ChatField({ conversation, user }: { conversation: Conversation; user: User }) {
  const stored = drafts.get(conversation.id);
  const text = useSignal(stored?.text ?? "");
  const field = useRef<HTMLTextAreaElement>(null);
  const typing = useMemo(() => new TypingThrottle((active) => connection.value?.setTyping(conversation.id, active, "comment")), [conversation.id]);
  const name = conversationTitle(conversation, user.id);
  const canSend = conversation.state === "active";
  const sending = useStaffComposer({
    socket: connection.value,
    conversation: conversation.id,
    text,
    kind: () => "comment",
    canSend,
    field,
    afterSend: () => typing.set(false),
    began: stored?.began,
  });
  useEffect(() => effect(() => drafts.set(conversation.id, draftOf(text.value, "comment", sending.began.value))), [conversation.id]);
  return (
    <Composer
      id={`composer-${conversation.id}`}
      text={text.value}
      onText={(value) => {
        text.value = value;
        sending.noteText(value);
        typing.set(value !== "");
      }}
      onSend={sending.onSend}
      label={`Message to ${name}`}
      placeholder={`Message ${name}…`}
      workNote={false}
      fieldRef={field}
      onBlur={() => typing.set(false)}
      canSend={canSend}
      hint="Enter sends · Shift+Enter new line"
      attachment={sending.attachment}
      onSendAttachment={sending.onSendAttachment}
      onAttachmentChange={sending.onAttachmentChange}
      notice={sending.notice}
    />
  );
}

function SessionField({ conversation, user }: { conversation: Conversation; user: User }) {
  const assignee = conversation.assignee?.id === user.id;
  // A record's activity: any staff member comments (the caller sees it) or writes a work note.
  const record = conversation.kind === "record";
  const canComment = record ? conversation.state === "active" : assignee && conversation.state === "active";
  // Invited to help: work notes only, so Comment is not even offered.
  const helping = isInvitedTo(conversation, user.id);
  // A closed or canceled incident takes no more posts (the server answers 409): no field for them.
  const finalRecord = record && (conversation.record?.state === "closed" || conversation.record?.state === "canceled") ? conversation.record.state : null;
  const closed = conversation.state === "closed" || finalRecord !== null;
  const draft = drafts.get(conversation.id);
  const mode = useSignal<PostKind>(nextMode(draft?.mode ?? "comment", canComment));
  const text = useSignal(draft?.text ?? "");
  const pickerOpen = useSignal(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const itil = useCustomerItil(conversation.customer?.id);
  const typing = useMemo(() => new TypingThrottle((active) => connection.value?.setTyping(conversation.id, active, mode.peek())), [conversation.id]);

  // Losing the right to comment forces Work Note; gaining it never switches a Work Note to Comment.
  useEffect(() => {
    mode.value = nextMode(mode.value, canComment);
  }, [canComment]);


  function setMode(next: PostKind) {
    if (next === "comment" && !canComment) return;
    // The stop goes out under the old kind, so those who saw the start see it end.
    typing.set(false);
    mode.value = next;
    if (next === "work_note") pickerOpen.value = false;
  }

  const sending = useStaffComposer({
    socket: connection.value,
    conversation: conversation.id,
    text,
    kind: () => mode.peek(),
    restoreKind: (kind) => {
      if (kind === "work_note" || canComment) mode.value = kind;
    },
    canSend: !closed && (mode.value === "work_note" || canComment),
    field,
    afterSend: () => typing.set(false),
    began: draft?.began,
  });

  // Keep the unsent text, its mode and what the view showed when it was begun for when this
  // field is mounted again (a restored mini window, a reload): saved at every change (a signal
  // effect, not one that waits for paint).
  useEffect(() => effect(() => drafts.set(conversation.id, draftOf(text.value, mode.value, sending.began.value))), [conversation.id]);

  function onKey(event: KeyboardEvent): boolean {
    const key = event.key.toLowerCase();
    if ((event.altKey && !event.ctrlKey && !event.shiftKey && key === "n") || (event.ctrlKey && event.shiftKey && key === "n")) {
      event.preventDefault();
      setMode(mode.value === "comment" ? "work_note" : "comment");
      return true;
    }
    if (event.key === "/" && text.value === "" && canComment && !record && mode.value === "comment") {
      event.preventDefault();
      pickerOpen.value = true;
      return true;
    }
    return false;
  }

  if (closed) {
    return (
      <div class="composer composer--closed">
        <p class="muted">{finalRecord !== null ? `This incident is ${finalRecord}.` : record ? "This record is closed." : "This session is closed."}</p>
      </div>
    );
  }

  const workNote = mode.value === "work_note";
  const customer = record ? "the caller" : (conversation.customer?.display_name ?? "the customer");
  const tools = (
    <>
      <div class="composer__tools">
        <div class="mode-toggle" role="group" aria-label="Message type">
          {!helping && (
            <button
              type="button"
              class="mode-toggle__button"
              aria-pressed={!workNote}
              disabled={!canComment}
              title={canComment ? "Public comment, seen by the customer (Alt+N switches)" : "Only the assignee of an active session comments"}
              onClick={() => setMode("comment")}
            >
              Comment
            </button>
          )}
          <button
            type="button"
            class="mode-toggle__button mode-toggle__button--work-note"
            aria-pressed={workNote}
            title={helping ? `Invited to help: you write work notes only (${workNoteAudience(customer, itil)})` : `Internal work note: ${workNoteAudience(customer, itil)} (Alt+N switches)`}
            onClick={() => setMode("work_note")}
          >
            Work Note
          </button>
        </div>
        {canComment && !workNote && !record && (
          <button
            type="button"
            class="icon-button"
            aria-label={`Canned messages (posted as a comment to ${customer})`}
            title="Canned messages, posted as a comment (/ in an empty field)"
            aria-haspopup="dialog"
            aria-expanded={pickerOpen.value}
            onClick={() => (pickerOpen.value = !pickerOpen.value)}
          >
            <span aria-hidden="true">☰</span>
          </button>
        )}
      </div>
      {pickerOpen.value && !workNote && conversation.queue !== undefined && (
        <CannedMessagePicker
          conversation={conversation}
          queue={conversation.queue}
          values={{ customer: conversation.customer?.display_name ?? "", agent: user.display_name, queue: queueName(conversation.queue) }}
          onClose={() => {
            pickerOpen.value = false;
            field.current?.focus();
          }}
        />
      )}
    </>
  );
  return (
    <Composer
      id={`composer-${conversation.id}`}
      text={text.value}
      onText={(value) => {
        text.value = value;
        sending.noteText(value);
        // Sent under its kind: a work note's typing reaches only those who may see notes.
        typing.set(value !== "");
      }}
      onSend={sending.onSend}
      label={workNote ? "Message (work note)" : "Message (comment)"}
      placeholder={workNote ? `Work note (${workNoteAudience(customer, itil)})…` : `Comment to ${customer}…`}
      workNote={workNote}
      fieldRef={field}
      onKey={onKey}
      onBlur={() => typing.set(false)}
      canSend={workNote || canComment}
      tools={tools}
      hint={`${workNote ? `Work note: ${workNoteAudience(customer, itil)}` : `Comment: ${customer} sees it`} · Enter sends · Shift+Enter new line`}
      attachment={sending.attachment}
      onSendAttachment={sending.onSendAttachment}
      onAttachmentChange={sending.onAttachmentChange}
      notice={sending.notice}
    />
  );
}
