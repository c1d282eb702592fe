import * as Menu from "@radix-ui/react-dropdown-menu";
import { LogOut, MonitorSmartphone, Settings, ShieldCheck } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import { navigate } from "../router.ts";
import { AccountButtonFace, accountButtonClass } from "./AccountFace.tsx";

const itemClass =
  "flex h-9 items-center gap-2.5 rounded-md px-2.5 text-sm outline-none select-none data-[highlighted]:bg-hover max-md:h-11";

interface AccountMenuProps {
  user: SessionUser;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSignOut: (everywhere: boolean) => void;
}

/** The signed-in account's menu in the sidebar footer: settings, sign out (here or everywhere). */
export default function AccountMenu({ user, open, onOpenChange, onSignOut }: AccountMenuProps) {
  return (
    <Menu.Root modal={false} open={open} onOpenChange={onOpenChange}>
      <Menu.Trigger className={accountButtonClass} data-testid="account-button">
        <AccountButtonFace user={user} />
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content
          side="top"
          align="start"
          sideOffset={6}
          collisionPadding={8}
          className="z-50 w-[var(--radix-dropdown-menu-trigger-width)] min-w-56 rounded-xl border border-line bg-surface p-1 text-ink shadow-pop motion-safe:animate-pop-in"
        >
          {user.email && (
            <Menu.Label className="truncate px-2.5 pt-1.5 pb-2 text-xs text-muted" title={user.email}>
              {user.email}
            </Menu.Label>
          )}
          <Menu.Item className={itemClass} onSelect={() => navigate("/settings")}>
            <Settings size={15} aria-hidden className="text-muted" />
            Settings
          </Menu.Item>
          {user.role === "admin" && (
            <Menu.Item className={itemClass} onSelect={() => navigate("/admin")}>
              <ShieldCheck size={15} aria-hidden className="text-muted" />
              Admin
            </Menu.Item>
          )}
          <Menu.Separator className="my-1 h-px bg-line" />
          <Menu.Item className={itemClass} onSelect={() => onSignOut(false)}>
            <LogOut size={15} aria-hidden className="text-muted" />
            Sign out
          </Menu.Item>
          <Menu.Item className={itemClass} onSelect={() => onSignOut(true)}>
            <MonitorSmartphone size={15} aria-hidden className="text-muted" />
            Sign out everywhere
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
