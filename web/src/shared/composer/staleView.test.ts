import { describe, expect, it } from "vitest";
import { newestShown, StaleGuard, staleText } from "./staleView";

describe("the stale-view guard of a composer", () => {
  it("sends_what_was_shown_when_the_message_began", () => {
    const guard = new StaleGuard();
    guard.writing(true, 5);
    guard.writing(true, 7);
    expect(guard.seenForSend(7), "two messages came in while typing: they are news to what was written").toBe(5);
    guard.sent();
    expect(guard.seenForSend(7), "nothing being written: what is shown now").toBe(7);
    guard.writing(true, 7);
    guard.writing(false, 8);
    guard.writing(true, 8);
    expect(guard.seenForSend(9), "emptied and begun again: a new message").toBe(8);
  });

  it("after_a_refusal_send_anyway_counts_what_is_shown_now_and_edit_starts_afresh", () => {
    const guard = new StaleGuard();
    guard.writing(true, 5);
    guard.refused({ newer: 2, message: "2 new messages since you started typing", clientId: "k-1" });
    guard.writing(false, 7);
    expect(guard.notice.value?.clientId, "emptying the field keeps the notice").toBe("k-1");
    expect(guard.seenForSend(7), "Send anyway: the newest shown now").toBe(7);
    guard.edit(7);
    expect(guard.notice.value).toBeNull();
    expect(guard.seenForSend(9), "Edit: the writer has read them; the message counts from then").toBe(7);
  });

  it("words_and_the_newest_seq_shown", () => {
    expect(staleText(1)).toBe("1 new message since you started typing");
    expect(staleText(2)).toBe("2 new messages since you started typing");
    expect(newestShown(undefined)).toBe(0);
    expect(newestShown([{ conversation: "c", seq: 3, kind: "comment", body: "", at: "" }, { conversation: "c", seq: 6, kind: "system", body: "", at: "" }])).toBe(6);
  });
});
