// @vitest-environment jsdom
/** The confirmation before End: Cancel changes nothing, a failure is reported in the dialog, success closes it. */
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfirmDialog } from "./ConfirmDialog";

afterEach(cleanup);

function open(onConfirm: () => Promise<void>, onClose = vi.fn()) {
  render(
    <ConfirmDialog title="End this chat?" confirm="End chat" onConfirm={onConfirm} onClose={onClose} describeError={(e) => `The chat could not be ended: ${(e as Error).message}`}>
      <p>You can no longer write in this chat.</p>
    </ConfirmDialog>,
  );
  return { onClose, dialog: screen.getByRole("dialog", { name: "End this chat?" }) };
}

describe("ConfirmDialog", () => {
  it("starts_on_cancel_and_cancel_does_nothing", () => {
    const onConfirm = vi.fn(async () => undefined);
    const { onClose } = open(onConfirm);
    const cancel = screen.getByRole("button", { name: "Cancel" });
    expect(document.activeElement, "an Enter by habit cancels").toBe(cancel);
    fireEvent.click(cancel);
    expect(onClose).toHaveBeenCalled();
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it("reports_a_failure_and_stays_open", async () => {
    const { onClose } = open(async () => {
      throw new Error("the server is not reachable");
    });
    const confirm = screen.getByRole("button", { name: "End chat" });
    confirm.focus();
    fireEvent.click(confirm);
    expect((await screen.findByRole("alert")).textContent).toBe("The chat could not be ended: the server is not reachable");
    expect(document.activeElement, "focus stays on the button, not on <body>").toBe(confirm);
    expect(onClose, "the dialog stays for another try").not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "End chat" }).getAttribute("aria-disabled"), "and can be tried again").toBe("false");
  });

  it("closes_once_the_action_succeeded", async () => {
    const onConfirm = vi.fn(async () => undefined);
    const { onClose } = open(onConfirm);
    fireEvent.click(screen.getByRole("button", { name: "End chat" }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});
