/**
 * The workspace (`/agent/workspace/<conversation>`): the agent's conversations on the left,
 * the selected one in full in the middle, and the tools on the right (Customer now; Record
 * and Knowledge Base join the same tab list later). The list's links go through the shell's
 * router: switching conversations keeps the page and its one connection.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { STATE_ICON, STATE_LABEL } from "../../shared/format";
import { Since } from "../../shared/Since";
import type { User } from "../../shared/wire";
import { ConversationView } from "../conversation/ConversationView";
import { SessionActions, StateBadge } from "../conversation/SessionActions";
import { connection, queueName } from "../state";
import { CustomerTool } from "./CustomerTool";
import "./workspace.css";

interface Tool {
  id: string;
  name: string;
}

/** The tools area's tabs; Record and Knowledge Base are added here when they exist. */
const TOOLS: readonly Tool[] = [{ id: "customer", name: "Customer" }];

export function Workspace({ user, id }: { user: User; id: string }) {
  const socket = connection.value;
  const conversation = socket?.conversations.value.get(id);
  const tool = useSignal("customer");
  const all = [...(socket?.conversations.value.values() ?? [])]
    .filter((c) => c.state !== "queued")
    .sort((a, b) => (b.preview?.at ?? b.created_at).localeCompare(a.preview?.at ?? a.created_at));

  useEffect(() => {
    // Not one of mine (e.g. a colleague's): ask to receive it anyway.
    if (socket !== null && socket.link.value === "online" && conversation === undefined) socket.watch(id);
  }, [socket?.link.value, id, conversation === undefined]);

  return (
    <div class="workspace">
      <nav class="workspace__list" aria-label="Conversations">
        <h2 class="workspace__list-title">Conversations</h2>
        <ul class="conversation-list">
          {all.map((c) => (
            <li key={c.id}>
              <a
                class={`workspace__link${c.id === id ? " workspace__link--current" : ""}`}
                href={`/agent/workspace/${encodeURIComponent(c.id)}`}
                aria-current={c.id === id ? "page" : undefined}
              >
                <span class="conversation-item__name">{c.customer?.display_name ?? "Conversation"}</span>
                <span class="muted">
                  <span aria-hidden="true">{STATE_ICON[c.state]}</span> {STATE_LABEL[c.state]} ·{" "}
                  <Since at={c.created_at} />
                  {(c.unread ?? 0) > 0 && ` · ${c.unread} unread`}
                </span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="workspace__pane" aria-label="Conversation pane">
        {conversation === undefined ? (
          <p class="page-status" role="status">
            {socket?.link.value === "online" ? "This conversation is not available to you." : "Loading the conversation…"}
          </p>
        ) : (
          <>
            <header class="workspace__header">
              <div class="workspace__heading">
                <h1 class="workspace__title">{conversation.customer?.display_name ?? "Conversation"}</h1>
                <span class="muted">{queueName(conversation.queue)}</span>
                <StateBadge conversation={conversation} />
                {conversation.assignee !== undefined && <span class="muted">Assigned to {conversation.assignee.display_name}</span>}
              </div>
              <SessionActions conversation={conversation} me={user.id} />
            </header>
            {/* Keyed: another conversation gets its own message field (draft, mode), not this one's. */}
            <ConversationView key={conversation.id} conversation={conversation} user={user} visible={true} />
          </>
        )}
      </main>
      <aside class="workspace__tools" aria-label="Tools">
        <div class="tools__tabs" role="tablist" aria-label="Tools">
          {TOOLS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`tool-tab-${t.id}`}
              class="tools__tab"
              aria-selected={tool.value === t.id}
              aria-controls={`tool-panel-${t.id}`}
              onClick={() => (tool.value = t.id)}
            >
              {t.name}
            </button>
          ))}
        </div>
        <div class="tools__panel" role="tabpanel" id={`tool-panel-${tool.value}`} aria-labelledby={`tool-tab-${tool.value}`}>
          {tool.value === "customer" && conversation !== undefined && <CustomerTool conversation={conversation} known={all} />}
        </div>
      </aside>
    </div>
  );
}
