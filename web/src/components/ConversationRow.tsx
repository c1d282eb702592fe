import { lazy, memo, Suspense, useEffect, useRef, useState } from "react";
import { Ellipsis } from "lucide-react";
import { MAX_TITLE_CHARS } from "#protocol/limits";
import type { ConversationSummary } from "#protocol/http";
import { onLinkClick } from "../router.ts";
import { menuTriggerClass } from "./menu-trigger.ts";

interface ConversationRowProps {
  conversation: ConversationSummary;
  active: boolean;
  onRename: (id: string, title: string) => void;
  onPin: (id: string, pinned: boolean) => void;
  onDelete: (conversation: ConversationSummary) => void;
}

// The menu (Radix + its positioning engine) is its own chunk; until it arrives, a look-alike button
// takes the click and the menu opens as soon as it has loaded.
const RowMenu = lazy(() => import("./RowMenu.tsx"));

function MenuTriggerLook({
  title,
  active,
  onClick,
}: {
  title: string;
  active: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      aria-label={`Options for ${title}`}
      onClick={onClick}
      className={menuTriggerClass(active)}
    >
      <Ellipsis size={16} aria-hidden />
    </button>
  );
}

export const ConversationRow = memo(function ConversationRow({
  conversation,
  active,
  onRename,
  onPin,
  onDelete,
}: ConversationRowProps) {
  const [renaming, setRenaming] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const title = conversation.title.trim() || "New chat";

  return (
    <li className="group/row relative" data-testid="conversation-row" data-conversation-id={conversation.id}>
      {renaming ? (
        <RenameInput
          initial={conversation.title}
          onDone={(next) => {
            setRenaming(false);
            if (next !== null && next !== conversation.title) onRename(conversation.id, next);
          }}
        />
      ) : (
        <a
          href={`/c/${encodeURIComponent(conversation.id)}`}
          onClick={onLinkClick}
          aria-current={active ? "page" : undefined}
          title={title}
          className={`flex h-9 items-center rounded-lg pr-9 pl-3 text-sm transition-colors max-md:h-11 ${
            active ? "bg-hover font-medium text-ink" : "text-ink/80 hover:bg-hover/70 hover:text-ink"
          }`}
        >
          {conversation.apiTokenName === null ? (
            <span className="truncate">{title}</span>
          ) : (
            <>
              {/* The title keeps its room; the mark gives way first, down to about "API…". */}
              <span className="max-w-[calc(100%-3rem)] shrink-0 truncate">{title}</span>
              <ApiMark tokenName={conversation.apiTokenName} />
            </>
          )}
        </a>
      )}
      {!renaming && (
        <Suspense
          fallback={<MenuTriggerLook title={title} active={active} onClick={() => setMenuOpen(true)} />}
        >
          <RowMenu
            conversationId={conversation.id}
            title={title}
            active={active}
            pinned={conversation.pinned}
            open={menuOpen}
            onOpenChange={setMenuOpen}
            onRename={() => setRenaming(true)}
            onPin={() => onPin(conversation.id, !conversation.pinned)}
            onDelete={() => onDelete(conversation)}
          />
        </Suspense>
      )}
    </li>
  );
});

/** Marks a chat an API call made, with the name of the personal token it used. */
function ApiMark({ tokenName }: { tokenName: string }) {
  return (
    <span
      data-testid="api-mark"
      title={`Made through the API with the token “${tokenName}”`}
      className="ml-2 min-w-0 truncate rounded-md bg-subtle px-1.5 py-px text-[10.5px] font-normal text-muted"
    >
      API · {tokenName}
    </span>
  );
}

function RenameInput({ initial, onDone }: { initial: string; onDone: (title: string | null) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  const [value, setValue] = useState(initial);
  useEffect(() => {
    // After the menu has closed and returned focus: take it back.
    const frame = requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.select();
    });
    return () => cancelAnimationFrame(frame);
  }, []);
  const finish = (title: string | null) => {
    if (done.current) return;
    done.current = true;
    onDone(title?.trim() ? title.trim() : null);
  };
  return (
    <input
      ref={input}
      value={value}
      maxLength={MAX_TITLE_CHARS}
      aria-label="Chat title"
      onChange={(event) => setValue(event.target.value)}
      onBlur={() => finish(value)}
      onKeyDown={(event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          finish(value);
        } else if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          finish(null);
        }
      }}
      className="h-9 w-full rounded-lg border border-ring bg-surface px-3 text-sm outline-none max-md:h-11"
    />
  );
}
