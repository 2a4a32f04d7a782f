/**
 * The live queue view of the managers' console (stub until it is built): waiting sessions,
 * agents with their sessions, today's figures, over `GET /api/queues/{id}/live` and the
 * socket's `queue_activity`.
 */
import type { Queue, User } from "../../shared/wire";

export interface LiveViewProps {
  queues: Queue[];
  user: User;
}

export function LiveView({ queues }: LiveViewProps) {
  return <p>{queues.length === 0 ? "No queues yet." : "The live queue view is on its way."}</p>;
}
