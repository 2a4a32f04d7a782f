/**
 * The file waiting in a composer: a thumbnail of a picture (else a document mark), its name, type
 * and size, and Remove attachment; while it uploads, a progress bar and Cancel upload instead of
 * Remove (a cancelled upload keeps the file). What went wrong with a choice or a send is said
 * under it, in the server's words when the server refused; a paste while it uploads is not taken,
 * and a polite note says so.
 */
import type { AttachmentDraft } from "./attachment";
import { formatSize } from "../format";
import { typeLabel } from "./files";
import { FileIcon, ImageIcon } from "./icons";

export function AttachmentChip({ draft, onRemoved, onCancelled }: { draft: AttachmentDraft; onRemoved?: () => void; onCancelled?: () => void }) {
  const file = draft.file.value;
  const name = draft.name.value;
  const progress = draft.progress.value;
  const thumbnail = draft.thumbnail.value;
  const problem = draft.problem.value;
  const note = draft.note.value;
  if (file === null && problem === null) return null;
  const percent = progress === null ? 0 : Math.round(progress * 100);
  return (
    <div class="attachment-draft">
      {file !== null && (
        <div class={`attachment-chip${progress !== null ? " attachment-chip--uploading" : ""}`} role="group" aria-label={`Attachment ${name}`}>
          {thumbnail !== null ? (
            <img class="attachment-chip__thumbnail" src={thumbnail} alt={`Preview of ${name}`} />
          ) : (
            <span class="attachment-chip__icon">{file.type.startsWith("image/") ? <ImageIcon /> : <FileIcon />}</span>
          )}
          <span class="attachment-chip__text">
            <span class="attachment-chip__name" title={name}>
              {name}
            </span>
            <span class="attachment-chip__meta">
              {typeLabel({ name, type: file.type, size: file.size })} · {formatSize(file.size)}
            </span>
          </span>
          {progress !== null ? (
            <span class="attachment-chip__progress">
              <progress max={100} value={percent} aria-label={`Uploading ${name}`} />
              <span class="attachment-chip__percent" aria-hidden="true">
                {percent}%
              </span>
              <button
                type="button"
                class="icon-button attachment-chip__cancel"
                aria-label="Cancel upload"
                title={`Stop sending ${name} (the file stays here)`}
                onClick={() => {
                  draft.cancel();
                  onCancelled?.();
                }}
              >
                <span aria-hidden="true">✕</span>
              </button>
            </span>
          ) : (
            <button
              type="button"
              class="icon-button attachment-chip__remove"
              aria-label="Remove attachment"
              title={`Remove ${name}`}
              onClick={() => {
                draft.remove();
                onRemoved?.();
              }}
            >
              <span aria-hidden="true">✕</span>
            </button>
          )}
        </div>
      )}
      {problem !== null && (
        <p class="composer__problem attachment-draft__problem" role="alert">
          {problem}
        </p>
      )}
      {/* There while a file waits, so what it says later is read out (politely: nothing is wrong). */}
      {file !== null && (
        <p class="composer__note attachment-draft__note" role="status">
          {note}
        </p>
      )}
    </div>
  );
}
