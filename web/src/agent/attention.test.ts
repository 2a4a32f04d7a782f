import { describe, expect, it } from "vitest";
import { ALICE, CAROL, conversation, entry, IVAN } from "../shared/fixtures";
import { Connection } from "../shared/socket";
import type { ServerFrame } from "../shared/wire";
import { loadSoundSettings, soundWanted } from "./alerts";
import { alertOnCustomerMessages, attending, attentionCount, customerMessage, flashes } from "./attention";
import { windowsThatFit, WINDOW_SLOT_PX } from "./miniwindows/MiniWindowDock";
import { keepDraft, loadDrafts, loadWindows } from "./persist";
import { chatOrder, neighbourChat, nextUnread, oldestOffer, shortcutFor, type ShortcutKey } from "./shortcuts/shortcuts";

const key = (code: string, extra: Partial<ShortcutKey> = {}): ShortcutKey => ({ code, altKey: true, shiftKey: true, ctrlKey: false, metaKey: false, isComposing: false, ...extra });

describe("attention", () => {
  it("a_mini_window_is_read_only_with_focus_the_workspace_pane_with_the_documents", () => {
    const cases: [string, "window" | "pane", string | null, boolean, boolean][] = [
      ["focused window", "window", "c1", true, true],
      ["another window focused", "window", "c2", true, false],
      ["no window focused", "window", null, true, false],
      ["focused window, other app in front", "window", "c1", false, false],
      ["workspace pane, document focused", "pane", null, true, true],
      ["workspace pane, other app in front", "pane", null, false, false],
    ];
    for (const [name, where, focused, documentFocused, expected] of cases) expect(attending("c1", where, focused, documentFocused), name).toBe(expected);
  });

  it("the_title_counts_unread_messages_of_my_sessions_and_waiting_offers", () => {
    const all = [
      conversation("c1", CAROL, { unread: 2 }),
      conversation("c2", IVAN, { unread: 1 }),
      conversation("c3", CAROL, { unread: 5, assignee: { id: "u-bob", display_name: "Bob" } }),
      conversation("c4", IVAN, { unread: 4, state: "closed" }),
    ];
    expect(attentionCount(all, 2, ALICE.id), "3 unread in my active sessions + 2 offers").toBe(5);
  });

  it("only_a_live_comment_by_the_customer_is_a_customer_message", () => {
    const conversations = new Map([["c1", conversation("c1", CAROL)]]);
    const frame = (author = CAROL, kind: "comment" | "work_note" = "comment"): ServerFrame => ({ type: "entry", ...entry("c1", 2, author, "Hello"), kind });
    expect(customerMessage(frame(), true, conversations)).toBe("c1");
    expect(customerMessage(frame(), false, conversations), "a replay is not news").toBeNull();
    expect(customerMessage(frame({ id: ALICE.id, display_name: ALICE.display_name }), true, conversations), "my own comment").toBeNull();
    expect(customerMessage(frame(CAROL, "work_note"), true, conversations), "not a comment").toBeNull();
  });

  it("beeps_and_flashes_for_a_customer_message_only_where_the_agent_is_not_reading", () => {
    type Listener = (frame: ServerFrame, live: boolean) => void;
    const listeners: Listener[] = [];
    const socket = new Connection({ me: ALICE.id, url: "ws://test.invalid", createSocket: () => ({}) as never });
    socket.subscribe = (listener: Listener) => {
      listeners.push(listener);
      return () => undefined;
    };
    socket.noteConversation(conversation("c1", CAROL));
    socket.noteConversation(conversation("c2", IVAN));
    let beeps = 0;
    alertOnCustomerMessages(socket, ALICE.id, (id) => id === "c2", () => (beeps += 1));
    const say = (id: string, author = CAROL) => listeners.forEach((l) => l({ type: "entry", ...entry(id, 9, author, "Hi") }, true));
    say("c1");
    expect(beeps, "Carol's window is not being read: a beep").toBe(1);
    expect(flashes.value.get("c1"), "and a flash").toBe(1);
    say("c2", IVAN);
    expect(beeps, "Ivan's is being read: no beep").toBe(1);
  });

  it("sounds_follow_the_settings_and_stay_silent_while_away", () => {
    expect(soundWanted("replies", { offers: true, replies: true }, false)).toBe(true);
    expect(soundWanted("replies", { offers: true, replies: false }, false), "switched off").toBe(false);
    expect(soundWanted("offers", { offers: true, replies: true }, true), "away").toBe(false);
    const store = { getItem: () => '{"offers":false}', setItem: () => undefined, removeItem: () => undefined };
    expect(loadSoundSettings(store), "saved choice, the rest on").toEqual({ offers: false, replies: true });
    expect(loadSoundSettings({ ...store, getItem: () => "not json" }), "unreadable: defaults").toEqual({ offers: true, replies: true });
  });
});

describe("keyboard shortcuts", () => {
  it("match_alt_shift_on_the_key_code_and_never_while_composing", () => {
    expect(shortcutFor(key("KeyU"))).toBe("next-unread");
    expect(shortcutFor(key("KeyO"))).toBe("accept-oldest");
    expect(shortcutFor(key("Slash"))).toBe("show-shortcuts");
    expect(shortcutFor(key("KeyU", { isComposing: true })), "IME composing").toBeNull();
    expect(shortcutFor(key("KeyU", { keyCode: 229 })), "IME's first key").toBeNull();
    expect(shortcutFor(key("KeyU", { ctrlKey: true })), "Ctrl is the browser's").toBeNull();
    expect(shortcutFor(key("KeyU", { shiftKey: false })), "Alt alone is the browser's menu").toBeNull();
    expect(shortcutFor(key("KeyZ")), "not a shortcut").toBeNull();
  });

  it("walk_the_chats_in_the_sidebars_order", () => {
    const order = chatOrder(
      [
        conversation("old", CAROL, { preview: entry("old", 1, CAROL, "a", "2026-11-30T09:00:00Z") }),
        conversation("new", IVAN, { preview: entry("new", 1, IVAN, "b", "2026-11-30T10:00:00Z"), unread: 1 }),
        conversation("closed", IVAN, { state: "closed" }),
      ],
      ALICE.id,
    );
    expect(order.map((c) => c.id), "newest activity first, closed left out").toEqual(["new", "old"]);
    expect(neighbourChat(order, "new", 1)).toBe("old");
    expect(neighbourChat(order, "old", 1), "wraps").toBe("new");
    expect(neighbourChat(order, null, -1), "from nowhere, backwards: the last").toBe("old");
    expect(nextUnread(order, "old")).toBe("new");
    expect(nextUnread(order, "new"), "the only unread one is the current one").toBeNull();
    expect(oldestOffer([conversation("b", IVAN, { created_at: "2026-11-30T09:05:00Z" }), conversation("a", CAROL, { created_at: "2026-11-30T09:00:00Z" })])).toBe("a");
    const back = conversation("r", IVAN, { created_at: "2026-11-30T09:10:00Z", returned_from: { id: "u-bob", display_name: "Bob Agent" }, returned_at: "2026-11-30T09:20:00Z" });
    expect(oldestOffer([conversation("a", CAROL, { created_at: "2026-11-30T09:00:00Z" }), back]), "a session back from an agent is at the front").toBe("r");
    expect(oldestOffer([])).toBeNull();
  });
});

describe("what a reload keeps", () => {
  it("reads_drafts_and_windows_and_ignores_what_is_malformed", () => {
    const saved = new Map([
      ["switchboard.agent.u.drafts", JSON.stringify({ c1: { text: "hi", mode: "work_note" }, c2: { text: 3, mode: "comment" }, c3: { text: "x", mode: "shout" }, c4: { text: "so", mode: "comment", began: 12 }, c5: { text: "no", mode: "comment", began: "12" } })],
      ["switchboard.agent.u.windows", JSON.stringify([{ id: "c1", minimised: true }, { id: "c1" }, { id: 7 }, { id: "c2" }])],
    ]);
    const store = { getItem: (k: string) => saved.get(k) ?? null, setItem: () => undefined, removeItem: () => undefined };
    expect([...loadDrafts(store, "u")], "a start that is no seq is left out, the draft kept").toEqual([
      ["c1", { text: "hi", mode: "work_note" }],
      ["c4", { text: "so", mode: "comment", began: 12 }],
      ["c5", { text: "no", mode: "comment" }],
    ]);
    expect(loadWindows(store, "u")).toEqual([
      { id: "c1", minimised: true },
      { id: "c2", minimised: false },
    ]);
    expect(loadDrafts({ ...store, getItem: () => "{" }, "u").size, "unreadable: nothing").toBe(0);
    expect(keepDraft({ text: "", mode: "work_note" }), "an empty field in Work Note mode is kept").toBe(true);
    expect(keepDraft({ text: "", mode: "comment" }), "an empty comment is not").toBe(false);
  });

  it("fits_as_many_windows_as_the_width_holds_and_leaves_room_for_more", () => {
    expect(windowsThatFit(3 * WINDOW_SLOT_PX, 3)).toBe(3);
    expect(windowsThatFit(3 * WINDOW_SLOT_PX, 4), "room for the +N more button").toBe(2);
    expect(windowsThatFit(100, 5), "always one").toBe(1);
  });
});
