/**
 * Group membership: each assignment group with its members; Add member picks a staff user by
 * name (the chats' PeoplePicker, `GET /api/users?q=&staff=true`) and adds them at once (PUT);
 * Remove asks first, as an agent removed loses the group's queues at once (Cancel or Escape puts
 * the focus back on that Remove; once removed, on the group's picker). A refusal (422 for a
 * customer, say) is shown under the group's picker.
 */
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { asApiError } from "../../shared/session";
import type { User, UserRef } from "../../shared/wire";
import { PeoplePicker } from "../chats/PeoplePicker";
import type { ManageApi } from "./api";
import type { Group } from "./types";

interface Props {
  groups: readonly Group[];
  api: ManageApi;
  onChanged: (group: Group) => void;
  /** For tests: how staff are found (default `GET /api/users?q=&staff=true`). */
  find?: ((q: string, signal: AbortSignal) => Promise<User[]>) | undefined;
  delay?: number | undefined;
}

export function GroupMembers({ groups, api, onChanged, find, delay }: Props) {
  if (groups.length === 0) return <p class="muted">There are no groups yet.</p>;
  return (
    <div class="manage-stack">
      {groups.map((group) => (
        <GroupCard key={group.id} group={group} api={api} onChanged={onChanged} find={find} delay={delay} />
      ))}
    </div>
  );
}

function GroupCard({ group, api, onChanged, find, delay }: { group: Group } & Omit<Props, "groups">) {
  const error = useSignal<string | null>(null);
  const status = useSignal("");
  const removing = useSignal<UserRef | null>(null);
  /** The member just removed (their Remove button is gone): the focus goes to the picker instead. */
  const removed = useRef<string | null>(null);
  const picker = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const headingId = `group-${group.id}-heading`;
  const pickerId = `group-${group.id}-add`;
  const errorId = `group-${group.id}-error`;
  const members = new Set(group.members.map((m) => m.id));

  async function add(user: UserRef) {
    error.value = null;
    status.value = "";
    try {
      const changed = await api.addMember(group.id, user.id);
      onChanged(changed);
      status.value = `${user.display_name} added to ${group.name}.`;
    } catch (failure) {
      error.value = asApiError(failure).message;
    }
  }

  const pickerProps = find === undefined ? {} : { find };
  return (
    <section class="manage-card" aria-labelledby={headingId}>
      <h3 id={headingId} class="manage-card__title">
        {group.name}
      </h3>
      {group.members.length === 0 ? (
        <p class="muted">No members.</p>
      ) : (
        <ul ref={list} class="manage-members" aria-label={`Members of ${group.name}`}>
          {group.members.map((m) => (
            <li key={m.id} class="manage-members__item">
              <span>{m.display_name}</span>
              <button type="button" class="button button--small button--quiet" data-member={m.id} aria-label={`Remove ${m.display_name}`} onClick={() => (removing.value = m)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="field manage-members__add" ref={picker}>
        <label for={pickerId}>Add member to {group.name}</label>
        <PeoplePicker
          id={pickerId}
          chosen={[]}
          exclude={members}
          onChoose={(user) => void add(user)}
          invalid={error.value !== null}
          describedBy={error.value !== null ? errorId : undefined}
          {...pickerProps}
          {...(delay === undefined ? {} : { delay })}
        />
        {error.value !== null && (
          <p id={errorId} class="field-error" role="alert">
            <span aria-hidden="true">⚠ </span>
            {error.value}
          </p>
        )}
        <p class="manage-form__status" role="status">
          {status.value}
        </p>
      </div>
      {removing.value !== null && (
        <ConfirmDialog
          title={`Remove ${removing.value.display_name} from ${group.name}?`}
          confirm="Remove member"
          onConfirm={async () => {
            const who = removing.value;
            if (who === null) return;
            const changed = await api.removeMember(group.id, who.id);
            removed.current = who.id;
            onChanged(changed);
            status.value = `${who.display_name} removed from ${group.name}.`;
          }}
          describeError={(failure) => asApiError(failure).message}
          onClose={() => {
            const who = removing.value;
            const gone = who !== null && removed.current === who.id;
            removing.value = null;
            removed.current = null;
            // Kept (Cancel, Escape): back to the Remove that asked. Removed: its button goes, so to the picker.
            const button = gone || who === null ? undefined : Array.from(list.current?.querySelectorAll<HTMLElement>("[data-member]") ?? []).find((b) => b.dataset["member"] === who.id);
            (button ?? picker.current?.querySelector("input"))?.focus();
          }}
        >
          <p>They lose this group's queues at once: no new chats are offered to them, and they can no longer work its sessions.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
