/**
 * The files of a sent prompt, above its bubble: images as thumbnails that open larger in a
 * lightbox, other files as chips that link to the file. Someone who opened the chat through a
 * share link reads the files through that link (`?share=<token>`, from AttachmentAccess).
 */
import { createContext, lazy, Suspense, useContext, useState } from "react";
import { File as AnyFile, FileCode, FileText } from "lucide-react";
import type { AttachmentInfo } from "#protocol/messages";
import { attachmentUrl } from "../api/attachments.ts";
import { formatBytes, type AttachmentKind } from "../attachments.ts";
import { showDirectionControls } from "../direction.ts";

/** The share token of the room on screen (undefined in one's own chats). */
export const AttachmentAccess = createContext<string | undefined>(undefined);

/** The lightbox (and its dialog library) loads the first time an image is opened. */
const Lightbox = lazy(() => import("./AttachmentLightbox.tsx"));

export function FileIcon({ kind, size }: { kind: AttachmentKind | null; size: number }) {
  if (kind === "pdf") return <FileText size={size} aria-hidden />;
  if (kind === "text") return <FileCode size={size} aria-hidden />;
  return <AnyFile size={size} aria-hidden />;
}

export function AttachmentList({ attachments }: { attachments: readonly AttachmentInfo[] | undefined }) {
  const share = useContext(AttachmentAccess);
  const [open, setOpen] = useState<AttachmentInfo | null>(null);
  const [used, setUsed] = useState(false);
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
                onClick={() => {
                  setUsed(true);
                  setOpen(image);
                }}
                aria-label={`View ${showDirectionControls(image.name)}`}
                className="block overflow-hidden rounded-xl border border-line bg-subtle transition-opacity hover:opacity-90"
              >
                <img
                  src={attachmentUrl(image.id, share)}
                  alt={showDirectionControls(image.name)}
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
                  <span className="block truncate text-[13px] font-medium">
                    {showDirectionControls(file.name)}
                  </span>
                  <span className="block text-[11.5px] text-muted">
                    {file.kind === "pdf" ? "PDF" : "Text"} · {formatBytes(file.size)}
                  </span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {used && (
        <Suspense fallback={null}>
          <Lightbox image={open} share={share} onClose={() => setOpen(null)} />
        </Suspense>
      )}
    </div>
  );
}
