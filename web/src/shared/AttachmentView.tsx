/**
 * A file posted into a conversation, as the timeline shows it: an image as a bounded inline
 * preview that opens the full image in a new tab, anything else (PDF, text) as a file card that
 * downloads it, with its name, a friendly type and its size. The type is the server's, judged
 * from the file's bytes; a preview that cannot be loaded falls back to the card.
 */
import { useSignal } from "@preact/signals";
import { formatSize } from "./format";
import type { Attachment } from "./wire";
import "./attachment-view.css";

/** The types shown inline as a picture (the server judges them from the bytes). */
const IMAGE_TYPES: readonly string[] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

const TYPE_NAMES: Readonly<Record<string, string>> = {
  "image/png": "PNG image",
  "image/jpeg": "JPEG image",
  "image/gif": "GIF image",
  "image/webp": "WebP image",
  "application/pdf": "PDF",
  "text/plain": "Text file",
};

export function isImage(attachment: Attachment): boolean {
  return IMAGE_TYPES.includes(attachment.type);
}

/** "PDF", "Text file", "PNG image"; "File" for a type this page does not know. */
export function friendlyType(type: string): string {
  return TYPE_NAMES[type.split(";")[0]?.trim().toLowerCase() ?? ""] ?? "File";
}

/** Where a file card downloads the file: the server then always answers it as a download. */
export function downloadUrl(attachment: Attachment): string {
  return `${attachment.url}${attachment.url.includes("?") ? "&" : "?"}download=1`;
}

export function AttachmentView({ attachment }: { attachment: Attachment }) {
  const broken = useSignal(false);
  const size = formatSize(attachment.size);
  if (isImage(attachment) && !broken.value) {
    return (
      <a class="attachment attachment--image" href={attachment.url} target="_blank" rel="noopener noreferrer" title={`${attachment.name} (${size}): open full size in a new tab`}>
        <img class="attachment__image" src={attachment.url} alt={attachment.name} loading="lazy" decoding="async" onError={() => (broken.value = true)} />
      </a>
    );
  }
  // Its name holds what is seen, in the order seen ("Download vpn-guide.pdf, PDF, 48 KB"), as
  // speech input expects (no parentheses: a checker reads those as an aside, not part of the
  // name); the icon and the arrow are drawn by CSS and say nothing.
  const kind = attachment.type === "application/pdf" ? "PDF" : attachment.type.startsWith("text/") ? "TXT" : isImage(attachment) ? "IMG" : "FILE";
  return (
    <a class="attachment attachment--file" href={downloadUrl(attachment)} download={attachment.name} aria-label={`Download ${attachment.name}, ${friendlyType(attachment.type)}, ${size}`}>
      <span class="attachment__icon" data-kind={kind} aria-hidden="true" />
      <span class="attachment__text">
        {/* The space keeps the name and the type two words for tools that read the text (layout drops it). */}
        <span class="attachment__name">{attachment.name}</span>{" "}
        <span class="attachment__meta">
          {friendlyType(attachment.type)} · {size}
        </span>
      </span>
      <span class="attachment__action" aria-hidden="true" />
    </a>
  );
}
