import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bearerToken, setBearerToken } from "../shared/bearer";
import { embeddedTarget, signInForToken } from "./embed";

const carol = { id: "5", username: "carol", display_name: "Carol Customer", roles: ["customer"], itil: false };

describe("the sign-in page in the widget's frame", () => {
  beforeEach(() => {
    const items = new Map<string, string>();
    vi.stubGlobal("sessionStorage", {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    });
    setBearerToken(null);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("goes_back_to_the_embedded_support_page", () => {
    expect(embeddedTarget(`?next=${encodeURIComponent("/support?embed=1&queue=4")}`)).toBe("/support?embed=1&queue=4");
    expect(embeddedTarget("")).toBe("/support?embed=1");
    expect(embeddedTarget(`?next=${encodeURIComponent("https://evil.example/")}`)).toBe("/support?embed=1");
  });

  it("asks_for_a_token_and_keeps_it_for_the_frame", async () => {
    const fetchMock = vi.fn((_input: string, _init?: RequestInit) =>
      Promise.resolve(new Response(JSON.stringify({ user: carol, token: "tok-9" }), { status: 200, headers: { "Content-Type": "application/json" } })),
    );
    vi.stubGlobal("fetch", fetchMock);
    const user = await signInForToken("carol", "carol");
    expect(user.username).toBe("carol");
    expect(JSON.parse(String(fetchMock.mock.calls[0]?.[1]?.body))).toEqual({ username: "carol", password: "carol", token: true });
    expect(bearerToken()).toBe("tok-9");
  });

  it("fails_when_the_server_answers_no_token", async () => {
    vi.stubGlobal("fetch", () =>
      Promise.resolve(new Response(JSON.stringify({ user: carol }), { status: 200, headers: { "Content-Type": "application/json" } })),
    );
    await expect(signInForToken("carol", "carol")).rejects.toThrow();
    expect(bearerToken()).toBeNull();
  });
});

describe("a frame that may not use storage", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("keeps_the_token_in_memory_where_storage_is_refused", async () => {
    // Reading the property itself throws in Chromium; a getter that throws stands for it.
    Object.defineProperty(globalThis, "sessionStorage", {
      configurable: true,
      get() {
        throw new DOMException("Access is denied for this document.", "SecurityError");
      },
    });
    vi.stubGlobal("fetch", () =>
      Promise.resolve(new Response(JSON.stringify({ user: carol, token: "tok/ä" }), { status: 200, headers: { "Content-Type": "application/json" } })),
    );
    await signInForToken("carol", "carol");
    expect(bearerToken()).toBe("tok/ä");
    setBearerToken(null);
    expect(bearerToken()).toBeNull();
    delete (globalThis as { sessionStorage?: unknown }).sessionStorage;
  });

  it("never_takes_a_token_from_the_address", async () => {
    // A link carrying someone else's token must not sign its reader in as them.
    vi.resetModules();
    vi.stubGlobal("location", { hash: "#switchboard-bearer=someone-elses", pathname: "/support", search: "?embed=1" });
    const fresh = await import("../shared/bearer");
    expect(fresh.bearerToken()).toBeNull();
  });
});
