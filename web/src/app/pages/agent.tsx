/**
 * The agent app's route, loaded by the shell only when an agent's page is shown (customers
 * never download it): its styles, and the agent app started once per page load, whichever
 * agent route comes first and however often the routes change after.
 */
import { useEffect } from "preact/hooks";
import "../../shared/conversation.css";
import "../../agent/agent.css";
import { AgentApp, loadAgent } from "../../agent/AgentApp";

let started: Promise<boolean> | null = null;

function start(): void {
  if (started !== null) return;
  const attempt = loadAgent();
  started = attempt;
  // Sent elsewhere (signed out, a customer): coming back through the router tries again.
  void attempt.then((ok) => {
    if (!ok && started === attempt) started = null;
  });
}

/** `/agent`, `/agent/workspace/:id` and `/agent/manage`; the router passes the id of the second, `view` of the third. */
export default function AgentRoute({ params, view }: { params?: Record<string, string | undefined>; view?: string }) {
  useEffect(start, []);
  return <AgentApp workspace={params?.["id"] ?? null} manage={view === "manage"} />;
}
