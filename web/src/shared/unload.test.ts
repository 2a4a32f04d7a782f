import { signal } from "@preact/signals";
import { describe, expect, it } from "vitest";
import type { PendingSend } from "./socket";
import { warnBeforeLeavingUnsent } from "./unload";
import { readMarkDue } from "./visibility";

const pending = (acked: boolean, error: string | null = null): PendingSend => ({ client_id: "c1", conversation: "7", kind: "comment", body: "hi", acked, error, code: error === null ? null : "session_closed" });

function leave(target: EventTarget): boolean {
  const event = new Event("beforeunload", { cancelable: true });
  target.dispatchEvent(event);
  return event.defaultPrevented;
}

describe("leaving the page", () => {
  it("warns_only_while_a_message_is_unsent", () => {
    const target = new EventTarget();
    const outbox = signal<readonly PendingSend[]>([]);
    const undo = warnBeforeLeavingUnsent(target, outbox);
    expect(leave(target), "nothing queued: leave quietly").toBe(false);
    outbox.value = [pending(false)];
    expect(leave(target), "an unsent message: the browser asks").toBe(true);
    outbox.value = [pending(true)];
    expect(leave(target), "stored on the server: leave quietly").toBe(false);
    outbox.value = [pending(false)];
    undo();
    expect(leave(target)).toBe(false);
  });

  it("a_send_on_its_way_prompts_even_when_kept_and_a_refused_send_never_prompts", () => {
    const target = new EventTarget();
    const outbox = signal<readonly PendingSend[]>([pending(false)]);
    const outboxPersisted = signal(true);
    const undo = warnBeforeLeavingUnsent(target, { outbox, outboxPersisted });
    expect(leave(target), "kept in sessionStorage, but closing the tab would end it").toBe(true);
    outboxPersisted.value = false;
    expect(leave(target), "storage refused: leaving would lose it").toBe(true);
    outbox.value = [pending(false, "The session is closed.")];
    expect(leave(target), "refused for good: nothing would go out anyway").toBe(false);
    undo();
  });

  it("read_marks_wait_for_a_visible_page", () => {
    expect(readMarkDue(true, false, 4), "hidden tab: not read").toBe(false);
    expect(readMarkDue(true, true, 4)).toBe(true);
    expect(readMarkDue(false, true, 4)).toBe(false);
    expect(readMarkDue(true, true, 0)).toBe(false);
  });
});
