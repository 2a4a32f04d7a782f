import { signal } from "@preact/signals";
import type { ApiError } from "../shared/api";
import { homeFor, isStaff } from "../shared/nav";
import { LoadingPage, PageLoadFailed } from "../shared/PageStatus";
import { asApiError, requireUser } from "../shared/session";
import { SignOutButton } from "../shared/SignOutButton";
import type { User } from "../shared/wire";

/** The agent signed in to this tab; null until /api/me answers. */
export const me = signal<User | null>(null);
const loadError = signal<ApiError | null>(null);

/** Finds out who is signed in; the signed out go to sign-in, customers to their page. */
export async function loadAgent(): Promise<void> {
  try {
    const user = await requireUser();
    if (user === null) return;
    if (!isStaff(user)) {
      location.assign(homeFor(user));
      return;
    }
    me.value = user;
  } catch (error) {
    loadError.value = asApiError(error);
  }
}

/** The agent app: top bar, content pane, and the Connect sidebar on the right. */
export function AgentApp() {
  const user = me.value;
  if (loadError.value !== null) return <PageLoadFailed message={loadError.value.message} />;
  if (user === null) return <LoadingPage label="Loading Switchboard…" />;
  return (
    <div class="agent-app">
      <TopBar user={user} />
      <ContentPane />
      <ConnectSidebar />
    </div>
  );
}

function TopBar({ user }: { user: User }) {
  return (
    <header class="top-bar agent-app__top-bar">
      <span class="top-bar__title">Switchboard</span>
      <div class="top-bar__user">
        <span class="top-bar__name">{user.display_name}</span>
        <SignOutButton />
      </div>
    </header>
  );
}

function ContentPane() {
  return (
    <main class="content-pane" aria-label="Content pane">
      <MySessionsHome />
    </main>
  );
}

function MySessionsHome() {
  return (
    <section class="content-pane__section" aria-labelledby="home-my-sessions">
      <h1 id="home-my-sessions" class="content-pane__heading">
        My sessions
      </h1>
      <p class="muted">No sessions yet.</p>
    </section>
  );
}

function ConnectSidebar() {
  return (
    <aside class="connect-sidebar" aria-label="Connect sidebar">
      <SidebarGroup title="New in queue" empty="No one is waiting." />
      <SidebarGroup title="My sessions" empty="No sessions yet." />
      <SidebarGroup title="Chats" empty="No chats yet." />
      <SidebarGroup title="Records" empty="No records open." />
    </aside>
  );
}

function SidebarGroup({ title, empty }: { title: string; empty: string }) {
  const id = `sidebar-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section class="sidebar-group" aria-labelledby={id}>
      <h2 id={id} class="sidebar-group__title">
        {title}
      </h2>
      <p class="muted sidebar-group__empty">{empty}</p>
    </section>
  );
}
