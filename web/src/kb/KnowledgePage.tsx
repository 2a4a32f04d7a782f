/**
 * The Knowledge Base pages (`/kb`, `/kb/<number>`, `/kb/new`, `/kb/<number>/edit`): who is
 * signed in (read once per page load; the signed out go to sign-in), the frame around each
 * view (top bar with the way back to the agent app or the support page), and the one-time
 * message a view leaves for the next (e.g. "Saved" after the editor).
 */
import { signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import type { ApiError } from "../shared/api";
import { homeFor, isStaff } from "../shared/nav";
import { startClock } from "../shared/now";
import { LoadingPage, PageLoadFailed } from "../shared/PageStatus";
import { asApiError, requireUser } from "../shared/session";
import { SignOutButton } from "../shared/SignOutButton";
import type { User } from "../shared/wire";
import "./kb.css";
import "./kb-pages.css";

export const kbUser = signal<User | null>(null);
const loadError = signal<ApiError | null>(null);

/** A message for the next view to say once (set before navigating, taken when shown). */
export const flash = signal<string | null>(null);

/** Takes the message left for this view, if any. */
export function takeFlash(): string | null {
  const message = flash.peek();
  flash.value = null;
  return message;
}

let loading: Promise<void> | null = null;

/** Finds out who is signed in, once per page load. */
export function loadKb(): Promise<void> {
  startClock();
  loading ??= requireUser().then(
    (user) => {
      if (user !== null) kbUser.value = user;
    },
    (error: unknown) => {
      loadError.value = asApiError(error);
      loading = null;
    },
  );
  return loading;
}

/** The frame of every Knowledge Base view; `children` gets the signed-in user. */
export function KnowledgeFrame({ children, atList = false }: { children: (user: User) => ComponentChildren; atList?: boolean }) {
  const user = kbUser.value;
  if (loadError.value !== null) return <PageLoadFailed message={loadError.value.message} />;
  if (user === null) return <LoadingPage label="Loading the Knowledge Base…" />;
  const staff = isStaff(user);
  return (
    <div class="kb-page">
      <header class="top-bar kb-page__bar">
        <a class="top-bar__title kb-page__home" href={homeFor(user)}>
          Switchboard
        </a>
        <nav class="kb-page__nav" aria-label="Pages">
          <a href="/kb" class="kb-page__nav-link" aria-current={atList ? "page" : undefined}>
            Knowledge Base
          </a>
          <a href={homeFor(user)} class="kb-page__nav-link">
            {staff ? "Agent app" : "Support"}
          </a>
        </nav>
        <div class="top-bar__user">
          <span class="top-bar__name">{user.display_name}</span>
          <SignOutButton />
        </div>
      </header>
      <main class="kb-page__main">{children(user)}</main>
    </div>
  );
}
