/**
 * The Connect sidebar: queue notifications with Accept, notes about sessions a colleague
 * took, then the agent's conversations by kind, each section with its own unread total and
 * foldable: Support sessions (mine, and those I was invited into), Chats with colleagues (New
 * chat starts one), Followed records; and Recently closed. Each item shows its state, unread
 * count and a preview (a chat: who is typing, the colleague's presence). Collapses to an icon
 * rail that keeps the unread badges.
 */
import type { ComponentChildren } from "preact";
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { initials, STATE_LABEL } from "../../shared/format";
import { now } from "../../shared/now";
import { PreviewText } from "../../shared/PreviewText";
import { StateBadge } from "../../shared/StateBadge";
import type { Conversation, User } from "../../shared/wire";
import { readColleaguesPresence } from "../chats/actions";
import { chatPartner, isChat, isGroupChat, isInvitedTo } from "../chats/chats";
import { NewChatDialog } from "../chats/NewChatDialog";
import { PresenceLabel } from "../conversation/TransferDialog";
import { STATE_TEXT } from "../records/incident-form";
import { conversationTitle, inQueueOrder } from "../sessions";
import { ShortcutsButton } from "../shortcuts/ShortcutsDialog";
import { connection, foldedSections, notFollowed, openMiniWindow, queueName, queues, sidebarCollapsed, toggleSection } from "../state";
import { sidebarSections, unreadIn } from "./groups";
import { OfferAnnouncer } from "./OfferAnnouncer";
import { OfferList, QUEUE_HEADING_ID } from "./QueueNotification";
import { SoundSettings } from "./SoundSettings";
import "./sidebar.css";

export { PreviewText } from "../../shared/PreviewText";

const NOTE_SHOWN_MS = 15_000;

function itemLabel(c: Conversation, me: string): string {
  const unread = c.unread ?? 0;
  const state = c.record !== undefined ? STATE_TEXT[c.record.state] : isChat(c) ? (isGroupChat(c) ? "group chat" : "chat") : STATE_LABEL[c.state];
  return `${conversationTitle(c, me)}, ${state}${unread > 0 ? `, ${unread} unread` : ""}`;
}

/** What a rail item shows: the customer's or colleague's initials, a group's first letters, INC for a record. */
function railText(c: Conversation, me: string): string {
  if (c.kind === "record") return "INC";
  if (isChat(c)) return initials(conversationTitle(c, me));
  return initials(c.customer?.display_name ?? "?");
}

export function ConnectSidebar({ user }: { user: User }) {
  const socket = connection.value;
  const offers = [...(socket?.offers.value.values() ?? [])].sort(inQueueOrder);
  const all = [...(socket?.conversations.value.values() ?? [])];
  const { support, chats, records, closed } = sidebarSections(all, user.id, notFollowed.value);
  const collapsed = sidebarCollapsed.value;
  const totalUnread = unreadIn(support) + unreadIn(chats) + unreadIn(records);
  // The rail and the expanded sidebar are different trees: the toggle the agent pressed is gone,
  // so its counterpart takes the focus.
  const toggleButton = useRef<HTMLButtonElement>(null);
  const refocusToggle = useRef(false);
  useEffect(() => {
    if (!refocusToggle.current) return;
    refocusToggle.current = false;
    toggleButton.current?.focus();
  }, [collapsed]);
  // A direct chat shows the colleague's presence from the start, not only once it changes.
  const queueIds = queues.value.map((q) => q.id).join(" ");
  useEffect(() => {
    if (queueIds !== "") void readColleaguesPresence();
  }, [queueIds]);

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
          {[...support, ...chats, ...records].map((c) => (
            <li key={c.id}>
              <button id={`sidebar-item-${c.id}`} type="button" class={`rail__item${isChat(c) ? " rail__item--chat" : ""}`} title={itemLabel(c, user.id)} onClick={() => openMiniWindow(c.id)}>
                <span aria-hidden="true">{railText(c, user.id)}</span>
                <span class="visually-hidden">{itemLabel(c, user.id)}</span>
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
        <SidebarSection id="support" title="Support sessions" unread={unreadIn(support)}>
          <ConversationList items={support} empty="No sessions yet." render={(c) => <ConversationItem conversation={c} me={user.id} />} />
        </SidebarSection>
        <SidebarSection id="chats" title="Chats" unread={unreadIn(chats)} tools={<NewChatButton me={user.id} />}>
          <ConversationList items={chats} empty="No chats yet." render={(c) => <ChatItem conversation={c} me={user.id} />} />
        </SidebarSection>
        <SidebarSection id="records" title="Followed records" unread={unreadIn(records)}>
          <ConversationList items={records} empty="No records followed." render={(c) => <RecordItem conversation={c} />} />
        </SidebarSection>
        {closed.length > 0 && (
          <SidebarSection id="closed" title="Recently closed" unread={0}>
            <ConversationList items={closed} empty="" render={(c) => <ConversationItem conversation={c} me={user.id} />} />
          </SidebarSection>
        )}
      </div>
    </aside>
  );
}

/**
 * A section of the sidebar: a heading that folds it (its name says the unread total: "Chats,
 * 3 unread"), and tools beside it (New chat). The section is a region named by its heading.
 */
function SidebarSection({ id, title, unread, tools, children }: { id: string; title: string; unread: number; tools?: ComponentChildren; children: ComponentChildren }) {
  const folded = foldedSections.value.has(id);
  const headingId = `sidebar-${id}`;
  const bodyId = `sidebar-${id}-body`;
  const name = unread > 0 ? `${title}, ${unread} unread` : title;
  return (
    // Named as its heading reads out (the badge is only the number).
    <section class="sidebar-group" aria-label={name}>
      <div class="sidebar-group__head">
        <h2 id={headingId} class="sidebar-group__title sidebar-group__title--folding">
          {/* Named by its content ("Chats, 3 unread"), so what is seen is what is said. */}
          <button type="button" class="sidebar-group__fold" aria-expanded={!folded} aria-controls={bodyId} title={folded ? `Show ${title}` : `Fold ${title}`} onClick={() => toggleSection(id)}>
            {title}
            {unread > 0 && (
              <>
                <span class="visually-hidden">, {unread} unread</span>
                <span class="badge sidebar-group__unread" aria-hidden="true">
                  {unread}
                </span>
              </>
            )}
          </button>
        </h2>
        {tools}
      </div>
      <div id={bodyId} class="sidebar-group__body" hidden={folded}>
        {children}
      </div>
    </section>
  );
}

function ConversationList({ items, empty, render }: { items: Conversation[]; empty: string; render: (c: Conversation) => ComponentChildren }) {
  if (items.length === 0) return empty === "" ? null : <p class="muted sidebar-group__empty">{empty}</p>;
  return (
    <ul class="conversation-list">
      {items.map((c) => (
        <li key={c.id}>{render(c)}</li>
      ))}
    </ul>
  );
}

/** New chat: opens the dialog; the chat started opens in a mini window, else the focus comes back here. */
function NewChatButton({ me }: { me: string }) {
  const open = useSignal(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button ref={button} type="button" class="button button--small button--quiet sidebar-group__tool" aria-haspopup="dialog" onClick={() => (open.value = true)}>
        <span aria-hidden="true">+</span> New chat
      </button>
      {open.value && (
        <NewChatDialog
          me={me}
          onClose={(chat) => {
            open.value = false;
            if (chat !== null) openMiniWindow(chat.id);
            else button.current?.focus();
          }}
        />
      )}
    </>
  );
}

/** The unread count on an item, said in words to screen readers. */
function UnreadBadge({ unread }: { unread: number }) {
  if (unread <= 0) return null;
  return (
    <span class="badge">
      {unread}
      <span class="visually-hidden"> unread</span>
    </span>
  );
}

/** A chat: the colleague (with their presence) or the group's title, unread, who is typing or the newest message. */
function ChatItem({ conversation: c, me }: { conversation: Conversation; me: string }) {
  const socket = connection.value;
  const partner = chatPartner(c, me);
  const status = partner === null ? undefined : socket?.presence.value.get(partner.id);
  const typing = (socket?.typing.value.get(c.id) ?? []).filter((u) => u.id !== me);
  const group = isGroupChat(c);
  return (
    <button id={`sidebar-item-${c.id}`} type="button" class="conversation-item" onClick={() => openMiniWindow(c.id)}>
      <span class="conversation-item__top">
        <span class="conversation-item__name">{conversationTitle(c, me)}</span>
        <UnreadBadge unread={c.unread ?? 0} />
      </span>
      <span class="conversation-item__state">
        {group ? <span class="muted">Group · {(c.members ?? []).length} people</span> : status !== undefined ? <PresenceLabel status={status} /> : <span class="muted">Direct chat</span>}
      </span>
      <span class="conversation-item__preview">
        {typing.length > 0 ? (
          <span class="conversation-item__typing">
            {typing.map((u) => u.display_name).join(", ")} {typing.length === 1 ? "is" : "are"} typing…
          </span>
        ) : c.preview === undefined ? (
          <span class="muted">No messages yet</span>
        ) : (
          <PreviewText conversation={c} />
        )}
      </span>
    </button>
  );
}

/** A followed incident's activity: "INC0010001 · short description", its state, unread badge, the newest entry. */
function RecordItem({ conversation: c }: { conversation: Conversation }) {
  return (
    // Named by what it shows (as a session's item), so the name holds the visible text.
    <button id={`sidebar-item-${c.id}`} type="button" class="conversation-item" onClick={() => openMiniWindow(c.id)}>
      <span class="conversation-item__top">
        <span class="conversation-item__name">{conversationTitle(c)}</span>
        <UnreadBadge unread={c.unread ?? 0} />
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

/** A support session: the customer, unread, state, queue (and whose it is when not mine), the newest message. */
function ConversationItem({ conversation: c, me }: { conversation: Conversation; me: string }) {
  const unread = c.unread ?? 0;
  const helping = isInvitedTo(c, me);
  const other = c.assignee !== undefined && c.assignee.id !== me ? ` · ${helping ? "helping " : ""}${c.assignee.display_name}` : "";
  return (
    <button id={`sidebar-item-${c.id}`} type="button" class="conversation-item" onClick={() => openMiniWindow(c.id)}>
      <span class="conversation-item__top">
        <span class="conversation-item__name">{c.customer?.display_name ?? "Conversation"}</span>
        <UnreadBadge unread={unread} />
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
