/**
 * The Ctrl/Cmd+K command palette: one list of actions, chats whose title matches and, once the
 * server answers, messages that mention the words typed; arrows move, Enter opens.
 */
import { useMemo, useState, type KeyboardEvent } from "react";
import { MessageSquare, MessageSquareText, Moon, Search, Settings, SquarePen, Keyboard } from "lucide-react";
import type { ConversationSummary } from "#protocol/http";
import type { SearchResult } from "#protocol/library";
import { Kbd } from "./Kbd.tsx";
import { Snippet, useMessageSearch } from "./MessageSearch.tsx";
import { Sheet } from "./Sheet.tsx";

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
