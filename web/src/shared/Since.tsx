import { exactTime, relativeTime } from "./format";
import { useClockText } from "./now";

/** "3 min ago", exact time on hover; follows the clock on its own (what is around it does not re-render each second). */
export function Since({ at }: { at: string }) {
  const text = useClockText((time) => relativeTime(at, time));
  return <span title={exactTime(at)}>{text}</span>;
}
