/**
 * The Record tool: the incident linked to the conversation in the workspace (the newest created
 * from this support session, or the incident a record conversation is the activity of),
 * editable in place; a new unsaved incident when Create Incident was pressed here. Create
 * Incident is offered as the session's actions offer it: not to a colleague only invited into
 * the session (nor to one before the queues they work are known).
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { getIncident, incidentsOfSession } from "../../shared/api";
import { asApiError } from "../../shared/session";
import type { Conversation, User } from "../../shared/wire";
import { mayCreateIncident } from "../chats/chats";
import { createIncident } from "../records/create";
import { recordPane } from "../records/pane";
import { PaneContent } from "../records/PaneContent";
import { queues } from "../state";

export function RecordTool({ conversation, user }: { conversation: Conversation; user: User }) {
  const view = recordPane.view.value;
  const status = useSignal<"loading" | "none" | "error">("loading");
  const error = useSignal("");

  // Another conversation: its own incident (work in progress on the other one is not dropped).
  useEffect(() => {
    if (!recordPane.holding.value) recordPane.replace({ kind: "home" });
  }, [conversation.id]);

  useEffect(() => {
    if (view.kind !== "home") return;
    status.value = "loading";
    let current = true;
    const linked = conversation.record?.incident;
    const load = linked !== undefined ? getIncident(linked).then((i) => [i]) : incidentsOfSession(conversation.id);
    load.then(
      (list) => {
        if (!current) return;
        const newest = list[0];
        if (newest === undefined) status.value = "none";
        else recordPane.replace({ kind: "incident", id: newest.id, incident: newest });
      },
      (failure) => {
        if (!current) return;
        status.value = "error";
        error.value = asApiError(failure).message;
      },
    );
    return () => {
      current = false;
    };
  }, [view.kind, conversation.id]);

  if (view.kind === "home") {
    if (status.value === "loading") return <p class="muted" role="status">Loading the record…</p>;
    if (status.value === "error") {
      return (
        <p class="alert" role="alert">
          The record could not be read: {error.value}
        </p>
      );
    }
    return (
      <div class="record-tool__empty">
        <p class="muted">No incident has been created from this chat yet.</p>
        {mayCreateIncident(conversation, user, queues.value.map((q) => q.id)) && (
          <button type="button" class="button button--small" onClick={() => void createIncident(conversation, user, recordPane)}>
            Create Incident
          </button>
        )}
      </div>
    );
  }
  return <PaneContent pane={recordPane} user={user} headingLevel={2} />;
}
