/** The Customer tool: who the customer is and their earlier sessions. */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { STATE_ICON, STATE_LABEL, closedReasonForAgent } from "../../shared/format";
import { Since } from "../../shared/Since";
import type { Conversation, User } from "../../shared/wire";
import { sessionsOf, userProfile } from "../actions";
import { queueName } from "../state";
import "./customer-tool.css";

export function CustomerTool({ conversation, known }: { conversation: Conversation; known: readonly Conversation[] }) {
  const customer = conversation.customer;
  const fetched = useSignal<Conversation[] | null>(null);
  const profile = useSignal<User | null>(null);

  useEffect(() => {
    fetched.value = null;
    profile.value = null;
    if (customer === undefined) return;
    userProfile(customer.id).then(
      (user) => (profile.value = user),
      () => undefined,
    );
    // GET /api/users/{id}/sessions may not exist yet: then the sessions this agent already sees are listed.
    sessionsOf(customer.id).then(
      (list) => (fetched.value = list.filter((c) => c.id !== conversation.id)),
      () => undefined,
    );
  }, [customer?.id, conversation.id]);

  if (customer === undefined) return <p class="muted">No customer on this conversation.</p>;
  const earlier = fetched.value ?? sameCustomer(conversation, known);
  return (
    <section class="customer-tool" aria-labelledby="customer-tool-title">
      <h2 id="customer-tool-title" class="customer-tool__name">
        {customer.display_name}
      </h2>
      <dl class="customer-tool__facts">
        {profile.value !== null && (
          <>
            <dt>Username</dt>
            <dd>{profile.value.username}</dd>
            <dt>ITIL role</dt>
            <dd>{profile.value.itil ? "Yes: sees work notes" : "No: does not see work notes"}</dd>
          </>
        )}
        <dt>Session started</dt>
        <dd>
          <Since at={conversation.created_at} />
        </dd>
        <dt>Queue</dt>
        <dd>{queueName(conversation.queue)}</dd>
        {conversation.first_message !== undefined && (
          <>
            <dt>First message</dt>
            <dd>{conversation.first_message}</dd>
          </>
        )}
      </dl>
      <h3 class="customer-tool__subtitle">Earlier sessions</h3>
      {earlier.length === 0 ? (
        <p class="muted">No earlier sessions{fetched.value === null ? " that you can see" : ""}.</p>
      ) : (
        <ul class="customer-tool__sessions">
          {earlier.map((c) => (
            <li key={c.id}>
              <a href={`/agent/workspace/${encodeURIComponent(c.id)}`}>
                <span aria-hidden="true">{STATE_ICON[c.state]}</span> {STATE_LABEL[c.state]} ·{" "}
                <Since at={c.created_at} />
              </a>
              <span class="muted">
                {" "}
                {c.state === "closed" ? closedReasonForAgent(c.closed_reason) : ""}
                {c.first_message !== undefined ? ` — “${c.first_message}”` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Other sessions of the same customer among those the agent already has. */
export function sameCustomer(conversation: Conversation, all: readonly Conversation[]): Conversation[] {
  const customer = conversation.customer?.id;
  return all.filter((c) => c.id !== conversation.id && customer !== undefined && c.customer?.id === customer);
}
