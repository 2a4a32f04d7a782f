/**
 * Choosing colleagues by name: a combobox (ARIA 1.2, list autocomplete) like the incident's
 * Caller picker, on the same search and keys (`records/caller-picker.ts`), but it searches staff
 * only (`GET /api/users?q=…&staff=true`), leaves out who is excluded or already chosen, and
 * empties itself once someone is chosen, for the next one. The chosen are shown by the form.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useMemo, useRef } from "preact/hooks";
import type { User, UserRef } from "../../shared/wire";
import { CALLER_MIN_CHARS, CallerSearch, callerRef, pickerKey, type ListState, type SearchState } from "../records/caller-picker";
import { findStaff } from "./actions";
import "./chats.css";

interface Props {
  /** The input's id (its label points at it; the form focuses it when nobody is chosen). */
  id: string;
  /** Already chosen: not offered again. */
  chosen: readonly UserRef[];
  onChoose: (user: UserRef) => void;
  /** Not offered at all (the agent, the members of a group, the assignee). */
  exclude: ReadonlySet<string>;
  invalid?: boolean;
  /** Ids of what else describes the field (its error). */
  describedBy?: string | undefined;
  /** For tests: how colleagues are found. */
  find?: (q: string, signal: AbortSignal) => Promise<User[]>;
  delay?: number;
  /** Whether "Type 2 or more letters…" shows (a picker for one colleague drops it once someone is chosen). */
  hint?: boolean;
}

export function PeoplePicker({ id, chosen, onChoose, exclude, invalid = false, describedBy, find = findStaff, delay, hint = true }: Props) {
  const text = useSignal("");
  const search = useSignal<SearchState>({ kind: "idle" });
  const list = useSignal<ListState>({ open: false, active: -1 });
  const offered = (users: readonly User[]) => users.filter((u) => !exclude.has(u.id) && !chosen.some((c) => c.id === u.id));
  // The search reports later: it reads who is excluded and chosen then, not when it was made.
  const latestOffered = useRef(offered);
  latestOffered.current = offered;
  const searcher = useMemo(
    () =>
      new CallerSearch(
        find,
        (state) => {
          search.value = state;
          if (state.kind === "results") {
            const count = latestOffered.current(state.users).length;
            list.value = { open: count > 0, active: count > 0 ? 0 : -1 };
          } else if (state.kind !== "searching") list.value = { open: false, active: -1 };
        },
        delay,
      ),
    [],
  );
  useEffect(() => () => searcher.cancel(), []);

  const s = search.value;
  const users = s.kind === "results" ? offered(s.users) : [];
  const listId = `${id}-listbox`;
  const hintId = `${id}-hint`;
  const statusId = `${id}-status`;
  const open = list.value.open && users.length > 0;
  const optionId = (index: number) => `${id}-option-${index}`;

  function choose(user: User) {
    searcher.cancel();
    text.value = "";
    search.value = { kind: "idle" };
    list.value = { open: false, active: -1 };
    onChoose(callerRef(user));
  }

  function onKeyDown(event: KeyboardEvent) {
    const outcome = pickerKey(list.value, event.key, users.length);
    if (outcome.kind === "none") return;
    event.preventDefault();
    if (outcome.kind === "choose") {
      const user = users[outcome.index];
      if (user !== undefined) choose(user);
    } else if (outcome.kind === "close") {
      // Escape closes the list here, not the dialog around it.
      event.stopPropagation();
      list.value = outcome.state;
    } else {
      list.value = outcome.state;
    }
  }

  const statusText =
    s.kind === "searching"
      ? "Searching…"
      : s.kind === "failed"
        ? `The search failed: ${s.message}`
        : s.kind === "results"
          ? users.length === 0
            ? s.users.length === 0
              ? `Nobody on the staff matches “${s.term}”.`
              : `Nobody else matches “${s.term}”.`
            : `${users.length} ${users.length === 1 ? "colleague" : "colleagues"} found${open ? "" : " (Down arrow shows them)"}.`
          : "";
  const described = [describedBy, hint ? hintId : undefined, statusText !== "" ? statusId : undefined].filter((x) => x !== undefined && x !== "").join(" ");

  return (
    <div class="people-picker">
      <input
        id={id}
        type="text"
        role="combobox"
        class="people-picker__input"
        autoComplete="off"
        spellcheck={false}
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && list.value.active >= 0 ? optionId(list.value.active) : undefined}
        aria-invalid={invalid}
        aria-describedby={described}
        value={text.value}
        placeholder="Search by name or username"
        onInput={(event) => {
          text.value = event.currentTarget.value;
          searcher.input(text.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => (list.value = { open: false, active: -1 })}
        onFocus={() => {
          if (users.length > 0) list.value = { open: true, active: 0 };
        }}
      />
      {hint && (
        <span id={hintId} class="muted people-picker__hint">
          Type {CALLER_MIN_CHARS} or more letters of a name or username.
        </span>
      )}
      <p id={statusId} class="muted people-picker__status" role="status">
        {statusText}
      </p>
      <ul id={listId} role="listbox" aria-label="Colleagues found" class="people-picker__list" hidden={!open}>
        {users.map((user, index) => (
          <li
            key={user.id}
            id={optionId(index)}
            role="option"
            aria-selected={open && index === list.value.active}
            class="people-picker__option"
            // Keeps the focus in the input (a blur would close the list before the click).
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(user)}
          >
            <span class="people-picker__name">{user.display_name}</span> <span class="muted">{user.username}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The colleagues chosen so far, each with Remove. */
export function ChosenPeople({ people, onRemove, label }: { people: readonly UserRef[]; onRemove: (id: string) => void; label: string }) {
  if (people.length === 0) return null;
  return (
    <ul class="chosen-people" aria-label={label}>
      {people.map((p) => (
        <li key={p.id} class="chosen-people__item">
          <span>{p.display_name}</span>
          <button type="button" class="icon-button chosen-people__remove" aria-label={`Remove ${p.display_name}`} title={`Remove ${p.display_name}`} onClick={() => onRemove(p.id)}>
            <span aria-hidden="true">✕</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
