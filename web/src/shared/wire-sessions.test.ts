import { describe, expect, it } from "vitest";
import cannedFixture from "../../../tests/fixtures/wire/canned.json";
import chatFixture from "../../../tests/fixtures/wire/chat_conversation.json";
import conversationFixture from "../../../tests/fixtures/wire/conversation.json";
import invitedFixture from "../../../tests/fixtures/wire/invited_conversation.json";
import entryFixture from "../../../tests/fixtures/wire/entry.json";
import memberFixture from "../../../tests/fixtures/wire/member.json";
import {
  isCanned,
  isConversation,
  isEntry,
  isMember,
  parseServerFrame,
  type Canned,
  type Conversation,
  type Entry,
  type Member,
} from "./wire";

// The fixtures hold every field, optional ones included, so the comparison makes every field
// required and widens literal unions to their primitive (a JSON import types "queued" as string).
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

const entryMatches: Same<typeof entryFixture, Widened<Entry>> = true;
/**
 * Fields of other kinds of conversation (`record`; `title`, `members`, `invited` of Connect Chat)
 * are not in the support session's fixture: each is compared in the fixture of its own kind.
 */
type NotYetInFixture<F> = Exclude<"record" | "title" | "members" | "invited", keyof F>;
/** A fixture holding some of the fields: each one it holds is a field of the type, of its type. */
type FieldsOf<T, F> = Widened<Pick<T, keyof F & keyof T>>;
// Its preview is an entry with no `event`: compared the same way, field by field.
const { preview: chatPreview, ...chatFields } = chatFixture;
const chatMatches: Same<typeof chatFields, FieldsOf<Conversation, typeof chatFields>> = true;
const chatPreviewMatches: Same<typeof chatPreview, FieldsOf<Entry, typeof chatPreview>> = true;
const invitedMatches: Same<typeof invitedFixture, FieldsOf<Conversation, typeof invitedFixture>> = true;
const conversationMatches: Same<typeof conversationFixture, Widened<Omit<Conversation, NotYetInFixture<typeof conversationFixture>>>> = true;
const cannedMatches: Same<typeof cannedFixture, Widened<Canned>> = true;
const memberMatches: Same<typeof memberFixture, Widened<Member>> = true;

describe("support-session fixtures shared with the server", () => {
  it("fixtures_have_exactly_the_fields_of_the_wire_types", () => {
    expect([entryMatches, conversationMatches, cannedMatches, memberMatches]).toEqual([true, true, true, true]);
  });

  it("fixtures_pass_the_runtime_guards", () => {
    expect(isEntry(entryFixture), "entry.json").toBe(true);
    expect(isConversation(conversationFixture), "conversation.json").toBe(true);
    expect(isCanned(cannedFixture), "canned.json").toBe(true);
    expect(isMember(memberFixture), "member.json").toBe(true);
  });

  it("fixtures_inside_socket_frames_parse", () => {
    expect(parseServerFrame({ type: "entry", ...entryFixture })?.type).toBe("entry");
    expect(parseServerFrame({ type: "conversation", ...conversationFixture })?.type).toBe("conversation");
    expect(parseServerFrame({ type: "offer", conversation: conversationFixture })?.type).toBe("offer");
  });
});

describe("socket frames the client must ignore", () => {
  const cases: { name: string; value: unknown }[] = [
    { name: "no type", value: { ...entryFixture } },
    { name: "unknown type", value: { type: "telepathy" } },
    { name: "entry with an unknown kind", value: { type: "entry", ...entryFixture, kind: "shout" } },
    { name: "entry with a string seq", value: { type: "entry", ...entryFixture, seq: "3" } },
    { name: "conversation with an unknown state", value: { type: "conversation", ...conversationFixture, state: "paused" } },
    { name: "offer without a conversation", value: { type: "offer" } },
    { name: "ack without seq", value: { type: "ack", conversation: "7" } },
    { name: "presence with an unknown status", value: { type: "presence", user: { id: "1", display_name: "A" }, status: "busy" } },
    { name: "typing without active", value: { type: "typing", conversation: "7", user: { id: "1", display_name: "A" } } },
  ];

  it.each(cases)("ignores $name", ({ value }) => {
    expect(parseServerFrame(value)).toBeNull();
  });
});

describe("Connect Chat on the wire", () => {
  const chat = {
    id: "20",
    kind: "chat",
    state: "active",
    title: "Printers",
    members: [
      { id: "2", display_name: "Alice Agent" },
      { id: "3", display_name: "Bob Agent" },
    ],
    last_seq: 0,
    created_at: "2026-01-12T09:00:00.000Z",
  };

  it("the_servers_chat_and_invited_fixtures_are_conversations", () => {
    expect([chatMatches, chatPreviewMatches, invitedMatches], "their fields are Conversation (and Entry) fields").toEqual([true, true, true]);
    expect(isConversation(chatFixture), "chat_conversation.json").toBe(true);
    expect(isConversation(invitedFixture), "invited_conversation.json").toBe(true);
    expect(parseServerFrame({ type: "conversation", ...chatFixture })).toEqual({ type: "conversation", ...chatFixture });
  });

  it("a_chat_with_title_and_members_and_a_session_with_invited_are_conversations", () => {
    expect(isConversation(chat), "a group chat").toBe(true);
    expect(isConversation({ ...conversationFixture, invited: [{ id: "3", display_name: "Bob Agent" }] }), "a session with a colleague invited").toBe(true);
    expect(parseServerFrame({ type: "conversation", ...chat })).toEqual({ type: "conversation", ...chat });
  });

  it("malformed_chat_fields_are_refused", () => {
    expect(isConversation({ ...chat, title: 7 }), "a title that is no text").toBe(false);
    expect(isConversation({ ...chat, members: [{ id: "2" }] }), "a member without a name").toBe(false);
    expect(isConversation({ ...chat, members: "Alice" }), "members that are no list").toBe(false);
    expect(isConversation({ ...conversationFixture, invited: [null] }), "invited that are no people").toBe(false);
  });

  it("gone_names_its_conversation", () => {
    expect(parseServerFrame({ type: "gone", conversation: "7" })).toEqual({ type: "gone", conversation: "7" });
    expect(parseServerFrame({ type: "gone" }), "without a conversation").toBeNull();
    expect(parseServerFrame({ type: "gone", conversation: 7 }), "an id that is no text").toBeNull();
  });
});
