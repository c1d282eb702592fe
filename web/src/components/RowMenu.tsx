import { useRef } from "react";
import * as Menu from "@radix-ui/react-dropdown-menu";
import { Braces, Ellipsis, FileText, Pencil, Pin, PinOff, Trash2 } from "lucide-react";
import { exportUrl } from "../api/library.ts";
import { menuTriggerClass } from "./menu-trigger.ts";

const itemClass =
  "flex h-9 items-center gap-2.5 rounded-md px-2.5 text-sm outline-none select-none data-[highlighted]:bg-hover max-md:h-11";

interface RowMenuProps {
  conversationId: string;
  title: string;
  active: boolean;
  pinned: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onRename: () => void;
  onPin: () => void;
  onDelete: () => void;
}

/** A conversation's menu in the sidebar: rename, pin or unpin, export, delete. */
export default function RowMenu({
  conversationId,
  title,
  active,
  pinned,
  open,
  onOpenChange,
  onRename,
  onPin,
  onDelete,
}: RowMenuProps) {
  const renaming = useRef(false);
  return (
    <Menu.Root modal={false} open={open} onOpenChange={onOpenChange}>
      <Menu.Trigger aria-label={`Options for ${title}`} className={menuTriggerClass(active)}>
        <Ellipsis size={16} aria-hidden />
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content
          align="start"
          sideOffset={4}
          collisionPadding={8}
          // Renaming moves focus to the title field; don't pull it back to the trigger.
          onCloseAutoFocus={(event) => {
            if (renaming.current) event.preventDefault();
            renaming.current = false;
          }}
          className="z-50 min-w-44 rounded-xl border border-line bg-surface p-1 text-ink shadow-pop motion-safe:animate-pop-in"
        >
          <Menu.Item
            className={itemClass}
            onSelect={() => {
              renaming.current = true;
              onRename();
            }}
          >
            <Pencil size={15} aria-hidden className="text-muted" />
            Rename
          </Menu.Item>
          <Menu.Item className={itemClass} onSelect={onPin}>
            {pinned ? (
              <PinOff size={15} aria-hidden className="text-muted" />
            ) : (
              <Pin size={15} aria-hidden className="text-muted" />
            )}
            {pinned ? "Unpin" : "Pin"}
          </Menu.Item>
          <Menu.Separator className="my-1 h-px bg-line" />
          {/* Plain links: the server names the file (Content-Disposition), the browser saves it. */}
          <Menu.Item asChild className={itemClass}>
            <a href={exportUrl(conversationId, "markdown")} download>
              <FileText size={15} aria-hidden className="text-muted" />
              Export as Markdown
            </a>
          </Menu.Item>
          <Menu.Item asChild className={itemClass}>
            <a href={exportUrl(conversationId, "json")} download>
              <Braces size={15} aria-hidden className="text-muted" />
              Export as JSON
            </a>
          </Menu.Item>
          <Menu.Separator className="my-1 h-px bg-line" />
          <Menu.Item className={`${itemClass} text-danger`} onSelect={onDelete}>
            <Trash2 size={15} aria-hidden />
            Delete
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
