/**
 * The plan part of /settings (`#plan`): the person's plan with its limits in words, a warning
 * while a failed payment's grace runs, the subscription's state and "Manage billing"; then every
 * plan on offer (PlanCards). Buying goes to Stripe Checkout and comes back with `?billing=…`;
 * the plan itself changes when Stripe's webhook lands, which the hub announces (billing.ts).
 */
import { useEffect, useState } from "react";
import { CreditCard, LoaderCircle, LogIn, TriangleAlert } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import type { BillingStatus } from "#protocol/billing";
import { describeError } from "../api/client.ts";
import { formatDate, loadBilling, useBilling } from "../billing.ts";
import { smallPrimary, secondaryButtonClass } from "../ui/form.tsx";
import { planBadgeClass } from "../components/PlanBadge.tsx";
import type { ModelsState } from "../data.ts";
import { describeLimits, describeSubscription } from "../plan-words.ts";
import { toast } from "../toasts.ts";
import { PlanCards } from "./PlanCards.tsx";
import { Section } from "./Section.tsx";
import { cardClass } from "../ui/card.ts";

/** Says how a checkout ended (Stripe sends the browser back with `?billing=`), once, then tidies the URL. */
function useCheckoutReturn() {
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const outcome = params.get("billing");
    if (outcome === null) return;
    if (outcome === "success") {
      // The webhook may land after the redirect: the hub's `plan` frame brings the new plan then.
      toast.info("Payment received — your plan updates in a moment.", {
        testId: "billing-return-toast",
        durationMs: 8_000,
      });
    } else if (outcome === "cancelled") {
      toast.info("Checkout cancelled — nothing was charged.", { testId: "billing-return-toast" });
    }
    params.delete("billing");
    const query = params.toString();
    history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
  }, []);
}

export function PlanSection({
  user,
  models,
  onSignIn,
}: {
  user: SessionUser | null;
  models: ModelsState;
  onSignIn: (mode: "signin" | "signup") => void;
}) {
  const { status, error } = useBilling();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const signedIn = user?.kind === "user";
  useCheckoutReturn();

  useEffect(() => {
    void loadBilling();
  }, []);

  /** Off to a Stripe page; the button stays busy until the browser has left. */
  const go = async (what: string, fetchUrl: () => Promise<string>, failure: string) => {
    setMessage(null);
    setBusy(what);
    try {
      window.location.href = await fetchUrl();
    } catch (reason) {
      setMessage(describeError(reason, failure));
      setBusy(null);
    }
  };

  const manage = () =>
    void go(
      "portal",
      async () => (await import("../api/billing.ts")).openPortal(),
      "Could not open the billing portal.",
    );

  return (
    <Section
      id="plan"
      title="Plan"
      description="What you can use and how much. Paid plans are billed monthly through Stripe; change or cancel them at any time."
    >
      {!signedIn && (
        <div className={`${cardClass} mb-4 flex flex-col gap-3 p-4 sm:flex-row sm:items-center`}>
          <p className="flex-1 text-sm leading-relaxed text-muted">
            Plans are for accounts. Create one to upgrade — the chats you have now are kept.
          </p>
          <button
            type="button"
            className={smallPrimary}
            data-testid="signup-to-upgrade"
            onClick={() => onSignIn("signup")}
          >
            <LogIn size={15} aria-hidden />
            Sign up to upgrade
          </button>
        </div>
      )}
      {error && !status ? (
        <div role="alert" className={`${cardClass} flex items-center gap-3 px-4 py-3 text-sm text-danger`}>
          <span className="flex-1">{error}</span>
          <button type="button" className={secondaryButtonClass} onClick={() => void loadBilling()}>
            Try again
          </button>
        </div>
      ) : !status ? (
        <div aria-busy="true" className={`${cardClass} h-28 animate-skeleton bg-subtle`} />
      ) : (
        <>
          <CurrentPlan status={status} signedIn={signedIn} onManage={manage} managing={busy === "portal"} />
          <PlanCards
            status={status}
            models={models.models}
            signedIn={signedIn}
            busy={busy}
            onSignUp={() => onSignIn("signup")}
            onCheckout={(plan) =>
              void go(
                plan.id,
                async () => (await import("../api/billing.ts")).startCheckout(plan.id),
                "Could not start the checkout.",
              )
            }
            onManage={manage}
            onExplain={setMessage}
          />
        </>
      )}
      <p role="status" aria-live="polite" data-testid="billing-message" className="empty:hidden">
        {message && (
          <span className="mt-3 flex items-start gap-2 rounded-xl bg-warn/10 px-3 py-2 text-[13px] text-warn">
            <TriangleAlert size={15} aria-hidden className="mt-px shrink-0" />
            {message}
          </span>
        )}
      </p>
    </Section>
  );
}

function CurrentPlan({
  status,
  signedIn,
  onManage,
  managing,
}: {
  status: BillingStatus;
  signedIn: boolean;
  onManage: () => void;
  managing: boolean;
}) {
  const { plan, limits, subscription } = status;
  const view = status.plans.find((candidate) => candidate.id === plan.id);
  const lines = describeLimits(limits, view?.concurrentGenerations ?? 1);
  const renewal = plan.source === "stripe" ? describeSubscription(subscription) : null;
  const fallback = status.plans.find((candidate) => candidate.id === "free")?.name ?? "Free";
  const origin =
    plan.source === "grant" ? "Granted by an admin" : plan.source === "stripe" ? "Subscription" : null;
  return (
    <div className={`${cardClass} p-4`} data-testid="current-plan" data-plan-id={plan.id}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <div className="min-w-0 flex-1">
          <p className="text-[12px] text-muted">Your plan</p>
          <p className="mt-0.5 flex flex-wrap items-center gap-2">
            <span className="text-lg font-semibold" data-testid="current-plan-name">
              {plan.name}
            </span>
            {origin && <span className={planBadgeClass}>{origin}</span>}
            {renewal && (
              <span className="text-[13px] text-muted" data-testid="subscription-state">
                {renewal}
              </span>
            )}
          </p>
        </div>
        {signedIn && status.hasBillingAccount && (
          <button
            type="button"
            className={secondaryButtonClass}
            data-testid="manage-billing"
            disabled={managing}
            onClick={onManage}
          >
            {managing ? (
              <LoaderCircle size={15} aria-hidden className="motion-safe:animate-spin" />
            ) : (
              <CreditCard size={15} aria-hidden />
            )}
            Manage billing
          </button>
        )}
      </div>
      <ul className="mt-3 flex flex-wrap gap-x-5 gap-y-1 text-[13px] text-muted" aria-label="Your limits">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {plan.graceUntil !== null && (
        <p
          role="alert"
          data-testid="grace-warning"
          className="mt-3 flex items-start gap-2 rounded-xl bg-warn/10 px-3 py-2 text-[13px] text-warn"
        >
          <TriangleAlert size={15} aria-hidden className="mt-px shrink-0" />
          <span>
            Your last payment failed. {plan.name} stays until {formatDate(plan.graceUntil)}; after that you
            are moved to {fallback} unless the payment goes through. Update your card in Manage billing.
          </span>
        </p>
      )}
    </div>
  );
}
