/**
 * The files of a sent prompt, above its bubble: images as thumbnails that open larger in a
 * lightbox, other files as chips that link to the file. Someone who opened the chat through a
 * share link reads the files through that link (`?share=<token>`, from AttachmentAccess).
 */
import { createContext, useContext, useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { ExternalLink, File as AnyFile, FileCode, FileText, X } from "lucide-react";
import type { AttachmentInfo } from "../../../worker/protocol/index.ts";
import { attachmentUrl, formatBytes, type AttachmentKind } from "../attachments.ts";

/** The share token of the room on screen (undefined in one's own chats). */
export const AttachmentAccess = createContext<string | undefined>(undefined);

export function FileIcon({ kind, size }: { kind: AttachmentKind | null; size: number }) {
  if (kind === "pdf") return <FileText size={size} aria-hidden />;
  if (kind === "text") return <FileCode size={size} aria-hidden />;
  return <AnyFile size={size} aria-hidden />;
}

export function AttachmentList({ attachments }: { attachments: readonly AttachmentInfo[] | undefined }) {
  const share = useContext(AttachmentAccess);
  const [open, setOpen] = useState<AttachmentInfo | null>(null);
  if (!attachments || attachments.length === 0) return null;
  const images = attachments.filter((a) => a.kind === "image");
  const files = attachments.filter((a) => a.kind !== "image");
  return (
    <div className="flex max-w-[85%] flex-col items-end gap-1.5" data-testid="message-attachments">
      {images.length > 0 && (
        <ul aria-label="Images" className="flex flex-wrap justify-end gap-1.5">
          {images.map((image) => (
            <li key={image.id}>
              <button
                type="button"
                onClick={() => setOpen(image)}
                aria-label={`View ${image.name}`}
                className="block overflow-hidden rounded-xl border border-line bg-subtle transition-opacity hover:opacity-90"
              >
                <img
                  src={attachmentUrl(image.id, share)}
                  alt={image.name}
                  data-testid="message-image"
                  loading="lazy"
                  className={`block object-cover ${images.length === 1 ? "max-h-56 max-w-72" : "size-28"}`}
                />
              </button>
            </li>
          ))}
        </ul>
      )}
      {files.length > 0 && (
        <ul aria-label="Files" className="flex flex-wrap justify-end gap-1.5">
          {files.map((file) => (
            <li key={file.id}>
              <a
                href={attachmentUrl(file.id, share)}
                target="_blank"
                rel="noopener noreferrer"
                data-testid="message-file"
                className="flex h-12 max-w-64 items-center gap-2.5 rounded-xl border border-line bg-surface py-1.5 pr-3 pl-2 transition-colors hover:bg-hover"
              >
                <span className="grid size-8 shrink-0 place-items-center rounded-lg bg-subtle text-muted">
                  <FileIcon kind={file.kind} size={16} />
                </span>
                <span className="min-w-0 leading-tight">
                  <span className="block truncate text-[13px] font-medium">{file.name}</span>
                  <span className="block text-[11.5px] text-muted">
                    {file.kind === "pdf" ? "PDF" : "Text"} · {formatBytes(file.size)}
                  </span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <Lightbox image={open} share={share} onClose={() => setOpen(null)} />
    </div>
  );
}

function Lightbox({
  image,
  share,
  onClose,
}: {
  image: AttachmentInfo | null;
  share: string | undefined;
  onClose: () => void;
}) {
  return (
    <Dialog.Root open={image !== null} onOpenChange={(next) => !next && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-overlay motion-safe:animate-fade-in" />
        <Dialog.Content
          data-testid="lightbox"
          aria-describedby={undefined}
          className="fixed top-1/2 left-1/2 z-50 flex max-h-[92vh] w-max max-w-[94vw] -translate-x-1/2 -translate-y-1/2 flex-col overflow-hidden rounded-2xl border border-line bg-surface text-ink shadow-pop motion-safe:animate-pop-in"
        >
          {image && (
            <>
              <div className="flex h-11 items-center gap-2 border-b border-line pr-1.5 pl-4">
                <Dialog.Title className="min-w-0 flex-1 truncate text-sm font-medium">
                  {image.name}
                </Dialog.Title>
                <a
                  href={attachmentUrl(image.id, share)}
                  target="_blank"
                  rel="noopener noreferrer"
                  className="flex h-8 items-center gap-1.5 rounded-lg px-2.5 text-[13px] text-muted hover:bg-hover hover:text-ink"
                >
                  <ExternalLink size={14} aria-hidden />
                  Open in new tab
                </a>
                <Dialog.Close
                  aria-label="Close"
                  className="grid size-8 place-items-center rounded-lg text-muted hover:bg-hover hover:text-ink"
                >
                  <X size={16} aria-hidden />
                </Dialog.Close>
              </div>
              <img
                src={attachmentUrl(image.id, share)}
                alt={image.name}
                className="block max-h-[calc(92vh-2.75rem)] max-w-[94vw] object-contain"
              />
            </>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
