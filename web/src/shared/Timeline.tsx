/**
 * One conversation's entries as a chat log: comments as bubbles (the viewer's own on the
 * right), work notes gold and labelled "Work note", system entries as centred muted lines,
 * messages still on their way marked as such, and who is typing.
 */
import { useEffect, useRef } from "preact/hooks";
import { exactTime, initials } from "./format";
import { isRetryable, type Connection, type PendingSend } from "./socket";
import { pageVisible, readMarkDue } from "./visibility";
import type { Entry, UserRef } from "./wire";

const NONE: never[] = [];

/** What a conversation view shows from the socket: its entries, the sends still on their way and
 * who is typing. While `shown` on a visible page, what arrives is marked read (and what arrived
 * while the tab was hidden is marked read when it comes back). */
export function useConversationFeed(socket: Connection | null, conversationId: string, shown: boolean) {
  const entries = socket?.entries.value.get(conversationId) ?? NONE;
  const pending = (socket?.outbox.value ?? NONE).filter((p) => p.conversation === conversationId);
  const typing = socket?.typing.value.get(conversationId) ?? NONE;
  const last = entries.at(-1)?.seq ?? 0;
  const visible = pageVisible.value;
  useEffect(() => {
    if (readMarkDue(shown, visible, last)) socket?.markRead(conversationId, last);
  }, [shown, visible, last, conversationId]);
  return { entries, pending, typing };
}

export interface TimelineProps {
  label: string;
  entries: readonly Entry[];
  pending: readonly PendingSend[];
  typing: readonly UserRef[];
  /** The viewer's user id. */
  me: string;
  online: boolean;
  onDiscard?: (clientId: string) => void;
  /** Sends a failed message again (offered for temporary failures). */
  onRetry?: (clientId: string) => void;
  /** Customers see agents' initials as avatars. */
  avatars?: boolean;
}

function time(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function Timeline({ label, entries, pending, typing, me, online, onDiscard, onRetry, avatars = false }: TimelineProps) {
  const end = useRef<HTMLDivElement>(null);
  const count = entries.length + pending.length;
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "end" });
  }, [count, typing.length]);

  return (
    <div class="timeline" role="log" aria-label={label} tabIndex={0}>
      <ol class="timeline__list">
        {entries.map((entry) => (
          <EntryItem key={entry.seq} entry={entry} mine={entry.author?.id === me} avatars={avatars} />
        ))}
        {pending.map((p) => (
          <li key={p.client_id} class={`entry entry--mine entry--pending ${p.kind === "work_note" ? "entry--work-note" : "entry--comment"}`}>
            {p.kind === "work_note" && <span class="entry__label">Work note</span>}
            <p class="entry__body">{p.body}</p>
            <span class="entry__meta">
              {p.error !== null ? (
                <span class="entry__error">
                  Not sent: {p.error}{" "}
                  {onRetry !== undefined && isRetryable(p) && (
                    <>
                      <button type="button" class="link-button" onClick={() => onRetry(p.client_id)}>
                        Retry
                      </button>{" "}
                    </>
                  )}
                  {onDiscard !== undefined && (
                    <button type="button" class="link-button" onClick={() => onDiscard(p.client_id)}>
                      Discard
                    </button>
                  )}
                </span>
              ) : online ? (
                "Sending…"
              ) : (
                "Waiting for the connection…"
              )}
            </span>
          </li>
        ))}
      </ol>
      {typing.length > 0 && (
        <p class="timeline__typing" role="status">
          {typing.map((u) => u.display_name).join(", ")} {typing.length === 1 ? "is" : "are"} typing…
        </p>
      )}
      <div ref={end} />
    </div>
  );
}

function EntryItem({ entry, mine, avatars }: { entry: Entry; mine: boolean; avatars: boolean }) {
  if (entry.kind === "system") {
    return (
      <li class={`entry entry--system${entry.event === "inactivity_warning" ? " entry--warning" : ""}`}>
        <span>{entry.body}</span>{" "}
        <time class="entry__time" dateTime={entry.at} title={exactTime(entry.at)}>
          {time(entry.at)}
        </time>
      </li>
    );
  }
  const author = entry.author?.display_name ?? "Unknown";
  const kindClass = entry.kind === "work_note" ? "entry--work-note" : "entry--comment";
  return (
    <li class={`entry ${kindClass}${mine ? " entry--mine" : ""}`}>
      {avatars && !mine && (
        <span class="entry__avatar" aria-hidden="true">
          {initials(author)}
        </span>
      )}
      <div class="entry__bubble">
        <span class="entry__head">
          {entry.kind === "work_note" && <span class="entry__label">Work note</span>}
          <span class="entry__author">{mine ? "You" : author}</span>
          <time class="entry__time" dateTime={entry.at} title={exactTime(entry.at)}>
            {time(entry.at)}
          </time>
        </span>
        <p class="entry__body">{entry.body}</p>
      </div>
    </li>
  );
}

/** The "Reconnecting…" banner shown while the socket is down. */
export function ConnectionBanner({ state }: { state: "connecting" | "online" | "reconnecting" | "ended" }) {
  if (state === "online" || state === "connecting") return null;
  if (state === "ended") {
    return (
      <div class="connection-banner connection-banner--ended" role="alert">
        Your session has ended. <a href={`/?next=${encodeURIComponent(location.pathname)}`}>Sign in again</a>
      </div>
    );
  }
  return (
    <div class="connection-banner" role="status">
      <span aria-hidden="true">⟳</span> Reconnecting… Messages you send now go out when the connection is back.
    </div>
  );
}
