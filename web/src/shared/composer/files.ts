/**
 * What a composer checks about a file before it sends it, and what it calls it. The server
 * judges the type from the bytes and enforces the size (413 `too_large`, 422 `unsupported_type`):
 * these checks only spare the writer a wait for an answer that is known already, so they go by
 * what the browser says (type and name) and let the server have the last word.
 */
import { formatSize } from "../format";

/** The server's default limit (`--attachment-max-bytes`): 10 MiB. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** The types the server takes (text is any text/*: logs, CSV, plain text). */
export const ATTACHMENT_TYPES: readonly string[] = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"];

/** Names whose type browsers often leave empty or call something else (a CSV as Excel's). */
const TEXT_EXTENSIONS: readonly string[] = ["log", "txt", "csv"];

/** The file picker's `accept`: what the server takes. */
export const ATTACHMENT_ACCEPT = [...ATTACHMENT_TYPES, "text/*", ...TEXT_EXTENSIONS.map((e) => `.${e}`)].join(",");

/** What a composer needs to know of a file (a File, or a test's stand-in). */
export interface FileFacts {
  name: string;
  type: string;
  size: number;
}

function extension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

/** Whether the browser's word for the file is one the server takes (the server still reads the bytes). */
export function typeAllowed(file: FileFacts): boolean {
  const type = file.type.toLowerCase().split(";")[0]?.trim() ?? "";
  return ATTACHMENT_TYPES.includes(type) || type.startsWith("text/") || TEXT_EXTENSIONS.includes(extension(file.name));
}

/** Whether the file is shown as a picture (a thumbnail in the composer). */
export function isImage(file: FileFacts): boolean {
  return file.type.startsWith("image/");
}

/** What a person calls the type: "PNG image", "PDF document", "Text file". */
export function typeLabel(file: FileFacts): string {
  const type = file.type.toLowerCase();
  if (type === "application/pdf") return "PDF document";
  if (type.startsWith("image/")) return `${type.slice("image/".length).toUpperCase()} image`;
  if (type.startsWith("text/") || TEXT_EXTENSIONS.includes(extension(file.name))) return "Text file";
  return type === "" ? "File" : type;
}

/** Why the file cannot be sent, as the writer should read it, or null when it may go to the server. */
export function fileProblem(file: FileFacts, maxBytes: number = MAX_ATTACHMENT_BYTES): string | null {
  if (!typeAllowed(file)) {
    return `${file.name || "This file"} cannot be sent: only images (PNG, JPEG, GIF, WebP), PDF documents and text files (.txt, .log, .csv) can.`;
  }
  if (file.size === 0) return `${file.name || "This file"} is empty.`;
  if (file.size > maxBytes) {
    // Just over the limit reads as the limit when rounded: then in bytes.
    const size = formatSize(file.size) === formatSize(maxBytes) ? `${file.size.toLocaleString("en")} bytes` : formatSize(file.size);
    return `${file.name || "This file"} is too large (${size}): files up to ${formatSize(maxBytes)} can be sent.`;
  }
  return null;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The name of a pasted screenshot: "Screenshot 2026-11-30 22.50.png" (local time). */
export function screenshotName(type: string, at: Date = new Date()): string {
  const ext = type === "image/jpeg" ? "jpg" : type.startsWith("image/") ? type.slice("image/".length) : "png";
  return `Screenshot ${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}.${pad(at.getMinutes())}.${ext}`;
}

/**
 * A clipboard image has no name of its own: browsers call it "image.png" (or nothing). Such a
 * file gets a screenshot's name; a file copied from a folder keeps its own.
 */
export function pastedFileName(file: FileFacts, at: Date = new Date()): string {
  const generic = file.name === "" || /^image\.(png|jpe?g|gif|webp)$/i.test(file.name);
  return generic && isImage(file) ? screenshotName(file.type, at) : file.name;
}

/** The clipboard's part of a paste event (tests pass a stand-in). */
export interface ClipboardLike {
  readonly files: ArrayLike<File>;
  getData(format: string): string;
}

/**
 * The file a paste brings, or null to let the paste go into the field as text. A paste that also
 * carries text keeps to the text: copying cells or a paragraph from Office puts a picture of
 * them on the clipboard too, and the writer meant the words.
 */
export function pastedFile(clipboard: ClipboardLike | null): File | null {
  if (clipboard === null || clipboard.files.length === 0) return null;
  if (clipboard.getData("text/plain") !== "") return null;
  return clipboard.files[0] ?? null;
}
