// @vitest-environment jsdom
/**
 * Canned messages in a DOM: the queue's list, reorder (Move up / Move down send the whole new
 * order and show the server's), create (POST), edit (PATCH with what changed), delete after a confirmation, the live preview with the placeholders filled, and the server's
 * 422 for an unknown placeholder beside the text, gone once the text is edited.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../shared/api";
import { CannedMessages } from "./CannedMessages";
import { CLOSING, fakeApi, GREETING, installDialogPolyfill, QUEUE, VPN } from "./fake-api";

beforeEach(() => installDialogPolyfill());
afterEach(() => cleanup());

async function show(api = fakeApi()) {
  render(<CannedMessages queues={[QUEUE]} api={api} agentName="Dana Manager" />);
  await screen.findByRole("list", { name: "Canned messages of IT Service Desk" });
  return api;
}

const preview = () => screen.getByRole("group", { name: "Preview, to a customer named Sam Sample" });

describe("CannedMessages", () => {
  it("lists_the_queues_canned_messages", async () => {
    const api = await show();
    expect(api.canned).toHaveBeenCalledWith("q1");
    const list = screen.getByRole("list", { name: "Canned messages of IT Service Desk" });
    expect(within(list).getByText("Greeting")).toBeTruthy();
    expect(within(list).getByRole("button", { name: "Edit Greeting" })).toBeTruthy();
  });

  it("the_preview_fills_the_placeholders_as_the_text_is_typed", async () => {
    await show();
    fireEvent.input(screen.getByLabelText("Text"), { target: { value: "Hi {customer.first_name}, {agent.first_name} of the {queue.name} here." } });
    expect(preview().textContent).toContain("Hi Sam, Dana of the IT Service Desk here.");
  });

  it("create_posts_title_and_body_and_lists_the_new_message", async () => {
    const api = await show();
    fireEvent.input(screen.getByLabelText("Title"), { target: { value: "Reboot" } });
    fireEvent.input(screen.getByLabelText("Text"), { target: { value: "Please restart your laptop, {customer.first_name}." } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(api.createCanned).toHaveBeenCalledWith("q1", { title: "Reboot", body: "Please restart your laptop, {customer.first_name}." }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Canned message “Reboot” created."));
    expect(within(screen.getByRole("list", { name: "Canned messages of IT Service Desk" })).getByText("Reboot")).toBeTruthy();
  });

  it("an_empty_title_is_said_beside_it_and_nothing_is_sent", async () => {
    const api = await show();
    fireEvent.input(screen.getByLabelText("Text"), { target: { value: "Some text" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(screen.getByLabelText("Title").getAttribute("aria-invalid")).toBe("true"));
    expect(api.createCanned).not.toHaveBeenCalled();
  });

  it("edit_sends_only_the_changed_text", async () => {
    const api = await show();
    fireEvent.click(screen.getByRole("button", { name: "Edit Greeting" }));
    expect(screen.getByRole("heading", { name: "Edit “Greeting”" })).toBeTruthy();
    expect((screen.getByLabelText("Text") as HTMLTextAreaElement).value).toBe(GREETING.body);
    fireEvent.input(screen.getByLabelText("Text"), { target: { value: "Hello {customer.name}!" } });
    expect(preview().textContent).toContain("Hello Sam Sample!");
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(api.editCanned).toHaveBeenCalledWith("q1", "c1", { body: "Hello {customer.name}!" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Canned message “Greeting” saved."));
    expect(screen.getByText("Hello {customer.name}!")).toBeTruthy();
  });

  it("an_unknown_placeholder_refused_by_the_server_is_shown_beside_the_text", async () => {
    await show(
      fakeApi({
        createCanned: async () => {
          throw new ApiError(422, "invalid", "Unknown placeholder {customer.shoe_size}.", null, "body");
        },
      }),
    );
    fireEvent.input(screen.getByLabelText("Title"), { target: { value: "Shoes" } });
    const body = screen.getByLabelText("Text");
    fireEvent.input(body, { target: { value: "Your size is {customer.shoe_size}." } });
    expect(preview().textContent, "an unknown placeholder stays as written in the preview").toContain("{customer.shoe_size}");
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(body.getAttribute("aria-invalid")).toBe("true"));
    const described = (body.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent ?? "");
    expect(described.join(" | ")).toContain("Unknown placeholder {customer.shoe_size}.");
    expect(document.activeElement).toBe(body);
  });

  it("a_fields_error_goes_when_that_field_is_edited_and_not_before", async () => {
    await show(
      fakeApi({
        createCanned: async () => {
          throw new ApiError(422, "invalid", "1 to 5000 characters", null, "body");
        },
      }),
    );
    const title = screen.getByLabelText("Title");
    const body = screen.getByLabelText("Text");
    fireEvent.input(body, { target: { value: "   x   " } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(title.getAttribute("aria-invalid"), "no title").toBe("true"));
    fireEvent.input(title, { target: { value: "Reboot" } });
    expect(title.getAttribute("aria-invalid"), "the title was given: its error goes at once").toBe("false");
    expect(screen.queryByText("Give the message a title.")).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(screen.getByText("1 to 5000 characters")).toBeTruthy());
    fireEvent.input(title, { target: { value: "Reboot now" } });
    expect(body.getAttribute("aria-invalid"), "another field's edit leaves the text's error").toBe("true");
    fireEvent.input(body, { target: { value: "Please restart your laptop." } });
    expect(body.getAttribute("aria-invalid"), "the text was corrected: its error goes before the next Save").toBe("false");
    expect(screen.queryByText("1 to 5000 characters")).toBeNull();
    expect(body.getAttribute("aria-describedby"), "described by its hint alone").toBe("canned-body-hint");
  });

  it("delete_asks_first_then_deletes", async () => {
    const api = await show();
    fireEvent.click(screen.getByRole("button", { name: "Delete Greeting" }));
    const dialog = screen.getByRole("dialog", { name: "Delete the canned message “Greeting”?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.deleteCanned).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole("button", { name: "Delete Greeting" }));
    fireEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(api.deleteCanned).toHaveBeenCalledWith("q1", "c1"));
    await waitFor(() => expect(screen.getByText("This queue has no canned messages yet.")).toBeTruthy());
  });

  describe("reorder", () => {
    const three = () => fakeApi({ canned: vi.fn(async () => [GREETING, VPN, CLOSING]) });
    const order = () => Array.from(screen.getByRole("list", { name: "Canned messages of IT Service Desk" }).querySelectorAll("strong")).map((e) => e.textContent);

    it("move_up_sends_the_whole_new_order_and_keeps_the_focus_on_the_moved_message", async () => {
      const api = await show(three());
      const up = screen.getByRole("button", { name: "Move 'VPN reset' up" });
      up.focus();
      fireEvent.click(up);
      await waitFor(() => expect(api.reorderCanned).toHaveBeenCalledWith("q1", ["c2", "c1", "c3"]));
      await waitFor(() => expect(order()).toEqual(["VPN reset", "Greeting", "Closing"]));
      expect(screen.getByRole("status").textContent).toBe("“VPN reset” moved up: now 1 of 3.");
      expect(document.activeElement?.getAttribute("aria-label")).toBe("Move 'VPN reset' up");
      expect(screen.getByRole("button", { name: "Move 'VPN reset' up" }).getAttribute("aria-disabled"), "now first").toBe("true");
    });

    it("move_down_sends_the_new_order", async () => {
      const api = await show(three());
      fireEvent.click(screen.getByRole("button", { name: "Move 'Greeting' down" }));
      await waitFor(() => expect(api.reorderCanned).toHaveBeenCalledWith("q1", ["c2", "c1", "c3"]));
    });

    it("the_list_shows_the_order_the_server_answers", async () => {
      const api = three();
      api.reorderCanned.mockImplementation(async () => [CLOSING, VPN, GREETING]);
      await show(api);
      fireEvent.click(screen.getByRole("button", { name: "Move 'Closing' up" }));
      await waitFor(() => expect(order()).toEqual(["Closing", "VPN reset", "Greeting"]));
    });

    it("the_first_cannot_move_up_nor_the_last_down", async () => {
      const api = await show(three());
      const first = screen.getByRole("button", { name: "Move 'Greeting' up" });
      const last = screen.getByRole("button", { name: "Move 'Closing' down" });
      expect([first.getAttribute("aria-disabled"), last.getAttribute("aria-disabled")]).toEqual(["true", "true"]);
      fireEvent.click(first);
      fireEvent.click(last);
      expect(api.reorderCanned).not.toHaveBeenCalled();
    });

    it("a_refused_order_is_an_alert_and_the_list_is_read_again", async () => {
      const api = three();
      api.reorderCanned.mockImplementation(async () => {
        throw new ApiError(422, "invalid", "The order must name every canned message of the queue once.");
      });
      await show(api);
      fireEvent.click(screen.getByRole("button", { name: "Move 'Closing' up" }));
      expect((await screen.findByRole("alert")).textContent).toBe("The order must name every canned message of the queue once.");
      await waitFor(() => expect(api.canned).toHaveBeenCalledTimes(2));
      expect(order(), "nothing moved").toEqual(["Greeting", "VPN reset", "Closing"]);
    });
  });
});
