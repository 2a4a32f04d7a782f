/** The connection and Connect Chat: `gone` reaches the listeners, and a reconnect's `hello` no longer names the conversation. */
import { describe, expect, it } from "vitest";
import { BACKOFF_MS, Connection } from "./socket";
import { FakeSocket, ManualScheduler, settle } from "./socket.fakes";
import type { Conversation, ServerFrame } from "./wire";

const chat: Conversation = {
  id: "20",
  kind: "chat",
  state: "active",
  title: "Printers",
  members: [
    { id: "2", display_name: "Alice Agent" },
    { id: "3", display_name: "Bob Agent" },
  ],
  last_seq: 1,
  created_at: "2026-01-12T09:00:00.000Z",
};

describe("Connection and a chat left", () => {
  it("an_answer_about_a_chat_forgotten_while_it_was_read_is_dropped", async () => {
    let answer: (value: unknown) => void = () => undefined;
    const request = <T,>(_path: string, guard: (v: unknown) => v is T): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        answer = (value) => (guard(value) ? resolve(value) : reject(new Error("not the type")));
      });
    const sockets: FakeSocket[] = [];
    const createSocket = (url: string) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    };
    const connection = new Connection({ url: "ws://test/api/ws", me: "2", storage: null, scheduler: new ManualScheduler(), request, createSocket });
    connection.start();
    const socket = sockets[0] as FakeSocket;
    socket.open();
    socket.receive({ type: "ready" });
    // An entry of a chat not known yet: the chat is read over HTTP.
    socket.receive({ type: "entry", conversation: "20", seq: 1, kind: "system", author: { id: "3", display_name: "Bob Agent" }, body: "Bob Agent created Printers.", at: "2026-01-12T09:01:00.000Z" });
    connection.forget("20");
    answer(chat);
    await settle();
    expect(connection.conversations.value.has("20"), "left meanwhile: not listed again").toBe(false);
  });
});

describe("Connection and gone", () => {
  it("a_conversation_gone_is_not_named_in_the_next_hello_and_leaves_a_notice", () => {
    const sockets: FakeSocket[] = [];
    const clock = new ManualScheduler();
    const createSocket = (url: string) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    };
    const connection = new Connection({ url: "ws://test/api/ws", me: "2", storage: null, scheduler: clock, random: () => 0.5, checkSignedIn: () => Promise.resolve(true), createSocket });
    const heard: ServerFrame[] = [];
    connection.subscribe((frame) => heard.push(frame));
    connection.start();
    const first = sockets[0] as FakeSocket;
    first.open();
    first.receive({ type: "conversation", ...chat });
    first.receive({ type: "entry", conversation: "20", seq: 1, kind: "comment", author: { id: "3", display_name: "Bob Agent" }, body: "Hi", at: "2026-01-12T09:01:00.000Z" });
    first.receive({ type: "ready" });
    connection.watch("20");
    first.receive({ type: "gone", conversation: "20" });

    expect(heard.map((f) => f.type), "the listeners hear it").toContain("gone");
    expect(connection.conversations.value.has("20")).toBe(false);
    expect(connection.departures.value.map((d) => d.conversation.title)).toEqual(["Printers"]);

    first.drop();
    clock.advance(BACKOFF_MS[0]);
    const second = sockets[1] as FakeSocket;
    second.open();
    expect(second.framesOf("hello")[0]?.positions, "nothing asks for it again").toEqual({});
    connection.dismissDeparture("20");
    expect(connection.departures.value).toEqual([]);
  });
});
