/**
 * What a pane shows when it holds an incident: a saved one (loaded by id when not at hand, with
 * a note when Create Incident found it already made from the chat), a new unsaved one, or the
 * incident list; and the question asked before unsaved work is dropped.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { getIncident } from "../../shared/api";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { asApiError } from "../../shared/session";
import type { Incident, User } from "../../shared/wire";
import { connection } from "../state";
import { newIncidentFrom } from "./create";
import { IncidentForm } from "./IncidentForm";
import { IncidentList } from "./IncidentList";
import type { Pane, PaneView } from "./pane";

interface Props {
  pane: Pane;
  user: User;
  headingLevel?: 1 | 2;
  /** Where Close goes (absent: no Close). */
  onClose?: () => void;
}

/** The pane's incident view (null for its home, which the caller draws). */
export function PaneContent({ pane, user, headingLevel = 1, onClose }: Props) {
  const view = pane.view.value;
  return (
    <>
      <ViewOf view={view} pane={pane} user={user} headingLevel={headingLevel} {...(onClose !== undefined && { onClose })} />
      <LeaveDialog pane={pane} />
    </>
  );
}

function ViewOf({ view, pane, user, headingLevel, onClose }: Props & { view: PaneView }) {
  switch (view.kind) {
    case "home":
      return null;
    case "incidents":
      return <IncidentList pane={pane} user={user} />;
    case "new":
      return <IncidentForm key={view.draft.clientId} source={{ kind: "new", draft: view.draft }} pane={pane} user={user} {...(headingLevel !== undefined && { headingLevel })} {...(onClose !== undefined && { onClose })} />;
    case "incident":
      return <SavedIncident key={view.id} view={view} pane={pane} user={user} headingLevel={headingLevel ?? 1} {...(onClose !== undefined && { onClose })} />;
  }
}

function SavedIncident({ view, pane, user, headingLevel, onClose }: { view: Extract<PaneView, { kind: "incident" }>; pane: Pane; user: User; headingLevel: 1 | 2; onClose?: () => void }) {
  const loaded = useSignal<Incident | null>(view.incident ?? null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    if (loaded.value !== null) return;
    getIncident(view.id).then(
      (incident) => (loaded.value = incident),
      (failure) => (error.value = asApiError(failure).message),
    );
  }, [view.id]);
  if (error.value !== null) {
    return (
      <p class="alert" role="alert">
        The incident could not be opened: {error.value}
      </p>
    );
  }
  const incident = loaded.value;
  if (incident === null) return <p class="page-status" role="status">Loading the incident…</p>;
  const from = view.alreadyFrom;
  const session = from === undefined ? undefined : connection.value?.conversations.value.get(from);
  const notice =
    from === undefined ? undefined : (
      <div class="incident-form__notice" role="status">
        <p>
          {incident.number} was already created from this chat{session?.customer !== undefined ? ` with ${session.customer.display_name}` : ""}.
        </p>
        {session !== undefined && (
          <button type="button" class="button button--small button--quiet" onClick={() => void newIncidentFrom(session, user, pane)}>
            Create another incident
          </button>
        )}
      </div>
    );
  return (
    <IncidentForm
      source={{ kind: "saved", incident }}
      pane={pane}
      user={user}
      headingLevel={headingLevel}
      notice={notice}
      {...(view.opened !== undefined && { opened: view.opened })}
      {...(onClose !== undefined && { onClose })}
    />
  );
}

/** Discard / Keep editing, when the agent moves away from a form that would lose work. */
function LeaveDialog({ pane }: { pane: Pane }) {
  const next = pane.leaveRequest.value;
  if (next === null) return null;
  const isNew = pane.view.value.kind === "new";
  return (
    <ConfirmDialog
      title={isNew ? "Discard this new incident?" : "Discard your changes to this incident?"}
      confirm="Discard"
      cancel="Keep editing"
      onConfirm={async () => pane.discardAndLeave()}
      onClose={() => pane.stay()}
    >
      <p>{isNew ? "It has not been saved: nothing of it is stored." : "What you changed has not been saved."}</p>
    </ConfirmDialog>
  );
}
