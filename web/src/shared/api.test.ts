import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, errorFrom, parseRetryAfter, requestJson, requestNoContent, UPLOAD_STALL_MS, uploadAttachment, type AttachmentUpload } from "./api";
import { FakeUpload } from "./composer/upload.fakes";
import { bearerToken, setBearerToken } from "./bearer";
import { isUser, type Entry, type User } from "./wire";

const alice: User = { id: "3", username: "alice", display_name: "Alice Agent", roles: ["agent"], itil: true };

function stubFetch(response: Response | Error): ReturnType<typeof vi.fn> {
  const fetchMock = vi.fn((_input: string, _init?: RequestInit) =>
    response instanceof Error ? Promise.reject(response) : Promise.resolve(response),
  );
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the request to fail with an ApiError");
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("requestJson", () => {
  it("sends_json_with_same_origin_credentials_and_returns_the_checked_body", async () => {
    const fetchMock = stubFetch(json(200, { user: alice }));
    const answer = await requestJson("/api/session", (v): v is { user: User } => typeof v === "object" && v !== null && "user" in v && isUser(v.user), {
      method: "POST",
      body: { username: "alice", password: "alice" },
    });
    expect(answer.user.display_name).toBe("Alice Agent");
    const [path, init] = fetchMock.mock.calls[0] ?? [];
    expect(path).toBe("/api/session");
    expect(init).toMatchObject({ method: "POST", credentials: "same-origin", body: '{"username":"alice","password":"alice"}' });
    expect(init?.headers).toMatchObject({ "Content-Type": "application/json", Accept: "application/json" });
  });

  it("rejects_a_body_that_fails_the_guard_as_unexpected_response", async () => {
    stubFetch(json(200, { id: 3 }));
    const error = await caught(requestJson("/api/me", isUser));
    expect(error.code).toBe("unexpected_response");
  });

  it("turns_the_server_error_body_into_an_api_error", async () => {
    stubFetch(json(401, { error: { code: "invalid_credentials", message: "Wrong username or password." } }));
    const error = await caught(requestJson("/api/session", isUser, { method: "POST", body: {} }));
    expect({ status: error.status, code: error.code, message: error.message }).toEqual({
      status: 401,
      code: "invalid_credentials",
      message: "Wrong username or password.",
    });
  });

  it("reports_an_unreachable_server_as_network_error", async () => {
    stubFetch(new TypeError("Failed to fetch"));
    const error = await caught(requestJson("/api/me", isUser));
    expect({ status: error.status, code: error.code }).toEqual({ status: 0, code: "network_error" });
  });
});

describe("requestNoContent", () => {
  it("accepts_204_without_a_body", async () => {
    const fetchMock = stubFetch(new Response(null, { status: 204 }));
    await expect(requestNoContent("/api/session", { method: "DELETE" })).resolves.toBeUndefined();
    expect(fetchMock.mock.calls[0]?.[1]?.body, "a DELETE without a body sends none").toBeUndefined();
  });
});

describe("errorFrom", () => {
  const cases: { name: string; response: () => Response; expected: { status: number; code: string; retryAfter: number | null } }[] = [
    {
      name: "rate limited with seconds",
      response: () => json(429, { error: { code: "rate_limited", message: "Too many sign-in attempts." } }, { "Retry-After": "30" }),
      expected: { status: 429, code: "rate_limited", retryAfter: 30 },
    },
    {
      name: "HTML from a proxy",
      response: () => new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
      expected: { status: 502, code: "server_error", retryAfter: null },
    },
    {
      name: "empty 401",
      response: () => new Response("", { status: 401 }),
      expected: { status: 401, code: "unauthorized", retryAfter: null },
    },
    {
      name: "JSON that is not an error body",
      response: () => json(404, { detail: "nope" }),
      expected: { status: 404, code: "not_found", retryAfter: null },
    },
    {
      name: "empty 429 with Retry-After",
      response: () => new Response(null, { status: 429, headers: { "Retry-After": "5" } }),
      expected: { status: 429, code: "rate_limited", retryAfter: 5 },
    },
  ];

  it.each(cases)("$name", async ({ response, expected }) => {
    const error = await errorFrom(response());
    expect({ status: error.status, code: error.code, retryAfter: error.retryAfter }).toEqual(expected);
    expect(error.message, "a fallback error still has words for people").not.toBe("");
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2025-01-01T12:00:00Z");
  const cases: [string | null, number | null][] = [
    [null, null],
    ["30", 30],
    [" 7 ", 7],
    ["0", 0],
    ["Wed, 01 Jan 2025 12:01:00 GMT", 60],
    ["Wed, 01 Jan 2025 11:59:00 GMT", 0],
    ["soon", null],
    ["-5", null],
  ];

  it.each(cases)("Retry-After %j is %j seconds", (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });
});

describe("the bearer token of the widget's frame", () => {
  beforeEach(() => {
    // The unit tests run in node: a sessionStorage of the frame's own.
    const items = new Map<string, string>();
    vi.stubGlobal("sessionStorage", {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    });
  });

  it("is_sent_on_every_request_when_the_frame_signed_in_for_one", async () => {
    setBearerToken("tok-1");
    const fetchMock = stubFetch(json(200, alice));
    await requestJson("/api/me", isUser);
    const init = fetchMock.mock.calls[0]?.[1];
    expect((init?.headers as Record<string, string>).Authorization).toBe("Bearer tok-1");
    setBearerToken(null);
    const plain = stubFetch(json(200, alice));
    await requestJson("/api/me", isUser);
    expect((plain.mock.calls[0]?.[1]?.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it("is_forgotten_on_sign_out_and_when_the_server_no_longer_knows_it", async () => {
    setBearerToken("tok-2");
    stubFetch(new Response(null, { status: 204 }));
    await requestNoContent("/api/session", { method: "DELETE" });
    expect(bearerToken()).toBeNull();

    setBearerToken("tok-3");
    stubFetch(json(401, { error: { code: "unauthorized", message: "Sign in." } }));
    await caught(requestJson("/api/me", isUser));
    expect(bearerToken()).toBeNull();

    setBearerToken("tok-4");
    stubFetch(json(403, { error: { code: "forbidden", message: "No." } }));
    await caught(requestJson("/api/me", isUser));
    expect(bearerToken(), "a refusal is not the end of the session").toBe("tok-4");
  });
});

describe("uploadAttachment", () => {
  const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], "image.png", { type: "image/png" });
  const stored: Entry = {
    conversation: "c1",
    seq: 9,
    kind: "comment",
    author: { id: "3", display_name: "Alice Agent" },
    body: "This is what I see",
    client_id: "k-1",
    at: "2026-11-30T22:50:00Z",
    attachment: { id: "a1", name: "Screenshot 2026-11-30 22.50.png", type: "image/png", size: 8, url: "/api/attachments/a1" },
  };
  const upload = (extra: Partial<AttachmentUpload> = {}): AttachmentUpload => ({
    conversation: "c1",
    clientId: "k-1",
    kind: "comment",
    body: "This is what I see",
    file: png,
    fileName: "Screenshot 2026-11-30 22.50.png",
    ...extra,
  });

  beforeEach(() => FakeUpload.reset());

  it("posts_multipart_fields_then_the_file_and_returns_the_stored_entry", async () => {
    const progress: number[] = [];
    const answer = uploadAttachment(upload({ kind: "work_note", seen: 7, onProgress: (f) => progress.push(f) }), () => new FakeUpload());
    const request = FakeUpload.last();
    expect([request.method, request.url]).toEqual(["POST", "/api/conversations/c1/attachments"]);
    expect(request.fields(), "the fields first and the file last (the server streams the file)").toEqual([
      ["client_id", "k-1"],
      ["kind", "work_note"],
      ["body", "This is what I see"],
      ["seen", "7"],
      ["file", "Screenshot 2026-11-30 22.50.png (image/png, 8 bytes)"],
    ]);
    expect(request.headers["Content-Type"], "the browser sets the multipart boundary itself").toBeUndefined();
    request.progress(4, 8);
    request.progress(8, 8);
    expect(progress).toEqual([0.5, 1]);
    request.answer(201, stored);
    expect(await answer).toEqual(stored);
  });

  it("sends_no_seen_for_a_customer_and_an_empty_caption_as_is", async () => {
    const answer = uploadAttachment(upload({ body: "" }), () => new FakeUpload());
    const request = FakeUpload.last();
    expect(request.fields().map(([name]) => name)).toEqual(["client_id", "kind", "body", "file"]);
    expect(request.fields()[2]).toEqual(["body", ""]);
    request.answer(200, stored);
    expect((await answer).seq, "a repeated client id answers the original (200)").toBe(9);
  });

  it.each([
    [413, { error: { code: "too_large", message: "The file is larger than 10 MiB." } }, "too_large", "The file is larger than 10 MiB.", null],
    [415, { error: { code: "unsupported_type", message: "Only pictures, PDF and text files can be sent." } }, "unsupported_type", "Only pictures, PDF and text files can be sent.", null],
    [403, { error: { code: "forbidden", message: "Only the assignee may post comments." } }, "forbidden", "Only the assignee may post comments.", null],
    [409, { error: { code: "stale_view", message: "2 new messages since you started typing", newer: 2 } }, "stale_view", "2 new messages since you started typing", 2],
    [413, "<html>Request Entity Too Large</html>", "too_large", "The file is too large for the server.", null],
  ] as const)("a_%i_answer_rejects_with_the_servers_code_and_words", async (status, body, code, message, newer) => {
    const answer = uploadAttachment(upload({ seen: 3 }), () => new FakeUpload());
    FakeUpload.last().answer(status, body);
    const error = await caught(answer);
    expect({ status: error.status, code: error.code, message: error.message, newer: error.newer }).toEqual({ status, code, message, newer });
  });

  it("a_lost_connection_is_a_network_error", async () => {
    const answer = uploadAttachment(upload(), () => new FakeUpload());
    FakeUpload.last().failNetwork();
    expect((await caught(answer)).code).toBe("network_error");
  });

  it("an_upload_without_progress_for_the_stall_timeout_is_given_up_as_stalled", async () => {
    vi.useFakeTimers();
    try {
      expect(UPLOAD_STALL_MS).toBe(120_000);
      let settled = false;
      const answer = uploadAttachment(upload(), () => new FakeUpload());
      void answer.then(
        () => (settled = true),
        () => (settled = true),
      );
      const request = FakeUpload.last();
      vi.advanceTimersByTime(UPLOAD_STALL_MS - 1_000);
      request.progress(4, 8);
      vi.advanceTimersByTime(UPLOAD_STALL_MS - 1_000);
      await Promise.resolve();
      expect(settled, "progress restarts the wait").toBe(false);
      expect(request.aborted).toBe(false);
      vi.advanceTimersByTime(1_000);
      const error = await caught(answer);
      expect({ status: error.status, code: error.code }).toEqual({ status: 0, code: "upload_stalled" });
      expect(error.message).toBe("Nothing reached the server for 2 minutes. Check your connection and try again.");
      expect(request.aborted, "the request is given up").toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("an_answered_upload_leaves_no_stall_timer_behind", async () => {
    vi.useFakeTimers();
    try {
      const answer = uploadAttachment(upload(), () => new FakeUpload());
      FakeUpload.last().answer(201, stored);
      await answer;
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("carries_the_widget_frames_bearer_token", async () => {
    const items = new Map<string, string>();
    vi.stubGlobal("sessionStorage", {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    });
    setBearerToken("tok-9");
    const answer = uploadAttachment(upload(), () => new FakeUpload());
    expect(FakeUpload.last().headers.Authorization).toBe("Bearer tok-9");
    FakeUpload.last().answer(201, stored);
    await answer;
    setBearerToken(null);
  });
});
