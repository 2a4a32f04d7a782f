/** Signing in and out, and finding out who is signed in. */
import { ApiError, requestJson, requestNoContent } from "./api";
import { navigate, signInUrl } from "./nav";
import { isSignInResponse, isUser, type User } from "./wire";

/** The signed-in user; fails with an `ApiError` of status 401 when nobody is. */
export function fetchMe(): Promise<User> {
  return requestJson("/api/me", isUser);
}

export async function signIn(username: string, password: string): Promise<User> {
  const answer = await requestJson("/api/session", isSignInResponse, { method: "POST", body: { username, password } });
  return answer.user;
}

/** How to sign out: `handBack` first hands every open session of the agent back to its queue. */
export interface SignOutOptions {
  handBack?: boolean;
  store?: TabStore | null;
}

/** The request that ends the session (with `?hand_back=true` when the agent hands their chats back). */
export function signOutPath(handBack: boolean): string {
  return handBack ? "/api/session?hand_back=true" : "/api/session";
}

/**
 * Ends the session; being signed out already counts as done. What this tab kept for the user
 * (outbox, drafts, open windows, a pending start) is forgotten with it: the next person at this
 * browser must not find it.
 */
export async function signOut({ handBack = false, store = tabStore() }: SignOutOptions = {}): Promise<void> {
  try {
    await requestNoContent(signOutPath(handBack), { method: "DELETE" });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  forgetTabState(store);
}

/** The part of sessionStorage `forgetTabState` needs. */
export type TabStore = Pick<Storage, "length" | "key" | "removeItem">;

function tabStore(): TabStore | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** Removes every `switchboard.` key of this tab's storage. */
export function forgetTabState(store: TabStore | null): void {
  if (store === null) return;
  const keys: string[] = [];
  for (let i = 0; i < store.length; i += 1) {
    const key = store.key(i);
    if (key?.startsWith("switchboard.") === true) keys.push(key);
  }
  for (const key of keys) store.removeItem(key);
}

/**
 * For pages behind sign-in: the signed-in user, or null after sending the browser to the
 * sign-in page (which comes back here afterwards). The page that was asked for is replaced in
 * the history, so Back from the sign-in page does not bounce into it again.
 */
export async function requireUser(): Promise<User | null> {
  try {
    return await fetchMe();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      navigate(signInUrl(location.pathname + location.search), { replace: true });
      return null;
    }
    throw error;
  }
}

/** Any failure as an `ApiError`, so the UI has one shape to show. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, "client_error", "Something went wrong on this page. Reload and try again.");
}
