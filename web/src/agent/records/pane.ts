/**
 * What a pane shows that can hold an incident form: the content pane behind the mini windows
 * (home, the incident list, an incident, a new unsaved incident) and the workspace's Record
 * tool. A form that would lose work (a new incident not saved, unsaved changes) holds the
 * pane: moving elsewhere asks first (Discard / Keep editing) instead of dropping the draft.
 */
import { signal } from "@preact/signals";
import type { Incident } from "../../shared/wire";
import type { IncidentDraft } from "./incident-form";

/** A new incident not saved yet: its draft, the session it comes from and its one client id. */
export interface NewIncident {
  session: string | null;
  clientId: string;
  initial: IncidentDraft;
}

export type PaneView =
  | { kind: "home" }
  | { kind: "incidents" }
  /** `incident` when it is at hand; `alreadyFrom`: shown because Create Incident found it made from that session. */
  | { kind: "incident"; id: string; incident?: Incident; alreadyFrom?: string; opened?: string }
  | { kind: "new"; draft: NewIncident };

export class Pane {
  readonly view = signal<PaneView>({ kind: "home" });
  /** The form shown holds work that leaving would lose. */
  readonly holding = signal(false);
  /** Where the agent asked to go while the form held work: the Discard / Keep editing question. */
  readonly leaveRequest = signal<PaneView | null>(null);

  /** Goes to `next`, or asks first when the form shown would lose work. */
  show(next: PaneView): void {
    if (this.holding.value && !sameView(this.view.value, next)) {
      this.leaveRequest.value = next;
      return;
    }
    this.view.value = next;
  }

  /** Discard: the draft goes, and the pane shows where the agent asked to go. */
  discardAndLeave(): void {
    const next = this.leaveRequest.value;
    this.leaveRequest.value = null;
    if (next === null) return;
    this.holding.value = false;
    this.view.value = next;
  }

  /** Keep editing: nothing changes. */
  stay(): void {
    this.leaveRequest.value = null;
  }

  /** A saved incident replaces the form's view without asking (nothing is lost). */
  replace(next: PaneView): void {
    this.holding.value = false;
    this.view.value = next;
  }
}

function sameView(a: PaneView, b: PaneView): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "incident" && b.kind === "incident") return a.id === b.id;
  if (a.kind === "new" && b.kind === "new") return a.draft.clientId === b.draft.clientId;
  return true;
}

/** The content pane of the agent app (behind the mini windows). */
export const contentPane = new Pane();
/** The workspace's Record tool. */
export const recordPane = new Pane();

/** Whether any pane holds unsaved work (the page asks before it unloads). */
export function holdsUnsavedWork(): boolean {
  return contentPane.holding.value || recordPane.holding.value;
}

/** What unsaved work the panes hold: a new incident never saved, changes to one, or nothing (null). */
export function unsavedIncident(panes: readonly Pane[] = [contentPane, recordPane]): "new" | "changed" | null {
  const holding = panes.filter((p) => p.holding.value);
  if (holding.length === 0) return null;
  return holding.some((p) => p.view.value.kind === "new") ? "new" : "changed";
}

/** Discard (e.g. before signing out): every pane holding unsaved work drops it and shows its home. */
export function discardUnsavedWork(panes: readonly Pane[] = [contentPane, recordPane]): void {
  for (const pane of panes) {
    if (!pane.holding.value) continue;
    pane.leaveRequest.value = null;
    pane.replace({ kind: "home" });
  }
}
