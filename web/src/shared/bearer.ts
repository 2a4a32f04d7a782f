/**
 * The widget's frame on a portal of another site gets no session cookie (third-party cookies
 * are refused or partitioned), so it signs in for a bearer token instead and keeps it in the
 * frame's sessionStorage, or in memory where storage is refused. Everything that talks to the
 * server asks here for its credentials. A page of the frame loaded without a token (a reload of
 * the portal page) is signed in by the partitioned embed cookie the server set with the token,
 * which the browser sends by itself: nothing to do here.
 */

const KEY = "switchboard.bearer";

/**
 * Where the token is kept when the frame may not use storage (Chromium refuses sessionStorage
 * to a third-party frame when third-party cookies are blocked): in memory, which lives as long
 * as the app shell (sign-in goes on to the support page without loading a new document). It is
 * never taken from a URL: a link carrying someone's token would sign its reader in as them.
 */
let memory: string | null = null;

function storage(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    // Storage refused (e.g. blocked in a frame): no token.
    return null;
  }
}

/** The bearer token this tab signed in with, or null (the cookie is used). */
export function bearerToken(): string | null {
  return storage()?.getItem(KEY) ?? memory;
}

export function setBearerToken(token: string | null): void {
  memory = token;
  const store = storage();
  if (store === null) return;
  if (token === null) store.removeItem(KEY);
  else store.setItem(KEY, token);
}

/** Headers that carry the bearer token, if any. */
export function authHeaders(): Record<string, string> {
  const token = bearerToken();
  return token === null ? {} : { Authorization: `Bearer ${token}` };
}

/** The WebSocket subprotocols that carry the bearer token (browsers cannot set headers on a socket). */
export function socketProtocols(): string[] | undefined {
  const token = bearerToken();
  return token === null ? undefined : ["switchboard", `switchboard.bearer.${token}`];
}
