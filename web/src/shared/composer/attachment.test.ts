import { describe, expect, it } from "vitest";
import { ApiError, type AttachmentUpload } from "../api";
import type { Entry } from "../wire";
import { AttachmentDraft } from "./attachment";

const png = (name = "image.png", size = 8) => new File([new Uint8Array(size)], name, { type: "image/png" });

function stored(upload: AttachmentUpload): Entry {
  return { conversation: upload.conversation, seq: 5, kind: upload.kind, body: upload.body, client_id: upload.clientId, at: "2026-11-30T22:50:00Z" };
}

/** A draft whose uploads the test answers: `answers` are taken in order (an ApiError rejects). */
function setup(answers: (Entry | ApiError | "stored")[] = ["stored"]) {
  const uploads: AttachmentUpload[] = [];
  let ids = 0;
  const thumbnails: Blob[] = [];
  const draft = new AttachmentDraft({
    upload: async (upload) => {
      uploads.push(upload);
      upload.onProgress?.(0.5);
      const answer = answers.shift() ?? "stored";
      if (answer instanceof ApiError) throw answer;
      return answer === "stored" ? stored(upload) : answer;
    },
    newClientId: () => `k-${++ids}`,
    thumbnail: async (file) => {
      thumbnails.push(file);
      return "data:image/png;base64,AAAA";
    },
  });
  return { draft, uploads, thumbnails };
}

describe("the file waiting in a composer", () => {
  it("takes_a_picture_with_a_thumbnail_and_sends_it_once_with_its_caption", async () => {
    const { draft, uploads } = setup();
    expect(draft.choose(png(), "Screenshot 2026-11-30 22.50.png")).toBe(true);
    expect(draft.name.value).toBe("Screenshot 2026-11-30 22.50.png");
    await Promise.resolve();
    expect(draft.thumbnail.value, "a picture gets a data: thumbnail (the CSP allows no blob: images)").toBe("data:image/png;base64,AAAA");

    const outcome = await draft.send({ conversation: "c1", kind: "comment", body: "This is what I see", seen: 4 });
    expect(outcome.kind).toBe("sent");
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ conversation: "c1", clientId: "k-1", kind: "comment", body: "This is what I see", seen: 4, fileName: "Screenshot 2026-11-30 22.50.png" });
    expect([draft.file.value, draft.thumbnail.value, draft.progress.value], "sent: the chip goes").toEqual([null, null, null]);
  });

  it("refuses_a_file_the_quick_checks_refuse_and_keeps_the_one_waiting", () => {
    const { draft } = setup();
    draft.choose(png("first.png"));
    expect(draft.choose(new File(["MZ"], "setup.exe", { type: "application/x-msdownload" }))).toBe(false);
    expect(draft.problem.value).toContain("setup.exe cannot be sent");
    expect(draft.file.value?.name, "the file chosen before is still there").toBe("first.png");
    draft.remove();
    expect([draft.file.value, draft.problem.value]).toEqual([null, null]);
  });

  it("a_refused_upload_keeps_the_file_with_the_servers_words_and_a_retry_repeats_the_client_id", async () => {
    const { draft, uploads } = setup([new ApiError(415, "unsupported_type", "Only pictures, PDF documents and text files can be sent."), "stored"]);
    draft.choose(png("photo.png"));
    const first = await draft.send({ conversation: "c1", kind: "comment", body: "look" });
    expect(first.kind).toBe("failed");
    expect(draft.file.value?.name, "the file stays for another try").toBe("photo.png");
    expect(draft.problem.value).toBe("photo.png was not sent: Only pictures, PDF documents and text files can be sent.");
    expect(draft.progress.value).toBeNull();

    await draft.send({ conversation: "c1", kind: "comment", body: "look" });
    expect(uploads.map((u) => u.clientId), "the same send tried again: the server stores it once").toEqual(["k-1", "k-1"]);
    expect(draft.problem.value).toBeNull();

    draft.choose(png("other.png"));
    await draft.send({ conversation: "c1", kind: "comment", body: "" });
    expect(uploads.at(-1)?.clientId, "another file is another send").toBe("k-2");
  });

  it("a_stale_view_refusal_is_told_apart_and_keeps_the_file", async () => {
    const { draft } = setup([new ApiError(409, "stale_view", "2 new messages since you started typing", null, null, 2)]);
    draft.choose(png());
    const outcome = await draft.send({ conversation: "c1", kind: "work_note", body: "", seen: 3 });
    expect(outcome).toEqual({ kind: "stale", newer: 2, message: "2 new messages since you started typing" });
    expect(draft.file.value, "nothing was stored: the file waits").not.toBeNull();
    expect(draft.problem.value, "the composer's notice says it, not the chip").toBeNull();
  });

  it("shows_progress_while_uploading_and_takes_no_second_send_or_other_file_meanwhile", async () => {
    let finish: (entry: Entry) => void = () => undefined;
    const calls: AttachmentUpload[] = [];
    const draft = new AttachmentDraft({
      upload: (upload) => {
        calls.push(upload);
        upload.onProgress?.(0.25);
        return new Promise((resolve) => (finish = resolve));
      },
      newClientId: () => "k-1",
      thumbnail: async () => null,
    });
    draft.choose(png());
    const sending = draft.send({ conversation: "c1", kind: "comment", body: "" });
    expect(draft.progress.value).toBe(0.25);
    expect((await draft.send({ conversation: "c1", kind: "comment", body: "" })).kind, "a second Send while it uploads").toBe("ignored");
    expect(draft.choose(png("other.png")), "no other file while it uploads").toBe(false);
    draft.remove();
    expect(draft.file.value, "nor a Remove").not.toBeNull();
    finish(stored(calls[0] as AttachmentUpload));
    await sending;
    expect(calls).toHaveLength(1);
    expect(draft.progress.value).toBeNull();
  });

  it("cancel_stops_the_upload_and_keeps_the_file_for_another_try", async () => {
    const calls: AttachmentUpload[] = [];
    const draft = new AttachmentDraft({
      // As uploadAttachment does: the request is aborted with the signal.
      upload: (upload) => {
        calls.push(upload);
        upload.onProgress?.(0.25);
        return new Promise((_resolve, reject) => upload.signal?.addEventListener("abort", () => reject(new DOMException("The upload was cancelled.", "AbortError"))));
      },
      newClientId: () => "k-1",
      thumbnail: async () => null,
    });
    draft.choose(png("photo.png"));
    const sending = draft.send({ conversation: "c1", kind: "comment", body: "look" });
    expect(draft.uploading).toBe(true);
    draft.cancel();
    expect(calls[0]?.signal?.aborted, "the request is aborted").toBe(true);
    expect(await sending).toEqual({ kind: "cancelled" });
    expect([draft.file.value?.name, draft.progress.value, draft.problem.value], "the file stays, nothing is wrong").toEqual(["photo.png", null, null]);
    void draft.send({ conversation: "c1", kind: "comment", body: "look" });
    expect(calls.map((c) => c.clientId), "tried again: the same send (the server stores it once)").toEqual(["k-1", "k-1"]);
    expect(calls[1]?.signal?.aborted, "a new try is not cancelled").toBe(false);
  });

  it("a_stalled_upload_keeps_the_file_and_says_what_happened", async () => {
    const { draft } = setup([new ApiError(0, "upload_stalled", "Nothing reached the server for 2 minutes. Check your connection and try again.")]);
    draft.choose(png("photo.png"));
    expect((await draft.send({ conversation: "c1", kind: "comment", body: "" })).kind).toBe("failed");
    expect(draft.file.value?.name).toBe("photo.png");
    expect(draft.problem.value).toBe("photo.png was not sent: Nothing reached the server for 2 minutes. Check your connection and try again.");
  });
});
