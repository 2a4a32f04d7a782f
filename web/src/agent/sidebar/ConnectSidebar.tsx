/**
 * The Connect sidebar: queue notifications with Accept, notes about sessions a colleague
 * took, and every conversation of the agent with state, unread count and a preview.
 * Collapses to an icon rail that keeps the unread badges.
 */
import { useEffect, useRef } from "preact/hooks";
import { initials, STATE_LABEL } from "../../shared/format";
import { now } from "../../shared/now";
import { PreviewText } from "../../shared/PreviewText";
import { StateBadge } from "../../shared/StateBadge";
import type { Conversation, User } from "../../shared/wire";
import { STATE_TEXT } from "../records/incident-form";
import { conversationTitle, inQueueOrder, recordsOf, sidebarGroups } from "../sessions";
import { ShortcutsButton } from "../shortcuts/ShortcutsDialog";
import { connection, notFollowed, openMiniWindow, queueName, queues, sidebarCollapsed } from "../state";
import { OfferAnnouncer } from "./OfferAnnouncer";
import { OfferList, QUEUE_HEADING_ID } from "./QueueNotification";
import { SoundSettings } from "./SoundSettings";
import "./sidebar.css";

export { PreviewText } from "../../shared/PreviewText";

const NOTE_SHOWN_MS = 15_000;

function itemLabel(c: Conversation): string {
  const unread = c.unread ?? 0;
  const state = c.record !== undefined ? STATE_TEXT[c.record.state] : STATE_LABEL[c.state];
  return `${conversationTitle(c)}, ${state}${unread > 0 ? `, ${unread} unread` : ""}`;
}

export function ConnectSidebar({ user }: { user: User }) {
  const socket = connection.value;
  const offers = [...(socket?.offers.value.values() ?? [])].sort(inQueueOrder);
  const all = [...(socket?.conversations.value.values() ?? [])];
  const { mine, closed } = sidebarGroups(all, user.id);
  const records = recordsOf(all, notFollowed.value);
  const collapsed = sidebarCollapsed.value;
  const totalUnread = [...mine, ...records].reduce((n, c) => n + (c.unread ?? 0), 0);
  // The rail and the expanded sidebar are different trees: the toggle the agent pressed is gone,
  // so its counterpart takes the focus.
  const toggleButton = useRef<HTMLButtonElement>(null);
  const refocusToggle = useRef(false);
  useEffect(() => {
    if (!refocusToggle.current) return;
    refocusToggle.current = false;
    toggleButton.current?.focus();
  }, [collapsed]);

  const toggle = (
    <button
      ref={toggleButton}
      type="button"
      class="icon-button connect-sidebar__toggle"
      aria-expanded={!collapsed}
      aria-controls="connect-sidebar-body"
      aria-label={collapsed ? "Expand sidebar" : "Collapse sidebar"}
      title={collapsed ? "Expand sidebar" : "Collapse sidebar"}
      onClick={() => {
        refocusToggle.current = true;
        sidebarCollapsed.value = !collapsed;
      }}
    >
      <span aria-hidden="true">{collapsed ? "«" : "»"}</span>
    </button>
  );

  if (collapsed) {
    return (
      <aside class="connect-sidebar connect-sidebar--rail" aria-label="Connect sidebar">
        <OfferAnnouncer offers={offers} />
        {toggle}
        <ul id="connect-sidebar-body" class="rail">
          {offers.length > 0 && (
            <li>
              <button type="button" class="rail__item rail__item--offer" title={`${offers.length} waiting in the queue`} onClick={() => (sidebarCollapsed.value = false)}>
                <span aria-hidden="true">◔</span>
                <span class="visually-hidden">{offers.length} waiting in the queue</span>
                <span class="badge" aria-hidden="true">
                  {offers.length}
                </span>
              </button>
            </li>
          )}
          {[...mine, ...records].map((c) => (
            <li key={c.id}>
              <button id={`sidebar-item-${c.id}`} type="button" class="rail__item" title={itemLabel(c)} onClick={() => openMiniWindow(c.id)}>
                <span aria-hidden="true">{c.kind === "record" ? "INC" : initials(c.customer?.display_name ?? "?")}</span>
                <span class="visually-hidden">{itemLabel(c)}</span>
                {(c.unread ?? 0) > 0 && (
                  <span class="badge" aria-hidden="true">
                    {c.unread}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      </aside>
    );
  }

  const queueTitle = queues.value.length === 1 ? `New in ${queues.value[0]?.name ?? "queue"}` : "New in my queues";
  return (
    <aside class="connect-sidebar" aria-label="Connect sidebar">
      <OfferAnnouncer offers={offers} />
      <div class="connect-sidebar__head">
        <span class="connect-sidebar__title">Connect</span>
        {totalUnread > 0 && <span class="badge">{totalUnread} unread</span>}
        <span class="connect-sidebar__tools">
          <SoundSettings />
          <ShortcutsButton />
          {toggle}
        </span>
      </div>
      <div id="connect-sidebar-body">
        <section class="sidebar-group" aria-labelledby="sidebar-queue">
          <h2 id={QUEUE_HEADING_ID} class="sidebar-group__title" tabIndex={-1}>
            {queueTitle}
            {offers.length > 0 && <span class="sidebar-group__count"> ({offers.length})</span>}
          </h2>
          <TakenNotes />
          <OfferList offers={offers} />
        </section>
        <ConversationGroup title="My sessions" id="sidebar-mine" items={mine} empty="No sessions yet." me={user.id} />
        <RecordGroup records={records} />
        {closed.length > 0 && <ConversationGroup title="Recently closed" id="sidebar-closed" items={closed} empty="" me={user.id} />}
      </div>
    </aside>
  );
}

/** The followed incidents' activity: "INC0010001 · short description", its state, unread badge, the newest entry. */
function RecordGroup({ records }: { records: Conversation[] }) {
  return (
    <section class="sidebar-group" aria-labelledby="sidebar-records">
      <h2 id="sidebar-records" class="sidebar-group__title">
        Records
      </h2>
      {records.length === 0 ? (
        <p class="muted sidebar-group__empty">No records followed.</p>
      ) : (
        <ul class="conversation-list">
          {records.map((c) => {
            const unread = c.unread ?? 0;
            return (
              <li key={c.id}>
                {/* Named by what it shows (as a session's item), so the name holds the visible text. */}
                <button id={`sidebar-item-${c.id}`} type="button" class="conversation-item" onClick={() => openMiniWindow(c.id)}>
                  <span class="conversation-item__top">
                    <span class="conversation-item__name">{conversationTitle(c)}</span>
                    {unread > 0 && (
                      <span class="badge">
                        {unread}
                        <span class="visually-hidden"> unread</span>
                      </span>
                    )}
                  </span>
                  <span class="conversation-item__state">
                    <span class="muted">{c.record !== undefined ? STATE_TEXT[c.record.state] : "Record"}</span>
                  </span>
                  {c.preview !== undefined && (
                    <span class={`conversation-item__preview${c.preview.kind === "work_note" ? " conversation-item__preview--work-note" : ""}`}>
                      <PreviewText conversation={c} />
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** "Carol: taken by Bob" for 15 s; only this re-renders with the clock, not the sidebar. */
function TakenNotes() {
  // A session on offer again (back from the agent who took it) is no longer "taken".
  const offers = connection.value?.offers.value;
  const notes = (connection.value?.withdrawals.value ?? []).filter((w) => now.value - w.at < NOTE_SHOWN_MS && offers?.has(w.conversation) !== true);
  return (
    <>
      {notes.map((note) => (
        <p key={`${note.conversation}-${note.at}`} class="taken-note" role="status">
          {note.customer}: {note.by === null ? "left the queue" : `taken by ${note.by.display_name}`}
        </p>
      ))}
    </>
  );
}

function ConversationGroup({ title, id, items, empty, me }: { title: string; id: string; items: Conversation[]; empty: string; me: string }) {
  return (
    <section class="sidebar-group" aria-labelledby={id}>
      <h2 id={id} class="sidebar-group__title">
        {title}
      </h2>
      {items.length === 0 ? (
        <p class="muted sidebar-group__empty">{empty}</p>
      ) : (
        <ul class="conversation-list">
          {items.map((c) => (
            <li key={c.id}>
              <ConversationItem conversation={c} me={me} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ConversationItem({ conversation: c, me }: { conversation: Conversation; me: string }) {
  const unread = c.unread ?? 0;
  const other = c.assignee !== undefined && c.assignee.id !== me ? ` · ${c.assignee.display_name}` : "";
  return (
    <button id={`sidebar-item-${c.id}`} type="button" class="conversation-item" onClick={() => openMiniWindow(c.id)}>
      <span class="conversation-item__top">
        <span class="conversation-item__name">{c.customer?.display_name ?? "Conversation"}</span>
        {unread > 0 && (
          <span class="badge">
            {unread}
            <span class="visually-hidden"> unread</span>
          </span>
        )}
      </span>
      <span class="conversation-item__state">
        <StateBadge conversation={c} />
        <span class="muted">
          {queueName(c.queue)}
          {other}
        </span>
      </span>
      <span class={`conversation-item__preview${c.preview?.kind === "work_note" ? " conversation-item__preview--work-note" : ""}`}>
        <PreviewText conversation={c} />
      </span>
    </button>
  );
}
