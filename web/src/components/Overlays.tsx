/**
 * The dialogs, loaded on demand (a separate chunk, fetched when the browser is idle): the Ctrl/Cmd+K
 * command palette, the `?` shortcuts sheet and the delete confirmation.
 */
import { useMemo, useState, type KeyboardEvent, type ReactNode } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { MessageSquare, Moon, Search, Settings, SquarePen, Keyboard } from "lucide-react";
import type { ConversationSummary } from "../../../worker/protocol/index.ts";
import { Kbd, modKey } from "./Kbd.tsx";

function Sheet({
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

export interface PaletteAction {
  id: string;
  label: string;
  icon: "new" | "settings" | "theme" | "shortcuts";
  hint?: string;
  run: () => void;
}

const ACTION_ICONS = { new: SquarePen, settings: Settings, theme: Moon, shortcuts: Keyboard };

export function CommandPalette({
  open,
  onOpenChange,
  conversations,
  actions,
  onOpenConversation,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  conversations: ConversationSummary[];
  actions: PaletteAction[];
  onOpenConversation: (id: string) => void;
}) {
  return (
    <Sheet open={open} onOpenChange={onOpenChange} title="Search chats and commands">
      <PaletteBody
        conversations={conversations}
        actions={actions}
        onOpenConversation={onOpenConversation}
        close={() => onOpenChange(false)}
      />
    </Sheet>
  );
}

type Entry =
  | { kind: "action"; id: string; action: PaletteAction }
  | { kind: "chat"; id: string; conversation: ConversationSummary };

function PaletteBody({
  conversations,
  actions,
  onOpenConversation,
  close,
}: {
  conversations: ConversationSummary[];
  actions: PaletteAction[];
  onOpenConversation: (id: string) => void;
  close: () => void;
}) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const entries = useMemo<Entry[]>(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const match = (text: string) => words.every((word) => text.toLowerCase().includes(word));
    const chats = conversations
      .filter((c) => match(c.title || "New chat"))
      .slice(0, 50)
      .map((conversation): Entry => ({ kind: "chat", id: `chat-${conversation.id}`, conversation }));
    const commands = actions
      .filter((action) => match(action.label))
      .map((action): Entry => ({ kind: "action", id: `action-${action.id}`, action }));
    return words.length > 0 ? [...chats, ...commands] : [...commands, ...chats];
  }, [query, conversations, actions]);
  const activeIndex = Math.min(active, Math.max(entries.length - 1, 0));

  const run = (entry: Entry | undefined) => {
    if (!entry) return;
    close();
    if (entry.kind === "action") entry.action.run();
    else onOpenConversation(entry.conversation.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next =
        (activeIndex + (event.key === "ArrowDown" ? 1 : -1) + entries.length) % Math.max(entries.length, 1);
      setActive(next);
      document.getElementById(`palette-${entries[next]?.id}`)?.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      event.preventDefault();
      run(entries[activeIndex]);
    }
  };

  return (
    <>
      <div className="flex items-center gap-2.5 border-b border-line px-4">
        <Search size={17} aria-hidden className="shrink-0 text-muted" />
        <input
          autoFocus
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          placeholder="Search chats or type a command…"
          aria-label="Search chats and commands"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={entries[activeIndex] ? `palette-${entries[activeIndex].id}` : undefined}
          className="h-13 flex-1 bg-transparent text-[15px] placeholder:text-muted focus:outline-none"
        />
        <Kbd>Esc</Kbd>
      </div>
      <div
        id="palette-list"
        role="listbox"
        aria-label="Results"
        className="max-h-[min(24rem,60vh)] overflow-y-auto p-1.5"
      >
        {entries.length === 0 && (
          <p className="px-3 py-8 text-center text-sm text-muted">Nothing matches “{query}”.</p>
        )}
        {entries.map((entry, index) => {
          const Icon = entry.kind === "action" ? ACTION_ICONS[entry.action.icon] : MessageSquare;
          return (
            <div
              key={entry.id}
              id={`palette-${entry.id}`}
              role="option"
              aria-selected={index === activeIndex}
              onMouseMove={() => setActive(index)}
              onClick={() => run(entry)}
              className="flex h-10 items-center gap-3 rounded-lg px-3 text-sm aria-selected:bg-hover"
            >
              <Icon size={16} aria-hidden className="shrink-0 text-muted" />
              <span className="flex-1 truncate">
                {entry.kind === "action" ? entry.action.label : entry.conversation.title || "New chat"}
              </span>
              {entry.kind === "action" && entry.action.hint && <Kbd>{entry.action.hint}</Kbd>}
            </div>
          );
        })}
      </div>
    </>
  );
}

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
    <Sheet
      open={conversation !== null}
      onOpenChange={(open) => !open && onCancel()}
      title="Delete chat?"
      describedBy="delete-description"
      className="w-[min(24rem,calc(100vw-1.5rem))] p-5"
    >
      <h2 className="text-base font-semibold" aria-hidden="true">
        Delete chat?
      </h2>
      <p id="delete-description" className="mt-2 text-sm leading-relaxed text-muted">
        “{conversation?.title || "New chat"}” will be deleted on every device. This can’t be undone.
      </p>
      <div className="mt-5 flex justify-end gap-2">
        <Dialog.Close className="h-10 rounded-xl px-4 text-sm font-medium hover:bg-hover">
          Cancel
        </Dialog.Close>
        <button
          type="button"
          autoFocus
          onClick={() => conversation && onConfirm(conversation)}
          className="h-10 rounded-xl bg-danger px-4 text-sm font-medium text-danger-ink hover:opacity-90"
        >
          Delete
        </button>
      </div>
    </Sheet>
  );
}
