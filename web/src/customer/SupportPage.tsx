import { signal } from "@preact/signals";
import { requestJson, type ApiError } from "../shared/api";
import { LoadingPage, PageLoadFailed } from "../shared/PageStatus";
import { asApiError, requireUser } from "../shared/session";
import { SignOutButton } from "../shared/SignOutButton";
import { isQueueList, type Queue, type User } from "../shared/wire";

/** What the support page knows once it has loaded: who is here and which queue they reach. */
interface SupportSession {
  user: User;
  queue: Queue | null;
}

const session = signal<SupportSession | null>(null);
const loadError = signal<ApiError | null>(null);

/** Name shown when the customer can reach no queue. */
export const DEFAULT_TITLE = "IT Service Desk support";

export async function loadSupport(): Promise<void> {
  try {
    const user = await requireUser();
    if (user === null) return;
    const queues = await requestJson("/api/queues", isQueueList);
    session.value = { user, queue: queues[0] ?? null };
  } catch (error) {
    loadError.value = asApiError(error);
  }
}

/** The customer's support page: one readable column with the queue's name on top. */
export function SupportPage() {
  const current = session.value;
  if (loadError.value !== null) return <PageLoadFailed message={loadError.value.message} />;
  if (current === null) return <LoadingPage label="Loading support…" />;
  const title = current.queue?.name ?? DEFAULT_TITLE;
  return (
    <div class="support">
      <SupportHeader title={title} user={current.user} />
      <main class="support__main">
        <StartChatPlaceholder queue={current.queue} />
      </main>
    </div>
  );
}

function SupportHeader({ title, user }: { title: string; user: User }) {
  return (
    <header class="top-bar support__header">
      <h1 class="top-bar__title support__title">{title}</h1>
      <div class="top-bar__user">
        <span class="top-bar__name">{user.display_name}</span>
        <SignOutButton />
      </div>
    </header>
  );
}

function StartChatPlaceholder({ queue }: { queue: Queue | null }) {
  return (
    <section class="start-chat" aria-labelledby="start-chat-title">
      <h2 id="start-chat-title" class="start-chat__title">
        Start a chat with the service desk
      </h2>
      {queue !== null && queue.greeting !== "" && <p class="start-chat__greeting">{queue.greeting}</p>}
      <p class="muted">
        {queue === null
          ? "No support queue is open to you right now. Please contact the service desk another way."
          : "The chat with an agent will open here."}
      </p>
    </section>
  );
}
