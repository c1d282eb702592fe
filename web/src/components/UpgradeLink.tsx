/**
 * The ways into Settings → Plan from the chat: an "Upgrade" link beside a refusal the person's
 * plan caused (a model it leaves out, a monthly allowance used up), and the offer the model
 * picker shows for such a model. Plain links: they open in a new tab too.
 */
import { useEffect, useRef, type MouseEvent } from "react";
import { ArrowUpRight } from "lucide-react";
import { canUpgrade, useBilling } from "../billing.ts";
import { onLinkClick } from "../router.ts";

export const PLAN_SETTINGS = "/settings#plan";

/** "Upgrade →"; nothing when the person is already on the top plan. */
export function UpgradeLink({ className = "" }: { className?: string }) {
  const { status } = useBilling();
  if (!canUpgrade(status)) return null;
  return (
    <a
      href={PLAN_SETTINGS}
      onClick={onLinkClick}
      data-testid="upgrade-link"
      className={`inline-flex shrink-0 items-center gap-0.5 font-medium underline-offset-2 hover:underline ${className}`}
    >
      Upgrade
      <ArrowUpRight size={13} aria-hidden />
    </a>
  );
}

/** Under the picker's list, after choosing a model the plan leaves out. */
export function UpgradeOffer({
  modelName,
  planName,
  onNavigate,
  onDismiss,
}: {
  modelName: string;
  planName: string;
  /** Following the link closes the picker. */
  onNavigate: () => void;
  onDismiss: () => void;
}) {
  // The offer takes the focus from the list (React's autoFocus skips links).
  const link = useRef<HTMLAnchorElement>(null);
  useEffect(() => link.current?.focus(), []);
  return (
    <div
      role="alert"
      data-testid="upgrade-offer"
      className="flex flex-wrap items-center gap-x-3 gap-y-2 border-t border-line bg-accent-soft/50 px-3.5 py-3 text-sm"
    >
      <p className="min-w-0 flex-1 leading-snug">
        <span className="font-medium">{modelName}</span> is part of the {planName} plan.
      </p>
      <div className="flex shrink-0 items-center gap-1">
        <button
          type="button"
          onClick={onDismiss}
          className="h-8 rounded-lg px-2.5 text-[13px] font-medium text-muted hover:bg-hover hover:text-ink"
        >
          Not now
        </button>
        <a
          ref={link}
          href={PLAN_SETTINGS}
          data-testid="upgrade-link"
          onClick={(event: MouseEvent<HTMLAnchorElement>) => {
            onNavigate();
            onLinkClick(event);
          }}
          className="inline-flex h-8 items-center gap-1 rounded-lg bg-accent px-3 text-[13px] font-medium text-accent-ink hover:bg-accent-hover"
        >
          Upgrade to {planName}
        </a>
      </div>
    </div>
  );
}
