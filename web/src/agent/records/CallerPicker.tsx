/**
 * The Caller field: a combobox (ARIA 1.2, list autocomplete). Typing at least two characters
 * searches the users (GET /api/users?q=) after a short pause; the listbox shows each one's name
 * and username; Down / Up move, Enter or a click chooses, Escape closes. The input shows the
 * chosen caller; leaving it with text that was not chosen puts the chosen name back.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";
import { findUsers } from "../../shared/api";
import type { User, UserRef } from "../../shared/wire";
import { CALLER_MIN_CHARS, CallerSearch, callerRef, pickerKey, type ListState, type SearchState } from "./caller-picker";

interface Props {
  /** The input's id (the form focuses it when the caller is refused). */
  id: string;
  value: UserRef | null;
  onChoose: (caller: UserRef) => void;
  invalid: boolean;
  /** Ids of what describes the field (its error). */
  describedBy?: string | undefined;
  /** For tests: how users are found. */
  find?: (q: string, signal: AbortSignal) => Promise<User[]>;
  delay?: number;
}

export function CallerPicker({ id, value, onChoose, invalid, describedBy, find = findUsers, delay }: Props) {
  const text = useSignal(value?.display_name ?? "");
  const search = useSignal<SearchState>({ kind: "idle" });
  const list = useSignal<ListState>({ open: false, active: -1 });
  const searcher = useMemo(
    () =>
      new CallerSearch(
        find,
        (state) => {
          search.value = state;
          if (state.kind === "results") list.value = { open: state.users.length > 0, active: state.users.length > 0 ? 0 : -1 };
          else if (state.kind !== "searching") list.value = { open: false, active: -1 };
        },
        delay,
      ),
    [],
  );
  useEffect(() => () => searcher.cancel(), []);
  // Another caller from outside (a reload, a saved incident adopted): the input shows it.
  useEffect(() => {
    text.value = value?.display_name ?? "";
  }, [value?.id]);

  const users = search.value.kind === "results" ? search.value.users : [];
  const listId = `${id}-listbox`;
  const hintId = `${id}-hint`;
  const statusId = `${id}-status`;
  const open = list.value.open && users.length > 0;
  const optionId = (index: number) => `${id}-option-${index}`;

  function choose(user: User) {
    searcher.cancel();
    text.value = user.display_name;
    search.value = { kind: "idle" };
    list.value = { open: false, active: -1 };
    onChoose(callerRef(user));
  }

  function close() {
    searcher.cancel();
    search.value = { kind: "idle" };
    list.value = { open: false, active: -1 };
  }

  function onKeyDown(event: KeyboardEvent) {
    const outcome = pickerKey(list.value, event.key, users.length);
    if (outcome.kind === "none") return;
    event.preventDefault();
    if (outcome.kind === "choose") {
      const user = users[outcome.index];
      if (user !== undefined) choose(user);
    } else if (outcome.kind === "close") {
      // Escape closes the list here, not the form or pane around it.
      event.stopPropagation();
      list.value = outcome.state;
    } else {
      list.value = outcome.state;
    }
  }

  const s = search.value;
  const statusText =
    s.kind === "searching"
      ? "Searching…"
      : s.kind === "failed"
        ? `The search failed: ${s.message}`
        : s.kind === "results"
          ? s.users.length === 0
            ? `Nobody matches “${s.term}”.`
            : `${s.users.length} ${s.users.length === 1 ? "person" : "people"} found${open ? "" : " (Down arrow shows them)"}.`
          : "";
  const described = [describedBy, hintId, statusText !== "" ? statusId : undefined].filter((x) => x !== undefined && x !== "").join(" ");

  return (
    <div class="caller-picker">
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        spellcheck={false}
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && list.value.active >= 0 ? optionId(list.value.active) : undefined}
        aria-invalid={invalid}
        aria-describedby={described}
        aria-required="true"
        value={text.value}
        placeholder="Search by name or username"
        onInput={(event) => {
          text.value = event.currentTarget.value;
          searcher.input(text.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          close();
          text.value = value?.display_name ?? "";
        }}
      />
      <span id={hintId} class="muted incident-form__count">
        {value === null ? `Type ${CALLER_MIN_CHARS} or more letters of a name or username.` : `Chosen: ${value.display_name}. Type to choose another.`}
      </span>
      <p id={statusId} class="caller-picker__status muted" role="status">
        {statusText}
      </p>
      <ul id={listId} role="listbox" aria-label="People found" class="caller-picker__list" hidden={!open}>
        {users.map((user, index) => (
          <li
            key={user.id}
            id={optionId(index)}
            role="option"
            aria-selected={open && index === list.value.active}
            class="caller-picker__option"
            // Keeps the focus in the input (a blur would close the list before the click).
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(user)}
          >
            <span class="caller-picker__name">{user.display_name}</span> <span class="caller-picker__username muted">{user.username}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
