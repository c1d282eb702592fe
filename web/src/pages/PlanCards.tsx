/**
 * Every plan on offer, side by side: price per month, limits, the models it leaves out, and what
 * its button does for this person — buy it (Stripe Checkout), switch in the billing portal when
 * they already pay, sign up first (guests), or say why it cannot be bought here.
 */
import { Check, LoaderCircle, Minus } from "lucide-react";
import type { BillingStatus, PlanView } from "#protocol/billing";
import type { ListedModel } from "../api/chat.ts";
import { primaryButtonClass, secondaryButtonClass } from "../ui/form.tsx";
import { describeLimits, formatPlanPrice, listNames } from "../plan-words.ts";

const cardPrimary = primaryButtonClass.replace("h-10", "h-9").replace("px-4", "px-3");
const cardSecondary = secondaryButtonClass.replace("px-3.5", "px-3");

/** Subscriptions that still hold the person's plan: another checkout would be a second one. */
const LIVE = new Set(["active", "trialing", "past_due", "unpaid"]);

/** What a plan's button is for this person. */
type Offer =
  | { kind: "none"; note: string }
  | { kind: "signup"; label: string }
  | { kind: "checkout"; label: string }
  | { kind: "portal"; label: string }
  | { kind: "unavailable"; label: string; reason: string };

export function offerFor(plan: PlanView, status: BillingStatus, signedIn: boolean): Offer {
  const current = status.plans.find((candidate) => candidate.id === status.plan.id);
  const paid = plan.monthlyPriceCents > 0;
  if (!signedIn) {
    if (plan.id === "guest") return { kind: "none", note: "Without an account" };
    return { kind: "signup", label: paid ? "Sign up to upgrade" : "Sign up free" };
  }
  if (!paid) return { kind: "none", note: "Included with every account" };
  const label = plan.monthlyPriceCents > (current?.monthlyPriceCents ?? 0) ? "Upgrade" : "Choose";
  if (status.subscription && LIVE.has(status.subscription.status)) {
    return { kind: "portal", label: "Switch in billing" };
  }
  if (!status.paymentsEnabled) {
    return { kind: "unavailable", label, reason: "Payments are not set up on this server." };
  }
  if (!plan.purchasable) {
    return {
      kind: "unavailable",
      label,
      reason: `The ${plan.name} plan is not for sale on this server yet.`,
    };
  }
  return { kind: "checkout", label };
}

export function PlanCards({
  status,
  models,
  signedIn,
  busy,
  onSignUp,
  onCheckout,
  onManage,
  onExplain,
}: {
  status: BillingStatus;
  models: readonly ListedModel[];
  signedIn: boolean;
  /** The plan whose checkout is being opened (or "portal"). */
  busy: string | null;
  onSignUp: () => void;
  onCheckout: (plan: PlanView) => void;
  onManage: () => void;
  onExplain: (reason: string) => void;
}) {
  const names = new Map(models.map((model) => [model.id, model.name]));
  // The guest plan is what an account leaves behind: not worth a card once signed in.
  const plans = status.plans.filter((plan) => !(signedIn && plan.id === "guest"));
  return (
    <ul
      aria-label="Plans"
      className={`mt-4 grid gap-3 ${plans.length >= 3 ? "sm:grid-cols-3" : "sm:grid-cols-2"}`}
    >
      {plans.map((plan) => {
        const isCurrent = plan.id === status.plan.id;
        const offer = offerFor(plan, status, signedIn);
        // Only models this person would otherwise see are worth naming.
        const missing = plan.excludedModels.flatMap((id) => names.get(id) ?? []);
        return (
          <li
            key={plan.id}
            data-testid={`plan-card-${plan.id}`}
            aria-current={isCurrent ? "true" : undefined}
            className={`flex flex-col rounded-xl border bg-surface p-4 ${
              isCurrent ? "border-accent ring-1 ring-accent/30" : "border-line"
            }`}
          >
            <div className="flex items-center gap-2">
              <h3 className="text-[15px] font-semibold">{plan.name}</h3>
              {isCurrent && (
                <span className="rounded-md bg-accent-soft px-1.5 py-px text-[11px] font-medium text-accent">
                  Current
                </span>
              )}
            </div>
            <p className="mt-2 flex items-baseline gap-1">
              <span className="text-2xl font-semibold tracking-tight" data-testid="plan-price">
                {formatPlanPrice(plan.monthlyPriceCents, plan.currency)}
              </span>
              {plan.monthlyPriceCents > 0 && <span className="text-[13px] text-muted">/ month</span>}
            </p>
            {plan.description && (
              <p className="mt-1.5 text-[13px] leading-relaxed text-muted">{plan.description}</p>
            )}
            <ul className="mt-3 space-y-1.5 text-[13px]" aria-label={`${plan.name} includes`}>
              {describeLimits(plan.limits, plan.concurrentGenerations).map((line) => (
                <li key={line} className="flex items-start gap-2">
                  <Check size={14} aria-hidden className="mt-0.5 shrink-0 text-accent" />
                  {line}
                </li>
              ))}
              <li className="flex items-start gap-2" data-testid="plan-models">
                {missing.length === 0 ? (
                  <>
                    <Check size={14} aria-hidden className="mt-0.5 shrink-0 text-accent" />
                    Every model
                  </>
                ) : (
                  <>
                    <Minus size={14} aria-hidden className="mt-0.5 shrink-0 text-muted" />
                    <span className="text-muted">Leaves out {listNames(missing)}</span>
                  </>
                )}
              </li>
            </ul>
            <div className="mt-auto pt-4">
              {isCurrent ? (
                <p className="flex h-9 items-center text-[13px] text-muted">Your plan</p>
              ) : (
                <OfferButton
                  plan={plan}
                  offer={offer}
                  busy={busy}
                  onSignUp={onSignUp}
                  onCheckout={onCheckout}
                  onManage={onManage}
                  onExplain={onExplain}
                />
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function OfferButton({
  plan,
  offer,
  busy,
  onSignUp,
  onCheckout,
  onManage,
  onExplain,
}: {
  plan: PlanView;
  offer: Offer;
  busy: string | null;
  onSignUp: () => void;
  onCheckout: (plan: PlanView) => void;
  onManage: () => void;
  onExplain: (reason: string) => void;
}) {
  if (offer.kind === "none")
    return <p className="flex h-9 items-center text-[13px] text-muted">{offer.note}</p>;
  const primary = offer.kind === "checkout" || offer.kind === "signup";
  const waiting = busy === plan.id || (offer.kind === "portal" && busy === "portal");
  const unavailable = offer.kind === "unavailable";
  const onClick = () => {
    if (offer.kind === "unavailable") onExplain(offer.reason);
    else if (offer.kind === "signup") onSignUp();
    else if (offer.kind === "portal") onManage();
    else onCheckout(plan);
  };
  return (
    <button
      type="button"
      data-testid={`choose-plan-${plan.id}`}
      // Not disabled when it cannot be bought here: the click says why (a disabled button cannot).
      data-unavailable={unavailable || undefined}
      disabled={waiting}
      onClick={onClick}
      className={`${primary ? cardPrimary : cardSecondary} w-full whitespace-nowrap`}
    >
      {waiting && <LoaderCircle size={15} aria-hidden className="motion-safe:animate-spin" />}
      {offer.label}
    </button>
  );
}
