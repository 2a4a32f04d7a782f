import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, chat, conversation } from "../../shared/fixtures";
import { connectedForTest, type FakeSocket } from "../../shared/socket.fakes";
import { flashes, focusedConversation } from "../attention";
import { miniWindows } from "../state";
import { followChats } from "./live";

let server: FakeSocket;
let stop: () => void;

beforeEach(() => {
  const feed = connectedForTest(ALICE.id);
  server = feed.socket;
  feed.connection.noteConversation(chat("k1", [BOB]));
  feed.connection.noteConversation(conversation("c7", CAROL, { assignee: BOB, invited: [{ id: ALICE.id, display_name: ALICE.display_name }] }));
  stop = followChats(feed.connection, ALICE.id);
  miniWindows.value = [
    { id: "k1", minimised: false },
    { id: "c7", minimised: false },
  ];
  flashes.value = new Map();
  focusedConversation.value = null;
});

afterEach(() => {
  stop();
  miniWindows.value = [];
});

const message = (seq: number, author = BOB) => ({ type: "entry", conversation: "k1", seq, kind: "comment", author, body: "Lunch?", at: "2026-11-30T09:01:00Z" });

describe("followChats", () => {
  it("gone_closes_the_window_of_that_conversation_only", () => {
    server.receive({ type: "gone", conversation: "c7" });
    expect(miniWindows.value.map((w) => w.id)).toEqual(["k1"]);
  });

  it("a_colleagues_message_flashes_the_chat_window_unless_it_is_being_read", () => {
    server.receive(message(1));
    expect(flashes.value.get("k1"), "open, not focused").toBe(1);
    focusedConversation.value = "k1";
    server.receive(message(2));
    expect(flashes.value.get("k1"), "being read: no flash").toBe(1);
    focusedConversation.value = null;
    server.receive(message(3, { id: ALICE.id, display_name: ALICE.display_name }));
    expect(flashes.value.get("k1"), "my own message (another tab): no flash").toBe(1);
  });
});
