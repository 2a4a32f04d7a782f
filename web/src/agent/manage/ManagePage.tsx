/**
 * The managers' console (`/agent/manage`), in the agent app's content pane, as tabs (arrow keys,
 * Home and End move between them): Live queue, Queue settings, Group membership, Canned
 * messages; for admins also Users and Groups and queues; the Audit log. Only managers and
 * admins: anyone else who opens the address is told so.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { asApiError } from "../../shared/session";
import type { Queue, User } from "../../shared/wire";
import { manageApi, type ManageApi } from "./api";
import { AuditLog } from "./AuditLog";
import { CannedMessages } from "./CannedMessages";
import { GroupMembers } from "./GroupMembers";
import { GroupsAndQueues } from "./GroupsAndQueues";
import { LiveView } from "./LiveView";
import { QueueSettings } from "./QueueSettings";
import type { Group } from "./types";
import { UserAccounts } from "./UserAccounts";
import { queues as agentQueues } from "../state";
import "./manage.css";

/** Managers and admins run the console. */
export function mayManage(user: User): boolean {
  return user.roles.includes("manager") || user.roles.includes("admin");
}

/** Every tab in its order; `admin`: shown to admins only. */
export const MANAGE_TABS = [
  { id: "live", label: "Live queue", admin: false },
  { id: "queues", label: "Queue settings", admin: false },
  { id: "groups", label: "Group membership", admin: false },
  { id: "canned", label: "Canned messages", admin: false },
  { id: "users", label: "Users", admin: true },
  { id: "directory", label: "Groups and queues", admin: true },
  { id: "audit", label: "Audit log", admin: false },
] as const;
type Tab = (typeof MANAGE_TABS)[number];
type TabId = Tab["id"];

/** The tabs this user sees. */
export function tabsFor(user: User): readonly Tab[] {
  const admin = user.roles.includes("admin");
  return MANAGE_TABS.filter((t) => admin || !t.admin);
}
interface Props {
  user: User;
  api?: ManageApi;
  /** For tests: how the group section finds staff. */
  find?: ((q: string, signal: AbortSignal) => Promise<User[]>) | undefined;
  delay?: number | undefined;
}

export function ManagePage({ user, api = manageApi, find, delay }: Props) {
  if (!mayManage(user)) {
    return (
      <main class="content-pane manage" aria-label="Content pane">
        <h1 class="content-pane__heading">Only managers and admins</h1>
        <p>
          The managers' console is for managers and admins. Ask one of them to change a queue's settings, a group's members or the canned messages.
        </p>
        <p>
          <a href="/agent">Back to my sessions</a>
        </p>
      </main>
    );
  }
  return <Console user={user} api={api} find={find} delay={delay} />;
}

function Console({ user, api, find, delay }: Required<Pick<Props, "user" | "api">> & Pick<Props, "find" | "delay">) {
  const shown = tabsFor(user);
  const tab = useSignal<TabId>("live");
  const queues = useSignal<Queue[] | null>(null);
  const groups = useSignal<Group[] | null>(null);
  const error = useSignal<string | null>(null);
  const tabs = useRef<HTMLDivElement>(null);

  /** Reads the queues and groups (again, after one was created): every tab's picker offers them. */
  function reload() {
    api.queues().then(
      (list) => (queues.value = list),
      (failure: unknown) => (error.value = asApiError(failure).message),
    );
    api.groups().then(
      (list) => (groups.value = list),
      (failure: unknown) => (error.value = asApiError(failure).message),
    );
  }

  useEffect(reload, [api]);

  function onKeyDown(event: KeyboardEvent) {
    const index = shown.findIndex((t) => t.id === tab.value);
    const last = shown.length - 1;
    const next = event.key === "ArrowRight" ? (index + 1) % shown.length : event.key === "ArrowLeft" ? (index + last) % shown.length : event.key === "Home" ? 0 : event.key === "End" ? last : -1;
    if (next < 0) return;
    event.preventDefault();
    const chosen = shown[next];
    if (chosen === undefined) return;
    tab.value = chosen.id;
    tabs.current?.querySelector<HTMLElement>(`#manage-tab-${chosen.id}`)?.focus();
  }

  const loading = <p class="muted">Loading…</p>;
  function panel(id: TabId) {
    switch (id) {
      case "live":
        return queues.value === null ? loading : <LiveView queues={queues.value} user={user} />;
      case "queues":
        return queues.value === null ? (
          loading
        ) : (
          <QueueSettings
            queues={queues.value}
            api={api}
            onSaved={(saved) => {
              queues.value = (queues.value ?? []).map((q) => (q.id === saved.id ? saved : q));
              // This tab's agent app counts the unsend window on the queue as it holds it.
              agentQueues.value = agentQueues.value.map((q) => (q.id === saved.id ? saved : q));
            }}
          />
        );
      case "groups":
        return groups.value === null ? (
          loading
        ) : (
          <GroupMembers groups={groups.value} api={api} find={find} delay={delay} onChanged={(changed) => (groups.value = (groups.value ?? []).map((g) => (g.id === changed.id ? changed : g)))} />
        );
      case "canned":
        return queues.value === null ? loading : <CannedMessages queues={queues.value} api={api} agentName={user.display_name} />;
      case "users":
        return <UserAccounts api={api} me={user} />;
      case "directory":
        return queues.value === null || groups.value === null ? loading : <GroupsAndQueues groups={groups.value} queues={queues.value} api={api} onCreated={reload} />;
      case "audit":
        return <AuditLog api={api} find={find} delay={delay} />;
    }
  }

  return (
    <main class="content-pane manage" aria-label="Content pane">
      <h1 class="content-pane__heading">Manage</h1>
      {error.value !== null && (
        <p class="alert" role="alert">
          {error.value}
        </p>
      )}
      <div ref={tabs} class="manage-tabs" role="tablist" aria-label="Manage" onKeyDown={onKeyDown}>
        {shown.map((t) => (
          <button
            key={t.id}
            id={`manage-tab-${t.id}`}
            type="button"
            role="tab"
            class="manage-tabs__tab"
            aria-selected={tab.value === t.id}
            aria-controls={`manage-panel-${t.id}`}
            tabIndex={tab.value === t.id ? 0 : -1}
            onClick={() => (tab.value = t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {shown.map((t) => (
        <section key={t.id} id={`manage-panel-${t.id}`} role="tabpanel" aria-labelledby={`manage-tab-${t.id}`} class="manage-panel" hidden={tab.value !== t.id}>
          <h2 class="visually-hidden">{t.label}</h2>
          {tab.value === t.id ? panel(t.id) : null}
        </section>
      ))}
    </main>
  );
}
