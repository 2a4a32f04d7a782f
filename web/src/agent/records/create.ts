/** Create Incident from a support session: the one already made from it, or a new prefilled draft. */
import { allEntries, incidentsOfSession } from "../../shared/api";
import { newClientId } from "../../shared/socket";
import type { Conversation, Entry, QueueGroup, UserRef } from "../../shared/wire";
import { connection, queues } from "../state";
import { blankIncident, prefillFromSession } from "./incident-form";
import type { Pane } from "./pane";

function groupOf(queue: string | undefined): QueueGroup | null {
  return queues.value.find((q) => q.id === queue)?.group ?? null;
}

/** The agent's group: that of the first queue they see (agents see their groups' queues). */
export function agentGroup(): QueueGroup | null {
  return queues.value[0]?.group ?? null;
}

/** New incident (the list): an empty unsaved form, not from a session; the caller is chosen in it. */
export function newBlankIncident(agent: UserRef, pane: Pane): void {
  pane.show({ kind: "new", draft: { session: null, clientId: newClientId(), initial: blankIncident(agent, agentGroup()) } });
}

/**
 * A new unsaved incident from the session in `pane`: prefilled from the whole transcript (read
 * over HTTP; what the socket holds if that fails), with a client id of its own.
 */
export async function newIncidentFrom(conversation: Conversation, agent: UserRef, pane: Pane): Promise<void> {
  let entries: readonly Entry[];
  try {
    entries = await allEntries(conversation.id);
  } catch {
    entries = connection.value?.entries.value.get(conversation.id) ?? [];
  }
  const initial = prefillFromSession(conversation, entries, agent, groupOf(conversation.queue));
  pane.show({ kind: "new", draft: { session: conversation.id, clientId: newClientId(), initial } });
}

/**
 * Create Incident: the draft already open for this session stays; an incident already created
 * from it is shown (with a way to create another); else a new draft.
 */
export async function createIncident(conversation: Conversation, agent: UserRef, pane: Pane): Promise<void> {
  const view = pane.view.value;
  if (view.kind === "new" && view.draft.session === conversation.id) return;
  let existing = null;
  try {
    existing = (await incidentsOfSession(conversation.id))[0] ?? null;
  } catch {
    // Not known: a new draft; the server still creates each Save once.
  }
  if (existing !== null) {
    pane.show({ kind: "incident", id: existing.id, incident: existing, alreadyFrom: conversation.id });
    return;
  }
  await newIncidentFrom(conversation, agent, pane);
}
