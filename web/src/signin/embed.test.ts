import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bearerToken } from "../shared/bearer";
import { embeddedTarget, isEmbedded, signInForToken } from "./embed";

const carol = { id: "5", username: "carol", display_name: "Carol Customer", roles: ["customer"], itil: false };

describe("the sign-in page in the widget's frame", () => {
  beforeEach(() => {
    const items = new Map<string, string>();
    vi.stubGlobal("sessionStorage", {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("knows_it_is_embedded_from_the_frame_or_the_page_it_came_from", () => {
    expect(isEmbedded("", true)).toBe(true);
    expect(isEmbedded("?embed=1", false)).toBe(true);
    expect(isEmbedded(`?next=${encodeURIComponent("/support?embed=1&queue=1")}`, false)).toBe(true);
    expect(isEmbedded(`?next=${encodeURIComponent("/support?queue=1")}`, false)).toBe(false);
    expect(isEmbedded("", false)).toBe(false);
    expect(isEmbedded(`?next=${encodeURIComponent("//evil.example/?embed=1")}`, false)).toBe(false);
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
