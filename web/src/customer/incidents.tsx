/**
 * The customer's incidents: "My incidents" (number, short description, state), one incident
 * read-only with its comments (the caller may add one), and "Leave a message" for when nobody
 * of the queue is available (it becomes an incident at once, with its number shown).
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { allEntries, getIncident, leaveMessage, listIncidents, postEntry } from "../shared/api";
import { Composer } from "../shared/Composer";
import { attachmentDraft } from "../shared/composer/attachment";
import { bodyProblem } from "../shared/composer";
import { asApiError } from "../shared/session";
import { newClientId, type Connection } from "../shared/socket";
import { Timeline } from "../shared/Timeline";
import type { Entry, Incident, IncidentState, Queue, User } from "../shared/wire";

export const STATE_WORDS: Record<IncidentState, string> = {
  new: "New",
  in_progress: "In progress",
  on_hold: "On hold",
  resolved: "Resolved",
  closed: "Closed",
  canceled: "Canceled",
};

/** At most this many characters in a message left for the desk. */
export const MESSAGE_MAX = 4000;

export function MyIncidents({ onOpen }: { onOpen: (id: string) => void }) {
  const list = useSignal<Incident[] | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    listIncidents().then(
      (incidents) => (list.value = incidents),
      (failure) => (error.value = asApiError(failure).message),
    );
  }, []);
  return (
    <section class="my-incidents" aria-labelledby="my-incidents-title">
      <h2 id="my-incidents-title" class="start-chat__title">
        My incidents
      </h2>
      {error.value !== null ? (
        <p class="alert" role="alert">
          Your incidents could not be listed: {error.value}
        </p>
      ) : list.value === null ? (
        <p class="muted" role="status">
          Loading your incidents…
        </p>
      ) : list.value.length === 0 ? (
        <p class="muted">You have no incidents.</p>
      ) : (
        <ul class="my-incidents__list">
          {list.value.map((i) => (
            <li key={i.id}>
              <button type="button" class="my-incidents__item" onClick={() => onOpen(i.id)}>
                <span class="my-incidents__number">{i.number}</span>
                <span class="my-incidents__short">{i.short_description}</span>
                <span class="my-incidents__state">{STATE_WORDS[i.state]}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** `held` with the entries of `incoming` it lacks, in seq order, each seq once (`held` itself when nothing is new). */
export function mergeEntries(held: readonly Entry[], incoming: readonly Entry[]): Entry[] {
  const seen = new Set(held.map((e) => e.seq));
  const fresh = incoming.filter((e) => !seen.has(e.seq) && (seen.add(e.seq), true));
  if (fresh.length === 0) return held as Entry[];
  return [...held, ...fresh].sort((a, b) => a.seq - b.seq);
}

/**
 * One incident as its caller sees it: read-only facts, its comments, and a field to add one.
 * Live while open: the view watches the incident's activity over the socket, so an agent's
 * comment appears at once, and a field change (a `field_changed` entry) reads the incident again
 * for the state shown. What reaches the caller is what the server lets them see.
 */
export function IncidentView({ id, user, socket = null, onBack }: { id: string; user: User; socket?: Connection | null; onBack: () => void }) {
  const incident = useSignal<Incident | null>(null);
  const entries = useSignal<Entry[]>([]);
  const error = useSignal<string | null>(null);
  const text = useSignal("");
  const sending = useSignal(false);
  const sendError = useSignal<string | null>(null);
  /** One client id per comment meant: a retry after a lost answer is stored once. */
  const clientId = useRef(newClientId());
  const back = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    back.current?.focus();
    getIncident(id).then(
      async (found) => {
        incident.value = found;
        // Entries may have come over the socket (or a post's answer) meanwhile: both are kept,
        // so what is held is read after the page arrives, not before it was asked for.
        const all = await allEntries(found.activity);
        entries.value = mergeEntries(entries.value, all);
      },
      (failure) => (error.value = asApiError(failure).message),
    );
  }, [id]);

  const activity = incident.value?.activity;
  useEffect(() => {
    if (socket === null || activity === undefined) return;
    let open = true;
    /** Reads the incident again (its state, assignee, resolution); the latest read wins. */
    let reads = 0;
    const refresh = () => {
      const read = (reads += 1);
      getIncident(id).then(
        (found) => {
          if (open && read === reads) incident.value = found;
        },
        () => undefined,
      );
    };
    socket.watch(activity);
    const unsubscribe = socket.subscribe((frame) => {
      if (frame.type === "ready") {
        // A new socket (after a reconnect) forgot the watch: ask again, and catch up on what was missed.
        socket.watch(activity);
        refresh();
        allEntries(activity).then(
          (all) => {
            if (open) entries.value = mergeEntries(entries.value, all);
          },
          () => undefined,
        );
        return;
      }
      if (frame.type !== "entry" || frame.conversation !== activity) return;
      const { type: _type, ...arrived } = frame;
      entries.value = mergeEntries(entries.value, [arrived]);
      if (arrived.event === "field_changed") refresh();
    });
    return () => {
      open = false;
      unsubscribe();
    };
  }, [socket, activity, id]);

  async function send(body: string) {
    const found = incident.value;
    if (found === null || sending.value) return;
    sending.value = true;
    sendError.value = null;
    try {
      const posted = await postEntry(found.activity, clientId.current, "comment", body);
      entries.value = mergeEntries(entries.value, [posted]);
      clientId.current = newClientId();
      text.value = "";
    } catch (failure) {
      sendError.value = asApiError(failure).message;
    } finally {
      sending.value = false;
    }
  }

  /** A file for the incident's activity (a screenshot, a log), sent with the text as its caption. */
  async function sendFile(caption: string) {
    const found = incident.value;
    if (found === null) return;
    const outcome = await attachmentDraft(`incident-${found.activity}`).send({ conversation: found.activity, kind: "comment", body: caption });
    if (outcome.kind !== "sent") return;
    entries.value = mergeEntries(entries.value, [outcome.entry]);
    if (text.peek().trim() === caption) text.value = "";
  }

  const i = incident.value;
  const final = i !== null && (i.state === "closed" || i.state === "canceled");
  return (
    <section class="incident-view" aria-labelledby="incident-view-title">
      <button ref={back} type="button" class="button button--quiet button--small" onClick={onBack}>
        <span aria-hidden="true">← </span>My incidents
      </button>
      {error.value !== null ? (
        <p class="alert" role="alert">
          The incident could not be opened: {error.value}
        </p>
      ) : i === null ? (
        <p class="muted" role="status">
          Loading the incident…
        </p>
      ) : (
        <>
          <h2 id="incident-view-title" class="start-chat__title">
            {i.number}: {i.short_description}
          </h2>
          <dl class="incident-view__facts">
            <dt>State</dt>
            <dd>{STATE_WORDS[i.state]}</dd>
            <dt>Opened</dt>
            <dd>{new Date(i.created_at).toLocaleString()}</dd>
            {i.assigned_to !== undefined && i.assigned_to !== null && (
              <>
                <dt>Assigned to</dt>
                <dd>{i.assigned_to.display_name}</dd>
              </>
            )}
            {i.resolution_notes !== undefined && i.resolution_notes !== null && i.resolution_notes !== "" && (
              <>
                <dt>Resolution</dt>
                <dd>{i.resolution_notes}</dd>
              </>
            )}
          </dl>
          {i.description !== "" && (
            <details class="incident-view__description">
              <summary>Description</summary>
              <p>{i.description}</p>
            </details>
          )}
          <h3 class="incident-view__subtitle">Comments</h3>
          <Timeline label={`Comments on ${i.number}`} entries={entries.value} pending={[]} typing={[]} me={user.id} online={true} avatars={true} />
          {sendError.value !== null && (
            <p class="alert" role="alert">
              Not sent: {sendError.value}
            </p>
          )}
          {final ? (
            <p class="muted">This incident is {STATE_WORDS[i.state].toLowerCase()}: it takes no more comments.</p>
          ) : (
            <Composer
              id={`incident-comment-${i.id}`}
              text={text.value}
              onText={(value) => (text.value = value)}
              onSend={(body) => void send(body)}
              label="Add a comment"
              placeholder="Add a comment for the service desk…"
              canSend={!sending.value}
              hint="Enter sends · Shift+Enter adds a line"
              attachment={attachmentDraft(`incident-${i.activity}`)}
              onSendAttachment={(caption) => void sendFile(caption)}
            />
          )}
        </>
      )}
    </section>
  );
}

/** Nobody of the queue is available: the message becomes an incident at once. */
export function LeaveMessage({ queue, onCheckAgain, onShowIncidents }: { queue: Queue; onCheckAgain: () => void; onShowIncidents: () => void }) {
  const text = useSignal("");
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const created = useSignal<Incident | null>(null);
  const clientId = useRef(newClientId());
  const done = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (created.value !== null) done.current?.focus();
  }, [created.value]);

  async function submit(event: Event) {
    event.preventDefault();
    const body = text.value.trim();
    if (busy.value || body === "") return;
    if (Array.from(body).length > MESSAGE_MAX) {
      error.value = `Your message is too long: at most ${MESSAGE_MAX.toLocaleString("en")} characters.`;
      return;
    }
    const why = bodyProblem(body);
    if (why !== null) {
      error.value = why;
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      created.value = await leaveMessage(queue.id, clientId.current, body);
      clientId.current = newClientId();
      text.value = "";
    } catch (failure) {
      error.value = asApiError(failure).message;
    } finally {
      busy.value = false;
    }
  }

  return (
    <section class="start-chat leave-message" aria-labelledby="leave-message-title">
      <h2 id="leave-message-title" class="start-chat__title">
        Nobody from {queue.name} is available right now
      </h2>
      {created.value !== null ? (
        <>
          <p ref={done} class="leave-message__done" role="status" tabIndex={-1}>
            <span aria-hidden="true">✓ </span>Thank you — your request {created.value.number} was created.
          </p>
          <p class="muted">The service desk answers it as soon as someone is back; you can follow it under My incidents.</p>
          <span class="leave-message__actions">
            <button type="button" class="button button--quiet" onClick={onShowIncidents}>
              My incidents
            </button>
            <button type="button" class="button button--quiet" onClick={() => (created.value = null)}>
              Leave another message
            </button>
          </span>
        </>
      ) : (
        <>
          <p>Leave a message: it becomes a request at once, and the service desk answers it as soon as someone is back.</p>
          <form class="start-chat__form" onSubmit={(event) => void submit(event)}>
            {error.value !== null && (
              <p class="alert" role="alert">
                {error.value}
              </p>
            )}
            <div class="field">
              <label for="leave-message-text">Your message</label>
              <textarea
                id="leave-message-text"
                class="start-chat__message"
                rows={5}
                required
                placeholder="What is wrong, since when, and how we can reach you."
                value={text.value}
                onInput={(event) => (text.value = event.currentTarget.value)}
              />
            </div>
            <span class="leave-message__actions">
              <button type="submit" class="button" disabled={busy.value || text.value.trim() === ""}>
                {busy.value ? "Sending…" : "Send"}
              </button>
              <button type="button" class="button button--quiet" onClick={onCheckAgain}>
                Check again for an agent
              </button>
            </span>
          </form>
        </>
      )}
    </section>
  );
}
