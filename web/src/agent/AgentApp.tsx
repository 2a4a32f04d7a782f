/**
 * The agent app: top bar (presence, user, Sign out), the content pane with the home view,
 * the Connect sidebar on the right and the docked mini windows; or, at
 * `/agent/workspace/<id>`, the full-screen workspace. The shell's router says which (the
 * `workspace` prop); the connection and the page's state outlive a change between them.
 */
import { effect, signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { requestJson, type ApiError } from "../shared/api";
import { clock, STATE_ICON, STATE_LABEL } from "../shared/format";
import { homeFor, isStaff, navigate } from "../shared/nav";
import { startClock, useClockText } from "../shared/now";
import { LoadingPage, PageLoadFailed } from "../shared/PageStatus";
import { asApiError, fetchMe, requireUser } from "../shared/session";
import { returnKey } from "../shared/reducer";
import { Connection } from "../shared/socket";
import { ConnectionBanner } from "../shared/Timeline";
import { isQueueList, type Conversation, type User } from "../shared/wire";
import { warnBeforeLeavingUnsent } from "../shared/unload";
import { askNotificationPermissionOnce, beep, notifyDesktop, titleWithCount, unlockAudioOnFirstGesture } from "./alerts";
import { attentionCount } from "./attention";
import { isChat, isInvitedTo } from "./chats/chats";
import { followChats } from "./chats/live";
import { GoneNotices } from "./chats/GoneNotices";
import { AttentionLayer } from "./AttentionLayer";
import { MiniWindowDock } from "./miniwindows/MiniWindowDock";
import { ReturnedNotices } from "./ReturnedNotices";
import { followRoutingAlerts, unansweredReturns } from "./routing-alerts";
import { openNotice, RoutingAlerts } from "./RoutingAlerts";
import { AgentSignOut } from "./signout/AgentSignOut";
import { activeWithMe, returnedText, sidebarGroups } from "./sessions";
import { ConnectSidebar, PreviewText } from "./sidebar/ConnectSidebar";
import { connection, me, openMiniWindow, presenceChoice, queueName, queues, showOffer } from "./state";
import { Workspace } from "./workspace/Workspace";
import { ManagePage, mayManage } from "./manage/ManagePage";
import { contentPane, holdsUnsavedWork } from "./records/pane";
import { PaneContent } from "./records/PaneContent";

export { me } from "./state";

const loadError = signal<ApiError | null>(null);
const BASE_TITLE = "Agent · Switchboard";

/**
 * Finds out who is signed in (the signed out go to sign-in, customers to their page), then
 * connects. False when it sent the visitor elsewhere (nothing was started).
 */
export async function loadAgent(): Promise<boolean> {
  try {
    const user = await requireUser();
    if (user === null) return false;
    if (!isStaff(user)) {
      navigate(homeFor(user), { replace: true });
      return false;
    }
    const socket = new Connection({ me: user.id });
    /** Sessions handed to me whose transfer entry came before their new state: who handed them. */
    const handovers = new Map<string, string>();
    /** Returns already alerted: a manager in the queue's group gets the offer and `returned`, and hears one alert. */
    const returnsAlerted = new Set<string>();
    socket.subscribe((frame, live) => {
      // An offer gone urgent (nobody accepted it in time) rings its own, louder alert (routing-alerts.ts).
      if (frame.type === "offer" && frame.urgent === true) return;
      // A session back from an agent: its own alert, once per return (offer or `returned`, whichever comes first).
      if (live && (frame.type === "offer" || frame.type === "returned")) {
        const back = returnKey(frame.conversation);
        if (back !== null) {
          const mine = frame.conversation.returned_from?.id === user.id;
          if (!returnsAlerted.has(back) && !mine && frame.conversation.state === "queued") {
            returnsAlerted.add(back);
            alertReturned(socket, frame.conversation);
          }
          return;
        }
      }
      if (frame.type === "offer" && live && frame.conversation.state === "queued") {
        const name = frame.conversation.customer?.display_name ?? "A customer";
        beep();
        const id = frame.conversation.id;
        notifyDesktop(`New chat: ${name}`, frame.conversation.first_message ?? queueName(frame.conversation.queue), () => {
          // Still waiting: its notification in the sidebar, Accept focused; else its mini window.
          if (socket.offers.value.has(id)) showOffer(id);
          else if (socket.conversations.value.has(id)) openMiniWindow(id);
        });
      }
      // A colleague handed a session to me: it arrives like an offer (sound, notification) and
      // its window opens without taking the focus from what I am typing. The transfer's entry
      // and the session's new state come in either order: the second one rings.
      if (!live) return;
      if (frame.type === "entry" && frame.event === "transferred" && frame.author?.id !== user.id) {
        handovers.set(frame.conversation, frame.author?.display_name ?? "A colleague");
      }
      const id = frame.type === "entry" ? frame.conversation : frame.type === "conversation" ? frame.id : null;
      const from = id === null ? undefined : handovers.get(id);
      const conversation = id === null ? undefined : socket.conversations.value.get(id);
      if (id === null || from === undefined || conversation?.assignee?.id !== user.id) return;
      handovers.delete(id);
      beep();
      openMiniWindow(id, false);
      notifyDesktop(`${from} handed you a chat`, conversation.customer?.display_name ?? queueName(conversation.queue), () => openMiniWindow(id));
    });
    // A conversation gone closes its window; a colleague's chat message flashes its header.
    followChats(socket, user.id);
    // Urgent offers, overdue replies, sessions nobody took: marks, notices and louder alerts.
    followRoutingAlerts(socket, () => me.peek() ?? user, {
      queueName,
      showOffer: (id) => {
        if (socket.offers.value.has(id)) showOffer(id);
      },
      open: openNotice,
    });
    // A change of the user's roles or groups: who they are is read again (the Manage link, the console).
    followRightsChanges(socket);
    connection.value = socket;
    me.value = user;
    socket.start();
    startClock();
    window.addEventListener("online", () => socket.reconnectNow());
    window.addEventListener("offline", () => socket.networkLost());
    warnBeforeLeavingUnsent(window, socket);
    // A new incident not saved, or unsaved changes to one: the browser asks before the page goes.
    window.addEventListener("beforeunload", (event) => {
      if (holdsUnsavedWork()) event.preventDefault();
    });
    unlockAudioOnFirstGesture(window);
    queues.value = await requestJson("/api/queues", isQueueList);
  } catch (error) {
    loadError.value = asApiError(error);
  }
  return true;
}

/**
 * The user's roles, ITIL or groups changed while the page is open: the server closed the socket
 * (4403) and it reconnects. Once it is back (`ready`), `GET /api/me` and the queues are read
 * again, so the top bar's Manage link, the console at /agent/manage, the routing alerts and the
 * queues at a glance follow without a reload. A read that fails is tried at the next `ready`;
 * of two reads under way, the later one's answer stands. Returns the unsubscribe.
 */
export function followRightsChanges(socket: Connection): () => void {
  let changed = false;
  let asked = 0;
  const offRights = socket.onRightsChanged(() => {
    changed = true;
  });
  const offFrames = socket.subscribe((frame) => {
    if (frame.type !== "ready" || !changed) return;
    changed = false;
    const mine = ++asked;
    fetchMe().then(
      (user) => {
        // Another user signed in meanwhile (in another tab) is the sign-in check's business, not this one's.
        if (mine === asked && user.id === me.peek()?.id) me.value = user;
      },
      () => {
        if (mine === asked) changed = true;
      },
    );
    requestJson("/api/queues", isQueueList).then(
      (list) => {
        if (mine === asked) queues.value = list;
      },
      () => {
        if (mine === asked) changed = true;
      },
    );
  });
  return () => {
    offRights();
    offFrames();
  };
}

/**
 * A session came back to the queue from its agent: another tune than a new chat's, and a desktop
 * notification saying so; a click shows its queue notification (Accept focused) if it is on
 * offer to me, else the notice.
 */
function alertReturned(socket: Connection, conversation: Conversation): void {
  // The routing guard's alert may have told already that its agent did not answer (not "had to leave").
  const key = returnKey(conversation);
  const unanswered = key !== null && unansweredReturns.peek().has(key);
  const text = unanswered ? `Back in the queue: ${conversation.customer?.display_name ?? "A customer"} — ${conversation.returned_from?.display_name ?? "its agent"} did not answer` : (returnedText(conversation) ?? "Back in the queue");
  beep("offers", "returned");
  const id = conversation.id;
  notifyDesktop(text, conversation.first_message ?? queueName(conversation.queue), () => {
    if (socket.offers.value.has(id)) showOffer(id);
  });
}

/**
 * The agent app; `workspace` is the conversation of `/agent/workspace/<id>`, null at `/agent`;
 * `manage` at `/agent/manage` (the managers' console in the content pane).
 */
export function AgentApp({ workspace, manage = false }: { workspace: string | null; manage?: boolean }) {
  const user = me.value;
  if (loadError.value !== null) return <PageLoadFailed message={loadError.value.message} />;
  if (user === null) return <LoadingPage label="Loading Switchboard…" />;
  return <SignedIn user={user} workspace={workspace} manage={manage} />;
}

function SignedIn({ user, workspace, manage }: { user: User; workspace: string | null; manage: boolean }) {
  const socket = connection.value;
  const base = workspace !== null ? "Workspace · Switchboard" : manage ? "Manage · Switchboard" : BASE_TITLE;

  // Again when the route changes between home and workspace (the component stays mounted).
  useEffect(
    () =>
      effect(() => {
        const conversations = [...(connection.value?.conversations.value.values() ?? [])];
        // Chats with colleagues and sessions the agent helps with count too: their unread messages wait as much.
        const chats = conversations.filter((c) => isChat(c) || isInvitedTo(c, user.id)).reduce((n, c) => n + (c.unread ?? 0), 0);
        const count = attentionCount(conversations, connection.value?.offers.value.size ?? 0, user.id) + chats;
        document.title = titleWithCount(base, count);
      }),
    [base, user.id],
  );

  useEffect(() => {
    const ask = () => askNotificationPermissionOnce();
    // The window as it is now: a cleanup that runs late (after a test's page is gone) still finds it.
    const target = window;
    target.addEventListener("pointerdown", ask, { once: true });
    return () => target.removeEventListener("pointerdown", ask);
  }, []);

  if (workspace !== null) {
    return (
      <div class="agent-app agent-app--workspace">
        <TopBar user={user} workspace={workspace} />
        <ConnectionBanner state={socket?.link.value ?? "connecting"} notice={socket?.closeNotice.value ?? null} />
        <RoutingAlerts />
        <ReturnedNotices />
        <GoneNotices />
        <Workspace user={user} id={workspace} />
        <AttentionLayer user={user} />
      </div>
    );
  }
  return (
    <div class="agent-app">
      <TopBar user={user} workspace={null} manage={manage} />
      <div class="agent-app__banner">
        <ConnectionBanner state={socket?.link.value ?? "connecting"} notice={socket?.closeNotice.value ?? null} />
        <RoutingAlerts />
        <ReturnedNotices />
        <GoneNotices />
      </div>
      {manage ? <ManagePage user={user} /> : <ContentPane user={user} />}
      <ConnectSidebar user={user} />
      <MiniWindowDock user={user} />
      <AttentionLayer user={user} />
    </div>
  );
}

function TopBar({ user, workspace, manage = false }: { user: User; workspace: string | null; manage?: boolean }) {
  return (
    <header class="top-bar agent-app__top-bar">
      <a class="top-bar__title top-bar__home" href="/agent">
        Switchboard
      </a>
      {workspace === null && <ContentNav user={user} manage={manage} />}
      <div class="top-bar__user">
        <PresenceControl user={user} />
        <span class="top-bar__name">{user.display_name}</span>
        <AgentSignOut user={user} workspace={workspace} />
      </div>
    </header>
  );
}

/**
 * Home and Incidents: what the content pane shows (leaving an unsaved incident asks first); the
 * Knowledge Base, a page of its own (`/kb`, in this tab); and for managers and admins Manage,
 * the managers' console (`/agent/manage`, in the content pane).
 */
export function ContentNav({ user, manage = false }: { user: User; manage?: boolean }) {
  const kind = manage ? "manage" : contentPane.view.value.kind;
  const show = (view: { kind: "home" } | { kind: "incidents" }) => {
    contentPane.show(view);
    if (manage) navigate("/agent");
  };
  return (
    <nav class="content-nav" aria-label="Content">
      <button type="button" class="button button--small button--quiet content-nav__button" aria-current={kind === "home" ? "page" : undefined} onClick={() => show({ kind: "home" })}>
        Home
      </button>
      <button type="button" class="button button--small button--quiet content-nav__button" aria-current={kind === "incidents" ? "page" : undefined} onClick={() => show({ kind: "incidents" })}>
        Incidents
      </button>
      <KnowledgeBaseLink />
      {mayManage(user) && <ManageLink current={manage} />}
    </nav>
  );
}

/** The managers' console, through the shell's router (an unsaved incident makes it a page load, as for the Knowledge Base). */
function ManageLink({ current }: { current: boolean }) {
  return (
    <a
      class="button button--small button--quiet content-nav__button content-nav__link"
      href="/agent/manage"
      aria-current={current ? "page" : undefined}
      onClick={(event) => {
        if (holdsUnsavedWork()) event.stopPropagation();
      }}
    >
      Manage
    </a>
  );
}

/**
 * The Knowledge Base's page, in this tab: through the shell's router (the connection stays). An
 * unsaved incident would be dropped by that without a word, so then the link loads the page
 * instead, and the browser asks first (see `beforeunload` in `loadAgent`).
 */
export function KnowledgeBaseLink() {
  return (
    <a
      class="button button--small button--quiet content-nav__button content-nav__link"
      href="/kb"
      onClick={(event) => {
        if (holdsUnsavedWork()) event.stopPropagation();
      }}
    >
      Knowledge Base
    </a>
  );
}

function PresenceControl({ user }: { user: User }) {
  // What the server last said about me (another tab may have changed it), else what I chose here.
  const reported = connection.value?.presence.value.get(user.id);
  const choice = reported === "away" || reported === "available" ? reported : presenceChoice.value;
  return (
    <label class="presence-control">
      <span class={`presence presence--${choice}`} aria-hidden="true">
        {choice === "available" ? "●" : "◐"}
      </span>
      <span class="visually-hidden">Presence</span>
      <select
        class="presence-control__select"
        value={choice}
        onChange={(event) => {
          const status = event.currentTarget.value === "away" ? "away" : "available";
          presenceChoice.value = status;
          connection.value?.setPresence(status);
        }}
      >
        <option value="available">Available</option>
        <option value="away">Away</option>
      </select>
    </label>
  );
}

function ContentPane({ user }: { user: User }) {
  if (contentPane.view.value.kind !== "home") {
    return (
      <main class="content-pane" aria-label="Content pane">
        <PaneContent pane={contentPane} user={user} onClose={() => contentPane.show({ kind: "home" })} />
      </main>
    );
  }
  return <Home user={user} />;
}

function Home({ user }: { user: User }) {
  const socket = connection.value;
  const all = [...(socket?.conversations.value.values() ?? [])];
  const mine = sidebarGroups(all, user.id).mine;
  const offers = [...(socket?.offers.value.values() ?? [])];
  return (
    <main class="content-pane" aria-label="Content pane">
      <section class="content-pane__section" aria-labelledby="home-my-sessions">
        <h1 id="home-my-sessions" class="content-pane__heading">
          My sessions
        </h1>
        {mine.length === 0 ? <p class="muted">No sessions yet.</p> : <SessionTable sessions={mine} />}
      </section>
      <section class="content-pane__section" aria-labelledby="home-queues">
        <h2 id="home-queues" class="content-pane__heading content-pane__heading--small">
          Queues at a glance
        </h2>
        {queues.value.length === 0 ? (
          <p class="muted">You work no queue yet.</p>
        ) : (
          <ul class="queue-cards">
            {queues.value.map((q) => {
              const waiting = offers.filter((o) => o.queue === q.id);
              const oldest = waiting.reduce((min, o) => Math.min(min, Date.parse(o.created_at)), Number.POSITIVE_INFINITY);
              const active = activeWithMe(all, q.id, user.id);
              return (
                <li key={q.id} class="queue-card">
                  <span class="queue-card__name">{q.name}</span>
                  <span>
                    <strong>{waiting.length}</strong> waiting
                    {waiting.length > 0 && <LongestWait since={oldest} />}
                  </span>
                  <span>
                    <strong>{active}</strong> active with you
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </main>
  );
}

/** How long the oldest offer has waited: the one part of the home view that follows the clock. */
function LongestWait({ since }: { since: number }) {
  const waited = useClockText((at) => clock((at - since) / 1000));
  return <span class="muted"> · longest {waited}</span>;
}

function SessionTable({ sessions }: { sessions: Conversation[] }) {
  return (
    <table class="session-table">
      <thead>
        <tr>
          <th scope="col">Customer</th>
          <th scope="col">State</th>
          <th scope="col">Queue</th>
          <th scope="col">Last message</th>
          <th scope="col">Unread</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((c) => (
          <tr key={c.id}>
            <td>
              <button type="button" class="link-button" onClick={() => openMiniWindow(c.id)}>
                {c.customer?.display_name ?? "Conversation"}
              </button>
            </td>
            <td>
              <span aria-hidden="true">{STATE_ICON[c.state]}</span> {STATE_LABEL[c.state]}
            </td>
            <td>{queueName(c.queue)}</td>
            <td class="session-table__preview">
              <PreviewText conversation={c} />
            </td>
            <td>{c.unread ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
