/**
 * How a staff member's composer sends (the agent's message field, in a session, a record or a
 * chat): text through the socket's outbox and files over HTTP, both carrying `seen` for the
 * stale-view guard (staleView.ts). A send the server refuses as stale comes back: a text send's
 * words return to the field from the outbox (taken out of it, so the log does not show them as a
 * failed message too), an upload keeps its file and caption; the notice offers Send anyway and
 * Edit. What the caller gets are the Composer's props for all of it.
 */
import { batch, effect, type ReadonlySignal, type Signal } from "@preact/signals";
import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useMemo } from "preact/hooks";
import { STALE_VIEW_CODE, type Connection, type PendingSend } from "../socket";
import type { PostKind } from "../wire";
import { attachmentDraft, type AttachmentDraft } from "./attachment";
import { StaleNoticeBar } from "./StaleNoticeBar";
import { newestShown, staleGuard, staleText } from "./staleView";

export interface StaffComposerOptions {
  socket: Connection | null;
  conversation: string;
  /** The text in the field (the caller keeps it as a draft). */
  text: Signal<string>;
  /** The kind a send goes as now: the mode the field shows at the moment of sending, read at every send (also Send anyway). */
  kind: () => PostKind;
  /** A refused send comes back as the kind it was written as (when the writer may still write it). */
  restoreKind?: (kind: PostKind) => void;
  /** Whether sending is allowed now. */
  canSend: boolean;
  field: RefObject<HTMLTextAreaElement | null>;
  /** After a send went out (e.g. stop the typing indicator). */
  afterSend?: () => void;
  /** What the stored draft says its view showed when its text was begun (`began`, kept through a reload). */
  began?: number | null | undefined;
}

export interface StaffComposerProps {
  attachment: AttachmentDraft;
  notice: ComponentChildren;
  /** Call from the field's onText: the first words of a message note what the view showed. */
  noteText: (text: string) => void;
  onSend: (body: string) => void;
  onSendAttachment: (caption: string) => void;
  onAttachmentChange: (attached: boolean) => void;
  /** The newest seq shown when the message in the field was begun, null while none is: keep it with the draft. */
  began: ReadonlySignal<number | null>;
}

/** Puts a refused send's words back in front of what was typed since (nothing is lost). */
export function withRefused(refused: string, typed: string): string {
  if (typed.trim() === "" || typed.trim() === refused.trim()) return refused;
  return `${refused}\n\n${typed}`;
}

export function useStaffComposer(options: StaffComposerOptions): StaffComposerProps {
  const { socket, conversation, text, kind, restoreKind, canSend, field, afterSend } = options;
  const guard = staleGuard(conversation);
  const draft = attachmentDraft(conversation);
  const newest = () => newestShown(socket?.entries.peek().get(conversation));

  // A draft restored after a reload still counts from what its view showed when it was begun.
  useMemo(() => {
    if (options.began != null && text.peek().trim() !== "") guard.resume(options.began);
  }, [conversation]);

  // Words in the field that no keystroke began (a draft restored without its start, a refused
  // send's words put back, text left after a file went out) count from the view as it is shown
  // now: once the socket has caught up and the conversation's entries are there, never from the
  // first entry of a catch-up (nor, as without a start, from the newest at the moment of sending).
  useEffect(
    () =>
      effect(() => {
        if (socket === null || guard.began.value !== null) return;
        if (text.value.trim() === "" && draft.file.value === null) return;
        if (socket.link.value !== "online") return;
        const shown = socket.entries.value.get(conversation);
        if (shown !== undefined) guard.writing(true, newestShown(shown));
      }),
    [socket, conversation],
  );

  // Text sends refused as stale come back into the field (the outbox keeps them until then).
  const refused: readonly PendingSend[] = (socket?.outbox.value ?? []).filter((p) => p.conversation === conversation && p.code === STALE_VIEW_CODE);
  const refusedKey = refused.map((p) => p.client_id).join(" ");
  useEffect(() => {
    if (socket === null) return;
    for (const pending of refused) {
      const taken = socket.takeBack(pending.client_id);
      if (taken === null) continue;
      text.value = withRefused(taken.body, text.peek());
      restoreKind?.(taken.kind);
      const newer = taken.newer ?? 0;
      guard.refused({ newer, message: taken.error ?? staleText(newer), clientId: taken.client_id });
    }
  }, [refusedKey, socket]);

  function sendText(body: string) {
    const notice = guard.notice.peek();
    const seen = guard.seenForSend(newest());
    // Send anyway repeats the refused send's client id (nothing was stored under it), but always
    // as the mode the field shows now: the writer may have switched Comment / Work Note since.
    socket?.send(conversation, kind(), body, { seen, ...(notice?.clientId != null ? { clientId: notice.clientId } : {}) });
    // At once: the field is empty, and no message was begun.
    batch(() => {
      guard.sent();
      text.value = "";
    });
    afterSend?.();
  }

  async function sendFile(caption: string) {
    const seen = guard.seenForSend(newest());
    // As the field shows it now, also after a notice (see sendText).
    const sendKind = kind();
    const outcome = await draft.send({ conversation, kind: sendKind, body: caption, seen });
    if (outcome.kind === "sent") {
      batch(() => {
        guard.sent();
        // Typed on while it uploaded: that stays (a new message, counted from now).
        if (text.peek().trim() === caption) text.value = "";
      });
      afterSend?.();
    } else if (outcome.kind === "stale") {
      guard.refused({ newer: outcome.newer, message: outcome.message || staleText(outcome.newer), clientId: null });
    }
  }

  function send(body: string) {
    if (!canSend) return;
    sendText(body);
  }

  const notice = guard.notice.value;
  const body = text.value.trim();
  const hasFile = draft.file.value !== null;
  return {
    attachment: draft,
    notice:
      notice === null ? null : (
        <StaleNoticeBar
          notice={notice}
          canSend={canSend && (hasFile ? draft.progress.value === null : body !== "")}
          onSendAnyway={() => {
            const now = text.peek().trim();
            if (draft.file.peek() !== null) void sendFile(now);
            else if (now !== "") send(now);
            field.current?.focus();
          }}
          onEdit={() => {
            guard.edit(newest());
            field.current?.focus();
          }}
        />
      ),
    noteText: (value) => guard.writing(value.trim() !== "" || draft.file.peek() !== null, newest()),
    onSend: send,
    onSendAttachment: (caption) => {
      if (canSend) void sendFile(caption);
    },
    onAttachmentChange: (attached) => guard.writing(attached || text.peek().trim() !== "", newest()),
    began: guard.began,
  };
}
