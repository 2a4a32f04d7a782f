/**
 * Records under the sidebar follow what the agent follows, at once: Unfollow takes the record
 * off (the server stops sending it), Follow puts it there (read over HTTP if not held), and an
 * incident opened without following it is never listed.
 */
import { requestJson } from "../../shared/api";
import { isConversation, type Incident } from "../../shared/wire";
import { connection, miniWindows, noteFollowing } from "../state";

/** The agent follows `incident` (`following`), as its form knows it (read, saved, or Follow / Unfollow). */
export async function followingChanged(incident: Pick<Incident, "activity">, following: boolean): Promise<void> {
  const activity = incident.activity;
  noteFollowing(activity, following);
  const socket = connection.value;
  if (socket === null) return;
  if (!following) {
    // Its mini window, if open, keeps it (the window shows it); else it is let go of entirely.
    if (!miniWindows.value.some((w) => w.id === activity)) socket.forget(activity);
    return;
  }
  if (socket.conversations.value.has(activity)) return;
  try {
    socket.noteConversation(await requestJson(`/api/conversations/${encodeURIComponent(activity)}`, isConversation));
  } catch {
    // Not read now: its next entry, or the next hello, brings it.
  }
}
