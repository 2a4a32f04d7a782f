/**
 * The workspace (`/agent/workspace/<conversation>`): the agent's conversations on the left,
 * the selected one in full in the middle, and the tools on the right (Record, Knowledge Base,
 * Customer; for a chat between colleagues only the Knowledge Base: it has no customer and no
 * record). The list's links go through the shell's router: switching conversations keeps the
 * page and its one connection. Managers and admins also find what was withdrawn from the
 * conversation under "Withdrawn messages" above its log. A closed support session the customer
 * rated shows the rating and comment under the pane's header.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { STATE_ICON, STATE_LABEL } from "../../shared/format";
import { Since } from "../../shared/Since";
import { mayReadWithdrawals, withdrawnHere, withWithdrawn } from "../../shared/withdraw";
import type { Conversation, User } from "../../shared/wire";
import { ChatSummary } from "../chats/ChatSummary";
import { ConversationView } from "../conversation/ConversationView";
import { SessionActions, StateBadge } from "../conversation/SessionActions";
import { connection, queueName } from "../state";
import { createIncident } from "../records/create";
import { STATE_TEXT } from "../records/incident-form";
import { recordPane } from "../records/pane";
import { conversationTitle } from "../sessions";
import { CustomerTool } from "./CustomerTool";
import { KnowledgeTool } from "./KnowledgeTool";
import { RecordTool } from "./RecordTool";
import { SurveyResult } from "./SurveyResult";
import { ToolTabs, type ToolTab } from "./ToolTabs";
import { WithdrawnMessages, withdrawnCount } from "./WithdrawnMessages";
import "./workspace.css";

/** The tools area's tabs, as UI.md draws them. */
const TOOLS: readonly ToolTab[] = [
  { id: "record", name: "Record" },
  { id: "knowledge", name: "Knowledge Base" },
  { id: "customer", name: "Customer" },
];
/** A chat between colleagues has no customer and no record: only the Knowledge Base. */
const CHAT_TOOLS: readonly ToolTab[] = [{ id: "knowledge", name: "Knowledge Base" }];

/** The tools for `conversation` and the one shown: `chosen` if it is among them, else the first. */
export function toolsFor(conversation: Conversation | undefined, chosen: string): { tools: readonly ToolTab[]; selected: string } {
  const tools = conversation?.kind === "chat" ? CHAT_TOOLS : TOOLS;
  return { tools, selected: tools.some((t) => t.id === chosen) ? chosen : (tools[0]?.id ?? chosen) };
}

export function Workspace({ user, id }: { user: User; id: string }) {
  const socket = connection.value;
  const conversation = socket?.conversations.value.get(id);
  const tool = useSignal(conversation?.kind === "record" ? "record" : conversation?.kind === "chat" ? "knowledge" : "customer");
  /** Tools opened once stay mounted (hidden) so an incident being edited survives a look at another tool. */
  const opened = useSignal<ReadonlySet<string>>(new Set([tool.value]));
  const choose = (id: string) => {
    tool.value = id;
    if (!opened.value.has(id)) opened.value = new Set([...opened.value, id]);
  };
  // A chat offers fewer tools: a choice made elsewhere that it lacks shows its first (the Knowledge Base).
  const { tools, selected } = toolsFor(conversation, tool.value);
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
                <span class="conversation-item__name">{conversationTitle(c)}</span>
                <span class="muted">
                  {/* A record is always active as a conversation: its incident's state is what tells. */}
                  {c.record !== undefined ? STATE_TEXT[c.record.state] : <><span aria-hidden="true">{STATE_ICON[c.state]}</span> {STATE_LABEL[c.state]}</>} ·{" "}
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
                <h1 class="workspace__title">{conversationTitle(conversation)}</h1>
                {conversation.kind === "record" ? (
                  conversation.record !== undefined && <span class="state-badge">{STATE_TEXT[conversation.record.state]}</span>
                ) : conversation.kind === "chat" ? (
                  <ChatSummary conversation={conversation} me={user.id} />
                ) : (
                  <>
                    <span class="muted">{queueName(conversation.queue)}</span>
                    <StateBadge conversation={conversation} />
                  </>
                )}
                {conversation.assignee !== undefined && <span class="muted">Assigned to {conversation.assignee.display_name}</span>}
              </div>
              {conversation.kind === "record" ? (
                <div class="session-actions">
                  <button type="button" class="button button--small" onClick={() => choose("record")}>
                    Open record
                  </button>
                </div>
              ) : (
                <SessionActions
                  conversation={conversation}
                  me={user.id}
                  onCreateIncident={() => {
                    choose("record");
                    void createIncident(conversation, user, recordPane);
                  }}
                />
              )}
            </header>
            {/* A closed support session: the customer's rating, when they gave one. */}
            <SurveyResult key={`survey-${conversation.id}`} conversation={conversation} />
            {mayReadWithdrawals(user.roles) && (
              <WithdrawnMessages key={conversation.id} conversation={conversation.id} count={withdrawnCount(withWithdrawn(socket?.entries.value.get(conversation.id) ?? [], withdrawnHere(conversation.id)))} />
            )}
            {/* Keyed: another conversation gets its own message field (draft, mode), not this one's. */}
            <ConversationView key={conversation.id} conversation={conversation} user={user} visible={true} />
          </>
        )}
      </main>
      <aside class="workspace__tools" aria-label="Tools">
        <ToolTabs tools={tools} selected={selected} opened={opened.value} onSelect={choose}>
          {(t) =>
            conversation === undefined ? null : t === "customer" ? (
              <CustomerTool conversation={conversation} known={all} />
            ) : t === "record" ? (
              <RecordTool conversation={conversation} user={user} />
            ) : t === "knowledge" ? (
              <KnowledgeTool conversation={conversation} user={user} />
            ) : null
          }
        </ToolTabs>
      </aside>
    </div>
  );
}
