/** The admin's dialog frame: a title, a line of description, then its content. */
import type { ReactNode } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { X } from "lucide-react";

export function Modal({
  open,
  onOpenChange,
  title,
  description,
  wide = false,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: string;
  /** A longer form (a plan): wider, and it scrolls inside the window. */
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-overlay motion-safe:animate-fade-in" />
        <Dialog.Content
          className={`fixed left-1/2 z-50 -translate-x-1/2 overflow-y-auto ${
            wide
              ? "top-[6vh] max-h-[88vh] w-[min(40rem,calc(100vw-1.5rem))]"
              : "top-[12vh] max-h-[80vh] w-[min(32rem,calc(100vw-1.5rem))]"
          } rounded-2xl border border-line bg-surface p-5 text-ink shadow-pop motion-safe:animate-pop-in`}
        >
          <div className="flex items-start justify-between gap-3">
            <Dialog.Title className="text-base font-semibold">{title}</Dialog.Title>
            <Dialog.Close
              aria-label="Close"
              className="-mt-1 -mr-1 grid size-8 place-items-center rounded-lg text-muted hover:bg-hover hover:text-ink"
            >
              <X size={16} aria-hidden />
            </Dialog.Close>
          </div>
          <Dialog.Description className="mt-1.5 text-sm leading-relaxed text-muted">
            {description}
          </Dialog.Description>
          <div className="mt-4">{children}</div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
