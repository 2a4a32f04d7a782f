/** A stand-in for XMLHttpRequest in upload tests: records what was sent, answers when the test says. */
import type { UploadRequest } from "../api";

export class FakeUpload implements UploadRequest {
  /** Every request made since the last `reset`, oldest first. */
  static made: FakeUpload[] = [];

  static reset(): void {
    FakeUpload.made = [];
  }

  /** Aborts every request not answered yet, so no upload's timer outlives its test. */
  static abortPending(): void {
    for (const request of FakeUpload.made) if (!request.settled) request.abort();
  }

  /** The newest request; throws when none was made. */
  static last(): FakeUpload {
    const last = FakeUpload.made.at(-1);
    if (last === undefined) throw new Error("no upload was made");
    return last;
  }

  method = "";
  url = "";
  readonly headers: Record<string, string> = {};
  body: FormData | null = null;
  aborted = false;
  /** Answered, failed or aborted. */
  settled = false;
  status = 0;
  statusText = "";
  responseText = "";
  private readonly responseHeaders: Record<string, string> = {};
  onload: ((event: ProgressEvent) => void) | null = null;
  onerror: ((event: ProgressEvent) => void) | null = null;
  onabort: ((event: ProgressEvent) => void) | null = null;
  readonly upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };

  constructor() {
    FakeUpload.made.push(this);
  }

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  send(body: FormData): void {
    this.body = body;
  }

  abort(): void {
    if (this.settled) return;
    this.aborted = true;
    this.settled = true;
    this.onabort?.({} as ProgressEvent);
  }

  getResponseHeader(name: string): string | null {
    return this.responseHeaders[name.toLowerCase()] ?? null;
  }

  /** The fields of the form sent, in order: text as is, a file as "<name> (<type>, <size> bytes)". */
  fields(): [string, string][] {
    const fields: [string, string][] = [];
    this.body?.forEach((value, name) => {
      fields.push([name, typeof value === "string" ? value : `${value.name} (${value.type}, ${value.size} bytes)`]);
    });
    return fields;
  }

  progress(loaded: number, total: number): void {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
  }

  answer(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.settled = true;
    this.status = status;
    this.responseText = typeof body === "string" ? body : JSON.stringify(body);
    for (const [name, value] of Object.entries(headers)) this.responseHeaders[name.toLowerCase()] = value;
    this.onload?.({} as ProgressEvent);
  }

  failNetwork(): void {
    this.settled = true;
    this.onerror?.({} as ProgressEvent);
  }
}
