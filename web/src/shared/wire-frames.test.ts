/**
 * Every socket frame has a fixture in `tests/fixtures/wire/{client,server}/<type>.json`, shared
 * with the server's tests (`tests/api/wire_fixtures.rs`). Here the type check holds each fixture
 * against the frame type of its name (same fields, no more, no fewer), the server's frames go
 * through `parseServerFrame` as they would off the socket, and a fixture the web app has no
 * frame type for (a frame added on the server only) fails.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import acceptClient from "../../../tests/fixtures/wire/client/accept.json";
import helloClient from "../../../tests/fixtures/wire/client/hello.json";
import presenceClient from "../../../tests/fixtures/wire/client/presence.json";
import readClient from "../../../tests/fixtures/wire/client/read.json";
import sendClient from "../../../tests/fixtures/wire/client/send.json";
import typingClient from "../../../tests/fixtures/wire/client/typing.json";
import watchClient from "../../../tests/fixtures/wire/client/watch.json";
import pingClient from "../../../tests/fixtures/wire/client/ping.json";
import pongServer from "../../../tests/fixtures/wire/server/pong.json";
import readServer from "../../../tests/fixtures/wire/server/read.json";
import sendCannedClient from "../../../tests/fixtures/wire/variants/client_send_canned.json";
import signInTokenResponse from "../../../tests/fixtures/wire/sign_in_token_response.json";
import earlierEntriesPage from "../../../tests/fixtures/wire/earlier_entries_page.json";
import ackServer from "../../../tests/fixtures/wire/server/ack.json";
import conversationServer from "../../../tests/fixtures/wire/server/conversation.json";
import entryServer from "../../../tests/fixtures/wire/server/entry.json";
import errorServer from "../../../tests/fixtures/wire/server/error.json";
import goneServer from "../../../tests/fixtures/wire/server/gone.json";
import offerServer from "../../../tests/fixtures/wire/server/offer.json";
import presenceServer from "../../../tests/fixtures/wire/server/presence.json";
import readyServer from "../../../tests/fixtures/wire/server/ready.json";
import returnedServer from "../../../tests/fixtures/wire/server/returned.json";
import typingServer from "../../../tests/fixtures/wire/server/typing.json";
import withdrawServer from "../../../tests/fixtures/wire/server/withdraw.json";
import alertServer from "../../../tests/fixtures/wire/server/alert.json";
import queueActivityServer from "../../../tests/fixtures/wire/server/queue_activity.json";
import {
  isEarlierEntriesPage,
  isSignInResponse,
  parseServerFrame,
  type ClientFrame,
  type Conversation,
  type EarlierEntriesPage,
  type PostKind,
  type ServerFrame,
  type SignInResponse,
} from "./wire";

// The fixtures hold every field, optional ones included, so the comparison makes every field
// required and widens literal unions to their primitive (a JSON import types "entry" as string).
type Widened<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer Item)[]
        ? Widened<Item>[]
        : { [K in keyof T]-?: Widened<Exclude<T[K], undefined>> };

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

type ServerType = ServerFrame["type"];
type ClientType = ClientFrame["type"];

// Keyed by the union of frame types: a type without its fixture, or a fixture of no type, does
// not compile.
const serverFixtures = {
  entry: entryServer,
  conversation: conversationServer,
  ready: readyServer,
  ack: ackServer,
  error: errorServer,
  offer: offerServer,
  returned: returnedServer,
  withdraw: withdrawServer,
  typing: typingServer,
  presence: presenceServer,
  pong: pongServer,
  read: readServer,
  gone: goneServer,
  alert: alertServer,
  queue_activity: queueActivityServer,
} satisfies Record<ServerType, unknown>;

// `hello`'s positions are a map; a JSON import types it by the keys the fixture happens to
// hold, so it is checked as a map on its own and the rest of the frame field by field.
const { positions: helloPositions, ...helloFrame } = helloClient;
const positionsAreAMap: Record<string, number> = helloPositions;
// `send` has two forms: its fixture is the Comment / Work Note one, the canned one is a variant.
type ClientShape<K extends ClientType> = K extends "hello"
  ? Omit<Extract<ClientFrame, { type: K }>, "positions">
  : K extends "send"
    ? Extract<ClientFrame, { type: K; kind: PostKind }>
    : Extract<ClientFrame, { type: K }>;
const sendCannedShape: Same<typeof sendCannedClient, Widened<Extract<ClientFrame, { type: "send"; canned: string }>>> = true;
const signInTokenShape: Same<typeof signInTokenResponse, Widened<SignInResponse>> = true;
const earlierPageShape: Same<
  Omit<typeof earlierEntriesPage, "entries" | "next_before">,
  Omit<Widened<EarlierEntriesPage>, "entries" | "next_before">
> = true;

const clientFixtures = {
  hello: helloFrame,
  send: sendClient,
  accept: acceptClient,
  typing: typingClient,
  presence: presenceClient,
  read: readClient,
  watch: watchClient,
  ping: pingClient,
} satisfies Record<ClientType, unknown>;

/**
 * Fields of other kinds of conversation (`record`; `title`, `members`, `invited` of Connect Chat)
 * are compared here once the frames' fixtures carry them; their own fixtures are compared in
 * wire-sessions.test.ts.
 */
type NotYetInFixture<F> = Exclude<"record" | "title" | "members" | "invited", keyof F>;
type ServerShape<K extends ServerType> = K extends "offer" | "returned"
  ? { type: string; conversation: Widened<Omit<Conversation, NotYetInFixture<(typeof serverFixtures)[K]["conversation" & keyof (typeof serverFixtures)[K]]>>> }
  : K extends "alert"
    ? { type: string; kind: string; seconds: number; conversation: Widened<Omit<Conversation, NotYetInFixture<(typeof serverFixtures)[K]["conversation" & keyof (typeof serverFixtures)[K]]>>> }
  : K extends "conversation"
    ? Widened<Omit<Extract<ServerFrame, { type: K }>, NotYetInFixture<typeof conversationServer>>>
    : Widened<Extract<ServerFrame, { type: K }>>;
const serverShapes: { [K in ServerType]: Same<(typeof serverFixtures)[K], ServerShape<K>> } = {
  entry: true,
  conversation: true,
  ready: true,
  ack: true,
  error: true,
  offer: true,
  withdraw: true,
  typing: true,
  presence: true,
  pong: true,
  read: true,
  returned: true,
  gone: true,
  alert: true,
  queue_activity: true,
};

const clientShapes: { [K in ClientType]: Same<(typeof clientFixtures)[K], Widened<ClientShape<K>>> } = {
  hello: true,
  send: true,
  accept: true,
  typing: true,
  presence: true,
  read: true,
  watch: true,
  ping: true,
};

/** The frame types that have a fixture on disk, by file name. */
function fixtureTypes(side: "client" | "server"): string[] {
  const dir = new URL(`../../../tests/fixtures/wire/${side}/`, import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.slice(0, -".json".length))
    .sort();
}

describe("socket frame fixtures shared with the server", () => {
  it("fixtures_have_exactly_the_fields_of_their_frame_types", () => {
    expect(Object.values(serverShapes).every((same) => same)).toBe(true);
    expect(Object.values(clientShapes).every((same) => same)).toBe(true);
    expect(Object.keys(positionsAreAMap).length).toBeGreaterThan(0);
  });

  it("every_fixture_on_disk_is_a_frame_type_of_the_web_app", () => {
    expect(fixtureTypes("server"), "tests/fixtures/wire/server/").toEqual(Object.keys(serverFixtures).sort());
    expect(fixtureTypes("client"), "tests/fixtures/wire/client/").toEqual(Object.keys(clientFixtures).sort());
  });

  it.each(Object.entries(serverFixtures))("server_frame_%s_parses_as_it_is_sent", (type, fixture) => {
    const frame = parseServerFrame(fixture);
    expect(frame, `server/${type}.json should pass parseServerFrame`).not.toBeNull();
    expect(frame?.type).toBe(type);
    expect(frame).toEqual(fixture);
  });

  it("variants_and_answers_have_the_fields_of_their_types", () => {
    expect([sendCannedShape, signInTokenShape, earlierPageShape].every((same) => same)).toBe(true);
    expect(sendCannedClient.type).toBe("send");
    expect(isSignInResponse(signInTokenResponse)).toBe(true);
    expect(isSignInResponse({ ...signInTokenResponse, token: 7 })).toBe(false);
    expect(isEarlierEntriesPage(earlierEntriesPage)).toBe(true);
    expect(isEarlierEntriesPage({ ...earlierEntriesPage, next_before: null })).toBe(true);
    expect(isEarlierEntriesPage({ entries: [], next_before: "1" })).toBe(false);
  });

  it("error_frames_carry_their_conversation_and_pong_its_nonce", () => {
    expect(parseServerFrame({ type: "error", conversation: 7, error: { code: "x", message: "y" } })).toBeNull();
    expect(parseServerFrame({ type: "pong" })).toEqual({ type: "pong" });
    expect(parseServerFrame({ type: "pong", nonce: 3 })).toBeNull();
  });

  it.each(Object.entries(clientFixtures))("client_frame_%s_is_named_by_its_type", (type, fixture) => {
    expect(fixture.type).toBe(type);
  });
});
