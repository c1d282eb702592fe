/**
 * The frame of Parley's small centred dialogs (the command palette, the shortcuts sheet, the delete
 * confirmation): a Radix dialog over a dimmed page, titled for screen readers only because each
 * dialog shows its own heading, or none.
 */
import type { ReactNode } from "react";
import * as Dialog from "@radix-ui/react-dialog";

export function Sheet({
  open,
  onOpenChange,
  title,
  children,
  className = "",
  describedBy,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  children: ReactNode;
  className?: string;
  describedBy?: string;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-overlay motion-safe:animate-fade-in" />
        <Dialog.Content
          aria-describedby={describedBy}
          className={`fixed top-[12vh] left-1/2 z-50 w-[min(34rem,calc(100vw-1.5rem))] -translate-x-1/2 overflow-hidden rounded-2xl border border-line bg-surface text-ink shadow-pop motion-safe:animate-pop-in ${className}`}
        >
          <Dialog.Title className="sr-only">{title}</Dialog.Title>
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
