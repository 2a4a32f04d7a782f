/**
 * The one way the web app talks HTTP to the server: JSON in and out, the session cookie
 * sent along (or, in the widget's frame on a portal of another site, the bearer token), and
 * every failure turned into an `ApiError` carrying the server's code.
 */
import { authHeaders, bearerToken, setBearerToken } from "./bearer";
import {
  isApiErrorBody,
  isAvailability,
  isEntry,
  isIncident,
  isIncidentList,
  isUser,
  type Availability,
  type Entry,
  type Incident,
  type IncidentInput,
  type IncidentPatch,
  type PostKind,
  type User,
} from "./wire";

/** A request the server refused (or could not be reached for), as the UI needs it. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly status: number,
    /** The server's stable snake_case code, e.g. `invalid_credentials`. */
    readonly code: string,
    /** Text meant for people. */
    message: string,
    /** Seconds to wait before trying again, from the Retry-After header. */
    readonly retryAfter: number | null = null,
    /** The form field a 422 is about (`error.field`), e.g. `short_description`. */
    readonly field: string | null = null,
    /** With `stale_view`: how many new messages the sender has not seen (`error.newer`). */
    readonly newer: number | null = null,
  ) {
    super(message);
  }
}

export type Guard<T> = (value: unknown) => value is T;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

/** Sends a request and returns its JSON answer, checked by `guard`. */
export async function requestJson<T>(path: string, guard: Guard<T>, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  const body = await readJson(response);
  if (!guard(body)) {
    throw new ApiError(response.status, "unexpected_response", "The server sent an answer this page does not understand.");
  }
  return body;
}

/** Sends a request whose answer carries no body we need (e.g. 204). */
export async function requestNoContent(path: string, options: RequestOptions = {}): Promise<void> {
  await send(path, options);
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json", ...authHeaders() };
  const bearer = bearerToken();
  const init: RequestInit = { method: options.method ?? "GET", headers, credentials: "same-origin" };
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  if (options.signal !== undefined) init.signal = options.signal;

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, "network_error", "Could not reach the server. Check your connection and try again.");
  }
  if (bearer !== null && endsBearerSession(path, init.method ?? "GET", response.status)) setBearerToken(null);
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/**
 * Whether this answer means the bearer token is no longer a session: the sign-out went through
 * (or there was nothing to end), or the server did not know the token (expired, revoked).
 */
function endsBearerSession(path: string, method: string, status: number): boolean {
  if (status === 401) return true;
  return method === "DELETE" && path === "/api/session" && status >= 200 && status < 300;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new ApiError(response.status, "unexpected_response", "The server sent an answer this page does not understand.");
  }
}

/** Builds the error for a non-2xx answer, falling back to the status when the body is not ours. */
export async function errorFrom(response: Response, now: Date = new Date()): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"), now);
  return errorOf(response.status, response.statusText, await response.text().catch(() => ""), retryAfter);
}

/** The error of an answer by its status and body text (a fetch Response or an XMLHttpRequest). */
function errorOf(status: number, statusText: string, text: string, retryAfter: number | null): ApiError {
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): described by its status below.
  }
  if (isApiErrorBody(body)) {
    return new ApiError(status, body.error.code, body.error.message, retryAfter, body.error.field ?? null, body.error.newer ?? null);
  }
  return new ApiError(status, fallbackCode(status), fallbackMessage(status, statusText), retryAfter);
}

function fallbackCode(status: number): string {
  switch (status) {
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 413:
      return "too_large";
    case 429:
      return "rate_limited";
    default:
      return status >= 500 ? "server_error" : "http_error";
  }
}

function fallbackMessage(status: number, statusText: string): string {
  if (status === 413) return "The file is too large for the server.";
  if (status === 429) return "Too many requests.";
  if (status >= 500) return `The server had a problem (${status}). Try again in a moment.`;
  const text = statusText === "" ? "" : ` ${statusText}`;
  return `The server answered ${status}${text}.`;
}

/** Retry-After is either whole seconds or an HTTP date; returns seconds from `now`, or null. */
export function parseRetryAfter(header: string | null, now: Date = new Date()): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number.parseInt(value, 10);
  // An HTTP date has a weekday and a month in words; this keeps "-5" from parsing as a year.
  if (!/[a-z]/i.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

// ---- Incidents (docs/protocol.md, "Incidents") ----

const enc = encodeURIComponent;

/** The views of `GET /api/incidents` for staff (a customer gets the incidents they are the caller of). */
export type IncidentView = "mine" | "group" | "open" | "all";

export interface IncidentQuery {
  view?: IncidentView;
  state?: string;
  q?: string;
}

/** The path of `GET /api/incidents` for a query; empty parts are left out. */
export function incidentsPath(query: IncidentQuery = {}): string {
  const params = new URLSearchParams();
  if (query.view !== undefined) params.set("view", query.view);
  if (query.state !== undefined && query.state !== "") params.set("state", query.state);
  const q = query.q?.trim() ?? "";
  if (q !== "") params.set("q", q);
  const text = params.toString();
  return text === "" ? "/api/incidents" : `/api/incidents?${text}`;
}

export function listIncidents(query: IncidentQuery = {}, signal?: AbortSignal): Promise<Incident[]> {
  return requestJson(incidentsPath(query), isIncidentList, signal === undefined ? {} : { signal });
}

/** By id or number. */
export function getIncident(incident: string): Promise<Incident> {
  return requestJson(`/api/incidents/${enc(incident)}`, isIncident);
}

/** Creates an incident; repeating the same `client_id` answers the original (a double Save creates one). */
export function createIncident(input: IncidentInput): Promise<Incident> {
  return requestJson("/api/incidents", isIncident, { method: "POST", body: input });
}

/** Changes the fields named; 409 `changed` when `version` is not the current one. */
export function updateIncident(incident: string, patch: IncidentPatch): Promise<Incident> {
  return requestJson(`/api/incidents/${enc(incident)}`, isIncident, { method: "PATCH", body: patch });
}

export function setFollowing(incident: string, follow: boolean): Promise<void> {
  return requestNoContent(`/api/incidents/${enc(incident)}/follow`, { method: follow ? "PUT" : "DELETE" });
}

/** Staff: enabled users whose name or username contains `q` (1–100 characters), by name, at most 20. */
export function findUsers(q: string, signal?: AbortSignal): Promise<User[]> {
  const isUserList = (value: unknown): value is User[] => Array.isArray(value) && value.every(isUser);
  return requestJson(`/api/users?q=${enc(q)}`, isUserList, signal === undefined ? {} : { signal });
}

/** The incidents created from a support session, newest first. */
export function incidentsOfSession(conversation: string): Promise<Incident[]> {
  return requestJson(`/api/conversations/${enc(conversation)}/incidents`, isIncidentList);
}

/** How many staff of the queue are online and Available now. */
export function queueAvailability(queue: string): Promise<Availability> {
  return requestJson(`/api/queues/${enc(queue)}/availability`, isAvailability);
}

/** Nobody there: the customer leaves a message, which becomes an incident at once. */
export function leaveMessage(queue: string, clientId: string, body: string): Promise<Incident> {
  return requestJson(`/api/queues/${enc(queue)}/messages`, isIncident, { method: "POST", body: { client_id: clientId, body } });
}

/** The entries of a conversation (an incident's activity, for the customer's read-only view). */
export async function allEntries(conversation: string): Promise<Entry[]> {
  const isPage = (value: unknown): value is { entries: Entry[]; next_after: number | null } =>
    typeof value === "object" && value !== null && Array.isArray((value as { entries?: unknown }).entries) && (value as { entries: unknown[] }).entries.every(isEntry);
  const entries: Entry[] = [];
  let after = 0;
  for (let round = 0; round < 20; round += 1) {
    const page = await requestJson(`/api/conversations/${enc(conversation)}/entries?after=${after}&limit=500`, isPage);
    entries.push(...page.entries);
    if (page.next_after === null || page.next_after === undefined || page.entries.length === 0) break;
    after = page.next_after;
  }
  return entries;
}

/** Posts a comment (or work note) over HTTP with its client id; a repeat answers the original. */
export function postEntry(conversation: string, clientId: string, kind: PostKind, body: string): Promise<Entry> {
  return requestJson(`/api/conversations/${enc(conversation)}/entries`, isEntry, { method: "POST", body: { client_id: clientId, kind, body } });
}


// ---- Attachments (docs/protocol.md, "Attachments") ----

/** What `POST /api/conversations/{id}/attachments` takes: one file as an entry, with a caption. */
export interface AttachmentUpload {
  conversation: string;
  /** Kept for every try of the same send: the server stores it once. */
  clientId: string;
  kind: PostKind;
  /** The caption (the text in the field); may be empty. */
  body: string;
  /** Staff: the newest seq their view showed (the stale-view guard). Customers send none. */
  seen?: number;
  file: Blob;
  /** The attachment's name (a `File` has its own; a pasted screenshot is given one). */
  fileName: string;
  /** Told the share of the file sent so far, 0 to 1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Given up (`upload_stalled`) after this long without progress or an answer (default `UPLOAD_STALL_MS`). */
  stallMs?: number;
}

/** An upload through which nothing went for this long is given up: a stalled network would hold the composer for ever. */
export const UPLOAD_STALL_MS = 120_000;

/** The multipart form of an upload: the fields first, the file last (the server streams it). */
export function attachmentForm(upload: AttachmentUpload): FormData {
  const form = new FormData();
  form.append("client_id", upload.clientId);
  form.append("kind", upload.kind);
  form.append("body", upload.body);
  if (upload.seen !== undefined) form.append("seen", String(upload.seen));
  form.append("file", upload.file, upload.fileName);
  return form;
}

/** The part of XMLHttpRequest an upload uses (tests pass a fake). */
export interface UploadRequest {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: FormData): void;
  abort(): void;
  readonly status: number;
  readonly statusText: string;
  readonly responseText: string;
  getResponseHeader(name: string): string | null;
  onload: ((event: ProgressEvent) => void) | null;
  onerror: ((event: ProgressEvent) => void) | null;
  onabort: ((event: ProgressEvent) => void) | null;
  readonly upload: { onprogress: ((event: ProgressEvent) => void) | null };
}

/**
 * Posts a file into a conversation as multipart/form-data → the stored entry (201, or 200 with the
 * original when `clientId` was stored before). Sent with XMLHttpRequest, which (unlike fetch)
 * reports the upload's progress. The entry also comes over the socket like any other: the caller
 * shows it from there, never from this answer, so it is never shown twice. `signal` cancels it
 * (an AbortError); nothing sent and no answer for `stallMs` gives it up (`upload_stalled`).
 */
export function uploadAttachment(upload: AttachmentUpload, createRequest: () => UploadRequest = () => new XMLHttpRequest()): Promise<Entry> {
  return new Promise((resolve, reject) => {
    const request = createRequest();
    const path = `/api/conversations/${enc(upload.conversation)}/attachments`;
    const bearer = bearerToken();
    // Every way out stops the stall timer; the first one settles the promise.
    let stall: ReturnType<typeof setTimeout> | null = null;
    const stop = () => {
      if (stall !== null) clearTimeout(stall);
      stall = null;
    };
    const stallMs = upload.stallMs ?? UPLOAD_STALL_MS;
    const waitForProgress = () => {
      stop();
      stall = setTimeout(() => {
        stall = null;
        const wait = stallMs >= 120_000 ? `${Math.round(stallMs / 60_000)} minutes` : `${Math.round(stallMs / 1000)} seconds`;
        reject(new ApiError(0, "upload_stalled", `Nothing reached the server for ${wait}. Check your connection and try again.`));
        request.abort();
      }, stallMs);
    };
    const aborted = () => {
      stop();
      reject(new DOMException("The upload was cancelled.", "AbortError"));
    };
    if (upload.signal?.aborted === true) {
      aborted();
      return;
    }
    request.open("POST", path);
    request.setRequestHeader("Accept", "application/json");
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      waitForProgress();
      if (event.lengthComputable && event.total > 0) upload.onProgress?.(Math.min(1, event.loaded / event.total));
    };
    request.onerror = () => {
      stop();
      reject(new ApiError(0, "network_error", "Could not reach the server. Check your connection and try again."));
    };
    request.onabort = aborted;
    request.onload = () => {
      stop();
      const status = request.status;
      if (bearer !== null && status === 401) setBearerToken(null);
      if (status < 200 || status >= 300) {
        reject(errorOf(status, request.statusText, request.responseText, parseRetryAfter(request.getResponseHeader("Retry-After"))));
        return;
      }
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // Checked below.
      }
      if (isEntry(body)) resolve(body);
      else reject(new ApiError(status, "unexpected_response", "The server sent an answer this page does not understand."));
    };
    upload.signal?.addEventListener("abort", () => request.abort(), { once: true });
    request.send(attachmentForm(upload));
    waitForProgress();
  });
}
