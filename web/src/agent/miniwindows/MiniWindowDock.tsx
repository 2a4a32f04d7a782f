/** Mini windows docked along the bottom, newest on the right; minimised ones show only their header. */
import type { User } from "../../shared/wire";
import { ConversationView } from "../conversation/ConversationView";
import { SessionActions, StateBadge } from "../conversation/SessionActions";
import { closeMiniWindow, connection, miniWindows, queueName, toggleMinimised, type MiniWindowState } from "../state";

export function MiniWindowDock({ user }: { user: User }) {
  if (miniWindows.value.length === 0) return null;
  return (
    <div class="mini-dock">
      {miniWindows.value.map((w) => (
        <MiniWindow key={w.id} window={w} user={user} />
      ))}
    </div>
  );
}

export function openWorkspace(id: string): void {
  const url = `/agent/workspace/${encodeURIComponent(id)}`;
  const opened = window.open(url, `switchboard-workspace-${id}`);
  if (opened === null) location.assign(url);
}

function MiniWindow({ window: w, user }: { window: MiniWindowState; user: User }) {
  const conversation = connection.value?.conversations.value.get(w.id);
  if (conversation === undefined) return null;
  const name = conversation.customer?.display_name ?? "Conversation";
  const titleId = `mini-title-${w.id}`;
  return (
    <section class={`mini-window${w.minimised ? " mini-window--minimised" : ""}`} role="region" aria-labelledby={titleId}>
      <header class="mini-window__header">
        <div class="mini-window__title-row">
          <h2 id={titleId} class="mini-window__title">
            {name}
          </h2>
          <StateBadge conversation={conversation} />
          <span class="mini-window__controls">
            <button
              type="button"
              class="icon-button"
              aria-label={w.minimised ? `Restore ${name}` : `Minimise ${name}`}
              title={w.minimised ? "Restore" : "Minimise"}
              onClick={() => toggleMinimised(w.id)}
            >
              <span aria-hidden="true">{w.minimised ? "▴" : "▁"}</span>
            </button>
            <button type="button" class="icon-button" aria-label={`Close ${name}`} title="Close" onClick={() => closeMiniWindow(w.id)}>
              <span aria-hidden="true">✕</span>
            </button>
          </span>
        </div>
        {!w.minimised && (
          <div class="mini-window__subtitle muted">
            {queueName(conversation.queue)}
            {conversation.assignee !== undefined && conversation.assignee.id !== user.id && ` · with ${conversation.assignee.display_name}`}
          </div>
        )}
        {!w.minimised && <SessionActions conversation={conversation} me={user.id} onNewWindow={() => openWorkspace(w.id)} />}
      </header>
      {!w.minimised && <ConversationView conversation={conversation} user={user} visible={true} />}
    </section>
  );
}
