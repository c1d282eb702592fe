/**
 * The sidebar: New chat, search (the palette), conversations grouped by recency with pinned ones on
 * top, a menu per row (rename, pin, delete), and the account entry at the bottom. A static column from
 * `md` up (collapsible with Ctrl/Cmd+B), a drawer on phones.
 */
import { useMemo } from "react";
import { PanelLeftClose, Search, Settings, SquarePen, X } from "lucide-react";
import type { ConversationSummary } from "#protocol/http";
import type { SessionUser } from "#protocol/http";
import { RECENCY_GROUPS, recencyGroup } from "../format.ts";
import { onLinkClick } from "../router.ts";
import { AccountButton } from "./AccountButton.tsx";
import { Kbd, modKey } from "./Kbd.tsx";
import { LogoMark } from "./Logo.tsx";
import { ConversationRow } from "./ConversationRow.tsx";
import { ThemeToggle } from "./ThemeToggle.tsx";

export interface SidebarProps {
  conversations: ConversationSummary[] | null;
  activeId: string | null;
  /** Drawer state on narrow screens. */
  open: boolean;
  onClose: () => void;
  /** Hidden on wide screens (Ctrl/Cmd+B). */
  collapsed: boolean;
  onCollapse: () => void;
  onNewChat: () => void;
  onSearch: () => void;
  onRename: (id: string, title: string) => void;
  onPin: (id: string, pinned: boolean) => void;
  onDelete: (conversation: ConversationSummary) => void;
  /** Who this browser is (null until known: shown as a guest). */
  user: SessionUser | null;
  onSignIn: () => void;
  onSignOut: (everywhere: boolean) => void;
}

export function groupConversations(
  conversations: ConversationSummary[],
  now = Date.now(),
): [string, ConversationSummary[]][] {
  const groups = new Map<string, ConversationSummary[]>([["Pinned", []]]);
  for (const label of RECENCY_GROUPS) groups.set(label, []);
  for (const conversation of conversations) {
    const label = conversation.pinned ? "Pinned" : recencyGroup(conversation.updatedAt, now);
    groups.get(label)?.push(conversation);
  }
  return [...groups.entries()].filter(([, list]) => list.length > 0);
}

export function Sidebar(props: SidebarProps) {
  const { conversations, activeId, open, onClose, collapsed, onCollapse, onNewChat, onSearch } = props;
  const groups = useMemo(() => (conversations ? groupConversations(conversations) : []), [conversations]);

  return (
    <>
      {open && (
        <div
          className="fixed inset-0 z-30 bg-overlay motion-safe:animate-fade-in md:hidden"
          aria-hidden="true"
          onClick={onClose}
        />
      )}
      <aside
        aria-label="Sidebar"
        data-open={open}
        onKeyDown={(event) => {
          if (event.key === "Escape" && open) onClose();
        }}
        className={`fixed inset-y-0 left-0 z-40 flex w-[min(18rem,85vw)] flex-col border-r border-line bg-sidebar pt-[env(safe-area-inset-top)] transition-transform duration-150 ease-out md:static md:z-auto md:w-64 md:translate-x-0 ${
          open ? "translate-x-0 shadow-pop" : "-translate-x-full max-md:invisible"
        } ${collapsed ? "md:hidden" : ""}`}
      >
        <div className="flex h-14 shrink-0 items-center gap-2.5 pr-2 pl-4">
          <LogoMark size={22} />
          <span className="text-[15px] font-semibold tracking-tight">Parley</span>
          <button
            type="button"
            onClick={onClose}
            className="ml-auto grid size-10 place-items-center rounded-lg text-muted hover:bg-hover hover:text-ink md:hidden"
            aria-label="Close sidebar"
          >
            <X size={18} aria-hidden />
          </button>
          <button
            type="button"
            onClick={onCollapse}
            className="ml-auto grid size-8 place-items-center rounded-lg text-muted hover:bg-hover hover:text-ink max-md:hidden"
            aria-label="Hide sidebar"
            title={`Hide sidebar (${modKey}+B)`}
          >
            <PanelLeftClose size={17} aria-hidden />
          </button>
        </div>
        <div className="space-y-1 px-3">
          <button
            type="button"
            onClick={onNewChat}
            title={`New chat (${modKey}⇧O)`}
            className="flex h-10 w-full items-center gap-2.5 rounded-xl bg-accent px-3 text-sm font-medium text-accent-ink shadow-xs transition-colors hover:bg-accent-hover"
          >
            <SquarePen size={16} aria-hidden />
            New chat
          </button>
          <button
            type="button"
            onClick={onSearch}
            className="flex h-10 w-full items-center gap-2.5 rounded-xl px-3 text-sm text-muted transition-colors hover:bg-hover hover:text-ink"
          >
            <Search size={16} aria-hidden />
            Search chats
            <Kbd className="ml-auto max-md:hidden">{modKey}K</Kbd>
          </button>
        </div>
        <nav aria-label="Conversations" className="mt-3 min-h-0 flex-1 overflow-y-auto px-2 pb-4">
          {conversations === null ? (
            <div className="space-y-3 px-3 pt-2" aria-hidden="true">
              {[72, 54, 80, 60].map((width) => (
                <div
                  key={width}
                  className="h-3 animate-skeleton rounded bg-subtle"
                  style={{ width: `${width}%` }}
                />
              ))}
            </div>
          ) : conversations.length === 0 ? (
            <p className="px-3 pt-1 text-[13px] leading-relaxed text-muted">Your chats will appear here.</p>
          ) : (
            groups.map(([label, items]) => (
              <section key={label} className="mb-3" aria-labelledby={`group-${label}`}>
                <h2 id={`group-${label}`} className="px-3 pt-2 pb-1 text-[11.5px] font-medium text-muted">
                  {label}
                </h2>
                <ul>
                  {items.map((conversation) => (
                    <ConversationRow
                      key={conversation.id}
                      conversation={conversation}
                      active={conversation.id === activeId}
                      onRename={props.onRename}
                      onPin={props.onPin}
                      onDelete={props.onDelete}
                    />
                  ))}
                </ul>
              </section>
            ))
          )}
        </nav>
        <div className="flex shrink-0 items-center gap-1 border-t border-line px-2 py-2 pb-[max(0.5rem,env(safe-area-inset-bottom))]">
          <AccountButton user={props.user} onSignIn={props.onSignIn} onSignOut={props.onSignOut} />
          {/* Accounts reach Settings from their menu; the room goes to their name. */}
          {props.user?.kind !== "user" && (
            <a
              href="/settings"
              onClick={onLinkClick}
              aria-label="Settings"
              title="Settings"
              className="grid size-10 shrink-0 place-items-center rounded-lg text-muted transition-colors hover:bg-hover hover:text-ink"
            >
              <Settings size={17} aria-hidden />
            </a>
          )}
          <ThemeToggle />
        </div>
      </aside>
    </>
  );
}
