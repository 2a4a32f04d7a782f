// @vitest-environment jsdom
/**
 * Queue settings in a DOM: labelled fields, Save sends only what changed, a 422 is shown beside
 * the field the server names (and focused), a success is confirmed politely.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../../shared/api";
import { fakeApi, QUEUE } from "./fake-api";
import { QueueSettings } from "./QueueSettings";

afterEach(() => cleanup());

function form(api = fakeApi()) {
  const saved: unknown[] = [];
  render(<QueueSettings queues={[QUEUE]} api={api} onSaved={(q) => saved.push(q)} />);
  return { api, saved };
}

describe("QueueSettings", () => {
  it("every_setting_has_a_labelled_field_holding_the_queues_value", () => {
    form();
    expect((screen.getByLabelText("Greeting") as HTMLTextAreaElement).value).toBe(QUEUE.greeting);
    expect((screen.getByLabelText("Inactivity warning (seconds)") as HTMLInputElement).value).toBe("120");
    expect((screen.getByLabelText("Auto-close after the warning (seconds)") as HTMLInputElement).value).toBe("60");
    expect((screen.getByLabelText("Assignee grace (seconds)") as HTMLInputElement).value).toBe("60");
    expect((screen.getByLabelText("Unsend window (seconds)") as HTMLInputElement).value).toBe("120");
    expect((screen.getByLabelText("Maximum concurrent sessions per agent") as HTMLInputElement).value).toBe("0");
    expect((screen.getByRole("checkbox", { name: /satisfaction survey/ }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText("Offer alert after (seconds)") as HTMLInputElement).value).toBe("60");
    expect((screen.getByLabelText("Reply alert after (seconds)") as HTMLInputElement).value).toBe("120");
  });

  it("the_routing_guards_are_grouped_with_help_saying_0_turns_them_off", () => {
    form();
    const guards = screen.getByRole("group", { name: "Routing guards" });
    for (const label of ["Offer alert after (seconds)", "Reply alert after (seconds)"]) {
      const field = within(guards).getByLabelText(label) as HTMLInputElement;
      expect([field.min, field.max], `${label} takes 0 to 3600`).toEqual(["0", "3600"]);
      const help = (field.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
      expect(help, `${label}'s help`).toContain("0 turns it off");
    }
  });

  it("save_sends_the_guards_changed_and_0_turns_one_off", async () => {
    const { api } = form();
    fireEvent.input(screen.getByLabelText("Offer alert after (seconds)"), { target: { value: "0" } });
    fireEvent.input(screen.getByLabelText("Reply alert after (seconds)"), { target: { value: "300" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(api.patchQueue).toHaveBeenCalledWith("q1", { offer_alert_seconds: 0, reply_alert_seconds: 300 }));
  });

  it("a_guard_refused_by_the_server_is_shown_beside_it", async () => {
    const api = fakeApi({
      patchQueue: async () => {
        throw new ApiError(422, "invalid", "`reply_alert_seconds` must be 0 to 3600.");
      },
    });
    form(api);
    const field = screen.getByLabelText("Reply alert after (seconds)");
    fireEvent.input(field, { target: { value: "5000" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(field.getAttribute("aria-invalid")).toBe("true"));
    expect(document.activeElement).toBe(field);
    expect(screen.getByLabelText("Offer alert after (seconds)").getAttribute("aria-invalid")).toBe("false");
  });

  it("save_sends_only_the_changed_fields_and_says_so_politely", async () => {
    const { api, saved } = form();
    fireEvent.input(screen.getByLabelText("Maximum concurrent sessions per agent"), { target: { value: "1" } });
    fireEvent.input(screen.getByLabelText("Unsend window (seconds)"), { target: { value: "0" } });
    fireEvent.click(screen.getByRole("checkbox", { name: /satisfaction survey/ }));
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Settings of IT Service Desk saved."));
    expect(api.patchQueue).toHaveBeenCalledWith("q1", { max_sessions_per_agent: 1, unsend_seconds: 0, survey: false });
    expect(saved).toHaveLength(1);
  });

  it("nothing_changed_sends_nothing", async () => {
    const { api } = form();
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Nothing changed."));
    expect(api.patchQueue).not.toHaveBeenCalled();
  });

  it("a_422_is_shown_beside_the_field_the_server_names", async () => {
    const api = fakeApi({
      patchQueue: async () => {
        throw new ApiError(422, "invalid", "`unsend_seconds` must be 0 to 3600.", null, "unsend_seconds");
      },
    });
    form(api);
    const field = screen.getByLabelText("Unsend window (seconds)") as HTMLInputElement;
    fireEvent.input(field, { target: { value: "9999" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(field.getAttribute("aria-invalid")).toBe("true"));
    const described = (field.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent ?? "");
    expect(described.join(" | ")).toContain("`unsend_seconds` must be 0 to 3600.");
    expect(document.activeElement).toBe(field);
    expect(screen.getByRole("status").textContent).toBe("");
  });

  it("a_422_without_a_field_is_placed_by_the_field_its_message_names", async () => {
    const api = fakeApi({
      patchQueue: async () => {
        throw new ApiError(422, "invalid", "inactivity_warning_seconds must be between 1 and 86400 seconds.");
      },
    });
    form(api);
    const field = screen.getByLabelText("Inactivity warning (seconds)");
    fireEvent.input(field, { target: { value: "0" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(field.getAttribute("aria-invalid")).toBe("true"));
  });

  it("a_field_that_is_no_whole_number_is_refused_here", async () => {
    const { api } = form();
    const field = screen.getByLabelText("Assignee grace (seconds)");
    fireEvent.input(field, { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(field.getAttribute("aria-invalid")).toBe("true"));
    expect(api.patchQueue).not.toHaveBeenCalled();
  });

  it("another_failure_is_an_alert", async () => {
    const api = fakeApi({
      patchQueue: async () => {
        throw new ApiError(403, "forbidden", "Only managers may change queues.");
      },
    });
    form(api);
    fireEvent.input(screen.getByLabelText("Greeting"), { target: { value: "Hello" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Only managers may change queues.");
  });
});
