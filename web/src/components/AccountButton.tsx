/**
 * The account entry in the sidebar footer: "Sign in" for guests; for an account its name and email,
 * opening a menu (settings, sign out). The menu is its own chunk (Radix + positioning), like the
 * conversation menus: until it arrives a look-alike button takes the click.
 */
import { lazy, Suspense, useState } from "react";
import { ChevronsUpDown, LogIn } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import { initialsOf } from "../initials.ts";
import { accountLabel } from "../session.ts";
import { PlanBadge } from "./PlanBadge.tsx";

const AccountMenu = lazy(() => import("./AccountMenu.tsx"));

export const accountButtonClass =
  "flex h-11 min-w-0 flex-1 items-center gap-2.5 rounded-lg px-2 text-left text-sm transition-colors hover:bg-hover data-[state=open]:bg-hover";

/** The account's avatar letters: the same rule as the room's presence avatars (initials.ts). */
export function initials(user: SessionUser): string {
  return initialsOf(accountLabel(user));
}

export function AccountButtonFace({ user }: { user: SessionUser }) {
  const name = accountLabel(user);
  const showEmail = user.email && user.email !== name;
  return (
    <>
      <span
        aria-hidden
        className="grid size-7 shrink-0 place-items-center rounded-full bg-accent-soft text-xs font-semibold text-accent"
      >
        {initials(user)}
      </span>
      <span className="min-w-0 flex-1 leading-tight">
        <span className="flex min-w-0 items-center gap-1.5">
          <span className="truncate font-medium">{name}</span>
          <PlanBadge />
        </span>
        {showEmail && <span className="block truncate text-xs text-muted">{user.email}</span>}
      </span>
      <ChevronsUpDown size={14} aria-hidden className="shrink-0 text-muted" />
    </>
  );
}

export function AccountButton({
  user,
  onSignIn,
  onSignOut,
}: {
  user: SessionUser | null;
  onSignIn: () => void;
  onSignOut: (everywhere: boolean) => void;
}) {
  const [open, setOpen] = useState(false);
  if (!user || user.kind !== "user") {
    return (
      <button
        type="button"
        onClick={onSignIn}
        data-testid="sign-in-button"
        className="flex h-10 min-w-0 flex-1 items-center gap-2.5 rounded-lg px-3 text-sm text-muted transition-colors hover:bg-hover hover:text-ink"
      >
        <LogIn size={16} aria-hidden />
        Sign in
      </button>
    );
  }
  return (
    <Suspense
      fallback={
        <button
          type="button"
          onClick={() => setOpen(true)}
          data-testid="account-button"
          aria-haspopup="menu"
          className={accountButtonClass}
        >
          <AccountButtonFace user={user} />
        </button>
      }
    >
      <AccountMenu user={user} open={open} onOpenChange={setOpen} onSignOut={onSignOut} />
    </Suspense>
  );
}
