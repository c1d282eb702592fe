/** A small badge with the name of the person's own plan (bought or granted); nothing on the default. */
import { planBadge, useBilling } from "../billing.ts";

export const planBadgeClass =
  "inline-flex h-[18px] shrink-0 items-center rounded-md bg-accent-soft px-1.5 text-[10.5px] font-semibold tracking-wide text-accent";

export function PlanBadge({ testId = "plan-badge" }: { testId?: string }) {
  const { status } = useBilling();
  const name = planBadge(status);
  if (!name) return null;
  return (
    <span data-testid={testId} title={`Your plan: ${name}`} className={planBadgeClass}>
      {name}
    </span>
  );
}
