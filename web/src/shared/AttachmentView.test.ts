/** How a file is described: a friendly type and a size in decimal units, and where a card downloads it. */
import { describe, expect, it } from "vitest";
import { downloadUrl, friendlySize, friendlyType, isImage } from "./AttachmentView";

describe("attachment descriptions", () => {
  it.each([
    [0, "0 bytes"],
    [1, "1 byte"],
    [999, "999 bytes"],
    [1000, "1 KB"],
    [1234, "1.2 KB"],
    [48213, "48 KB"],
    [999_499, "999 KB"],
    [999_999, "1 MB"],
    [1_234_567, "1.2 MB"],
    [10_485_760, "10 MB"],
    [2_500_000_000, "2.5 GB"],
  ])("friendly_size_of_%i_is_%s", (bytes, text) => {
    expect(friendlySize(bytes)).toBe(text);
  });

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
