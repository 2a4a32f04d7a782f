/**
 * Managers and admins, in the workspace: what was withdrawn from a conversation, under a
 * "Withdrawn messages" disclosure above the log — who wrote it and when, what it said (and its
 * file), who withdrew it and when — read from the audit records (`GET …/withdrawals`) when
 * opened, and again when another message is withdrawn while it is open. Shown only once the
 * conversation holds a withdrawn entry; agents never see it (the server refuses them too).
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { AttachmentView } from "../../shared/AttachmentView";
import { LinkedText } from "../../shared/links";
import { Since } from "../../shared/Since";
import { fetchWithdrawals } from "../../shared/withdraw";
import type { Entry, Withdrawal } from "../../shared/wire";
import "./withdrawn-messages.css";

/** How many of `entries` show as withdrawn (what makes the disclosure worth showing). */
export function withdrawnCount(entries: readonly Entry[]): number {
  return entries.filter((e) => e.withdrawn !== undefined).length;
}

export function WithdrawnMessages({ conversation, count }: { conversation: string; count: number }) {
  const open = useSignal(false);
  const records = useSignal<Withdrawal[] | null>(null);
  const failure = useSignal<string | null>(null);

  useEffect(() => {
    if (!open.value) return;
    let current = true;
    failure.value = null;
    fetchWithdrawals(conversation).then(
      (list) => {
        if (current) records.value = list;
      },
      (error: unknown) => {
        if (current) failure.value = error instanceof Error ? error.message : "The withdrawn messages could not be read.";
      },
    );
    return () => {
      current = false;
    };
  }, [open.value, conversation, count]);

  if (count === 0) return null;
  const shown = Math.max(count, records.value?.length ?? 0);
  return (
    <details class="withdrawn-messages" onToggle={(event) => (open.value = event.currentTarget.open)}>
      <summary class="withdrawn-messages__summary">
        Withdrawn messages ({shown}) <span class="muted">· visible to managers only</span>
      </summary>
      <div class="withdrawn-messages__body">
        {failure.value !== null ? (
          <p class="alert" role="alert">
            {failure.value}
          </p>
        ) : records.value === null ? (
          <p class="muted" role="status">
            Loading…
          </p>
        ) : records.value.length === 0 ? (
          <p class="muted">None of this conversation's messages are withdrawn.</p>
        ) : (
          <ol class="withdrawn-messages__list" aria-label="Withdrawn messages">
            {records.value.map((r) => (
              <WithdrawnRecord key={r.seq} record={r} />
            ))}
          </ol>
        )}
      </div>
    </details>
  );
}

function WithdrawnRecord({ record: r }: { record: Withdrawal }) {
  const note = r.kind === "work_note";
  return (
    <li class={`withdrawn-record${note ? " withdrawn-record--work-note" : ""}`}>
      <p class="withdrawn-record__head">
        {note && <span class="entry__label">Work note</span>}
        <span>
          <strong>{r.author.display_name}</strong> wrote, <Since at={r.at} />
        </span>
      </p>
      {r.attachment !== undefined && <AttachmentView attachment={r.attachment} />}
      {r.body !== "" && (
        <p class="withdrawn-record__body">
          <LinkedText text={r.body} />
        </p>
      )}
      <p class="withdrawn-record__withdrawn">
        Withdrawn by {r.withdrawn_by.display_name}, <Since at={r.withdrawn_at} />
      </p>
    </li>
  );
}
