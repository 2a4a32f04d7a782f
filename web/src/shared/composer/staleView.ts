/**
 * The stale-view guard, on the writer's side (docs/protocol.md, "Stale-view guard"). Every staff
 * send carries `seen`: the newest seq the conversation's view showed when the writer began this
 * message (the field went from empty to text, or a file was chosen; a draft restored after a
 * reload keeps the start saved with it, and words no keystroke began count from the view once it
 * has caught up, see useStaffComposer). Messages by others that
 * arrive while they type are thus news to what they wrote: the server refuses the send
 * (`stale_view`, with `newer`), nothing is stored, and the composer keeps the message and says
 * "2 new messages since you started typing", with **Send anyway** (the same send, same client
 * id, `seen` = the newest seq shown now) and **Edit** (the notice goes, the writer has read them:
 * the next send counts from now).
 *
 * One guard per conversation lives as long as the page, so a minimised window keeps its notice.
 */
import { signal, type ReadonlySignal } from "@preact/signals";
import type { Entry } from "../wire";

/** The send the server refused as stale, waiting for Send anyway or Edit. */
export interface StaleNotice {
  /** How many messages the writer has not seen (the server's `newer`). */
  newer: number;
  /** The server's words, e.g. "2 new messages since you started typing". */
  message: string;
  /*
   * No kind: the send that follows (Send anyway, Enter) goes as the field's Comment / Work Note
   * mode shows at that moment, which the writer may have switched since the refusal.
   */
  /** The refused text send's client id (Send anyway repeats it); null for an upload (its draft keeps one). */
  clientId: string | null;
}

/** The newest seq among the entries a view shows (0 for none). */
export function newestShown(entries: readonly Entry[] | undefined): number {
  return entries === undefined || entries.length === 0 ? 0 : (entries[entries.length - 1]?.seq ?? 0);
}

/** The notice's words when the server sent none. */
export function staleText(newer: number): string {
  return `${newer} new ${newer === 1 ? "message" : "messages"} since you started typing`;
}

export class StaleGuard {
  /** The refused send waiting for the writer's choice, or null. */
  readonly notice = signal<StaleNotice | null>(null);
  /** The newest seq shown when the message being written began; null while nothing is. */
  private readonly start = signal<number | null>(null);

  /** The newest seq shown when the message being written began (kept with a draft, so a reload keeps it); null while nothing is. */
  get began(): ReadonlySignal<number | null> {
    return this.start;
  }

  /** The field changed (or a file was chosen, `writing` true): the first of a message notes what was shown. */
  writing(writing: boolean, newest: number): void {
    if (!writing) {
      // Emptied: the next text is a new message. A refused one waits in the notice still.
      if (this.notice.value === null) this.start.value = null;
      return;
    }
    if (this.start.value === null) this.start.value = newest;
  }

  /** A draft came back (a reload) with the start kept with it: the message still counts from there. */
  resume(began: number): void {
    if (this.start.value === null) this.start.value = began;
  }

  /** The `seen` of a send now: what was shown when the message began; after a notice, what is shown now. */
  seenForSend(newest: number): number {
    if (this.notice.value !== null) return newest;
    return this.start.value ?? newest;
  }

  /** The server refused the send as stale: it waits in the notice. */
  refused(notice: StaleNotice): void {
    this.notice.value = notice;
  }

  /** The message went out (or was given up): the next begins afresh. */
  sent(): void {
    this.notice.value = null;
    this.start.value = null;
  }

  /** Edit: the notice goes; the writer has seen the new messages, so the message counts from now. */
  edit(newest: number): void {
    this.notice.value = null;
    this.start.value = newest;
  }
}

const guards = new Map<string, StaleGuard>();

/** The guard of a conversation's composer, made on first use. */
export function staleGuard(conversation: string): StaleGuard {
  let guard = guards.get(conversation);
  if (guard === undefined) {
    guard = new StaleGuard();
    guards.set(conversation, guard);
  }
  return guard;
}

/** Forgets every guard (tests). */
export function forgetStaleGuards(): void {
  guards.clear();
}
