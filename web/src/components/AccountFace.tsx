/**
 * What the account button shows (avatar letters, name, email, plan): drawn by the sidebar's
 * look-alike button and by the menu's real trigger once that chunk has loaded.
 */
import { ChevronsUpDown } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import { initialsOf } from "../initials.ts";
import { accountLabel } from "../session.ts";
import { PlanBadge } from "./PlanBadge.tsx";

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
