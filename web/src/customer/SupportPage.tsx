/**
 * The customer's support page (also the widget's panel, with `?embed=1`): start a chat with a
 * first message (articles that may help are offered as it is written), see the queue position,
 * the agent joining, the conversation and who is typing, answer the inactivity warning, see why
 * a chat closed, and start again.
 */
import { signal, useSignal } from "@preact/signals";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { requestJson, requestNoContent, type ApiError } from "../shared/api";
import { clock, closedReasonText } from "../shared/format";
import { now, startClock } from "../shared/now";
import { LoadingPage, PageLoadFailed } from "../shared/PageStatus";
import { asApiError, requireUser } from "../shared/session";
import { SignOutButton } from "../shared/SignOutButton";
import { bodyProblem, enterSends } from "../shared/composer";
import { ConfirmDialog } from "../shared/ConfirmDialog";
import { LengthNote, lengthNoteShown } from "../shared/LengthNote";
import { Connection } from "../shared/socket";
import { warnBeforeLeavingUnsent } from "../shared/unload";
import { readStoredText, useStoredText, writeStoredText } from "../shared/storedText";
import type { Signal } from "@preact/signals";
import { ConnectionBanner, Timeline, useConversationFeed } from "../shared/Timeline";
import { isConversation, isQueue, isQueueList, type Conversation, type Entry, type Queue, type User } from "../shared/wire";
import { queueAvailability } from "../shared/api";
import { CustomerComposer } from "./CustomerComposer";
import { SurveyForm } from "./SurveyForm";
import { mayHaveSurvey } from "../shared/survey";
import { chatToShow, chooseQueue, countdownLeft, heldClose, pendingWarning, startChat } from "./chat";
import { IncidentView, LeaveMessage, MyIncidents } from "./incidents";
import { ArticleSuggestions } from "../kb/ArticleSuggestions";

/** What the support page knows once it has loaded: who is here and which queue they reach. */
interface SupportSession {
  user: User;
  queue: Queue | null;
}

const session = signal<SupportSession | null>(null);
const loadError = signal<ApiError | null>(null);
const connection = signal<Connection | null>(null);
/** The chat on screen: undefined until the socket has said what exists, null for "start one". */
const current = signal<string | null | undefined>(undefined);

/** What the page shows: the chat (or Start chat), My incidents, or one incident. */
type CustomerView = { kind: "chat" } | { kind: "incidents" } | { kind: "incident"; id: string };
const view = signal<CustomerView>({ kind: "chat" });

/** Name shown when the customer can reach no queue. */
export const DEFAULT_TITLE = "IT Service Desk support";

const params = new URLSearchParams(location.search);
/** Inside the widget's panel (or any frame): a compact page. */
export const embedded = params.get("embed") === "1" || window.self !== window.top;

export async function loadSupport(): Promise<void> {
  try {
    const user = await requireUser();
    if (user === null) return;
    const queues = await requestJson("/api/queues", isQueueList);
    const queue = chooseQueue(queues, params.get("queue"));
    const socket = new Connection({ me: user.id });
    socket.subscribe((frame) => {
      if (frame.type === "ready" && current.value === undefined) {
        // A closed chat whose unsent text the tab keeps comes back with it (Start a new chat with it, or Discard),
        // and so does the closed chat whose survey the tab showed (to rate it, or to see the rating given).
        const unsent = (id: string) => readStoredText(draftKey(user.id, `draft.${id}`)).trim() !== "" || readStoredText(closedChatKey(user.id)) === id;
        current.value = queue === null ? null : (chatToShow(socket.conversations.value.values(), queue.id, user.id, unsent)?.id ?? null);
      }
    });
    connection.value = socket;
    session.value = { user, queue };
    socket.start();
    startClock();
    window.addEventListener("online", () => socket.reconnectNow());
    window.addEventListener("offline", () => socket.networkLost());
    warnBeforeLeavingUnsent(window, socket);
  } catch (error) {
    loadError.value = asApiError(error);
  }
}

export function SupportPage() {
  const loaded = session.value;
  if (loadError.value !== null) return <PageLoadFailed message={loadError.value.message} />;
  if (loaded === null) return <LoadingPage label="Loading support…" />;
  const title = loaded.queue?.name ?? DEFAULT_TITLE;
  const socket = connection.value;
  const id = current.value;
  const conversation = id === null || id === undefined ? undefined : socket?.conversations.value.get(id);
  return (
    <div class={`support${embedded ? " support--embedded" : ""}`}>
      <SupportHeader title={title} user={loaded.user} />
      <ConnectionBanner state={socket?.link.value ?? "connecting"} notice={socket?.closeNotice.value ?? null} />
      <main class="support__main">
        {view.value.kind === "incidents" ? (
          <MyIncidents onOpen={(incident) => (view.value = { kind: "incident", id: incident })} />
        ) : view.value.kind === "incident" ? (
          <IncidentView id={view.value.id} user={loaded.user} socket={socket ?? null} onBack={() => (view.value = { kind: "incidents" })} />
        ) : id === undefined ? (
          <LoadingPage label="Connecting…" />
        ) : conversation === undefined || loaded.queue === null ? (
          <StartChat queue={loaded.queue} user={loaded.user} />
        ) : (
          <Chat conversation={conversation} queue={loaded.queue} user={loaded.user} />
        )}
      </main>
    </div>
  );
}

function SupportHeader({ title, user }: { title: string; user: User }) {
  return (
    <header class="top-bar support__header">
      <h1 class="top-bar__title support__title">{title}</h1>
      <div class="top-bar__user">
        {view.value.kind === "chat" ? (
          <button type="button" class="button button--quiet button--small" onClick={() => (view.value = { kind: "incidents" })}>
            My incidents
          </button>
        ) : (
          <button type="button" class="button button--quiet button--small" onClick={() => (view.value = { kind: "chat" })}>
            Chat
          </button>
        )}
        <span class="top-bar__name">{user.display_name}</span>
        <SignOutButton />
      </div>
    </header>
  );
}

/** Where the tab keeps what the customer typed and has not sent (see useStoredText). */
function draftKey(user: string, what: string): string {
  return `switchboard.support.${user}.${what}`;
}

/**
 * Where the tab keeps the closed chat whose survey it showed ("How did we do?" or the rating
 * given): a reload shows that chat again, until the customer moves on (Start a new chat, Discard it).
 */
function closedChatKey(user: string): string {
  return draftKey(user, "closed-chat");
}

function StartChat({ queue, user }: { queue: Queue | null; user: User }) {
  const message = useStoredText(draftKey(user.id, "first-message"));
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  /** Staff of the queue online and Available now: null while asking (or when the answer did not come). */
  const available = useSignal<number | null>(null);

  useEffect(() => {
    if (!embedded) field.current?.focus();
  }, []);

  function checkAvailability() {
    if (queue === null) return;
    available.value = null;
    // No answer: the start form as always (never an endless "checking").
    queueAvailability(queue.id).then(
      (answer) => (available.value = answer.available),
      () => (available.value = null),
    );
  }
  useEffect(checkAvailability, [queue?.id]);
  const nobody = queue !== null && available.value === 0;

  async function submit(event: Event) {
    event.preventDefault();
    if (queue === null || busy.value || message.value.trim() === "") return;
    const why = bodyProblem(message.value.trim());
    if (why !== null) {
      error.value = why;
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      // One client id per intended start (kept across a second click and a reload): the server
      // posts the first message once.
      const conversation = await startChat(user.id, queue.id, message.value.trim());
      connection.value?.noteConversation(conversation);
      writeStoredText(closedChatKey(user.id), "");
      current.value = conversation.id;
      message.value = "";
    } catch (failure) {
      error.value = asApiError(failure).message;
    } finally {
      busy.value = false;
    }
  }

  return (
    <>
    {nobody && queue !== null && <LeaveMessage queue={queue} onCheckAgain={checkAvailability} onShowIncidents={() => (view.value = { kind: "incidents" })} />}
    <section class="start-chat" aria-labelledby="start-chat-title">
      <h2 id="start-chat-title" class="start-chat__title">
        {nobody ? "Or start a chat and wait for the next agent" : "Start a chat with the service desk"}
      </h2>
      {queue !== null && queue.greeting !== "" && <p class="start-chat__greeting">{queue.greeting}</p>}
      {queue === null ? (
        <p class="muted">No support queue is open to you right now. Please contact the service desk another way.</p>
      ) : (
        <form class="start-chat__form" onSubmit={(event) => void submit(event)}>
          {error.value !== null && (
            <p class="alert" role="alert">
              {error.value}
            </p>
          )}
          <div class="field">
            <label for="first-message">What can we help you with?</label>
            <textarea
              ref={field}
              id="first-message"
              class="start-chat__message"
              rows={4}
              required
              aria-describedby={lengthNoteShown(message.value) ? "first-message-length" : undefined}
              placeholder="For example: my VPN drops every few minutes since this morning."
              value={message.value}
              onInput={(event) => (message.value = event.currentTarget.value)}
              onKeyDown={(event) => enterSends(event, () => void submit(event))}
            />
            <LengthNote id="first-message-length" text={message.value} />
          </div>
          <button type="submit" class="button" disabled={busy.value || message.value.trim() === "" || bodyProblem(message.value.trim()) !== null}>
            {busy.value ? "Starting…" : "Start chat"}
          </button>
        </form>
      )}
      {queue !== null && <ArticleSuggestions text={message.value} />}
    </section>
    </>
  );
}

function Chat({ conversation, queue, user }: { conversation: Conversation; queue: Queue; user: User }) {
  const socket = connection.value;
  const { entries, pending, typing, history } = useConversationFeed(socket, conversation.id, true);
  // One signal for the field and the closed panel: what the customer typed up to the instant the
  // chat closed is what the panel shows (not a copy read from the storage when it appeared).
  const draft = useStoredText(draftKey(user.id, `draft.${conversation.id}`));

  return (
    <section class="chat" aria-label="Chat with the service desk">
      <ChatStatus conversation={conversation} />
      {conversation.state === "active" && <InactivityBanner conversation={conversation} entries={entries} queue={queue} draft={draft.value} />}
      <Timeline
        label="Conversation"
        entries={entries}
        pending={pending}
        typing={typing}
        me={user.id}
        online={socket?.link.value === "online"}
        onDiscard={(id) => socket?.discard(id)}
        onRetry={(id) => socket?.retry(id)}
        avatars={true}
        history={history}
        onLoadEarlier={() => void socket?.loadEarlier(conversation.id)}
      />
      {conversation.state === "closed" ? <ClosedPanel conversation={conversation} queue={queue} user={user} draft={draft} /> : <CustomerComposer conversation={conversation} draft={draft} socket={socket ?? null} />}
      {/* Under the closed chat: "How did we do?" when the server asks (a taken session, a queue with the survey on). */}
      {mayHaveSurvey(conversation) && <SurveyForm key={conversation.id} conversation={conversation.id} onShown={() => writeStoredText(closedChatKey(user.id), conversation.id)} />}
    </section>
  );
}

function ChatStatus({ conversation }: { conversation: Conversation }) {
  const confirming = useSignal(false);
  const endButton = useRef<HTMLButtonElement>(null);
  const queued = conversation.state === "queued";
  async function end() {
    const closed = await requestJson(`/api/conversations/${encodeURIComponent(conversation.id)}/end`, isConversation, { method: "POST" });
    endedHere.value = conversation.id;
    connection.value?.noteConversation(closed);
  }
  let text: string;
  if (conversation.state === "queued") {
    text =
      conversation.position === undefined
        ? "Waiting for an agent…"
        : conversation.position === 1
          ? "You are next in the queue. An agent will be with you shortly."
          : `You are number ${conversation.position} in the queue.`;
  } else if (conversation.state === "active") {
    text = conversation.assignee === undefined ? "Connected." : `You are chatting with ${conversation.assignee.display_name}.`;
  } else {
    text = "This chat has ended.";
  }
  return (
    <div class={`chat__status chat__status--${conversation.state}`}>
      <p role="status">
        <span aria-hidden="true">{conversation.state === "queued" ? "◔ " : conversation.state === "active" ? "● " : "✓ "}</span>
        {text}
      </p>
      {conversation.state !== "closed" && (
        <button ref={endButton} type="button" class="button button--quiet chat__end" onClick={() => (confirming.value = true)}>
          {queued ? "Leave the queue" : "End chat"}
        </button>
      )}
      {confirming.value && (
        <ConfirmDialog
          title={queued ? "Leave the queue?" : "End this chat?"}
          confirm={queued ? "Leave the queue" : "End chat"}
          onConfirm={end}
          describeError={(failure) => `The chat could not be ended: ${asApiError(failure).message}`}
          onClose={() => {
            confirming.value = false;
            // Back to End chat after a Cancel; after the end to the closed panel's next step (whichever of
            // this and the panel's mount comes last gives the focus: none can while the dialog is open).
            if (endedHere.peek() === conversation.id) document.querySelector<HTMLElement>(".closed-panel [data-next-step]")?.focus();
            else endButton.current?.focus();
          }}
        >
          <p>{queued ? "You lose your place in the queue." : "You can no longer write in this chat; the agent sees that you ended it."}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function InactivityBanner({ conversation, entries, queue, draft }: { conversation: Conversation; entries: readonly Entry[]; queue: Queue; draft: string }) {
  const answered = useSignal<number | null>(null);
  const error = useSignal<string | null>(null);
  const closeAfter = useSignal(queue.auto_close_seconds);
  const warning = pendingWarning(entries);
  const warningSeq = warning?.seq ?? null;

  // The queue's timers may have changed since the page loaded: read them when a warning comes.
  useEffect(() => {
    if (warningSeq === null) return;
    requestJson(`/api/queues/${encodeURIComponent(queue.id)}`, isQueue).then(
      (fresh) => (closeAfter.value = fresh.auto_close_seconds),
      () => undefined,
    );
  }, [warningSeq, queue.id]);

  // The countdown runs on the browser clock: from when the server's `closes_in_seconds` arrived
  // (after a reload), else from when the warning itself reached this page.
  const closesIn = conversation.closes_in_seconds;
  const basis = useMemo(() => ({ at: Date.now(), seconds: closesIn ?? null }), [warningSeq, closesIn]);

  // She is writing: the server holds the close (see `heldClose`), and so does the countdown.
  const typedAt = useRef<number | null>(null);
  const lastDraft = useRef(draft);
  useEffect(() => {
    if (draft !== lastDraft.current && draft !== "") typedAt.current = Date.now();
    lastDraft.current = draft;
  }, [draft]);

  if (warning === null || answered.value === warning.seq) return null;
  const seconds = basis.seconds ?? closeAfter.value;
  const left = countdownLeft(basis.at, seconds, now.value, typedAt.current);
  const endsAt = new Date(heldClose(basis.at + seconds * 1000, typedAt.current)).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

  async function stillHere(seq: number) {
    error.value = null;
    try {
      await requestNoContent(`/api/conversations/${encodeURIComponent(conversation.id)}/still-here`, { method: "POST" });
      answered.value = seq;
    } catch (failure) {
      error.value = asApiError(failure).message;
    }
  }

  return (
    // Announced once when it appears: the ticking countdown is hidden from assistive technology,
    // which hears the end time instead.
    <div class="inactivity-banner" role="alert">
      <p>
        <strong>Are you still there?</strong> This chat closes{" "}
        <span aria-hidden="true" aria-live="off">
          in <span class="tabular">{clock(left)}</span>
        </span>
        <span class="visually-hidden"> at {endsAt}</span> unless you answer.
      </p>
      {error.value !== null && <p class="entry__error">{error.value}</p>}
      <button type="button" class="button" onClick={() => void stillHere(warning.seq)}>
        I'm still here
      </button>
    </div>
  );
}

/** The chat the customer just ended here: its closed panel takes the focus (the End chat button that had it is gone). */
const endedHere = signal<string | null>(null);

/**
 * Why the chat closed, and the next step. What the customer had typed and not sent stays in the
 * field (read-only now), and "Start a new chat with it" starts one with that text as its first
 * message. The text is kept in the tab (per user and conversation), so a reload shows this
 * panel again with it (`chatToShow`) until it is started or discarded.
 */
function ClosedPanel({ conversation, queue, user, draft }: { conversation: Conversation; queue: Queue; user: User; draft: Signal<string> }) {
  const again = useRef<HTMLButtonElement>(null);
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const unsent = draft.value.trim();
  /** Discard it was pressed: the button is gone with the text, the next step takes the focus. */
  const discarded = useRef(false);
  useEffect(() => {
    if (!discarded.current) return;
    discarded.current = false;
    again.current?.focus();
  }, [unsent === ""]);
  useEffect(() => {
    // Kept (not reset): the dialog's own close, which comes after, must not send the focus back to End.
    if (endedHere.peek() === conversation.id) again.current?.focus();
  }, [conversation.id]);

  async function startWithIt() {
    if (busy.value) return;
    const why = bodyProblem(unsent);
    if (why !== null) {
      error.value = why;
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      const started = await startChat(user.id, queue.id, unsent);
      connection.value?.noteConversation(started);
      writeStoredText(closedChatKey(user.id), "");
      draft.value = "";
      current.value = started.id;
    } catch (failure) {
      error.value = asApiError(failure).message;
      busy.value = false;
    }
  }

  return (
    <div class="closed-panel">
      <p>
        <span aria-hidden="true">✓ </span>
        {closedReasonText(conversation.closed_reason)}
      </p>
      {unsent !== "" && (
        <div class="field closed-panel__unsent">
          <label for={`unsent-${conversation.id}`}>Not sent (the chat closed first)</label>
          <textarea id={`unsent-${conversation.id}`} class="composer__input closed-panel__text" rows={2} readOnly value={draft.value} />
        </div>
      )}
      {error.value !== null && (
        <p class="alert closed-panel__error" role="alert">
          {error.value}
        </p>
      )}
      {unsent === "" ? (
        <button
          ref={again}
          type="button"
          class="button"
          data-next-step
          onClick={() => {
            writeStoredText(closedChatKey(user.id), "");
            current.value = null;
          }}
        >
          Start a new chat
        </button>
      ) : (
        // Not disabled while busy: a disabled button drops the focus to <body>.
        <span class="closed-panel__actions">
          <button
            type="button"
            class="button button--quiet"
            onClick={() => {
              discarded.current = true;
              draft.value = "";
              writeStoredText(closedChatKey(user.id), "");
            }}
          >
            Discard it
          </button>
          <button ref={again} type="button" class="button" data-next-step aria-disabled={busy.value} onClick={() => void startWithIt()}>
            {busy.value ? "Starting…" : "Start a new chat with it"}
          </button>
        </span>
      )}
    </div>
  );
}

