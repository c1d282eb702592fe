/**
 * The dialogs, loaded on demand (a separate chunk, fetched when the browser is idle): the Ctrl/Cmd+K
 * command palette, the `?` shortcuts sheet and the delete confirmation.
 */
import { useEffect, useMemo, useState, type KeyboardEvent, type ReactNode } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { MessageSquare, MessageSquareText, Moon, Search, Settings, SquarePen, Keyboard } from "lucide-react";
import type { ConversationSummary } from "#protocol/http";
import type { SearchResult } from "#protocol/library";
import { searchHistory } from "../library-api.ts";
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
  | { kind: "chat"; id: string; conversation: ConversationSummary }
  | { kind: "hit"; id: string; result: SearchResult };

/** Pause after the last keystroke before asking the server (titles filter locally at once). */
const SEARCH_DEBOUNCE_MS = 150;

interface MessageSearch {
  /** The query these results answer. */
  query: string;
  results: SearchResult[];
  failed: boolean;
}

/**
 * Server-side search of message text (and of titles beyond the local list), debounced; a request
 * still on its way when the text changes again is aborted, so a late answer never wins.
 */
function useMessageSearch(query: string): MessageSearch | null {
  const [search, setSearch] = useState<MessageSearch | null>(null);
  const trimmed = query.trim();
  useEffect(() => {
    if (trimmed === "") return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      searchHistory(trimmed, controller.signal).then(
        (results) => setSearch({ query: trimmed, results, failed: false }),
        () => {
          if (!controller.signal.aborted) setSearch({ query: trimmed, results: [], failed: true });
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [trimmed]);
  // Results of an earlier query stay until the new ones arrive (less flicker while typing).
  return trimmed === "" ? null : search;
}

/** A matched snippet with its hits highlighted; text only, never HTML from the server. */
function Snippet({ parts }: { parts: SearchResult["snippet"] }) {
  return (
    <>
      {parts.map((part, index) =>
        part.match ? (
          <mark key={index} className="rounded-sm bg-accent-soft px-0.5 text-ink">
            {part.text}
          </mark>
        ) : (
          <span key={index}>{part.text}</span>
        ),
      )}
    </>
  );
}

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
  const search = useMessageSearch(query);
  const entries = useMemo<Entry[]>(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const match = (text: string) => words.every((word) => text.toLowerCase().includes(word));
    const matching = conversations.filter((c) => match(c.title || "New chat")).slice(0, 50);
    const chats = matching.map((conversation): Entry => ({
      kind: "chat",
      id: `chat-${conversation.id}`,
      conversation,
    }));
    const commands = actions
      .filter((action) => match(action.label))
      .map((action): Entry => ({ kind: "action", id: `action-${action.id}`, action }));
    if (words.length === 0) return [...commands, ...chats];
    // Title hits the local list already shows are not repeated; older chats' titles are.
    const shown = new Set(matching.map((c) => c.id));
    const hits = (search?.results ?? [])
      .filter((result) => result.messageId !== null || !shown.has(result.conversationId))
      .map((result): Entry => ({
        kind: "hit",
        id: `hit-${result.messageId ?? result.conversationId}`,
        result,
      }));
    return [...chats, ...hits, ...commands];
  }, [query, conversations, actions, search]);
  const activeIndex = Math.min(active, Math.max(entries.length - 1, 0));
  const firstHit = entries.findIndex((entry) => entry.kind === "hit");

  const run = (entry: Entry | undefined) => {
    if (!entry) return;
    close();
    if (entry.kind === "action") entry.action.run();
    else if (entry.kind === "chat") onOpenConversation(entry.conversation.id);
    else onOpenConversation(entry.result.conversationId);
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

  const searching = query.trim() !== "" && search?.query !== query.trim();

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
        aria-busy={searching}
        className="max-h-[min(24rem,60vh)] overflow-y-auto p-1.5"
      >
        {entries.length === 0 && !searching && (
          <p className="px-3 py-8 text-center text-sm text-muted">Nothing matches “{query}”.</p>
        )}
        {entries.length === 0 && searching && (
          <p className="px-3 py-8 text-center text-sm text-muted">Searching your messages…</p>
        )}
        {entries.map((entry, index) => {
          const selected = index === activeIndex;
          const heading =
            index === firstHit ? (
              <div role="presentation" className="px-3 pt-2.5 pb-1 text-[11.5px] font-medium text-muted">
                Messages
              </div>
            ) : null;
          if (entry.kind === "hit") {
            return (
              <div key={entry.id}>
                {heading}
                <div
                  id={`palette-${entry.id}`}
                  role="option"
                  aria-selected={selected}
                  data-testid="palette-hit"
                  onMouseMove={() => setActive(index)}
                  onClick={() => run(entry)}
                  className="flex items-start gap-3 rounded-lg px-3 py-2 text-sm aria-selected:bg-hover"
                >
                  <MessageSquareText size={16} aria-hidden className="mt-0.5 shrink-0 text-muted" />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-medium">
                      {entry.result.messageId === null ? (
                        <Snippet parts={entry.result.snippet} />
                      ) : (
                        entry.result.title || "New chat"
                      )}
                    </span>
                    {entry.result.messageId !== null && (
                      <span className="mt-0.5 line-clamp-2 text-[13px] leading-snug text-muted">
                        <Snippet parts={entry.result.snippet} />
                      </span>
                    )}
                  </span>
                </div>
              </div>
            );
          }
          const Icon = entry.kind === "action" ? ACTION_ICONS[entry.action.icon] : MessageSquare;
          return (
            <div
              key={entry.id}
              id={`palette-${entry.id}`}
              role="option"
              aria-selected={selected}
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
        {search?.failed && search.query === query.trim() && (
          <p className="px-3 py-2 text-[13px] text-muted">Could not search your messages just now.</p>
        )}
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
        “{conversation?.title || "New chat"}” will be deleted on every device. You can undo this for a few
        seconds.
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
