/**
 * The files attached in the composer, as chips above the textarea: a thumbnail for images, an
 * icon with name and size for other files, a thin progress bar while uploading, the server's
 * reason when it refused a file, and a × that takes the file off again.
 */
import { AlertCircle, FileText, X } from "lucide-react";
import { attachmentUrl } from "../api/attachments.ts";
import { formatBytes, type DraftAttachment } from "../attachments.ts";
import { showDirectionControls } from "../direction.ts";
import { FileIcon } from "./AttachmentList.tsx";

interface AttachmentChipsProps {
  items: readonly DraftAttachment[];
  onRemove: (key: string) => void;
}

export function AttachmentChips({ items, onRemove }: AttachmentChipsProps) {
  if (items.length === 0) return null;
  return (
    <ul aria-label="Attached files" className="flex flex-wrap gap-2 px-3 pt-3" data-testid="attachment-chips">
      {items.map((item) => (
        <Chip key={item.key} item={item} onRemove={() => onRemove(item.key)} />
      ))}
    </ul>
  );
}

function stateLabel(item: DraftAttachment): string {
  if (item.status === "uploading") return `uploading, ${Math.round(item.progress * 100)}%`;
  if (item.status === "error") return `not uploaded: ${item.error ?? "failed"}`;
  return formatBytes(item.size);
}

function Chip({ item, onRemove }: { item: DraftAttachment; onRemove: () => void }) {
  // The name as it is: direction controls shown as ⟨U+XXXX⟩, never applied.
  const name = showDirectionControls(item.name);
  const image = item.kind === "image" && item.status !== "error";
  const src = item.info ? attachmentUrl(item.info.id) : item.preview;
  const remove = (
    <button
      type="button"
      onClick={onRemove}
      aria-label={`Remove ${name}`}
      title="Remove"
      className={
        image
          ? "absolute -top-1.5 -right-1.5 grid size-5 place-items-center rounded-full border border-line bg-surface text-muted shadow-sm transition-colors hover:bg-hover hover:text-ink max-sm:size-6"
          : "grid size-6 shrink-0 place-items-center rounded-md text-muted transition-colors hover:bg-hover hover:text-ink"
      }
    >
      <X size={image ? 12 : 14} aria-hidden />
    </button>
  );
  const progress =
    item.status === "uploading" ? (
      <span
        role="progressbar"
        aria-label={`Uploading ${name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(item.progress * 100)}
        className="absolute inset-x-1.5 bottom-1 h-1 overflow-hidden rounded-full bg-line"
      >
        <span
          className="block h-full rounded-full bg-accent transition-[width] duration-150"
          style={{ width: `${Math.max(6, Math.round(item.progress * 100))}%` }}
        />
      </span>
    ) : null;

  if (image) {
    return (
      <li
        className="relative size-14 shrink-0 motion-safe:animate-fade-in"
        data-testid="attachment-chip"
        data-status={item.status}
        data-kind="image"
        aria-label={`${name}, ${stateLabel(item)}`}
      >
        {src ? (
          <img
            src={src}
            alt={name}
            className={`size-14 rounded-xl border border-line object-cover ${item.status === "uploading" ? "opacity-60" : ""}`}
          />
        ) : (
          <span className="grid size-14 place-items-center rounded-xl border border-line bg-subtle text-muted">
            <FileText size={18} aria-hidden />
          </span>
        )}
        {progress}
        {remove}
      </li>
    );
  }

  const failed = item.status === "error";
  return (
    <li
      className={`relative flex min-h-14 max-w-[min(20rem,100%)] min-w-0 items-center gap-2.5 rounded-xl border py-2 pr-1.5 pl-2.5 motion-safe:animate-fade-in ${failed ? "border-danger/40 bg-danger/5" : "border-line bg-subtle/60"}`}
      data-testid="attachment-chip"
      data-status={item.status}
      data-kind={item.kind ?? "file"}
      aria-label={`${name}, ${stateLabel(item)}`}
    >
      <span
        className={`grid size-9 shrink-0 place-items-center rounded-lg ${failed ? "bg-danger/10 text-danger" : "bg-surface text-muted"}`}
      >
        {failed ? <AlertCircle size={17} aria-hidden /> : <FileIcon kind={item.kind} size={17} />}
      </span>
      <span className="min-w-0 flex-1 leading-tight">
        <span className="block truncate text-[13px] font-medium">{name}</span>
        {failed ? (
          <span
            role="alert"
            data-testid="attachment-error"
            title={item.error ?? undefined}
            className="line-clamp-3 text-[11.5px] text-danger"
          >
            {item.error}
          </span>
        ) : (
          <span className="block text-[11.5px] text-muted">
            {item.status === "uploading"
              ? `Uploading… ${Math.round(item.progress * 100)}%`
              : formatBytes(item.size)}
          </span>
        )}
      </span>
      {progress}
      {remove}
    </li>
  );
}
