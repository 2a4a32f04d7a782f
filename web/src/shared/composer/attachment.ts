/**
 * The file waiting in a composer to be sent: chosen with Attach file or pasted, shown as a chip
 * (a thumbnail for a picture, else its name, type and size) until it is sent or removed. Sending
 * uploads it with the caption under one client id, kept for every try of the same send (a lost
 * answer tried again is stored once); a refusal keeps the file, and the caller keeps the text,
 * so nothing is typed or chosen again. One draft per conversation lives as long as the page, so
 * a minimised window or a switch of conversation keeps it.
 */
import { signal } from "@preact/signals";
import { ApiError, uploadAttachment, type AttachmentUpload } from "../api";
import type { Entry, PostKind } from "../wire";
import { fileProblem, isImage } from "./files";

/** How a send of the file ended. */
export type UploadOutcome =
  | { kind: "sent"; entry: Entry }
  /** Staff only: newer messages by others than the view showed; nothing was stored. */
  | { kind: "stale"; newer: number; message: string }
  /** Refused or not answered (also stalled): `problem` says why; the file stays for another try. */
  | { kind: "failed" }
  /** The writer cancelled it (Cancel upload): the file stays, nothing is wrong. */
  | { kind: "cancelled" }
  /** Nothing to send, or a send of it is under way. */
  | { kind: "ignored" };

export interface SendAttachment {
  conversation: string;
  kind: PostKind;
  /** The caption: the text in the field (may be empty). */
  body: string;
  /** Staff: the newest seq their view showed (see staleView.ts). */
  seen?: number;
}

export interface AttachmentDeps {
  upload?: (upload: AttachmentUpload) => Promise<Entry>;
  newClientId?: () => string;
  /** A small picture of an image file as a data: URL, or null (see `imageThumbnail`). */
  thumbnail?: (file: Blob) => Promise<string | null>;
}

/** The longest side of a thumbnail, in CSS pixels (drawn at twice that for sharp screens). */
export const THUMBNAIL_PX = 64;

/**
 * A thumbnail drawn from the image's own pixels into a small PNG `data:` URL. Not an object URL:
 * the app's Content-Security-Policy allows images only from itself and `data:` (a `blob:` picture
 * would be refused). Decoding needs `createImageBitmap`; null where there is none, or when the
 * bytes are no picture the browser can read (an executable renamed .png gets no thumbnail).
 */
export async function imageThumbnail(file: Blob): Promise<string | null> {
  if (typeof createImageBitmap !== "function" || typeof document === "undefined") return null;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, (THUMBNAIL_PX * 2) / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext("2d");
    if (context === null) return null;
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return canvas.toDataURL("image/png");
  } catch {
    return null;
  }
}

/** Said when a file is pasted while another is being sent (one file at a time). */
export const WAIT_FOR_UPLOAD = "Wait for the file being sent, then paste again.";

function freshId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `a-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export class AttachmentDraft {
  /** The file waiting to be sent, or null. */
  readonly file = signal<File | null>(null);
  /** The name it is sent under (a pasted screenshot's is made up). */
  readonly name = signal("");
  /** A `data:` URL of a small picture of it, once drawn; null for other files. */
  readonly thumbnail = signal<string | null>(null);
  /** Why the last choice or send did not work, in words for the writer; null when nothing is wrong. */
  readonly problem = signal<string | null>(null);
  /** A word for the writer that is no error (said politely), e.g. why a paste was not taken; null for none. */
  readonly note = signal<string | null>(null);
  /** While uploading, the share sent so far (0 to 1); null otherwise. */
  readonly progress = signal<number | null>(null);
  private clientId: string | null = null;
  /** Aborts the upload under way (Cancel upload); null when none is. */
  private sending: AbortController | null = null;
  /** Counts choices, so a thumbnail drawn for a file replaced meanwhile is dropped. */
  private generation = 0;
  private readonly upload: (upload: AttachmentUpload) => Promise<Entry>;
  private readonly newClientId: () => string;
  private readonly drawThumbnail: (file: Blob) => Promise<string | null>;

  constructor(deps: AttachmentDeps = {}) {
    this.upload = deps.upload ?? ((upload) => uploadAttachment(upload));
    this.newClientId = deps.newClientId ?? freshId;
    this.drawThumbnail = deps.thumbnail ?? imageThumbnail;
  }

  get uploading(): boolean {
    return this.progress.value !== null;
  }

  /**
   * Takes a file (replacing one waiting) after the quick checks: one that fails them is not
   * taken, and `problem` says why. True when it was taken.
   */
  choose(file: File, name: string = file.name): boolean {
    if (this.uploading) {
      // Only a paste gets here (Attach file is off meanwhile): it must not vanish unsaid.
      this.note.value = WAIT_FOR_UPLOAD;
      return false;
    }
    const problem = fileProblem({ name, type: file.type, size: file.size });
    if (problem !== null) {
      this.problem.value = problem;
      return false;
    }
    this.generation += 1;
    const generation = this.generation;
    this.file.value = file;
    this.name.value = name;
    this.thumbnail.value = null;
    this.problem.value = null;
    // A new file is a new send.
    this.clientId = this.newClientId();
    if (isImage(file)) {
      void this.drawThumbnail(file).then(
        (url) => {
          if (generation === this.generation) this.thumbnail.value = url;
        },
        () => undefined,
      );
    }
    return true;
  }

  /** The writer took the file back (Remove attachment). */
  remove(): void {
    if (this.uploading) return;
    this.clear();
    this.problem.value = null;
  }

  /**
   * Cancel upload: the request is aborted and the file stays, as after a refusal, for another
   * try under the same client id (had the server stored it after all, it answers the original).
   */
  cancel(): void {
    this.sending?.abort();
  }

  /** Puts aside what a refused choice or send said (the file stays). */
  dismissProblem(): void {
    this.problem.value = null;
  }

  /** Uploads the file with its caption; on success the draft is empty again. */
  async send(request: SendAttachment): Promise<UploadOutcome> {
    const file = this.file.value;
    if (file === null || this.uploading) return { kind: "ignored" };
    const clientId = this.clientId ?? (this.clientId = this.newClientId());
    this.problem.value = null;
    this.progress.value = 0;
    const sending = new AbortController();
    this.sending = sending;
    try {
      const entry = await this.upload({
        conversation: request.conversation,
        clientId,
        kind: request.kind,
        body: request.body,
        ...(request.seen === undefined ? {} : { seen: request.seen }),
        file,
        fileName: this.name.value,
        onProgress: (fraction) => {
          if (this.progress.value !== null) this.progress.value = fraction;
        },
        signal: sending.signal,
      });
      this.progress.value = null;
      if (this.file.value === file) this.clear();
      return { kind: "sent", entry };
    } catch (error) {
      this.progress.value = null;
      if (sending.signal.aborted) return { kind: "cancelled" };
      if (error instanceof ApiError && error.code === "stale_view") {
        return { kind: "stale", newer: error.newer ?? 0, message: error.message };
      }
      this.problem.value = refusal(error, this.name.value);
      return { kind: "failed" };
    } finally {
      if (this.sending === sending) this.sending = null;
      this.note.value = null;
    }
  }

  private clear(): void {
    this.generation += 1;
    this.file.value = null;
    this.name.value = "";
    this.thumbnail.value = null;
    this.clientId = null;
  }
}

/** What the writer reads when an upload fails: the server's own words, named after the file. */
function refusal(error: unknown, name: string): string {
  if (error instanceof ApiError) {
    return `${name} was not sent: ${error.message}`;
  }
  return `${name} was not sent: ${error instanceof Error ? error.message : "something went wrong"}.`;
}

const drafts = new Map<string, AttachmentDraft>();

/** The attachment draft of a composer (by its key, e.g. the conversation id), made on first use. */
export function attachmentDraft(key: string): AttachmentDraft {
  let draft = drafts.get(key);
  if (draft === undefined) {
    draft = new AttachmentDraft();
    drafts.set(key, draft);
  }
  return draft;
}

/** Forgets every draft (tests; a sign-out reloads the page anyway). */
export function forgetAttachmentDrafts(): void {
  drafts.clear();
}
