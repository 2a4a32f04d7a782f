/** The console's own guards accept what docs/protocol.md says the server sends, and nothing else. */
import { describe, expect, it } from "vitest";
import { isAdminUser, isAuditPage } from "./types";

const ENTRY = {
  id: "41",
  at: "2026-03-02T10:15:00Z",
  actor: { id: "4", display_name: "Admin" },
  action: "user.update",
  target: { kind: "user", id: "7", name: "Erin Engineer" },
  before: { roles: ["agent"] },
  after: { roles: ["agent", "manager"], password: "set" },
};

describe("isAuditPage", () => {
  it.each([
    ["a page with a next page", { entries: [ENTRY], next_before: "41" }],
    ["the last page", { entries: [ENTRY], next_before: null }],
    ["a creation (no before)", { entries: [{ ...ENTRY, action: "group.create", target: { kind: "group", id: "2", name: "Field" }, before: null }], next_before: null }],
    ["nothing", { entries: [], next_before: null }],
  ])("takes %s", (_what, page) => expect(isAuditPage(page)).toBe(true));

  it.each([
    ["an unknown action", { entries: [{ ...ENTRY, action: "user.delete" }], next_before: null }],
    ["an unknown target kind", { entries: [{ ...ENTRY, target: { kind: "incident", id: "1", name: "INC1" } }], next_before: null }],
    ["a list as the change", { entries: [{ ...ENTRY, after: ["x"] }], next_before: null }],
    ["no entries", { next_before: null }],
  ])("refuses %s", (_what, page) => expect(isAuditPage(page)).toBe(false));
});

describe("isAdminUser", () => {
  const user = { id: "7", username: "erin", display_name: "Erin", roles: ["agent"], itil: false, disabled: false, created_at: "2026-03-02T10:15:00Z" };
  it("takes an AdminUser", () => expect(isAdminUser(user)).toBe(true));
  it("refuses one without disabled", () => expect(isAdminUser({ ...user, disabled: undefined })).toBe(false));
  it("refuses an unknown role", () => expect(isAdminUser({ ...user, roles: ["root"] })).toBe(false));
});
