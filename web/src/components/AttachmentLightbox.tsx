/** The lightbox of AttachmentList: an image of a sent prompt, larger (a chunk of its own). */
import * as Dialog from "@radix-ui/react-dialog";
import { ExternalLink, X } from "lucide-react";
import type { AttachmentInfo } from "#protocol/messages";
import { attachmentUrl } from "../api/attachments.ts";
import { showDirectionControls } from "../direction.ts";

export default function Lightbox({
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
                  {showDirectionControls(image.name)}
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
                alt={showDirectionControls(image.name)}
                className="block max-h-[calc(92vh-2.75rem)] max-w-[94vw] object-contain"
              />
            </>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
