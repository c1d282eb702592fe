/**
 * The account entry in the sidebar footer: "Sign in" for guests; for an account its name and email,
 * opening a menu (settings, sign out). The menu is its own chunk (Radix + positioning), like the
 * conversation menus: until it arrives a look-alike button takes the click.
 */
import { lazy, Suspense, useState } from "react";
import { LogIn } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import { AccountButtonFace, accountButtonClass } from "./AccountFace.tsx";

const AccountMenu = lazy(() => import("./AccountMenu.tsx"));

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
