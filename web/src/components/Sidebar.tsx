import type { ConversationSummary } from "../../../worker/protocol/index.ts";
import { recencyGroup } from "../format.ts";
import { navigate, onLinkClick } from "../router.ts";
import { LogoMark, PlusIcon, XIcon } from "./Icons.tsx";

interface SidebarProps {
  conversations: ConversationSummary[] | null;
  activeId: string | null;
  /** Drawer state on narrow screens (the sidebar is always shown from `md` up). */
  open: boolean;
  onClose: () => void;
}

function groupByRecency(conversations: ConversationSummary[]): [string, ConversationSummary[]][] {
  const groups = new Map<string, ConversationSummary[]>();
  const now = Date.now();
  for (const conversation of conversations) {
    const label = recencyGroup(conversation.updatedAt, now);
    const list = groups.get(label);
    if (list) list.push(conversation);
    else groups.set(label, [conversation]);
  }
  return [...groups.entries()];
}

export function Sidebar({ conversations, activeId, open, onClose }: SidebarProps) {
  return (
    <>
      {open && (
        <div className="fixed inset-0 z-30 bg-black/30 md:hidden" aria-hidden="true" onClick={onClose} />
      )}
      <aside
        aria-label="Sidebar"
        className={`fixed inset-y-0 left-0 z-40 flex w-72 flex-col border-r border-line bg-sidebar transition-transform duration-150 md:static md:z-auto md:w-64 md:translate-x-0 ${
          open ? "translate-x-0" : "-translate-x-full"
        }`}
      >
        <div className="flex h-14 shrink-0 items-center gap-2.5 px-4">
          <LogoMark />
          <span className="text-[15px] font-semibold tracking-tight">Parley</span>
          <button
            type="button"
            onClick={onClose}
            className="ml-auto grid size-9 place-items-center rounded-lg text-muted hover:bg-hover hover:text-ink md:hidden"
            aria-label="Close sidebar"
          >
            <XIcon />
          </button>
        </div>
        <div className="px-3">
          <button
            type="button"
            onClick={() => {
              navigate("/");
              document.getElementById("composer")?.focus();
            }}
            className="flex h-10 w-full items-center gap-2 rounded-xl border border-line bg-surface px-3 text-sm font-medium shadow-xs transition-colors hover:border-line-strong hover:bg-canvas"
          >
            <PlusIcon width={16} height={16} />
            New chat
          </button>
        </div>
        <nav aria-label="Conversations" className="mt-4 min-h-0 flex-1 overflow-y-auto px-2 pb-4">
          {conversations === null ? (
            <div className="space-y-2 px-2 pt-1" aria-hidden="true">
              {[70, 55, 80].map((width) => (
                <div
                  key={width}
                  className="h-3.5 animate-pulse rounded bg-subtle"
                  style={{ width: `${width}%` }}
                />
              ))}
            </div>
          ) : conversations.length === 0 ? (
            <p className="px-3 text-sm text-muted">Your conversations will appear here.</p>
          ) : (
            groupByRecency(conversations).map(([label, items]) => (
              <section key={label} className="mb-4">
                <h2 className="px-3 pb-1 text-xs font-medium text-muted">{label}</h2>
                <ul>
                  {items.map((conversation) => {
                    const active = conversation.id === activeId;
                    return (
                      <li key={conversation.id}>
                        <a
                          href={`/c/${encodeURIComponent(conversation.id)}`}
                          onClick={onLinkClick}
                          aria-current={active ? "page" : undefined}
                          className={`block truncate rounded-lg px-3 py-2 text-sm transition-colors ${
                            active
                              ? "bg-hover font-medium text-ink"
                              : "text-ink/85 hover:bg-hover hover:text-ink"
                          }`}
                        >
                          {conversation.title.trim() || "New chat"}
                        </a>
                      </li>
                    );
                  })}
                </ul>
              </section>
            ))
          )}
        </nav>
      </aside>
    </>
  );
}
