/**
 * The widget's frame on a portal of another site gets no cookie (third-party cookies are
 * refused or partitioned), so it signs in for a bearer token instead and keeps it in the
 * frame's sessionStorage. Everything that talks to the server asks here for its credentials.
 */

const KEY = "switchboard.bearer";

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
  return storage()?.getItem(KEY) ?? null;
}

export function setBearerToken(token: string | null): void {
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
