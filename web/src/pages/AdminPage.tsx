/**
 * `/admin` (and `/admin/<tab>`): where an operator manages models, limits and people and reads
 * usage and the logs. Loaded only when opened; everyone else is told they have no access
 * instead (the API refuses them anyway, see docs/admin.md).
 */
import { useRef, type KeyboardEvent } from "react";
import { ArrowLeft, ShieldCheck } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import { openAuthDialog } from "../auth-dialog.ts";
import { navigate, onLinkClick } from "../router.ts";
import { BillingTab } from "./admin/BillingTab.tsx";
import { LimitsTab } from "./admin/LimitsTab.tsx";
import { AuditTab, ErrorsTab, ModerationTab } from "./admin/LogTabs.tsx";
import { ModelsTab } from "./admin/ModelsTab.tsx";
import { UsageTab } from "./admin/UsageTab.tsx";
import { UsersTab } from "./admin/UsersTab.tsx";

const TABS = [
  { id: "models", label: "Models", Panel: ModelsTab },
  { id: "limits", label: "Limits", Panel: LimitsTab },
  { id: "users", label: "Users", Panel: UsersTab },
  { id: "billing", label: "Billing", Panel: BillingTab },
  { id: "usage", label: "Usage", Panel: UsageTab },
  { id: "moderation", label: "Moderation", Panel: ModerationTab },
  { id: "errors", label: "Upstream errors", Panel: ErrorsTab },
  { id: "audit", label: "Audit log", Panel: AuditTab },
] as const;

export interface AdminPageProps {
  user: SessionUser | null;
  /** The tab named in the path (`/admin/usage`); the first one when absent or unknown. */
  tab: string | null;
}

/** Everyone who is not an admin. No setup hints here: those are for operators, in docs/admin.md. */
function NoAccess({ user }: { user: SessionUser }) {
  return (
    <div className="mx-auto mt-[12vh] max-w-md px-6 text-center" data-testid="admin-no-access">
      <div className="mx-auto grid size-11 place-items-center rounded-xl bg-subtle text-muted">
        <ShieldCheck size={20} aria-hidden />
      </div>
      <h1 className="mt-4 text-xl font-semibold tracking-tight">You don’t have access</h1>
      <p className="mt-2 text-sm leading-relaxed text-muted">
        This page is for the people who run this Parley.
        {user.kind === "guest" && " If that is you, sign in with your admin account."}
      </p>
      <div className="mt-5 flex justify-center gap-2">
        <a
          href="/"
          onClick={onLinkClick}
          className="inline-flex h-9 items-center gap-2 rounded-xl border border-line bg-surface px-3.5 text-sm font-medium hover:border-line-strong hover:bg-hover"
        >
          <ArrowLeft size={15} aria-hidden />
          Back to chat
        </a>
        {user.kind === "guest" && (
          <button
            type="button"
            onClick={() => openAuthDialog("signin")}
            className="inline-flex h-9 items-center rounded-xl bg-accent px-3.5 text-sm font-medium text-accent-ink hover:bg-accent-hover"
          >
            Sign in
          </button>
        )}
      </div>
    </div>
  );
}

export default function AdminPage({ user, tab }: AdminPageProps) {
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  if (user === null) return <div className="flex-1" aria-busy="true" />;
  if (user.role !== "admin") return <NoAccess user={user} />;

  const index = Math.max(
    0,
    TABS.findIndex((candidate) => candidate.id === tab),
  );
  const current = TABS[index] ?? TABS[0];
  const select = (next: number) => {
    const target = TABS[(next + TABS.length) % TABS.length];
    if (!target) return;
    navigate(`/admin/${target.id}`, { replace: true });
    tabs.current[TABS.indexOf(target)]?.focus();
  };
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: TABS.length - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(next);
  };

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto w-full max-w-6xl px-4 pt-4 pb-16 sm:px-6 sm:pt-6">
        <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
        <p className="mt-1 text-sm text-muted">
          Models, limits, people and plans for this Parley. Every change is logged.
        </p>
        <div
          role="tablist"
          aria-label="Admin sections"
          className="mt-5 mb-6 flex gap-1 overflow-x-auto border-b border-line [scrollbar-width:none]"
        >
          {TABS.map((candidate, position) => {
            const selected = candidate.id === current.id;
            return (
              <button
                key={candidate.id}
                ref={(element) => {
                  tabs.current[position] = element;
                }}
                type="button"
                role="tab"
                id={`admin-tab-${candidate.id}`}
                aria-selected={selected}
                aria-controls="admin-panel"
                tabIndex={selected ? 0 : -1}
                onKeyDown={onTabKey}
                onClick={() => navigate(`/admin/${candidate.id}`, { replace: true })}
                className={`-mb-px h-10 shrink-0 border-b-2 px-3 text-sm whitespace-nowrap transition-colors ${
                  selected
                    ? "border-accent font-medium text-ink"
                    : "border-transparent text-muted hover:text-ink"
                }`}
              >
                {candidate.label}
              </button>
            );
          })}
        </div>
        <div id="admin-panel" role="tabpanel" aria-labelledby={`admin-tab-${current.id}`}>
          <current.Panel key={current.id} />
        </div>
      </div>
    </div>
  );
}
