/**
 * The dialogs, loaded on demand (a separate chunk, fetched when the browser is idle): the Ctrl/Cmd+K
 * command palette, the `?` shortcuts sheet and the delete confirmation.
 */
import { useId, type ReactNode } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import type { ConversationSummary } from "#protocol/http";
import { Kbd, modKey } from "./Kbd.tsx";
import { Sheet } from "./Sheet.tsx";

// The palette lives in its own module; it is re-exported so that one chunk still holds all three.
export { CommandPalette } from "./CommandPalette.tsx";

export const SHORTCUTS: [string, string][] = [
  ["Search chats and commands", `${modKey}K`],
  ["New chat", `${modKey}⇧O`],
  ["Focus the composer", "/"],
  ["Switch model", `${modKey}/`],
  ["Toggle the sidebar", `${modKey}B`],
  ["Send", "Enter"],
  ["New line", "⇧Enter"],
  ["Stop the answer", "Esc"],
  ["Show shortcuts", "?"],
];

export function ShortcutsSheet({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Sheet
      open={open}
      onOpenChange={onOpenChange}
      title="Keyboard shortcuts"
      className="w-[min(26rem,calc(100vw-1.5rem))]"
    >
      <div className="px-5 pt-4 pb-2 text-[15px] font-semibold" aria-hidden="true">
        Keyboard shortcuts
      </div>
      <dl className="px-2 pb-3">
        {SHORTCUTS.map(([label, keys]) => (
          <div key={label} className="flex h-10 items-center justify-between rounded-lg px-3 text-sm">
            <dt>{label}</dt>
            <dd>
              <Kbd className="h-6 px-1.5 text-xs">{keys}</Kbd>
            </dd>
          </div>
        ))}
      </dl>
    </Sheet>
  );
}

/** A destructive action asked for once more: Cancel, or the red button that does it. */
export function ConfirmSheet<T>({
  subject,
  title,
  description,
  confirmLabel,
  onCancel,
  onConfirm,
}: {
  /** What the action is about; the sheet is open while it is set. */
  subject: T | null;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  onCancel: () => void;
  onConfirm: (subject: T) => void;
}) {
  const describedBy = useId();
  return (
    <Sheet
      open={subject !== null}
      onOpenChange={(open) => !open && onCancel()}
      title={title}
      describedBy={describedBy}
      className="w-[min(24rem,calc(100vw-1.5rem))] p-5"
    >
      <h2 className="text-base font-semibold" aria-hidden="true">
        {title}
      </h2>
      <p id={describedBy} className="mt-2 text-sm leading-relaxed text-muted">
        {description}
      </p>
      <div className="mt-5 flex justify-end gap-2">
        <Dialog.Close className="h-10 rounded-xl px-4 text-sm font-medium hover:bg-hover">
          Cancel
        </Dialog.Close>
        <button
          type="button"
          autoFocus
          onClick={() => subject !== null && onConfirm(subject)}
          className="h-10 rounded-xl bg-danger px-4 text-sm font-medium text-danger-ink hover:opacity-90"
        >
          {confirmLabel}
        </button>
      </div>
    </Sheet>
  );
}

export function ConfirmDelete({
  conversation,
  onCancel,
  onConfirm,
}: {
  conversation: ConversationSummary | null;
  onCancel: () => void;
  onConfirm: (conversation: ConversationSummary) => void;
}) {
  return (
    <ConfirmSheet
      subject={conversation}
      title="Delete chat?"
      description={`“${conversation?.title || "New chat"}” will be deleted on every device. You can undo this for a few seconds.`}
      confirmLabel="Delete"
      onCancel={onCancel}
      onConfirm={onConfirm}
    />
  );
}
