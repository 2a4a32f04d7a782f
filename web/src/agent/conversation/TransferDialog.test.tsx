// @vitest-environment jsdom
/** The Transfer dialog after the server refused a colleague as not online: the list is read again and they show Offline, not selectable. */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, CAROL, conversation } from "../../shared/fixtures";
import { connectedForTest } from "../../shared/socket.fakes";
import { connection } from "../state";
import { TransferDialog } from "./TransferDialog";

let calls: string[];

beforeEach(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
  connection.value = connectedForTest(ALICE.id).connection;
  calls = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit = {}) => {
      calls.push(`${init.method ?? "GET"} ${path}`);
      // The server still reads Bob as Available (a reload's grace) though he has no socket now.
      if (path.endsWith("/members")) return json([{ id: "u-bob", display_name: "Bob Agent", status: "available" }]);
      if (path.endsWith("/transfer")) return json({ error: { code: "not_online", message: "Bob Agent is not online: choose a colleague who is." } }, 409);
      return json({ id: "u-carol", username: "carol", display_name: "Carol Customer", roles: ["customer"], itil: false });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connection.value = null;
});

describe("TransferDialog", () => {
  it("a_colleague_refused_as_not_online_shows_offline_and_cannot_be_chosen", async () => {
    render(<TransferDialog conversation={conversation("c1", CAROL)} me={ALICE.id} onClose={() => undefined} />);
    const dialog = screen.getByRole("dialog", { name: "Transfer Carol Customer" });
    const bob = await within(dialog).findByRole("radio", { name: /Bob Agent/ });
    expect(bob.closest("label")?.textContent, "listed as the server says").toContain("Available");
    fireEvent.click(bob);
    fireEvent.submit(dialog.querySelector("form") as HTMLFormElement);
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Bob Agent is not online: choose a colleague who is.");
    await waitFor(() => expect(calls.filter((c) => c === "GET /api/queues/q-itsd/members"), "the list is read again").toHaveLength(2));
    const after = within(dialog).getByRole("radio", { name: /Bob Agent/ }) as HTMLInputElement;
    expect(after.closest("label")?.textContent, "shown Offline").toContain("Offline");
    expect(after.closest("label")?.textContent).not.toContain("Available");
    expect(after.disabled, "not selectable").toBe(true);
    expect(after.checked, "no longer chosen").toBe(false);
    expect((within(dialog).getByRole("button", { name: "Transfer" }) as HTMLButtonElement).disabled, "nothing to transfer to").toBe(true);
  });
  it("the_chat_closing_while_the_dialog_is_open_disables_transfer_and_says_why", async () => {
    const active = conversation("c1", CAROL);
    const { rerender } = render(<TransferDialog conversation={active} me={ALICE.id} onClose={() => undefined} />);
    const dialog = screen.getByRole("dialog", { name: "Transfer Carol Customer" });
    fireEvent.click(await within(dialog).findByRole("radio", { name: /Bob Agent/ }));
    const transfer = () => within(dialog).getByRole("button", { name: "Transfer" }) as HTMLButtonElement;
    expect(transfer().disabled, "a colleague chosen: Transfer is offered").toBe(false);

    // The customer did not answer: the server closes the chat while the dialog is open.
    rerender(<TransferDialog conversation={{ ...active, state: "closed", closed_reason: "timed_out" }} me={ALICE.id} onClose={() => undefined} />);
    expect(transfer().disabled, "nothing left to transfer").toBe(true);
    expect(within(dialog).getByRole("alert").textContent, "the dialog says why").toBe(
      "This chat has closed (the customer did not answer): there is nothing to transfer.",
    );
    fireEvent.submit(dialog.querySelector("form") as HTMLFormElement);
    expect(calls.filter((c) => c.endsWith("/transfer")), "no transfer is asked for").toEqual([]);
    expect(within(dialog).getByRole("button", { name: "Close" }), "Cancel reads Close").toBeTruthy();
  });
});
