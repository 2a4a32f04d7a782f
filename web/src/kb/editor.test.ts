import { describe, expect, it } from "vitest";
import { ApiError } from "../shared/api";
import { ALICE } from "../shared/fixtures";
import type { User } from "../shared/wire";
import { blankDraft, changesSomething, draftOf, isDirty, localProblems, mayEdit, saveFailure, stateActions, toInput, toPatch } from "./editor";
import { article } from "./fixtures";

const DANA: User = { id: "u-dana", username: "dana", display_name: "Dana Manager", roles: ["manager", "agent"], itil: false };
const ADMIN: User = { id: "u-admin", username: "admin", display_name: "Admin", roles: ["admin"], itil: false };
const CAROL: User = { id: "u-carol", username: "carol", display_name: "Carol Customer", roles: ["customer"], itil: false };

describe("what the form refuses before asking", () => {
  it("a_blank_article_needs_title_category_and_body", () => {
    expect(Object.keys(localProblems(blankDraft())).sort()).toEqual(["body", "category", "title"]);
  });

  it("limits_count_characters_as_the_server_does", () => {
    const ok = { title: "é".repeat(160), category: "c".repeat(60), body: "x" };
    expect(localProblems(ok)).toEqual({});
    expect(localProblems({ ...ok, title: "é".repeat(161) }).title).toMatch(/160/);
    expect(localProblems({ ...ok, category: "c".repeat(61) }).category).toMatch(/60/);
    expect(localProblems({ ...ok, body: "x".repeat(50_001) }).body).toMatch(/50,000/);
  });

  it("spaces_alone_are_no_title", () => {
    expect(localProblems({ title: "   ", category: "Network", body: "x" }).title).toBeDefined();
  });
});

describe("what Save sends", () => {
  it("a_new_article_sends_every_field_trimmed_with_its_client_id", () => {
    expect(toInput({ title: " VPN ", category: " Network ", body: "  keep\n" }, "draft-1")).toEqual({ client_id: "draft-1", title: "VPN", category: "Network", body: "  keep\n" });
  });

  it("a_saved_article_sends_only_what_changed_with_the_version_read", () => {
    const base = article({ version: 7 });
    const patch = toPatch(base, { ...draftOf(base), title: "Connect to the VPN (new client)" });
    expect(patch).toEqual({ version: 7, title: "Connect to the VPN (new client)" });
    expect(changesSomething(patch)).toBe(true);
  });

  it("nothing_changed_is_only_the_version", () => {
    const base = article();
    const patch = toPatch(base, { ...draftOf(base), title: ` ${base.title} ` });
    expect(patch).toEqual({ version: base.version });
    expect(changesSomething(patch)).toBe(false);
  });

  it("dirty_when_any_field_differs", () => {
    const start = draftOf(article());
    expect(isDirty(start, { ...start })).toBe(false);
    expect(isDirty(start, { ...start, body: `${start.body}!` })).toBe(true);
  });
});

describe("a refused save", () => {
  it("a_422_naming_a_field_of_the_form_goes_beside_it", () => {
    expect(saveFailure(new ApiError(422, "invalid", "`title` must be 1-160 characters.", null, "title"))).toEqual({ kind: "field", field: "title", message: "`title` must be 1-160 characters." });
  });

  it("a_422_naming_no_field_of_the_form_goes_above_it", () => {
    expect(saveFailure(new ApiError(422, "invalid", "`client_id` is bad.", null, "client_id")).kind).toBe("general");
    expect(saveFailure(new ApiError(422, "invalid", "Bad.", null, null)).kind).toBe("general");
  });

  it("a_409_changed_keeps_the_servers_message_for_reload", () => {
    expect(saveFailure(new ApiError(409, "changed", "Changed by Dana Manager at 10:42 — reload"))).toEqual({ kind: "changed", message: "Changed by Dana Manager at 10:42 — reload" });
  });

  it("a_403_says_the_server_refused_it", () => {
    expect(saveFailure(new ApiError(403, "forbidden", "Only managers publish articles.")).kind).toBe("forbidden");
  });

  it("anything_else_is_general", () => {
    expect(saveFailure(new Error("boom")).kind).toBe("general");
  });
});

describe("who may do what", () => {
  it("agents_edit_drafts_only", () => {
    expect(mayEdit(ALICE, { state: "draft" })).toBe(true);
    expect(mayEdit(ALICE, { state: "published" })).toBe(false);
    expect(mayEdit(ALICE, { state: "retired" })).toBe(false);
  });

  it("managers_and_admins_edit_any_article", () => {
    for (const user of [DANA, ADMIN]) for (const state of ["draft", "published", "retired"] as const) expect(mayEdit(user, { state }), `${user.username} ${state}`).toBe(true);
  });

  it("customers_edit_nothing", () => {
    expect(mayEdit(CAROL, { state: "draft" })).toBe(false);
  });

  it("state_changes_follow_draft_published_retired", () => {
    const to = (from: "draft" | "published" | "retired") => stateActions(DANA, from).map((a) => `${a.label}→${a.to}`);
    expect(to("draft")).toEqual(["Publish→published"]);
    expect(to("published")).toEqual(["Retire→retired", "Back to draft→draft"]);
    expect(to("retired"), "a retired article may be published again").toEqual(["Publish→published"]);
  });

  it("agents_change_no_state", () => {
    expect(stateActions(ALICE, "draft")).toEqual([]);
  });
});
