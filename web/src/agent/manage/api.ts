/** The managers' console over HTTP: queues, groups and their members, canned messages. */
import { requestJson, requestNoContent } from "../../shared/api";
import { isCanned, isCannedList, isQueue, isQueueList, type Canned, type Queue } from "../../shared/wire";
import { forgetCanned } from "../actions";
import { isGroup, isGroupList, type CannedInput, type Group, type QueuePatch } from "./types";

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
};
