/** How a file is described: a friendly type (its size: `formatSize`, format.test.ts), and where a card downloads it. */
import { describe, expect, it } from "vitest";
import { downloadUrl, friendlyType, isImage } from "./AttachmentView";

describe("attachment descriptions", () => {
  it.each([
    ["application/pdf", "PDF"],
    ["text/plain", "Text file"],
    ["text/plain; charset=utf-8", "Text file"],
    ["image/png", "PNG image"],
    ["image/jpeg", "JPEG image"],
    ["application/zip", "File"],
  ])("friendly_type_of_%s_is_%s", (type, text) => {
    expect(friendlyType(type)).toBe(text);
  });

  it("images_are_the_four_types_the_server_allows", () => {
    const file = (type: string) => ({ id: "1", name: "x", type, size: 1, url: "/api/attachments/1" });
    expect(["image/png", "image/jpeg", "image/gif", "image/webp"].every((t) => isImage(file(t)))).toBe(true);
    expect(isImage(file("image/svg+xml")), "never an SVG inline").toBe(false);
    expect(isImage(file("application/pdf"))).toBe(false);
  });

  it("the_card_downloads", () => {
    expect(downloadUrl({ id: "41", name: "a.pdf", type: "application/pdf", size: 1, url: "/api/attachments/41" })).toBe("/api/attachments/41?download=1");
  });
});
