/**
 * Giving one account a plan by hand (comped), or taking that grant back: a grant outranks any
 * subscription until it is taken back, and reaches the person's open pages at once (their hub).
 * Both are written to the audit log and the billing events.
 */
import { useState } from "react";
import { Gift, LoaderCircle, Undo2 } from "lucide-react";
import type { AdminUser } from "#protocol/admin";
import type { AdminPlan } from "#protocol/billing";
import { describeError } from "../../api/client.ts";
import { grantPlan } from "../../api/admin.ts";
import { inputClass, smallPrimary } from "../../ui/form.tsx";
import { toast } from "../../toasts.ts";
import { smallButtonClass } from "./ui.tsx";

export function PlanGrant({
  user,
  plans,
  onDone,
}: {
  user: AdminUser;
  /** null while the plans load. */
  plans: AdminPlan[] | null;
  onDone: () => void;
}) {
  // Accounts only: the guest plan is no one's to grant.
  const offered = (plans ?? []).filter((plan) => plan.id !== "guest");
  const [chosen, setChosen] = useState<string>("");
  const [busy, setBusy] = useState<"grant" | "revoke" | null>(null);
  const selected = chosen || offered.find((plan) => plan.monthlyPriceCents > 0)?.id || offered[0]?.id || "";
  const who = user.email ?? user.id;

  const run = async (plan: string | null) => {
    setBusy(plan === null ? "revoke" : "grant");
    try {
      await grantPlan(user.id, plan);
      const name = offered.find((candidate) => candidate.id === plan)?.name ?? plan;
      toast.info(plan === null ? `Took back the granted plan of ${who}.` : `${who} is on ${name} now.`);
      onDone();
    } catch (error) {
      toast.error(describeError(error, "Could not change the plan."));
    } finally {
      setBusy(null);
    }
  };

  const current = offered.find((plan) => plan.id === user.plan.id)?.name ?? user.plan.id ?? "Free";
  const how =
    user.plan.source === "grant"
      ? "granted by hand"
      : user.plan.source === "stripe"
        ? "a subscription"
        : "no plan of their own";
  return (
    <div className="space-y-4">
      <p className="text-[13px]" data-testid="grant-current">
        Now on <strong>{current}</strong> ({how}).
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-40 flex-1 space-y-1">
          <label htmlFor="grant-plan" className="block text-[13px] font-medium">
            Plan to grant
          </label>
          <select
            id="grant-plan"
            value={selected}
            disabled={plans === null}
            onChange={(event) => setChosen(event.target.value)}
            className={inputClass.replace("h-10", "h-9")}
          >
            {offered.map((plan) => (
              <option key={plan.id} value={plan.id}>
                {plan.name}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className={smallPrimary}
          disabled={busy !== null || !selected}
          onClick={() => void run(selected)}
        >
          {busy === "grant" ? (
            <LoaderCircle size={15} className="animate-spin" aria-hidden />
          ) : (
            <Gift size={15} aria-hidden />
          )}
          Grant
        </button>
      </div>
      <div className="flex flex-wrap items-center gap-3 border-t border-line pt-4">
        <p className="flex-1 text-[13px] text-muted">
          Taking a grant back returns them to what their subscription pays for, or to Free.
        </p>
        <button
          type="button"
          className={smallButtonClass}
          disabled={busy !== null || user.plan.source !== "grant"}
          onClick={() => void run(null)}
        >
          {busy === "revoke" ? (
            <LoaderCircle size={14} className="animate-spin" aria-hidden />
          ) : (
            <Undo2 size={14} aria-hidden />
          )}
          Take back the grant
        </button>
      </div>
    </div>
  );
}
