/**
 * Mini windows docked along the bottom, newest on the right; minimised ones show only their
 * header. As many as fit beside each other are shown; the older rest wait behind a "+N more"
 * menu (never a sideways strip). A new customer message flashes the header of its window.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { exactTime, startedAt } from "../../shared/format";
import { StateBadge } from "../../shared/StateBadge";
import type { User } from "../../shared/wire";
import { flashes } from "../attention";
import { chatPartner, isChat } from "../chats/chats";
import { ChatSummary } from "../chats/ChatSummary";
import { ConversationView } from "../conversation/ConversationView";
import { SessionActions } from "../conversation/SessionActions";
import { PresenceLabel } from "../conversation/TransferDialog";
import { createIncident } from "../records/create";
import { STATE_TEXT } from "../records/incident-form";
import { contentPane } from "../records/pane";
import { conversationTitle } from "../sessions";
import { closeMiniWindow, connection, dockCapacity, drafts, miniWindows, openMiniWindow, queueName, sidebarCollapsed, toggleMinimised, type MiniWindowState } from "../state";
import "./mini-windows.css";

/** A mini window's width plus the gap between two. */
export const WINDOW_SLOT_PX = 352;
/** The room the "+N more" button takes. */
const MORE_BUTTON_PX = 112;

/** How many mini windows fit in `width` pixels, with room for the "+N more" button when some do not. */
export function windowsThatFit(width: number, open: number): number {
  const all = Math.max(1, Math.floor(width / WINDOW_SLOT_PX));
  if (open <= all) return all;
  return Math.max(1, Math.floor((width - MORE_BUTTON_PX) / WINDOW_SLOT_PX));
}

/** The width left for the dock: the page less the sidebar (or its rail) and a margin. */
function dockWidth(viewport: number, railOnly: boolean): number {
  if (viewport <= 760) return viewport;
  return viewport - (railOnly ? 72 : 336) - 16;
}

function useViewportWidth(): number {
  const width = useSignal(typeof window === "undefined" ? 1280 : window.innerWidth);
  useEffect(() => {
    const update = () => (width.value = window.innerWidth);
    // The window as it is now: a cleanup that runs late (after a test's page is gone) still finds it.
    const target = window;
    target.addEventListener("resize", update);
    return () => target.removeEventListener("resize", update);
  }, []);
  return width.value;
}

/** Where focus goes when a mini window closes: a neighbour's field (or its Restore), else the session in the sidebar. */
function focusAfterClose(closed: string, neighbours: readonly MiniWindowState[]): void {
  setTimeout(() => {
    for (const w of neighbours) {
      const target = document.getElementById(w.minimised ? `mini-restore-${w.id}` : `composer-${w.id}`);
      if (target !== null) {
        target.focus();
        return;
      }
    }
    (document.getElementById(`sidebar-item-${closed}`) ?? document.querySelector<HTMLElement>(".connect-sidebar__toggle"))?.focus();
  }, 0);
}

export function MiniWindowDock({ user }: { user: User }) {
  // Windows brought back by a reload wait for their conversation to arrive before taking room.
  const known = connection.value?.conversations.value;
  const windows = miniWindows.value.filter((w) => known?.has(w.id) === true);
  const capacity = windowsThatFit(dockWidth(useViewportWidth(), sidebarCollapsed.value), windows.length);
  useEffect(() => {
    dockCapacity.value = capacity;
  }, [capacity]);
  if (windows.length === 0) return null;
  const hidden = windows.slice(0, Math.max(0, windows.length - capacity));
  const shown = windows.slice(hidden.length);

  function close(id: string) {
    const at = shown.findIndex((w) => w.id === id);
    // The nearest on the left first (the older one), then on the right.
    const neighbours = [...shown.slice(0, Math.max(0, at)).reverse(), ...shown.slice(at + 1)];
    closeMiniWindow(id);
    focusAfterClose(id, neighbours);
  }

  return (
    <div class="mini-dock">
      {hidden.length > 0 && <MoreWindows hidden={hidden} />}
      {shown.map((w) => (
        <MiniWindow key={w.id} window={w} user={user} onClose={() => close(w.id)} />
      ))}
    </div>
  );
}

/** "+N more": the mini windows that do not fit, to bring one forward. */
function MoreWindows({ hidden }: { hidden: readonly MiniWindowState[] }) {
  const open = useSignal(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const conversations = connection.value?.conversations.value;
  const unread = hidden.reduce((n, w) => n + (conversations?.get(w.id)?.unread ?? 0), 0);

  useEffect(() => {
    if (open.value) menu.current?.querySelector<HTMLButtonElement>("button")?.focus();
  }, [open.value]);

  function close() {
    open.value = false;
    button.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    const items = Array.from(menu.current?.querySelectorAll<HTMLButtonElement>("button") ?? []);
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const next = event.key === "ArrowDown" ? (at + 1) % items.length : (at - 1 + items.length) % items.length;
    items[next]?.focus();
  }

  return (
    <div
      class="mini-more"
      onFocusOut={(event) => {
        // Focus went elsewhere (a click outside, Tab away): the menu closes without taking it back.
        const next = event.relatedTarget;
        if (next instanceof Node && !event.currentTarget.contains(next)) open.value = false;
      }}
    >
      {open.value && (
        <ul ref={menu} class="mini-more__menu" role="menu" aria-label="More chats" onKeyDown={onKeyDown}>
          {hidden.map((w) => {
            const c = conversations?.get(w.id);
            const name = c === undefined ? "Conversation" : conversationTitle(c);
            const count = c?.unread ?? 0;
            return (
              <li key={w.id} role="none">
                <button
                  type="button"
                  role="menuitem"
                  class="mini-more__item"
                  onClick={() => {
                    open.value = false;
                    openMiniWindow(w.id);
                  }}
                >
                  <span>{name}</span>
                  {count > 0 && (
                    <span class="badge">
                      {count}
                      <span class="visually-hidden"> unread</span>
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <button
        ref={button}
        type="button"
        class="button mini-more__button"
        aria-haspopup="menu"
        aria-expanded={open.value}
        aria-label={`${hidden.length} more chat${hidden.length === 1 ? "" : "s"}${unread > 0 ? `, ${unread} unread` : ""}`}
        onClick={() => (open.value ? close() : (open.value = true))}
      >
        +{hidden.length} more
        {unread > 0 && (
          <span class="badge" aria-hidden="true">
            {unread}
          </span>
        )}
      </button>
    </div>
  );
}

/**
 * New Window: the chat moves to the workspace. The new window starts with a copy of this tab's
 * session storage, draft included; here the draft is forgotten and the mini window closed, so
 * the same text cannot be sent from both.
 */
function moveToWorkspace(id: string, close: () => void): void {
  openWorkspace(id);
  drafts.set(id, { text: "", mode: drafts.get(id)?.mode ?? "comment" });
  close();
}

export function openWorkspace(id: string): void {
  const url = `/agent/workspace/${encodeURIComponent(id)}`;
  const opened = window.open(url, `switchboard-workspace-${id}`);
  if (opened === null) location.assign(url);
}

/** How long the window of a closed session stays once its closing has been seen (nothing unread). */
export const CLOSED_WINDOW_STAYS_MS = 10_000;

function MiniWindow({ window: w, user, onClose }: { window: MiniWindowState; user: User; onClose: () => void }) {
  const conversation = connection.value?.conversations.value.get(w.id);
  const flashKey = flashes.value.get(w.id) ?? 0;
  const section = useRef<HTMLElement>(null);
  // A closed session's window leaves the dock a short while after the agent has seen the
  // closing, so ended chats do not pile up. It takes the focus along only if it has it.
  const closedAndSeen = conversation?.state === "closed" && (conversation.unread ?? 0) === 0 && !w.minimised;
  useEffect(() => {
    if (!closedAndSeen) return;
    const timer = setTimeout(() => {
      if (section.current?.contains(document.activeElement) === true) onClose();
      else closeMiniWindow(w.id);
    }, CLOSED_WINDOW_STAYS_MS);
    return () => clearTimeout(timer);
  }, [closedAndSeen]);
  if (conversation === undefined) return null;
  const name = conversationTitle(conversation, user.id);
  const record = conversation.kind === "record" ? (conversation.record ?? null) : undefined;
  const chat = isChat(conversation);
  const partner = chatPartner(conversation, user.id);
  const partnerStatus = partner === null ? undefined : connection.value?.presence.value.get(partner.id);
  const titleId = `mini-title-${w.id}`;
  const unread = conversation.unread ?? 0;
  return (
    <section ref={section} class={`mini-window${w.minimised ? " mini-window--minimised" : ""}`} role="region" aria-labelledby={titleId}>
      <header class="mini-window__header">
        {flashKey > 0 && <span key={flashKey} class="mini-window__flash" aria-hidden="true" />}
        <div class="mini-window__title-row">
          {/* A long name is cut with an ellipsis: the whole of it on hover and as the window's name. */}
          <h2 id={titleId} class="mini-window__title" title={name}>
            {name}
          </h2>
          {chat ? (
            partnerStatus !== undefined && <PresenceLabel status={partnerStatus} />
          ) : record === undefined ? (
            <StateBadge conversation={conversation} />
          ) : (
            record !== null && <span class="state-badge">{STATE_TEXT[record.state]}</span>
          )}
          {unread > 0 && (
            <span class="badge">
              {unread}
              <span class="visually-hidden"> unread</span>
            </span>
          )}
          <span class="mini-window__controls">
            <button
              id={`mini-restore-${w.id}`}
              type="button"
              class="icon-button"
              aria-label={w.minimised ? `Restore ${name}` : `Minimise ${name}`}
              title={w.minimised ? "Restore" : "Minimise"}
              onClick={() => toggleMinimised(w.id)}
            >
              <span aria-hidden="true">{w.minimised ? "▴" : "▁"}</span>
            </button>
            <button type="button" class="icon-button" aria-label={`Close ${name}`} title="Close" onClick={onClose}>
              <span aria-hidden="true">✕</span>
            </button>
          </span>
        </div>
        {!w.minimised && record !== undefined && (
          <div class="mini-window__subtitle muted">Record · comments and work notes of the incident</div>
        )}
        {!w.minimised && chat && (
          <div class="mini-window__subtitle">
            {/* The colleague's presence is beside the name already. */}
            <ChatSummary conversation={conversation} me={user.id} presence={false} />
          </div>
        )}
        {!w.minimised && record === undefined && !chat && (
          <div class="mini-window__subtitle muted">
            {queueName(conversation.queue)} · started <time dateTime={conversation.created_at} title={exactTime(conversation.created_at)}>{startedAt(conversation.created_at)}</time>
            {conversation.assignee !== undefined && conversation.assignee.id !== user.id && ` · with ${conversation.assignee.display_name}`}
          </div>
        )}
        {!w.minimised && record === undefined && (
          <SessionActions
            conversation={conversation}
            me={user.id}
            onNewWindow={() => moveToWorkspace(w.id, onClose)}
            onCreateIncident={() => void createIncident(conversation, user, contentPane)}
            onLeft={onClose}
          />
        )}
        {!w.minimised && record !== undefined && (
          <div class="session-actions">
            {record !== null && (
              <button type="button" class="button button--small" onClick={() => contentPane.show({ kind: "incident", id: record.incident })}>
                Open record
              </button>
            )}
            <button type="button" class="button button--small button--quiet" onClick={() => moveToWorkspace(w.id, onClose)}>
              New Window
            </button>
          </div>
        )}
      </header>
      {!w.minimised && <ConversationView conversation={conversation} user={user} visible={true} where="window" />}
    </section>
  );
}
