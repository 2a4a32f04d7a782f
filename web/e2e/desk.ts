/** The demo desk as the browser tests need it: customers signed in over the API, the queue, its timers. */
import { request, type APIRequestContext } from "playwright-core";
import { expect } from "vitest";

/**
 * A customer signed in over the API, with no open session: one another test file left open
 * would be handed back by Start chat instead of a fresh one.
 */
export async function customerApi(baseUrl: string, name: string, password: string = name): Promise<APIRequestContext> {
  const api = await request.newContext({ baseURL: baseUrl });
  const signedIn = await api.post("/api/session", { data: { username: name, password } });
  if (!signedIn.ok()) throw new Error(`sign-in of ${name} answered ${signedIn.status()}`);
  // Chats only: a message she left makes her follow its incident's record, which is no chat to end.
  const open = ((await (await api.get("/api/conversations")).json()) as { id: string; kind: string; state: string }[]).filter((c) => c.kind === "support" && c.state !== "closed");
  for (const c of open) await api.post(`/api/conversations/${c.id}/end`);
  return api;
}

/** The id of the demo's "IT Service Desk" queue, as `api`'s user sees the queues. */
export async function deskQueueId(api: APIRequestContext): Promise<string> {
  const queues = (await (await api.get("/api/queues")).json()) as { id: string; name: string }[];
  return queues.find((q) => q.name === "IT Service Desk")?.id ?? queues[0]?.id ?? "";
}

/** Sets the queue's inactivity timers as the manager dana (another file may have changed them). */
export async function setQueueTimers(baseUrl: string, queueId: string, warningSeconds: number, autoCloseSeconds: number): Promise<void> {
  const manager = await request.newContext({ baseURL: baseUrl });
  try {
    expect((await manager.post("/api/session", { data: { username: "dana", password: "dana" } })).ok(), "dana signs in").toBe(true);
    const patched = await manager.patch(`/api/queues/${queueId}`, { data: { inactivity_warning_seconds: warningSeconds, auto_close_seconds: autoCloseSeconds } });
    expect(patched.ok(), `PATCH queue timers: ${patched.status()}`).toBe(true);
  } finally {
    await manager.dispose();
  }
}
