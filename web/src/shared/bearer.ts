/**
 * The widget's frame on a portal of another site gets no session cookie (third-party cookies
 * are refused or partitioned), so it signs in for a bearer token instead and keeps it in the
 * frame's sessionStorage, or in memory where storage is refused. Everything that talks to the
 * server asks here for its credentials. A page of the frame loaded without a token (a reload of
 * the portal page) is signed in by the partitioned embed cookie the server set with the token,
 * which the browser sends by itself: nothing to do here.
 */

const KEY = "switchboard.bearer";
/** The URL fragment that hands the token from the sign-in page to the next page when storage is refused. */
const HANDOFF = "#switchboard-bearer=";

/**
 * Where the token is kept when the frame may not use storage (Chromium refuses sessionStorage
 * to a third-party frame when third-party cookies are blocked): in memory for this page, and
 * handed to the next page in the URL fragment (never sent to a server), see `withBearerHandoff`.
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

/** `url` with the token in its fragment when it cannot be stored (so the next page has it), else as it is. */
export function withBearerHandoff(url: string): string {
  const token = bearerToken();
  if (token === null || storage() !== null) return url;
  return `${url.split("#")[0] ?? url}${HANDOFF}${encodeURIComponent(token)}`;
}

/** Takes a token handed over in this page's URL fragment, and removes it from the address. */
export function adoptBearerHandoff(): void {
  if (typeof location === "undefined" || !location.hash.startsWith(HANDOFF)) return;
  setBearerToken(decodeURIComponent(location.hash.slice(HANDOFF.length)));
  history.replaceState(history.state, "", location.pathname + location.search);
}

adoptBearerHandoff();

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
