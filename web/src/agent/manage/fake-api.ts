/** A ManageApi for component tests: every call recorded, answers given by the test. */
import { vi } from "vitest";
import type { Canned, Queue } from "../../shared/wire";
import type { ManageApi } from "./api";
import type { Group } from "./types";

export const QUEUE: Queue = {
  id: "q1",
  name: "IT Service Desk",
  group: { id: "g1", name: "ITSD_chat" },
  greeting: "Welcome to the IT Service Desk.",
  inactivity_warning_seconds: 120,
  auto_close_seconds: 60,
  assignee_grace_seconds: 60,
  unsend_seconds: 120,
  max_sessions_per_agent: 0,
  survey: true,
  offer_alert_seconds: 60,
  reply_alert_seconds: 120,
};

export const GROUP: Group = {
  id: "g1",
  name: "ITSD_chat",
  members: [
    { id: "u-alice", display_name: "Alice Agent" },
    { id: "u-bob", display_name: "Bob Agent" },
  ],
};

export const GREETING: Canned = { id: "c1", queue: "q1", title: "Greeting", body: "Hi {customer.first_name}, this is {agent.first_name} from the {queue.name}." };

export function fakeApi(overrides: Partial<ManageApi> = {}): { [K in keyof ManageApi]: ReturnType<typeof vi.fn<ManageApi[K]>> } {
  return {
    queues: vi.fn<ManageApi["queues"]>(async () => [QUEUE]),
    patchQueue: vi.fn<ManageApi["patchQueue"]>(async (_id, patch) => ({ ...QUEUE, ...patch })),
    groups: vi.fn<ManageApi["groups"]>(async () => [GROUP]),
    addMember: vi.fn<ManageApi["addMember"]>(async () => GROUP),
    removeMember: vi.fn<ManageApi["removeMember"]>(async () => GROUP),
    canned: vi.fn<ManageApi["canned"]>(async () => [GREETING]),
    createCanned: vi.fn<ManageApi["createCanned"]>(async (queue, input) => ({ id: "c9", queue, ...input })),
    editCanned: vi.fn<ManageApi["editCanned"]>(async (queue, id, input) => ({ ...GREETING, queue, id, ...input })),
    deleteCanned: vi.fn<ManageApi["deleteCanned"]>(async () => undefined),
    ...overrides,
  } as { [K in keyof ManageApi]: ReturnType<typeof vi.fn<ManageApi[K]>> };
}

export function installDialogPolyfill(): void {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
}
