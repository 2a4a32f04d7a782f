/**
 * The routing guards' notices (see routing-alerts.ts), under the top bar: to the agent, the
 * sessions whose reply is overdue (an alert region: they go back to the queue unless answered);
 * to managers and admins, sessions nobody accepted in time and sessions that went back because
 * their agent did not answer (a status region, as ReturnedNotices). Each has Open (the session:
 * the agent's mini window, or the workspace) and Dismiss, named after the notice. Both regions
 * are always there, so a new notice is announced; so are urgent offers, politely.
 * `NoReplyNotice` says the same inside the session's own view.
 */
import { navigate } from "../shared/nav";
import { Since } from "../shared/Since";
import { dismissLabels } from "./chats/GoneNotices";
import { dismissRoutingNotice, durationWords, noticeText, routingNotices, urgentAnnouncement, type RoutingNotice } from "./routing-alerts";
import { openMiniWindow, queueName } from "./state";
import "./routing-alerts.css";

/** Opens the session of a notice: the agent's own in its mini window (in the workspace, there), anyone else's in the workspace. */
export function openNotice(notice: RoutingNotice): void {
  const inWorkspace = typeof location !== "undefined" && location.pathname.startsWith("/agent/workspace/");
  if (notice.kind === "no_reply" && !inWorkspace) openMiniWindow(notice.conversation);
  else navigate(`/agent/workspace/${encodeURIComponent(notice.conversation)}`);
}

export function RoutingAlerts() {
  const notices = routingNotices.value;
  const due = notices.filter((n) => n.kind === "no_reply");
  const queue = notices.filter((n) => n.kind !== "no_reply");
  return (
    <>
      <NoticeList notices={due} role="alert" label="Replies overdue" />
      <NoticeList notices={queue} role="status" label="Queue alerts" />
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {urgentAnnouncement.value}
      </div>
    </>
  );
}

function NoticeList({ notices, role, label }: { notices: readonly RoutingNotice[]; role: "alert" | "status"; label: string }) {
  const texts = notices.map((n) => noticeText(n, queueName(n.queue)));
  const dismissals = dismissLabels(texts);
  return (
    <div class="routing-alerts" role={role} aria-label={label}>
      {notices.map((n, i) => (
        <p key={n.conversation} class={`routing-alert routing-alert--${n.kind === "no_reply" ? "due" : "queue"}`}>
          <span aria-hidden="true" class="routing-alert__icon">
            {n.kind === "returned_unanswered" ? "↩" : "⚠"}
          </span>
          <span class="routing-alert__text">
            {texts[i]} <span class="muted">(<Since at={n.at} />)</span>
          </span>
          <button type="button" class="button button--small" aria-label={`Open ${n.customer}'s chat`} onClick={() => openNotice(n)}>
            Open
          </button>
          <button type="button" class="button button--small button--quiet" aria-label={dismissals[i]} onClick={() => dismissRoutingNotice(n.conversation)}>
            Dismiss
          </button>
        </p>
      ))}
    </div>
  );
}

/** Inside the session's view, for its agent while a reply is overdue (the alert region above announced it). */
export function NoReplyNotice({ conversation }: { conversation: string }) {
  const notice = routingNotices.value.find((n) => n.conversation === conversation && n.kind === "no_reply");
  if (notice === undefined) return null;
  return (
    <p class="no-reply-notice">
      <span aria-hidden="true">⚠ </span>
      No reply for {durationWords(notice.seconds)}: reply now or the session goes back to the queue.
    </p>
  );
}
