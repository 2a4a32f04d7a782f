// @vitest-environment jsdom
/** Sign out's Transfer reaches a chat's session actions: its Transfer dialog opens, once, and only for a chat of mine. */
import { cleanup, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, conversation } from "../../shared/fixtures";
import { connectedForTest } from "../../shared/socket.fakes";
import { connection, transferRequest } from "../state";
import { SessionActions } from "./SessionActions";

beforeEach(() => {
  // jsdom has no modal dialogs: open is enough here.
  if (typeof HTMLDialogElement.prototype.showModal !== "function") {
    HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
  }
  connection.value = connectedForTest(ALICE.id).connection;
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(JSON.stringify([]), { status: 200, headers: { "Content-Type": "application/json" } })),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
  transferRequest.value = null;
});

describe("SessionActions", () => {
  it("opens_its_transfer_dialog_when_sign_out_asks_for_it", async () => {
    render(<SessionActions conversation={conversation("c1", CAROL)} me={ALICE.id} />);
    expect(screen.queryByRole("dialog"), "nothing asked yet").toBeNull();
    transferRequest.value = "c1";
    await waitFor(() => expect(screen.getByRole("dialog", { name: "Transfer Carol Customer" })).toBeTruthy());
    expect(transferRequest.value, "the request is taken").toBeNull();
  });

  it("leaves_a_request_for_another_chat_alone", async () => {
    render(<SessionActions conversation={conversation("c1", CAROL)} me={ALICE.id} />);
    transferRequest.value = "c2";
    await Promise.resolve();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(transferRequest.value, "still waiting for its own chat").toBe("c2");
  });

  it("opens_nothing_for_a_chat_that_is_not_mine_any_more", async () => {
    render(<SessionActions conversation={conversation("c1", CAROL, { assignee: { id: "u-bob", display_name: "Bob Agent" } })} me={ALICE.id} />);
    transferRequest.value = "c1";
    await waitFor(() => expect(transferRequest.value).toBeNull());
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});
