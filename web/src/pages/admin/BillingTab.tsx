/**
 * Billing: monthly recurring revenue, how many people are on each plan (subscribed or granted by
 * hand), subscriptions whose payment failed, the latest billing events, and the plans themselves
 * with their editor. Grants are made from the Users tab.
 */
import { useState, type ReactNode } from "react";
import { Pencil, TriangleAlert } from "lucide-react";
import type { AdminPlan, BillingOverview } from "#protocol/billing";
import { getBillingOverview, getLimits, listAdminModels } from "../../api/admin.ts";
import { formatInteger } from "../../format.ts";
import { formatMoney, formatPlanPrice } from "../../plan-words.ts";
import { describeLimit } from "./LimitFields.tsx";
import { Modal } from "./Modal.tsx";
import { PlanEditor } from "./PlanEditor.tsx";
import {
  Badge,
  Panel,
  TableNote,
  formatDay,
  formatWhen,
  smallButtonClass,
  tableClass,
  tdClass,
  thClass,
  useLoaded,
} from "./ui.tsx";
import { cardClass } from "../../ui/card.ts";

const tierDefault = <span className="text-muted">Tier</span>;

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={`${cardClass} px-4 py-3`}>
      <dt className="text-[12.5px] text-muted">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums">{children}</dd>
    </div>
  );
}

export function BillingTab() {
  const overview = useLoaded(getBillingOverview, "billing", "the billing overview");
  const models = useLoaded(listAdminModels, "models", "the models");
  const limits = useLoaded(getLimits, "limits", "the limits");
  const [editing, setEditing] = useState<AdminPlan | null>(null);
  const data = overview.data;

  if (!data) {
    return (
      <div className={cardClass}>
        <TableNote loading={overview.loading} error={overview.error} empty="" onRetry={overview.reload} />
      </div>
    );
  }

  const people = new Map(data.byPlan.map((row) => [row.planId, row]));
  const subscribed = data.byPlan.reduce((sum, row) => sum + row.subscribed, 0);
  const granted = data.byPlan.reduce((sum, row) => sum + row.granted, 0);
  const planName = (id: string | null) => data.plans.find((plan) => plan.id === id)?.name ?? id ?? "—";

  const saved = (plan: AdminPlan) => {
    overview.setData((current: BillingOverview | null) =>
      current
        ? { ...current, plans: current.plans.map((row) => (row.id === plan.id ? plan : row)) }
        : current,
    );
    setEditing(null);
  };

  return (
    <>
      {!data.paymentsEnabled && (
        <p
          role="note"
          data-testid="payments-off"
          className="mb-5 flex items-start gap-2 rounded-xl bg-warn/10 px-3.5 py-2.5 text-[13px] text-warn"
        >
          <TriangleAlert size={15} aria-hidden className="mt-px shrink-0" />
          <span>
            Payments are not set up: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (docs/billing.md). Plans,
            their limits and grants apply all the same; nobody can buy one.
          </span>
        </p>
      )}
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4" aria-label="Billing summary">
        <Stat label="Monthly recurring revenue">
          <span data-testid="mrr">
            {data.mrr.length === 0
              ? formatMoney(0, "usd")
              : data.mrr.map((row) => formatMoney(row.cents, row.currency)).join(" · ")}
          </span>
        </Stat>
        <Stat label="Subscribed">{formatInteger(subscribed)}</Stat>
        <Stat label="Granted by hand">{formatInteger(granted)}</Stat>
        <Stat label="Failed payments">{formatInteger(data.failedPayments.length)}</Stat>
      </dl>

      <Panel title="Plans" description="A change applies to everyone on the plan from their next message.">
        <div className={`${cardClass} overflow-x-auto`}>
          <table className={tableClass} aria-label="Plans">
            <thead>
              <tr>
                <th className={thClass}>Plan</th>
                <th className={`${thClass} text-right`}>Price</th>
                <th className={thClass}>Stripe price</th>
                <th className={`${thClass} text-right`}>Messages</th>
                <th className={`${thClass} text-right`}>Tokens / month</th>
                <th className={`${thClass} text-right`}>Cost / month</th>
                <th className={`${thClass} text-right`}>At once</th>
                <th className={thClass}>Leaves out</th>
                <th className={`${thClass} text-right`}>People</th>
                <th className={thClass}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.plans.map((plan) => {
                const count = people.get(plan.id);
                return (
                  <tr key={plan.id} data-plan-id={plan.id}>
                    <td className={tdClass}>
                      <div className="font-medium">{plan.name}</div>
                      <div className="font-mono text-[11.5px] text-muted">{plan.id}</div>
                    </td>
                    <td
                      className={`${tdClass} text-right whitespace-nowrap tabular-nums`}
                      data-testid="plan-price"
                    >
                      {formatPlanPrice(plan.monthlyPriceCents, plan.currency)}
                    </td>
                    <td
                      className={`${tdClass} max-w-40 truncate font-mono text-[12px]`}
                      title={plan.stripePriceId ?? ""}
                    >
                      {plan.stripePriceId ?? <span className="font-sans text-muted">None</span>}
                    </td>
                    <td className={`${tdClass} text-right whitespace-nowrap tabular-nums`}>
                      {plan.rateLimit === null && plan.rateWindowSeconds === null
                        ? tierDefault
                        : `${plan.rateLimit ?? "tier"} / ${
                            plan.rateWindowSeconds === null
                              ? "tier"
                              : describeLimit("rateWindowSeconds", plan.rateWindowSeconds)
                          }`}
                    </td>
                    <td className={`${tdClass} text-right tabular-nums`}>
                      {plan.monthlyTokens === null
                        ? tierDefault
                        : describeLimit("monthlyTokens", plan.monthlyTokens)}
                    </td>
                    <td className={`${tdClass} text-right tabular-nums`}>
                      {plan.monthlyCostUsd === null
                        ? tierDefault
                        : describeLimit("monthlyCostUsd", plan.monthlyCostUsd)}
                    </td>
                    <td className={`${tdClass} text-right tabular-nums`}>
                      {plan.concurrentGenerations ?? tierDefault}
                    </td>
                    <td className={`${tdClass} max-w-56`}>
                      {plan.excludedModels.length === 0 ? (
                        <span className="text-muted">Nothing</span>
                      ) : (
                        <span className="line-clamp-2 font-mono text-[12px]">
                          {plan.excludedModels.join(", ")}
                        </span>
                      )}
                    </td>
                    <td className={`${tdClass} text-right whitespace-nowrap tabular-nums`}>
                      {formatInteger(count?.subscribed ?? 0)}
                      {count?.granted ? <span className="text-muted"> + {count.granted} granted</span> : null}
                    </td>
                    <td className={`${tdClass} text-right`}>
                      <button
                        type="button"
                        className={smallButtonClass}
                        onClick={() => setEditing(plan)}
                        aria-label={`Edit the ${plan.name} plan`}
                      >
                        <Pencil size={13} aria-hidden />
                        Edit
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Panel>

      <Panel
        title="Failed payments"
        description="Subscriptions whose last payment failed; each keeps its plan until its grace ends."
      >
        <div className={`${cardClass} overflow-x-auto`}>
          {data.failedPayments.length === 0 ? (
            <p className="p-4 text-sm text-muted">No failed payments.</p>
          ) : (
            <table className={tableClass} aria-label="Failed payments">
              <thead>
                <tr>
                  <th className={thClass}>Person</th>
                  <th className={thClass}>Plan</th>
                  <th className={thClass}>Status</th>
                  <th className={thClass}>Grace until</th>
                </tr>
              </thead>
              <tbody>
                {data.failedPayments.map((row) => (
                  <tr key={row.userId}>
                    <td className={tdClass}>
                      {row.email ?? <span className="font-mono text-[12px]">{row.userId}</span>}
                    </td>
                    <td className={tdClass}>{planName(row.planId)}</td>
                    <td className={tdClass}>
                      <Badge tone="danger">{row.status.replace("_", " ")}</Badge>
                    </td>
                    <td className={`${tdClass} whitespace-nowrap`}>
                      {row.graceUntil === null ? "—" : formatDay(row.graceUntil)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </Panel>

      <Panel
        title="Recent events"
        description="What Stripe told Parley, and the plans admins granted, newest first."
      >
        <div className={`${cardClass} overflow-x-auto`}>
          {data.events.length === 0 ? (
            <p className="p-4 text-sm text-muted">No billing events yet.</p>
          ) : (
            <table className={tableClass} aria-label="Billing events">
              <thead>
                <tr>
                  <th className={thClass}>When</th>
                  <th className={thClass}>Type</th>
                  <th className={thClass}>Person</th>
                  <th className={thClass}>Summary</th>
                </tr>
              </thead>
              <tbody>
                {data.events.map((event) => (
                  <tr key={event.id}>
                    <td className={`${tdClass} whitespace-nowrap text-muted`}>
                      {formatWhen(event.receivedAt)}
                    </td>
                    <td className={tdClass}>
                      <Badge
                        tone={
                          /failed/.test(event.type)
                            ? "danger"
                            : event.type.startsWith("admin.")
                              ? "accent"
                              : "muted"
                        }
                      >
                        {event.type}
                      </Badge>
                    </td>
                    <td className={`${tdClass} max-w-56 truncate`}>{event.email ?? event.userId ?? "—"}</td>
                    <td className={`${tdClass} text-muted`}>{event.summary}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </Panel>

      <Modal
        open={editing !== null}
        onOpenChange={(open) => !open && setEditing(null)}
        title={`The ${editing?.name ?? ""} plan`}
        description="Empty limits follow the tier's (Limits tab); a personal limit still wins over the plan."
        wide
      >
        {editing && (
          <PlanEditor
            key={editing.id}
            plan={editing}
            models={models.data?.models ?? []}
            tier={limits.data ? limits.data.effective[editing.id === "guest" ? "guest" : "user"] : null}
            onSaved={saved}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
    </>
  );
}
