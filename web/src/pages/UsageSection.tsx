/**
 * This month's usage on /settings: answers, tokens (cached input and reasoning noted) and cost,
 * in total and per model, as the server priced each answer when it finished.
 */
import { useEffect, useState } from "react";
import type { MonthUsage, UsageTotals } from "#protocol/http";
import { describeError } from "../api/client.ts";
import { getUsage } from "../api/account.ts";
import type { ModelsState } from "../data.ts";
import { formatCost, formatInteger } from "../format.ts";
import { Section } from "./Section.tsx";
import { cardClass } from "../ui/card.ts";

function monthLabel(month: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return month;
  return new Intl.DateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" }).format(date);
}

export function UsageSection({ models }: { models: ModelsState }) {
  const [usage, setUsage] = useState<MonthUsage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    getUsage().then(
      (answer) => !cancelled && setUsage(answer),
      (reason: unknown) => !cancelled && setError(describeError(reason, "Could not load your usage.")),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const names = new Map(models.models.map((model) => [model.id, model.name]));
  const rows = [...(usage?.byModel ?? [])].sort((a, b) => b.costUsd - a.costUsd || b.answers - a.answers);

  return (
    <Section
      id="usage"
      title="Usage this month"
      description={
        usage
          ? `Tokens and cost in ${monthLabel(usage.month)} (UTC), priced when each answer finished.`
          : "Tokens and cost this calendar month (UTC), priced when each answer finished."
      }
    >
      {error ? (
        <p role="alert" className={`${cardClass} px-4 py-3 text-sm text-danger`}>
          {error}
        </p>
      ) : (
        <div aria-busy={usage === null} data-testid="usage">
          <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            <Stat label="Answers" value={usage && formatInteger(usage.total.answers)} />
            <Stat
              label="Input tokens"
              value={usage && formatInteger(usage.total.inputTokens)}
              note={
                usage?.total.cachedInputTokens
                  ? `${formatInteger(usage.total.cachedInputTokens)} cached`
                  : null
              }
            />
            <Stat
              label="Output tokens"
              value={usage && formatInteger(usage.total.outputTokens)}
              note={
                usage?.total.reasoningTokens
                  ? `${formatInteger(usage.total.reasoningTokens)} reasoning`
                  : null
              }
            />
            <Stat label="Cost" value={usage && formatCost(usage.total.costUsd)} />
          </dl>
          {usage && rows.length === 0 && (
            <p className="mt-3 text-sm text-muted">No answers yet this month.</p>
          )}
          {rows.length > 0 && (
            <div className={`${cardClass} mt-3 overflow-x-auto`}>
              <table className="w-full text-sm tabular-nums">
                <caption className="sr-only">Usage per model</caption>
                <thead>
                  <tr className="border-b border-line text-left text-[12px] text-muted">
                    <th scope="col" className="px-4 py-2 font-medium">
                      Model
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Answers
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Input
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Output
                    </th>
                    <th scope="col" className="px-4 py-2 text-right font-medium">
                      Cost
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {rows.map((row) => (
                    <UsageRow key={row.model} name={names.get(row.model) ?? row.model} totals={row} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </Section>
  );
}

function UsageRow({ name, totals }: { name: string; totals: UsageTotals }) {
  return (
    <tr>
      <th scope="row" className="max-w-48 truncate px-4 py-2.5 text-left font-normal" title={name}>
        {name}
      </th>
      <td className="px-3 py-2.5 text-right">{formatInteger(totals.answers)}</td>
      <td className="px-3 py-2.5 text-right">{formatInteger(totals.inputTokens)}</td>
      <td className="px-3 py-2.5 text-right">{formatInteger(totals.outputTokens)}</td>
      <td className="px-4 py-2.5 text-right">{formatCost(totals.costUsd)}</td>
    </tr>
  );
}

function Stat({ label, value, note }: { label: string; value: string | null; note?: string | null }) {
  return (
    <div className={`${cardClass} px-3.5 py-3`}>
      <dt className="text-[12px] text-muted">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums">
        {value ?? <span className="inline-block h-4 w-14 animate-skeleton rounded bg-subtle align-middle" />}
      </dd>
      {note && <dd className="text-[12px] text-muted tabular-nums">{note}</dd>}
    </div>
  );
}
