import { useState } from "react";
import { Menu, PanelLeftOpen, Share2, SquarePen } from "lucide-react";
import { MAX_TITLE_CHARS } from "#protocol/limits";
import type { Person } from "#protocol/frames";
import type { ConnectionState } from "../room/view-store.ts";
import { ConnectionDot } from "./ConnectionDot.tsx";
import { modKey } from "./Kbd.tsx";
import { Presence } from "./Presence.tsx";

interface ChatHeaderProps {
  title: string;
  /** Renaming is possible (an existing conversation). */
  onRename?: (title: string) => void;
  viewers: number;
  /** Everyone in the room (one entry per person) and which of them is this connection. */
  people?: readonly Person[];
  selfId?: string | null;
  /** The room is shared by link (or was opened through one): shows the "Live" pill. */
  live?: boolean;
  /** The owner may share: opens the share dialog. */
  onShare?: () => void;
  connection: ConnectionState | null;
  sidebarCollapsed: boolean;
  onOpenSidebar: () => void;
  onExpandSidebar: () => void;
  onNewChat: () => void;
}

const iconButton =
  "grid size-9 place-items-center rounded-lg text-muted transition-colors hover:bg-hover hover:text-ink max-md:size-10";

export function ChatHeader({
  title,
  onRename,
  viewers,
  people = [],
  selfId = null,
  live = false,
  onShare,
  connection,
  sidebarCollapsed,
  onOpenSidebar,
  onExpandSidebar,
  onNewChat,
}: ChatHeaderProps) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(title);

  const finish = (save: boolean) => {
    setEditing(false);
    const next = value.trim();
    if (save && next && next !== title) onRename?.(next);
  };

  return (
    <header className="flex h-14 shrink-0 items-center gap-1 px-2 pt-[env(safe-area-inset-top)] sm:px-3">
      <button
        type="button"
        onClick={onOpenSidebar}
        className={`${iconButton} md:hidden`}
        aria-label="Open sidebar"
      >
        <Menu size={19} aria-hidden />
      </button>
      {sidebarCollapsed && (
        <>
          <button
            type="button"
            onClick={onExpandSidebar}
            className={`${iconButton} max-md:hidden`}
            aria-label="Show sidebar"
            title={`Show sidebar (${modKey}+B)`}
          >
            <PanelLeftOpen size={18} aria-hidden />
          </button>
          <button
            type="button"
            onClick={onNewChat}
            className={`${iconButton} max-md:hidden`}
            aria-label="New chat"
            title="New chat"
          >
            <SquarePen size={17} aria-hidden />
          </button>
        </>
      )}
      <div className="min-w-0 flex-1 px-1">
        {editing ? (
          <input
            autoFocus
            value={value}
            maxLength={MAX_TITLE_CHARS}
            aria-label="Chat title"
            onChange={(event) => setValue(event.target.value)}
            onBlur={() => finish(true)}
            onKeyDown={(event) => {
              if (event.key === "Enter") finish(true);
              if (event.key === "Escape") {
                event.stopPropagation();
                finish(false);
              }
            }}
            className="h-8 w-full max-w-md rounded-lg border border-ring bg-surface px-2 text-[15px] font-medium outline-none"
          />
        ) : onRename ? (
          <h1 className="min-w-0">
            <button
              type="button"
              onClick={() => {
                setValue(title);
                setEditing(true);
              }}
              title="Rename"
              className="max-w-full truncate rounded-lg px-1.5 py-1 text-left text-[15px] font-medium hover:bg-hover"
            >
              {title}
            </button>
          </h1>
        ) : (
          <h1 className="truncate px-1.5 text-[15px] font-medium">{title}</h1>
        )}
      </div>
      <div className="flex shrink-0 items-center gap-2 pr-1">
        {connection && <Presence people={people} selfId={selfId} viewers={viewers} live={live} />}
        {onShare && (
          <button
            type="button"
            onClick={onShare}
            className="flex h-8 items-center gap-1.5 rounded-lg px-2.5 text-[13px] font-medium text-muted transition-colors hover:bg-hover hover:text-ink max-md:size-10 max-md:justify-center max-md:px-0"
            aria-label="Share"
            title="Share this chat live"
          >
            <Share2 size={15} aria-hidden />
            <span className="max-md:hidden">Share</span>
          </button>
        )}
        {connection && <ConnectionDot state={connection} />}
      </div>
    </header>
  );
}
