// @vitest-environment jsdom
/**
 * Groups and queues in a DOM: both listed; New group posts its name; New queue posts its name,
 * the group chosen and the greeting; a taken name is said beside it; each creation is reported
 * to the console (which reads its lists again).
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../shared/api";
import { fakeApi, GROUP, QUEUE } from "./fake-api";
import { GroupsAndQueues } from "./GroupsAndQueues";
import type { Group } from "./types";

const FIELD: Group = { id: "g2", name: "Field", members: [{ id: "u-bob", display_name: "Bob Agent" }] };

afterEach(() => cleanup());

function show(api = fakeApi(), groups: Group[] = [GROUP, FIELD]) {
  const onCreated = vi.fn();
  render(<GroupsAndQueues groups={groups} queues={[QUEUE]} api={api} onCreated={onCreated} />);
  return { api, onCreated };
}

describe("GroupsAndQueues", () => {
  it("lists_the_groups_with_their_member_counts_and_the_queues_with_their_group", () => {
    show();
    const groups = screen.getByRole("list", { name: "Groups" });
    expect(within(groups).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["ITSD_chat2 members", "Field1 member"]);
    const queues = screen.getByRole("list", { name: "Queues" });
    expect(within(queues).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["IT Service Deskworked by ITSD_chat"]);
  });

  it("create_group_posts_the_name_and_tells_the_console", async () => {
    const { api, onCreated } = show();
    const form = screen.getByRole("form", { name: "New group" });
    fireEvent.input(within(form).getByLabelText("Group name"), { target: { value: "Network" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create group" }));
    await waitFor(() => expect(api.createGroup).toHaveBeenCalledWith({ name: "Network" }));
    await within(form).findByText("Group Network created. Add its members under Group membership.");
    expect(onCreated).toHaveBeenCalledTimes(1);
    expect((within(form).getByLabelText("Group name") as HTMLInputElement).value).toBe("");
  });

  it("an_empty_group_name_is_refused_here", async () => {
    const { api } = show();
    const form = screen.getByRole("form", { name: "New group" });
    fireEvent.click(within(form).getByRole("button", { name: "Create group" }));
    await waitFor(() => expect(within(form).getByLabelText("Group name").getAttribute("aria-invalid")).toBe("true"));
    expect(api.createGroup).not.toHaveBeenCalled();
  });

  it("a_taken_group_name_is_said_beside_it", async () => {
    const { onCreated } = show(
      fakeApi({
        createGroup: async () => {
          throw new ApiError(409, "already_exists", "A group named ITSD_chat exists already.");
        },
      }),
    );
    const form = screen.getByRole("form", { name: "New group" });
    const name = within(form).getByLabelText("Group name");
    fireEvent.input(name, { target: { value: "ITSD_chat" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create group" }));
    await waitFor(() => expect(name.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(name.getAttribute("aria-describedby") ?? "")?.textContent).toContain("A group named ITSD_chat exists already.");
    expect(onCreated).not.toHaveBeenCalled();
  });

  it("create_queue_posts_name_group_and_greeting", async () => {
    const { api, onCreated } = show();
    const form = screen.getByRole("form", { name: "New queue" });
    fireEvent.input(within(form).getByLabelText("Queue name"), { target: { value: "Field Services" } });
    const group = within(form).getByLabelText("Group") as HTMLSelectElement;
    expect(Array.from(group.options).map((o) => o.textContent)).toEqual(["ITSD_chat", "Field"]);
    fireEvent.change(group, { target: { value: "g2" } });
    fireEvent.input(within(form).getByLabelText("Greeting"), { target: { value: "Field Services here." } });
    fireEvent.click(within(form).getByRole("button", { name: "Create queue" }));
    await waitFor(() => expect(api.createQueue).toHaveBeenCalledWith({ name: "Field Services", group: "g2", greeting: "Field Services here." }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledTimes(1));
  });

  it("a_queue_without_a_greeting_sends_none", async () => {
    const { api } = show();
    const form = screen.getByRole("form", { name: "New queue" });
    fireEvent.input(within(form).getByLabelText("Queue name"), { target: { value: "Field Services" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create queue" }));
    await waitFor(() => expect(api.createQueue).toHaveBeenCalledWith({ name: "Field Services", group: "g1" }));
  });

  it("no_group_yet_is_said_beside_the_group", async () => {
    const { api } = show(fakeApi(), []);
    const form = screen.getByRole("form", { name: "New queue" });
    fireEvent.input(within(form).getByLabelText("Queue name"), { target: { value: "Field Services" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create queue" }));
    await waitFor(() => expect(within(form).getByLabelText("Group").getAttribute("aria-invalid")).toBe("true"));
    expect(api.createQueue).not.toHaveBeenCalled();
  });

  it.each([
    [new ApiError(409, "already_exists", "A queue named IT Service Desk exists already."), "Queue name"],
    [new ApiError(422, "invalid", "A greeting is at most 1000 characters."), "Greeting"],
  ])("the_server_refusal_%#_is_shown_beside_its_field", async (refusal, label) => {
    show(
      fakeApi({
        createQueue: async () => {
          throw refusal;
        },
      }),
    );
    const form = screen.getByRole("form", { name: "New queue" });
    fireEvent.input(within(form).getByLabelText("Queue name"), { target: { value: "IT Service Desk" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create queue" }));
    const field = within(form).getByLabelText(label);
    await waitFor(() => expect(field.getAttribute("aria-invalid"), label).toBe("true"));
    expect(document.activeElement).toBe(field);
  });

  it("another_failure_is_an_alert", async () => {
    show(
      fakeApi({
        createQueue: async () => {
          throw new ApiError(403, "forbidden", "Only managers may do this.");
        },
      }),
    );
    const form = screen.getByRole("form", { name: "New queue" });
    fireEvent.input(within(form).getByLabelText("Queue name"), { target: { value: "Field Services" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create queue" }));
    expect((await within(form).findByRole("alert")).textContent).toBe("Only managers may do this.");
  });
});
