/**
 * One conversation's entries as a chat log: comments as bubbles (the viewer's own on the
 * right), work notes gold and labelled "Work note", system entries as centred muted lines,
 * messages still on their way marked as such, and who is typing. Days are separated; links
 * in messages are clickable (http and https only). The log follows new entries only while it
 * is scrolled to the bottom; otherwise a "New messages" separator marks where the new ones
 * start and a "Jump to latest (N new)" button brings the reader down. "Load earlier messages"
 * at the top prepends older entries without moving what the reader is looking at. A file posted
 * as an entry shows as an image preview or a file card above its caption; an entry taken back by
 * its author shows "Message withdrawn" in place of its body and file, and the marker that says so
 * is never shown as a message. Where the view allows unsend (`unsend`: staff), the viewer's own
 * comments and work notes offer Withdraw while the window lasts.
 */
import { useComputed, useSignal } from "@preact/signals";
import { Fragment } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { AttachmentView } from "./AttachmentView";
import { ConfirmDialog } from "./ConfirmDialog";
import { dayKey, dayLabel, exactTime, initials } from "./format";
import { LinkedText } from "./links";
import { now as clock } from "./now";
import { asWithdrawn, isWithdrawalMarker } from "./reducer";
import { isRetryable, type Connection, type HistoryState, type PendingSend } from "./socket";
import { pageVisible, readMarkDue } from "./visibility";
import { ApiError } from "./api";
import { isWithdrawable, withdrawDeadline, withdrawFailure } from "./withdraw";
import type { Entry, UserRef } from "./wire";
import "./conversation.css";

const NONE: never[] = [];
/** Within this many pixels of the end, the log counts as scrolled to the bottom. */
export const BOTTOM_SLACK_PX = 24;

/** What a conversation view shows from the socket: its entries, the sends still on their way and
 * who is typing. While `readable` (the viewer is looking at the newest entries) on a visible page,
 * what arrives is marked read (and what arrived while the tab was hidden is marked read when it
 * comes back). */
export function useConversationFeed(socket: Connection | null, conversationId: string, readable: boolean) {
  const entries = socket?.entries.value.get(conversationId) ?? NONE;
  const pending = (socket?.outbox.value ?? NONE).filter((p) => p.conversation === conversationId);
  const typing = socket?.typing.value.get(conversationId) ?? NONE;
  const history = socket?.history.value.get(conversationId);
  const last = entries.at(-1)?.seq ?? 0;
  const visible = pageVisible.value;
  useEffect(() => {
    if (readMarkDue(readable, visible, last)) socket?.markRead(conversationId, last);
  }, [readable, visible, last, conversationId]);
  return { entries, pending, typing, history };
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
  /** Sends a failed message again (offered for temporary failures, and where `mayRetry` says). */
  onRetry?: (clientId: string) => void;
  /** Whether a refused send may be retried (default: temporary failures only). */
  mayRetry?: (pending: PendingSend) => boolean;
  /** Customers see agents' initials as avatars. */
  avatars?: boolean;
  /** How many of the newest entries were unread when the log was opened: the separator goes above them. */
  unreadAtOpen?: number;
  /** Whether the viewer is attending to this log (focused): new entries while not get the separator. */
  attending?: boolean;
  /** Whether older entries can be loaded (absent: no control). */
  history?: HistoryState | undefined;
  onLoadEarlier?: () => void;
  /** Told whenever the log reaches or leaves its bottom. */
  onAtBottomChange?: (atBottom: boolean) => void;
  /** The time the day separators are relative to ("Today"); the current time when absent. */
  now?: number;
  /** Staff views: the viewer's own comments and work notes may be withdrawn (absent: never offered, as for customers). */
  unsend?: Unsend | undefined;
}

/** How a view lets the viewer take back their own messages. */
export interface Unsend {
  /** The window after sending, in seconds (0: never). Whether it is still open follows the clock of `now.ts`, shifted by `serverOffset`. */
  seconds: number;
  /** How far the server's clock is ahead of this browser's, in ms (`Connection.serverOffset`): the window is counted on the server's. */
  serverOffset?: number;
  /** Withdraws the entry; a thrown error's message is shown near it. */
  onWithdraw: (entry: Entry) => Promise<void>;
}

/** A run of entries of one day, after a day separator (`day`: an entry's time) and/or the "New messages" one. */
interface EntryRun {
  key: string;
  day: string | null;
  unread: boolean;
  entries: Entry[];
}

/** Splits the entries where the day changes and where the unread ones begin (`separator`: its seq). */
export function groupEntries(entries: readonly Entry[], separator: number | null): EntryRun[] {
  const runs: EntryRun[] = [];
  let previousDay = "";
  for (const entry of entries) {
    const day = dayKey(entry.at);
    const newDay = day !== previousDay && day !== "";
    const unread = entry.seq === separator;
    previousDay = day === "" ? previousDay : day;
    const current = runs.at(-1);
    if (current === undefined || newDay || unread) runs.push({ key: `run-${entry.seq}`, day: newDay ? entry.at : null, unread, entries: [entry] });
    else current.entries.push(entry);
  }
  return runs;
}

function time(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** Whether a scroll container shows its last pixels. */
export function isAtBottom(element: { scrollHeight: number; scrollTop: number; clientHeight: number }): boolean {
  return element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
}

/** Whether `entry` is news to `me`: a message by someone else, not withdrawn (as the server counts unread). */
function newsTo(entry: Entry, me: string): boolean {
  return entry.kind !== "system" && entry.author?.id !== me && entry.withdrawn === undefined && !isWithdrawalMarker(entry);
}

/**
 * The seq of the first of the newest `unread` entries written by others, or null; also null
 * when nothing was read before it (a separator above everything separates nothing). A withdrawn
 * message is not among them: the server does not count it.
 */
export function firstUnreadSeq(entries: readonly Entry[], me: string, unread: number): number | null {
  if (unread <= 0) return null;
  const others = entries.filter((e) => newsTo(e, me));
  const first = others.at(-Math.min(unread, others.length));
  if (first === undefined || first.seq === entries.find((e) => e.kind !== "system")?.seq) return null;
  return first.seq;
}

/**
 * The entries a log shows: markers (`withdraws`) are no messages, and the entry a marker names
 * shows withdrawn even where whoever holds the list did not mark it (the connection's feed does;
 * a list read over HTTP and merged with live entries may not).
 */
export function shownEntries(entries: readonly Entry[]): readonly Entry[] {
  const markers = new Map<number, Entry>();
  for (const e of entries) if (isWithdrawalMarker(e) && e.withdraws !== undefined) markers.set(e.withdraws, e);
  if (markers.size === 0 && !entries.some(isWithdrawalMarker)) return entries;
  return entries
    .filter((e) => !isWithdrawalMarker(e))
    .map((e) => {
      const marker = markers.get(e.seq);
      const by = marker?.author ?? e.author;
      return marker === undefined || e.withdrawn !== undefined || e.kind === "system" || by === undefined ? e : asWithdrawn(e, by, marker.at);
    });
}

function scrollToEnd(element: HTMLElement | null): void {
  if (element !== null) element.scrollTop = element.scrollHeight;
}

export function Timeline(props: TimelineProps) {
  const entries = useMemo(() => shownEntries(props.entries), [props.entries]);
  const { label, pending, typing, me, online, onDiscard, onRetry, mayRetry = isRetryable, avatars = false, attending = true, history, onLoadEarlier, onAtBottomChange, unsend } = props;
  const log = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const showJump = useSignal(false);
  /** The messages by others that arrived while the reader was up in the history (the jump's count: those not withdrawn since). */
  const arrivedAway = useSignal<ReadonlySet<number>>(new Set());
  const fresh = entries.filter((e) => arrivedAway.value.has(e.seq) && newsTo(e, me)).length;
  const separator = useSignal<number | null>(firstUnreadSeq(entries, me, props.unreadAtOpen ?? 0));
  const lastSeq = useRef(entries.at(-1)?.seq ?? 0);
  const firstSeq = useRef(entries[0]?.seq ?? 0);
  const pendingCount = useRef(pending.length);
  /** The scroll height and position before older entries were asked for. */
  const beforeEarlier = useRef<{ height: number; top: number } | null>(null);

  function setAtBottom(value: boolean) {
    if (value) arrivedAway.value = new Set();
    showJump.value = !value && arrivedAway.value.size > 0;
    if (atBottom.current === value) return;
    atBottom.current = value;
    onAtBottomChange?.(value);
  }

  // Opened at the newest entries.
  useLayoutEffect(() => {
    scrollToEnd(log.current);
    onAtBottomChange?.(true);
  }, []);

  const newestSeq = entries.at(-1)?.seq ?? 0;
  const oldestSeq = entries[0]?.seq ?? 0;
  useLayoutEffect(() => {
    const element = log.current;
    // Older entries were prepended: keep what the reader sees where it was.
    if (oldestSeq !== firstSeq.current) {
      const before = beforeEarlier.current;
      if (element !== null && before !== null && oldestSeq < firstSeq.current) {
        element.scrollTop = before.top + (element.scrollHeight - before.height);
        beforeEarlier.current = null;
      }
      firstSeq.current = oldestSeq;
    }
    const arrived = entries.filter((e) => e.seq > lastSeq.current);
    lastSeq.current = Math.max(lastSeq.current, newestSeq);
    const sentByMe = pending.length > pendingCount.current || arrived.some((e) => e.author?.id === me);
    pendingCount.current = pending.length;
    const fromOthers = arrived.filter((e) => newsTo(e, me));
    if (sentByMe) {
      // Writing means reading: the separator has served, and the log goes to the new message.
      separator.value = null;
      scrollToEnd(element);
      setAtBottom(true);
      return;
    }
    if (fromOthers.length > 0 && (!atBottom.current || !attending)) separator.value ??= fromOthers[0]?.seq ?? null;
    if (atBottom.current) scrollToEnd(element);
    else if (fromOthers.length > 0) {
      arrivedAway.value = new Set([...arrivedAway.value, ...fromOthers.map((e) => e.seq)]);
      showJump.value = true;
    }
  }, [newestSeq, oldestSeq, pending.length, typing.length]);

  // The separator itself takes room: a log at the bottom stays there when it appears or goes.
  useLayoutEffect(() => {
    if (atBottom.current) scrollToEnd(log.current);
  }, [separator.value]);

  function loadEarlier() {
    const element = log.current;
    if (element !== null) beforeEarlier.current = { height: element.scrollHeight, top: element.scrollTop };
    onLoadEarlier?.();
  }

  // Withdraw asks first; the dialog lives outside the log, so the log never reads it out.
  const withdrawing = useSignal<Entry | null>(null);
  const withdrawFailures = useSignal<ReadonlyMap<number, WithdrawFailure>>(new Map());
  /** Whether the asked withdraw went through (or was refused for good): then its button is gone. */
  const withdrawDone = useRef(false);

  function noteWithdrawFailure(seq: number, failure: WithdrawFailure | null) {
    const next = new Map(withdrawFailures.value);
    if (failure === null) next.delete(seq);
    else next.set(seq, failure);
    withdrawFailures.value = next;
  }

  async function confirmWithdraw(entry: Entry) {
    withdrawDone.current = false;
    noteWithdrawFailure(entry.seq, null);
    try {
      await unsend?.onWithdraw(entry);
      withdrawDone.current = true;
    } catch (error) {
      // Shown by the message, not in the dialog: the dialog closes either way.
      const final = error instanceof ApiError && (error.code === "unsend_expired" || error.status === 403 || error.status === 422);
      noteWithdrawFailure(entry.seq, { text: withdrawFailure(error), final });
      withdrawDone.current = final;
    }
  }

  function withdrawClosed() {
    const seq = withdrawing.value?.seq;
    withdrawing.value = null;
    // Back to the button when it stays (cancelled, or a failure that may pass), else to the log:
    // the button goes with the message's body, and focus must not fall to <body>.
    const button = log.current?.querySelector<HTMLButtonElement>(`li[data-seq="${seq}"] .entry__withdraw`);
    if (!withdrawDone.current && button !== null && button !== undefined) button.focus();
    else log.current?.focus();
    withdrawDone.current = false;
  }

  function jump() {
    scrollToEnd(log.current);
    setAtBottom(true);
    log.current?.focus();
  }

  const now = props.now ?? Date.now();
  const groups = groupEntries(entries, separator.value);
  const pendingItems = pending.map((p) => (
    <li key={p.client_id} class={`entry entry--mine entry--pending ${p.kind === "work_note" ? "entry--work-note" : "entry--comment"}`}>
      {p.kind === "work_note" && <span class="entry__label">Work note</span>}
      <p class="entry__body">{p.body}</p>
      <span class="entry__meta">
        {p.error !== null ? (
          <span class="entry__error">
            Not sent: {p.error}{" "}
            {onRetry !== undefined && mayRetry(p) && (
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
  ));
  return (
    <div class="timeline-frame">
      <div ref={log} class="timeline" role="log" aria-label={label} tabIndex={0} onScroll={(event) => setAtBottom(isAtBottom(event.currentTarget))}>
        {history !== undefined && history !== "complete" && onLoadEarlier !== undefined && (
          <div class="timeline__earlier">
            <button type="button" class="button button--small button--quiet" disabled={history === "loading"} onClick={loadEarlier}>
              {history === "loading" ? "Loading earlier messages…" : "Load earlier messages"}
            </button>
          </div>
        )}
        {/* One list per run of entries: the day and "New messages" separators stand between lists, not inside one. */}
        <div class="timeline__runs">
          {groups.map((group, i) => (
            <Fragment key={group.key}>
              {group.day !== null && (
                <div class="timeline__day" role="separator" aria-label={dayLabel(group.day, now)}>
                  <span>{dayLabel(group.day, now)}</span>
                </div>
              )}
              {group.unread && (
                <div class="timeline__unread" role="separator" aria-label="New messages">
                  <span>New messages</span>
                </div>
              )}
              <ol class="timeline__list">
                {group.entries.map((entry) => (
                  <EntryItem
                    key={entry.seq}
                    entry={entry}
                    me={me}
                    avatars={avatars}
                    unsend={unsend}
                    asking={withdrawing.value?.seq === entry.seq}
                    failure={withdrawFailures.value.get(entry.seq)}
                    onAsk={() => (withdrawing.value = entry)}
                  />
                ))}
                {i === groups.length - 1 && pendingItems}
              </ol>
            </Fragment>
          ))}
          {groups.length === 0 && pendingItems.length > 0 && <ol class="timeline__list">{pendingItems}</ol>}
        </div>
        {typing.length > 0 && (
          <p class="timeline__typing" role="status">
            {typing.map((u) => u.display_name).join(", ")} {typing.length === 1 ? "is" : "are"} typing…
          </p>
        )}
      </div>
      {withdrawing.value !== null && unsend !== undefined && (
        <ConfirmDialog title="Withdraw this message?" confirm="Withdraw" onConfirm={() => confirmWithdraw(withdrawing.value as Entry)} onClose={withdrawClosed}>
          <p>Everyone in the conversation will see “Message withdrawn” in its place. Managers can still read what it said.</p>
        </ConfirmDialog>
      )}
      {showJump.value && fresh > 0 && (
        <button type="button" class="button button--small timeline__jump" onClick={jump}>
          <span aria-hidden="true">↓ </span>Jump to latest ({fresh} new)
        </button>
      )}
    </div>
  );
}

/** A refused withdraw, shown by its message; `final`: refused for good (too late, not allowed), so Withdraw goes. */
interface WithdrawFailure {
  text: string;
  final: boolean;
}

function EntryItem({ entry, me, avatars, unsend, asking, failure, onAsk }: { entry: Entry; me: string; avatars: boolean; unsend: Unsend | undefined; asking: boolean; failure: WithdrawFailure | undefined; onAsk: () => void }) {
  const mine = entry.author?.id === me;
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
  const serverDeadline = unsend !== undefined && isWithdrawable(entry, me) && failure?.final !== true ? withdrawDeadline(entry, unsend.seconds) : null;
  // When the server's deadline comes on this browser's clock.
  const deadline = serverDeadline === null ? null : serverDeadline - (unsend?.serverOffset ?? 0);
  return (
    <li data-seq={entry.seq} class={`entry ${kindClass}${mine ? " entry--mine" : ""}${entry.withdrawn !== undefined ? " entry--withdrawn" : ""}`}>
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
          {deadline !== null && <WithdrawButton deadline={deadline} keep={asking} onClick={onAsk} />}
        </span>
        {entry.withdrawn !== undefined ? (
          <p class="entry__body entry__withdrawn" title={`Withdrawn by ${entry.withdrawn.by.display_name}, ${exactTime(entry.withdrawn.at)}`}>
            Message withdrawn
          </p>
        ) : (
          <>
            {entry.attachment !== undefined && <AttachmentView attachment={entry.attachment} />}
            {(entry.body !== "" || entry.attachment === undefined) && (
              <p class="entry__body">
                <LinkedText text={entry.body} />
              </p>
            )}
          </>
        )}
        {failure !== undefined && (
          <p class="entry__error entry__withdraw-error" role="alert">
            {failure.text}
          </p>
        )}
      </div>
    </li>
  );
}

/**
 * Withdraw, on the viewer's own message, while its window lasts: it goes when `deadline` passes
 * on the clock of `now.ts` (re-rendered only then, not every second), unless its dialog is open.
 */
function WithdrawButton({ deadline, keep, onClick }: { deadline: number; keep: boolean; onClick: () => void }) {
  const open = useComputed(() => clock.value < deadline);
  if (!open.value && !keep) return null;
  return (
    <button type="button" class="link-button entry__withdraw" aria-label="Withdraw message" aria-haspopup="dialog" onClick={onClick}>
      Withdraw
    </button>
  );
}

/** The "Reconnecting…" banner shown while the socket is down; `notice` says why, when the server said (e.g. too many tabs). */
export function ConnectionBanner({ state, notice = null }: { state: "connecting" | "online" | "reconnecting" | "ended"; notice?: string | null }) {
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
      {notice !== null && <> {notice}</>}
    </div>
  );
}
