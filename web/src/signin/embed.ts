/**
 * The sign-in page inside the chat widget's frame. On a portal of another site the frame gets
 * no session cookie (`SameSite=Lax`; browsers refuse or partition third-party cookies), so
 * there it signs in for a bearer token instead (`"token": true`), which the frame keeps in its
 * sessionStorage, or in memory where storage is refused (`shared/bearer.ts`), and `shared/api.ts`
 * sends on every request. The server also sets the partitioned embed cookie carrying the same
 * token: after a reload of the portal page the frame has no token, and `/api/me` (and the
 * socket) are signed in by that cookie.
 */
import { requestJson } from "../shared/api";
import { setBearerToken } from "../shared/bearer";
import { safeNext } from "../shared/nav";
import { isSignInResponse, type User } from "../shared/wire";

/** The support page in the widget's frame. */
export const EMBEDDED_SUPPORT = "/support?embed=1";

/**
 * Whether this window is in a frame (a cross-origin parent cannot be read: that is a frame too):
 * only then does sign-in ask for a token. An address alone (`?embed=1`) does not make a
 * top-level page do so: there the session belongs in the `HttpOnly` cookie, out of reach of scripts.
 */
export function inFrame(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
}

/**
 * Signs in for a bearer token, keeps it for this frame, and returns the user. No session cookie
 * is set; the server sets the partitioned embed cookie (what a reload of the portal page leaves).
 */
export async function signInForToken(username: string, password: string): Promise<User> {
  const answer = await requestJson("/api/session", isSignInResponse, { method: "POST", body: { username, password, token: true } });
  if (answer.token === undefined) throw new Error("The server answered no token.");
  setBearerToken(answer.token);
  return answer.user;
}

/** Where the frame goes once signed in: the `?next=` page when it is safe, else the embedded support page. */
export function embeddedTarget(search: string): string {
  return safeNext(new URLSearchParams(search).get("next")) ?? EMBEDDED_SUPPORT;
}
