/**
 * The managers' console over HTTP: queues, groups and their members, canned messages and their
 * order; for admins the users; the audit log.
 */
import { requestJson, requestNoContent } from "../../shared/api";
import { isCanned, isCannedList, isQueue, isQueueList, type AuditPage, type Canned, type Queue } from "../../shared/wire";
import { forgetCanned } from "../actions";
import {
  isAdminUser,
  isAdminUserList,
  isAuditPage,
  isGroup,
  isGroupList,
  type AdminUser,
  type AuditQuery,
  type CannedInput,
  type Group,
  type GroupInput,
  type NewUserInput,
  type QueueInput,
  type QueuePatch,
  type UserPatch,
} from "./types";

const q = encodeURIComponent;

export interface ManageApi {
  queues(): Promise<Queue[]>;
  patchQueue(id: string, patch: QueuePatch): Promise<Queue>;
  groups(): Promise<Group[]>;
  addMember(group: string, user: string): Promise<Group>;
  removeMember(group: string, user: string): Promise<Group>;
  canned(queue: string): Promise<Canned[]>;
  createCanned(queue: string, input: CannedInput): Promise<Canned>;
  editCanned(queue: string, id: string, input: Partial<CannedInput>): Promise<Canned>;
  deleteCanned(queue: string, id: string): Promise<void>;
  /** Every canned message of the queue once, in the new order → the list as the server keeps it. */
  reorderCanned(queue: string, ids: string[]): Promise<Canned[]>;
  createGroup(input: GroupInput): Promise<Group>;
  createQueue(input: QueueInput): Promise<Queue>;
  users(): Promise<AdminUser[]>;
  createUser(input: NewUserInput): Promise<AdminUser>;
  patchUser(id: string, patch: UserPatch): Promise<AdminUser>;
  audit(query: AuditQuery): Promise<AuditPage>;
}

/** The path of `GET /api/audit` for a query; empty filters are left out. */
export function auditPath(query: AuditQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, string | number | undefined][]) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text === "" ? "/api/audit" : `/api/audit?${text}`;
}

export const manageApi: ManageApi = {
  queues: () => requestJson("/api/queues", isQueueList),
  patchQueue: (id, patch) => requestJson(`/api/queues/${q(id)}`, isQueue, { method: "PATCH", body: patch }),
  groups: () => requestJson("/api/groups", isGroupList),
  addMember: (group, user) => requestJson(`/api/groups/${q(group)}/members/${q(user)}`, isGroup, { method: "PUT" }),
  removeMember: (group, user) => requestJson(`/api/groups/${q(group)}/members/${q(user)}`, isGroup, { method: "DELETE" }),
  canned: (queue) => requestJson(`/api/queues/${q(queue)}/canned`, isCannedList),
  createCanned: async (queue, input) => {
    const made = await requestJson(`/api/queues/${q(queue)}/canned`, isCanned, { method: "POST", body: input });
    forgetCanned(queue);
    return made;
  },
  editCanned: async (queue, id, input) => {
    const edited = await requestJson(`/api/queues/${q(queue)}/canned/${q(id)}`, isCanned, { method: "PATCH", body: input });
    forgetCanned(queue);
    return edited;
  },
  deleteCanned: async (queue, id) => {
    await requestNoContent(`/api/queues/${q(queue)}/canned/${q(id)}`, { method: "DELETE" });
    forgetCanned(queue);
  },
  reorderCanned: async (queue, ids) => {
    const list = await requestJson(`/api/queues/${q(queue)}/canned/order`, isCannedList, { method: "PUT", body: { ids } });
    forgetCanned(queue);
    return list;
  },
  createGroup: (input) => requestJson("/api/groups", isGroup, { method: "POST", body: input }),
  createQueue: (input) => requestJson("/api/queues", isQueue, { method: "POST", body: input }),
  users: () => requestJson("/api/admin/users", isAdminUserList),
  createUser: (input) => requestJson("/api/admin/users", isAdminUser, { method: "POST", body: input }),
  patchUser: (id, patch) => requestJson(`/api/admin/users/${q(id)}`, isAdminUser, { method: "PATCH", body: patch }),
  audit: (query) => requestJson(auditPath(query), isAuditPage),
};
