/**
 * The managers' console (`/agent/manage`), in the agent app's content pane: Queue settings,
 * Group membership and Canned messages as three tabs (arrow keys, Home and End move between
 * them). Only managers and admins: anyone else who opens the address is told so.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { asApiError } from "../../shared/session";
import type { Queue, User } from "../../shared/wire";
import { manageApi, type ManageApi } from "./api";
import { CannedMessages } from "./CannedMessages";
import { GroupMembers } from "./GroupMembers";
import { QueueSettings } from "./QueueSettings";
import type { Group } from "./types";
import { queues as agentQueues } from "../state";
import "./manage.css";

/** Managers and admins run the console. */
export function mayManage(user: User): boolean {
  return user.roles.includes("manager") || user.roles.includes("admin");
}

export const MANAGE_TABS = [
  { id: "queues", label: "Queue settings" },
  { id: "groups", label: "Group membership" },
  { id: "canned", label: "Canned messages" },
] as const;
type TabId = (typeof MANAGE_TABS)[number]["id"];

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
  const tab = useSignal<TabId>("queues");
  const queues = useSignal<Queue[] | null>(null);
  const groups = useSignal<Group[] | null>(null);
  const error = useSignal<string | null>(null);
  const tabs = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.queues().then(
      (list) => (queues.value = list),
      (failure: unknown) => (error.value = asApiError(failure).message),
    );
    api.groups().then(
      (list) => (groups.value = list),
      (failure: unknown) => (error.value = asApiError(failure).message),
    );
  }, [api]);

  function onKeyDown(event: KeyboardEvent) {
    const index = MANAGE_TABS.findIndex((t) => t.id === tab.value);
    const last = MANAGE_TABS.length - 1;
    const next = event.key === "ArrowRight" ? (index + 1) % MANAGE_TABS.length : event.key === "ArrowLeft" ? (index + last) % MANAGE_TABS.length : event.key === "Home" ? 0 : event.key === "End" ? last : -1;
    if (next < 0) return;
    event.preventDefault();
    const chosen = MANAGE_TABS[next];
    if (chosen === undefined) return;
    tab.value = chosen.id;
    tabs.current?.querySelector<HTMLElement>(`#manage-tab-${chosen.id}`)?.focus();
  }

  const loading = <p class="muted">Loading…</p>;
  return (
    <main class="content-pane manage" aria-label="Content pane">
      <h1 class="content-pane__heading">Manage</h1>
      {error.value !== null && (
        <p class="alert" role="alert">
          {error.value}
        </p>
      )}
      <div ref={tabs} class="manage-tabs" role="tablist" aria-label="Manage" onKeyDown={onKeyDown}>
        {MANAGE_TABS.map((t) => (
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
      {MANAGE_TABS.map((t) => (
        <section key={t.id} id={`manage-panel-${t.id}`} role="tabpanel" aria-labelledby={`manage-tab-${t.id}`} class="manage-panel" hidden={tab.value !== t.id}>
          <h2 class="visually-hidden">{t.label}</h2>
          {tab.value !== t.id
            ? null
            : t.id === "queues"
              ? queues.value === null
                ? loading
                : <QueueSettings queues={queues.value} api={api} onSaved={(saved) => {
                    queues.value = (queues.value ?? []).map((q) => (q.id === saved.id ? saved : q));
                    // This tab's agent app counts the unsend window on the queue as it holds it.
                    agentQueues.value = agentQueues.value.map((q) => (q.id === saved.id ? saved : q));
                  }} />
              : t.id === "groups"
                ? groups.value === null
                  ? loading
                  : <GroupMembers groups={groups.value} api={api} find={find} delay={delay} onChanged={(changed) => (groups.value = (groups.value ?? []).map((g) => (g.id === changed.id ? changed : g)))} />
                : queues.value === null
                  ? loading
                  : <CannedMessages queues={queues.value} api={api} agentName={user.display_name} />}
        </section>
      ))}
    </main>
  );
}
