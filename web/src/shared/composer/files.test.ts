import { describe, expect, it } from "vitest";
import { ATTACHMENT_ACCEPT, fileProblem, MAX_ATTACHMENT_BYTES, pastedFile, pastedFileName, screenshotName, typeAllowed, typeLabel } from "./files";

const facts = (name: string, type: string, size = 1000) => ({ name, type, size });

describe("what a composer checks about a file", () => {
  it.each([
    ["shot.png", "image/png"],
    ["photo.jpg", "image/jpeg"],
    ["anim.gif", "image/gif"],
    ["pic.webp", "image/webp"],
    ["manual.pdf", "application/pdf"],
    ["notes.txt", "text/plain"],
    ["data.csv", "text/csv"],
    ["vpn.log", ""],
    ["export.csv", "application/vnd.ms-excel"],
  ])("takes_%s_as_%s", (name, type) => {
    expect(typeAllowed(facts(name, type)), `${name} (${type || "no type"})`).toBe(true);
    expect(fileProblem(facts(name, type))).toBeNull();
  });

  it.each([
    ["setup.exe", "application/x-msdownload"],
    ["archive.zip", "application/zip"],
    ["page.svg", "image/svg+xml"],
    ["unknown", ""],
  ])("refuses_%s_before_any_upload_and_says_what_can_go", (name, type) => {
    const problem = fileProblem(facts(name, type));
    expect(problem, "svg is no image the server takes (it can carry script)").toBe(
      `${name} cannot be sent: only images (PNG, JPEG, GIF, WebP), PDF documents and text files (.txt, .log, .csv) can.`,
    );
  });

  it("refuses_a_file_over_10_MiB_and_an_empty_one_by_size", () => {
    expect(fileProblem(facts("big.png", "image/png", MAX_ATTACHMENT_BYTES)), "exactly the limit goes").toBeNull();
    expect(fileProblem(facts("big.png", "image/png", MAX_ATTACHMENT_BYTES + 1)), "just over: not '10 MB … up to 10 MB'").toBe("big.png is too large (10,485,761 bytes): files up to 10 MB can be sent.");
    expect(fileProblem(facts("huge.pdf", "application/pdf", 12.4 * 1024 * 1024))).toBe("huge.pdf is too large (12.4 MB): files up to 10 MB can be sent.");
    expect(fileProblem(facts("empty.txt", "text/plain", 0))).toBe("empty.txt is empty.");
  });

  it("names_sizes_and_types_as_people_read_them", () => {
    expect(typeLabel(facts("a.png", "image/png"))).toBe("PNG image");
    expect(typeLabel(facts("a.pdf", "application/pdf"))).toBe("PDF document");
    expect(typeLabel(facts("a.log", ""))).toBe("Text file");
    expect(ATTACHMENT_ACCEPT).toBe("image/png,image/jpeg,image/gif,image/webp,application/pdf,text/*,.log,.txt,.csv");
  });
});

describe("a pasted screenshot", () => {
  const at = new Date(2026, 10, 30, 22, 50, 7);

  it("gets_a_screenshot_name_when_the_clipboard_gives_it_none", () => {
    expect(screenshotName("image/png", at)).toBe("Screenshot 2026-11-30 22.50.png");
    expect(pastedFileName(facts("image.png", "image/png"), at), "Chromium calls a clipboard bitmap image.png").toBe("Screenshot 2026-11-30 22.50.png");
    expect(pastedFileName(facts("", "image/jpeg"), at)).toBe("Screenshot 2026-11-30 22.50.jpg");
    expect(pastedFileName(facts("network-diagram.png", "image/png"), at), "a file copied from a folder keeps its name").toBe("network-diagram.png");
    expect(pastedFileName(facts("vpn.log", "text/plain"), at)).toBe("vpn.log");
  });

  it("is_taken_only_when_the_paste_carries_no_text", () => {
    const png = new File([new Uint8Array([0x89, 0x50])], "image.png", { type: "image/png" });
    const clipboard = (files: File[], text = "") => ({ files, getData: (format: string) => (format === "text/plain" ? text : "") });
    expect(pastedFile(clipboard([png]))).toBe(png);
    expect(pastedFile(clipboard([])), "plain text goes into the field").toBeNull();
    expect(pastedFile(clipboard([png], "Q3 figures")), "cells copied from a spreadsheet bring a picture of themselves: the words win").toBeNull();
    expect(pastedFile(null)).toBeNull();
  });
});
