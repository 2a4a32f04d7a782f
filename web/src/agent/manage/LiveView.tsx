/**
 * The live queue view of the managers' console (its first tab, "Live queue"): for the queue
 * chosen, who waits and for how long (counted live on the server's clock), the agents with
 * their presence and sessions, the sessions that need a transfer (their agent left the group),
 * and today's figures (from local midnight). Read over `GET /api/queues/{id}/live`, and again
 * when the socket says that queue changed (`queue_activity`, at most every REFETCH_DELAY_MS),
 * when the page is shown again and when the socket is back. Every session opens read-only in
 * the workspace (a manager writes work notes there, not comments).
 */
import { effect, useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { ApiError } from "../../shared/api";
import { clock, exactTime } from "../../shared/format";
import { now, useClockText } from "../../shared/now";
import { asApiError } from "../../shared/session";
import { Since } from "../../shared/Since";
import { pageVisible } from "../../shared/visibility";
import type { Conversation, LiveAgent, NeedsTransfer, Queue, QueueFigures, QueueLive, Rating, User, WaitingSession } from "../../shared/wire";
import { PresenceLabel, TransferDialog } from "../conversation/TransferDialog";
import { connection } from "../state";
import { liveApi, localMidnight, type LiveApi } from "./live-api";
import "./live-view.css";

export interface LiveViewProps {
  queues: Queue[];
  user: User;
}

/** For tests: the data calls, and how long a `queue_activity` waits before the view reads again. */
export interface LiveViewOptions {
  api?: LiveApi;
  delay?: number;
}

/** News of the queue within this long is read once (the server may tell several changes in a burst). */
export const REFETCH_DELAY_MS = 250;

/** What the view shows: the answer, and how far the server's clock is ahead of the page's `now` when it came. */
interface Shown {
  live: QueueLive;
  offset: number;
}

export function LiveView({ queues, user, api = liveApi, delay = REFETCH_DELAY_MS }: LiveViewProps & LiveViewOptions) {
  const chosen = useSignal<string | null>(queues[0]?.id ?? null);
  const queueId = queues.some((q) => q.id === chosen.value) ? chosen.value : (queues[0]?.id ?? null);
  const { shown, error, refresh } = useQueueLive(api, queueId, delay);

  if (queueId === null) return <p class="muted">No queues yet.</p>;
  const data = shown.value?.live.queue.id === queueId ? shown.value : null;
  return (
    <div class="live-view">
      <div class="live-view__bar">
        <label class="live-view__queue">
          <span>Queue</span>
          <select value={queueId} onChange={(event) => (chosen.value = event.currentTarget.value)}>
            {queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </label>
        {data !== null && (
          <span class="muted live-view__updated">
            Updated <time dateTime={data.live.at} title={exactTime(data.live.at)}>{timeOfDay(data.live.at, true)}</time>
          </span>
        )}
        <button type="button" class="button button--small button--quiet" onClick={refresh}>
          Refresh
        </button>
      </div>
      {error.value !== null && <LiveError error={error.value} />}
      {data === null ? error.value === null && <p class="muted" role="status">Loading the live queue…</p> : <LiveBody shown={data} user={user} onChanged={refresh} />}
    </div>
  );
}

/**
 * The queue's live view as last read, and the error of the last read. Reads at once when the
 * queue changes; `queue_activity` of that queue, the page shown again and the socket back read
 * it again, at most every `delay` ms (a hidden page waits until it is shown). An answer older
 * than one asked for later is dropped.
 */
function useQueueLive(api: LiveApi, queueId: string | null, delay: number) {
  const shown = useSignal<Shown | null>(null);
  const error = useSignal<ApiError | null>(null);
  const asked = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** News came while the page was hidden: read once it is shown. */
  const stale = useRef(false);
  const socket = connection.value;

  function load(): void {
    if (queueId === null) return;
    const ask = ++asked.current;
    stale.current = false;
    api.live(queueId, localMidnight(Date.now())).then(
      (live) => {
        if (ask !== asked.current) return;
        shown.value = { live, offset: Date.parse(live.at) - now.peek() };
        error.value = null;
      },
      (failure: unknown) => {
        if (ask !== asked.current) return;
        error.value = asApiError(failure);
        // No longer allowed (a role taken away): what was shown is not to be seen either.
        if (error.value.status === 403) shown.value = null;
      },
    );
  }

  function soon(): void {
    if (!pageVisible.peek()) {
      stale.current = true;
      return;
    }
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      load();
    }, delay);
  }

  useEffect(() => {
    error.value = null;
    load();
    return () => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
      // Answers still on their way are for a queue no longer shown.
      asked.current += 1;
    };
  }, [api, queueId]);

  useEffect(() => {
    if (socket === null || queueId === null) return;
    return socket.subscribe((frame) => {
      if (frame.type === "queue_activity" && frame.queue === queueId) soon();
    });
  }, [socket, api, queueId]);

  // The page shown again (news may have been held back), or the socket back (news may have been missed).
  useEffect(() => {
    let visible = pageVisible.peek();
    let link = socket?.link.peek();
    return effect(() => {
      const nowVisible = pageVisible.value;
      const nowLink = socket?.link.value;
      const shownAgain = nowVisible && !visible;
      const back = nowLink === "online" && link !== undefined && link !== "online";
      visible = nowVisible;
      link = nowLink;
      if (shownAgain || (back && nowVisible)) soon();
      else if (stale.current && nowVisible) soon();
    });
  }, [socket, api, queueId]);

  return { shown, error, refresh: load };
}

function LiveError({ error }: { error: ApiError }) {
  if (error.status === 403) {
    return (
      <div class="alert" role="alert">
        <strong>Only managers and admins</strong> see the live queue view.
      </div>
    );
  }
  return (
    <p class="alert" role="alert">
      The live queue view could not be read: {error.message}
    </p>
  );
}

function LiveBody({ shown, user, onChanged }: { shown: Shown; user: User; onChanged: () => void }) {
  const { live, offset } = shown;
  const available = live.agents.filter((a) => a.in_group && a.status === "available").length;
  const inGroup = live.agents.filter((a) => a.in_group).length;
  return (
    <>
      <ul class="live-stats" aria-label="Now">
        <li class="live-stat">
          <span class="live-stat__label">Waiting</span>
          <span class="live-stat__value">{live.waiting.length}</span>
        </li>
        <li class="live-stat">
          <span class="live-stat__label">Longest wait now</span>
          <span class="live-stat__value">
            <LongestWait live={live} offset={offset} />
          </span>
        </li>
        <li class="live-stat">
          <span class="live-stat__label">Agents available</span>
          <span class="live-stat__value">
            {available} of {inGroup}
          </span>
        </li>
        <li class={`live-stat${live.needs_transfer.length > 0 ? " live-stat--warn" : ""}`}>
          <span class="live-stat__label">Needs transfer</span>
          <span class="live-stat__value">{live.needs_transfer.length}</span>
        </li>
      </ul>
      <Waiting waiting={live.waiting} offset={offset} />
      <NeedsTransferList sessions={live.needs_transfer} queue={live.queue.id} user={user} onTransferred={onChanged} />
      <Agents agents={live.agents} />
      <Figures figures={live.figures} />
    </>
  );
}

/** The wait of the one waiting longest, on the server's clock; "Nobody waits" when the queue is empty. */
function LongestWait({ live, offset }: { live: QueueLive; offset: number }) {
  const base = live.longest_wait_seconds;
  const read = Date.parse(live.at);
  const text = useClockText((at) => (base === null ? "Nobody waits" : clock(base + (at + offset - read) / 1000)));
  return <span class="tabular">{text}</span>;
}

/** How long since `since` on the server's clock, ticking. */
function WaitClock({ since, offset }: { since: string; offset: number }) {
  const from = Date.parse(since);
  const text = useClockText((at) => clock((at + offset - from) / 1000));
  return (
    <span class="tabular" title={`Since ${exactTime(since)}`}>
      {text}
    </span>
  );
}

function OpenLink({ id, customer }: { id: string; customer: string }) {
  return (
    <a class="button button--small button--quiet" href={`/agent/workspace/${encodeURIComponent(id)}`} aria-label={`Open ${customer}'s session`}>
      Open
    </a>
  );
}

function Waiting({ waiting, offset }: { waiting: WaitingSession[]; offset: number }) {
  return (
    <section class="live-section" aria-labelledby="live-waiting">
      <h3 id="live-waiting" class="live-section__title">
        Waiting <span class="muted">({waiting.length})</span>
      </h3>
      {waiting.length === 0 ? (
        <p class="muted">Nobody is waiting.</p>
      ) : (
        <div class="live-scroll">
          <table class="session-table live-table" aria-labelledby="live-waiting">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">First message</th>
                <th scope="col">Waiting</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {waiting.map((w) => (
                <tr key={w.id} class={w.alerted ? "live-row--alerted" : undefined}>
                  <th scope="row">
                    <span class="live-name">
                      {w.customer.display_name}
                      {w.alerted && (
                        <span class="live-badge live-badge--alert" title="Nobody accepted it within the queue's alert time">
                          <span aria-hidden="true">⚠ </span>Alerted
                        </span>
                      )}
                      {w.returned_from !== undefined && (
                        <span class="live-badge">
                          <span aria-hidden="true">↩ </span>came back from {w.returned_from.display_name}
                        </span>
                      )}
                    </span>
                  </th>
                  <td class="session-table__preview">{w.first_message ?? <span class="muted">No message</span>}</td>
                  <td>
                    <WaitClock since={w.waiting_since} offset={offset} />
                  </td>
                  <td class="live-table__actions">
                    <OpenLink id={w.id} customer={w.customer.display_name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A held session as the Transfer dialog takes it (it needs the queue, the customer and who holds it). */
function heldConversation(session: NeedsTransfer, queue: string): Conversation {
  return {
    id: session.id,
    kind: "support",
    state: "active",
    queue,
    customer: session.customer,
    assignee: session.assignee,
    last_seq: 0,
    created_at: session.accepted_at,
    accepted_at: session.accepted_at,
  };
}

function NeedsTransferList({ sessions, queue, user, onTransferred }: { sessions: NeedsTransfer[]; queue: string; user: User; onTransferred: () => void }) {
  const transferring = useSignal<NeedsTransfer | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  return (
    <section class="live-section" aria-labelledby="live-transfer">
      <h3 id="live-transfer" class="live-section__title">
        Needs transfer <span class="muted">({sessions.length})</span>
      </h3>
      {sessions.length === 0 ? (
        <p class="muted">No session needs a transfer.</p>
      ) : (
        <>
          <p class="muted live-section__hint">Their agent was removed from the queue's group: hand each one to someone who works the queue.</p>
          <div class="live-scroll">
            <table class="session-table live-table" aria-labelledby="live-transfer">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Accepted</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sessions.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">{s.customer.display_name}</th>
                    <td>{s.assignee.display_name}</td>
                    <td>
                      <Since at={s.accepted_at} />
                    </td>
                    <td class="live-table__actions">
                      <button
                        type="button"
                        class="button button--small"
                        aria-label={`Transfer ${s.customer.display_name}'s session`}
                        onClick={(event) => {
                          opener.current = event.currentTarget;
                          transferring.value = s;
                        }}
                      >
                        Transfer
                      </button>
                      <OpenLink id={s.id} customer={s.customer.display_name} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {transferring.value !== null && (
        <TransferDialog
          conversation={heldConversation(transferring.value, queue)}
          me={user.id}
          onClose={(transferred) => {
            transferring.value = null;
            if (transferred) onTransferred();
            else if (opener.current?.isConnected === true) opener.current.focus();
          }}
        />
      )}
    </section>
  );
}

function Agents({ agents }: { agents: LiveAgent[] }) {
  return (
    <section class="live-section" aria-labelledby="live-agents">
      <h3 id="live-agents" class="live-section__title">
        Agents
      </h3>
      {agents.length === 0 ? (
        <p class="muted">Nobody works this queue.</p>
      ) : (
        <div class="live-scroll">
          <table class="session-table live-table" aria-labelledby="live-agents">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Presence</th>
                <th scope="col">Active</th>
                <th scope="col">Sessions</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.user.id}>
                  <th scope="row">
                    <span class="live-name">
                      {a.user.display_name}
                      {!a.in_group && (
                        <span class="live-badge live-badge--alert">
                          <span aria-hidden="true">⚠ </span>Removed from the group
                        </span>
                      )}
                    </span>
                  </th>
                  <td>
                    <PresenceLabel status={a.status} />
                  </td>
                  <td>{a.active}</td>
                  <td>
                    {a.sessions.length === 0 ? (
                      <span class="muted">None</span>
                    ) : (
                      <ul class="live-sessions">
                        {a.sessions.map((s) => (
                          <li key={s.id} class="live-sessions__item">
                            <span class="live-name">
                              <span>
                                {s.customer.display_name} <span class="muted">· since <Since at={s.accepted_at} /></span>
                              </span>
                              {s.needs_transfer && (
                                <span class="live-badge live-badge--alert">
                                  <span aria-hidden="true">⚠ </span>Needs transfer
                                </span>
                              )}
                            </span>
                            <OpenLink id={s.id} customer={s.customer.display_name} />
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Figures({ figures }: { figures: QueueFigures }) {
  const rows: [string, ComponentChildren][] = [
    ["Started", figures.started],
    ["Accepted", figures.accepted],
    ["Abandoned", figures.abandoned],
    ["Timed out", figures.timed_out],
    ["Ended", figures.ended],
    ["Median time to accept", <Duration seconds={figures.median_accept_seconds} />],
    ["Median handling time", <Duration seconds={figures.median_handling_seconds} />],
    ["Average rating", <RatingText rating={figures.rating} />],
  ];
  return (
    <section class="live-section" aria-labelledby="live-figures">
      <h3 id="live-figures" class="live-section__title">
        Today's figures <span class="muted">since {timeOfDay(figures.since)}</span>
      </h3>
      <div class="live-figures">
        <table class="session-table live-table live-figures__totals" aria-labelledby="live-figures">
          <tbody>
            {rows.map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td class="tabular">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="live-figures__agents">
          <h4 id="live-per-agent" class="live-section__subtitle">
            Per agent
          </h4>
          {figures.per_agent.length === 0 ? (
            <p class="muted">No agent has taken a session today.</p>
          ) : (
            <div class="live-scroll">
              <table class="session-table live-table" aria-labelledby="live-per-agent">
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    <th scope="col">Accepted</th>
                    <th scope="col">Ended</th>
                    <th scope="col">Median handling</th>
                    <th scope="col">Rating</th>
                  </tr>
                </thead>
                <tbody>
                  {figures.per_agent.map((a) => (
                    <tr key={a.user.id}>
                      <th scope="row">{a.user.display_name}</th>
                      <td class="tabular">{a.accepted}</td>
                      <td class="tabular">{a.ended}</td>
                      <td class="tabular">
                        <Duration seconds={a.median_handling_seconds} />
                      </td>
                      <td>
                        <RatingText rating={a.rating} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

/** "42 s", "12 min 34 s", "1 h 05 min". */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

const ONE_DECIMAL = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });

/** "4.3 of 5 (3 ratings)", "No ratings yet". */
export function ratingText(rating: Rating): string {
  if (rating.average === null || rating.count === 0) return "No ratings yet";
  return `${ONE_DECIMAL.format(rating.average)} of 5 (${rating.count} ${rating.count === 1 ? "rating" : "ratings"})`;
}

function Duration({ seconds }: { seconds: number | null }) {
  if (seconds === null) {
    return (
      <span class="muted">
        <span aria-hidden="true">—</span>
        <span class="visually-hidden">none yet</span>
      </span>
    );
  }
  return <span title={`${seconds} seconds`}>{durationText(seconds)}</span>;
}

function RatingText({ rating }: { rating: Rating }) {
  const text = ratingText(rating);
  if (rating.average === null || rating.count === 0) return <span class="muted">{text}</span>;
  return (
    <span>
      <span aria-hidden="true" class="live-rating__star">
        ★{" "}
      </span>
      {text}
    </span>
  );
}

/** "10:42" (with `seconds`, "10:42:05") in the browser's time zone. */
function timeOfDay(at: string, seconds = false): string {
  const then = new Date(at);
  return Number.isNaN(then.getTime()) ? at : then.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", ...(seconds ? { second: "2-digit" } : {}) });
}
