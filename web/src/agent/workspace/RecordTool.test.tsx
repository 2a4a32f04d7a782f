// @vitest-environment jsdom
/**
 * The Record tool's own Create Incident (no incident made from the session yet) follows the
 * session actions' rule: not for a colleague only invited into the session, nor for one before
 * the queues they work are known; for the assignee, staff of the queue and a manager it stays.
 */
import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, BOB, CAROL, conversation } from "../../shared/fixtures";
import type { Queue, User } from "../../shared/wire";
import { recordPane } from "../records/pane";
import { queues } from "../state";
import { RecordTool } from "./RecordTool";

const GWEN: User = { ...ALICE, id: "u-gwen", username: "gwen", display_name: "Gwen Agent" };
const MANAGER: User = { ...ALICE, id: "u-dana", username: "dana", display_name: "Dana Manager", roles: ["agent", "manager"] };
const ITSD = { id: "q-itsd", name: "IT Service Desk" } as Queue;
const HR = { id: "q-hr", name: "HR" } as Queue;
/** Bob's session of the IT Service Desk queue, into which `who` was invited. */
const helping = (who: User) => conversation("c1", CAROL, { assignee: BOB, invited: [{ id: who.id, display_name: who.display_name }] });

beforeEach(() => {
  recordPane.replace({ kind: "home" });
  // No incident has been made from the session.
  vi.stubGlobal("fetch", vi.fn(async () => new Response("[]", { status: 200, headers: { "Content-Type": "application/json" } })));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  queues.value = [];
});

/** The tool once the session's incidents are read: Create Incident offered or not. */
async function offered(): Promise<boolean> {
  await screen.findByText("No incident has been created from this chat yet.");
  return screen.queryByRole("button", { name: "Create Incident" }) !== null;
}

describe("RecordTool Create Incident", () => {
  it("is_not_offered_to_a_colleague_only_invited_into_the_session", async () => {
    queues.value = [HR];
    render(<RecordTool conversation={helping(GWEN)} user={GWEN} />);
    expect(await offered(), "Gwen works HR, not the session's queue: she only helps in it").toBe(false);
  });

  it("is_not_offered_to_an_invited_colleague_before_the_queues_are_known", async () => {
    render(<RecordTool conversation={helping(GWEN)} user={GWEN} />);
    expect(await offered()).toBe(false);
  });

  it("is_offered_to_an_invited_colleague_who_is_staff_of_the_queue", async () => {
    queues.value = [HR, ITSD];
    render(<RecordTool conversation={helping(GWEN)} user={GWEN} />);
    expect(await offered()).toBe(true);
  });

  it("is_offered_to_an_invited_manager", async () => {
    render(<RecordTool conversation={helping(MANAGER)} user={MANAGER} />);
    expect(await offered(), "a manager sees every queue's sessions").toBe(true);
  });

  it("is_offered_to_the_assignee_even_before_the_queues_are_known", async () => {
    render(<RecordTool conversation={conversation("c1", CAROL)} user={ALICE} />);
    expect(await offered()).toBe(true);
  });
});
