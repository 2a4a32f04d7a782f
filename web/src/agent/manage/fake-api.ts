/** A ManageApi for component tests: every call recorded, answers given by the test. */
import { vi } from "vitest";
import type { AuditEntry, Canned, Queue } from "../../shared/wire";
import type { ManageApi } from "./api";
import type { AdminUser, Group } from "./types";

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

export const VPN: Canned = { id: "c2", queue: "q1", title: "VPN reset", body: "I have reset your VPN profile; please sign in again." };
export const CLOSING: Canned = { id: "c3", queue: "q1", title: "Closing", body: "Anything else, {customer.first_name}?" };

export const ALICE: AdminUser = { id: "u-alice", username: "alice", display_name: "Alice Agent", roles: ["agent"], itil: false, disabled: false, created_at: "2026-01-05T09:00:00Z" };
export const CAROL: AdminUser = { id: "u-carol", username: "carol", display_name: "Carol Customer", roles: ["customer"], itil: true, disabled: true, created_at: "2026-01-05T09:00:00Z" };

export const AUDIT_ENTRIES: AuditEntry[] = [
  {
    id: "a3",
    at: "2026-03-02T10:15:00Z",
    actor: { id: "u-admin", display_name: "Admin" },
    action: "user.update",
    target: { kind: "user", id: "u-alice", name: "Alice Agent" },
    before: { roles: ["agent"], disabled: false },
    after: { roles: ["agent", "manager"], disabled: true, password: "set" },
  },
  {
    id: "a2",
    at: "2026-03-02T10:10:00Z",
    actor: { id: "u-dana", display_name: "Dana Manager" },
    action: "group.add_member",
    target: { kind: "group", id: "g1", name: "ITSD_chat" },
    before: null,
    after: { member: { id: "u-bob", display_name: "Bob Agent" } },
  },
];

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
    reorderCanned: vi.fn<ManageApi["reorderCanned"]>(async (queue, ids) => ids.map((id) => ({ ...([GREETING, VPN, CLOSING].find((c) => c.id === id) ?? GREETING), id, queue }))),
    createGroup: vi.fn<ManageApi["createGroup"]>(async (input) => ({ id: "g9", name: input.name, members: [] })),
    createQueue: vi.fn<ManageApi["createQueue"]>(async (input) => ({ ...QUEUE, id: "q9", name: input.name, group: { id: input.group, name: input.group === GROUP.id ? GROUP.name : input.group }, greeting: input.greeting ?? "" })),
    users: vi.fn<ManageApi["users"]>(async () => [ALICE, CAROL]),
    createUser: vi.fn<ManageApi["createUser"]>(async (input) => ({ id: "u-new", username: input.username, display_name: input.display_name, roles: input.roles, itil: input.itil, disabled: false, created_at: "2026-03-02T11:00:00Z" })),
    patchUser: vi.fn<ManageApi["patchUser"]>(async (id, patch) => {
      const { password: _password, ...fields } = patch;
      return { ...([ALICE, CAROL].find((u) => u.id === id) ?? ALICE), ...fields };
    }),
    audit: vi.fn<ManageApi["audit"]>(async () => ({ entries: AUDIT_ENTRIES, next_before: null })),
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
