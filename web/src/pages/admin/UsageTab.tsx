/**
 * Usage: what Parley spent over the last days — a bar chart of cost per day (plain SVG, drawn
 * here), then the same money by model and by person. Answers paid with people's own keys cost
 * the operator nothing and are left out.
 */
import { useState } from "react";
import type { UsageReport } from "#protocol/admin";
import { getUsageReport } from "../../api/admin.ts";
import { formatCost, formatInteger } from "../../format.ts";
import { Panel, TableNote, shortId, tableClass, tdClass, thClass, useLoaded } from "./ui.tsx";
import { cardClass } from "../../ui/card.ts";

const RANGES = [7, 30, 90] as const;

const dayLabel = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const formatDayKey = (day: string) => dayLabel.format(new Date(`${day}T00:00:00Z`));

/** A round number at or above `value` for the chart's top line: 1, 2 or 5 times a power of ten. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 0.01;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value) ?? 10;
  return step * power;
}

/** Cost per day as bars; each bar has a tooltip, and the whole chart a summary for screen readers. */
export function CostChart({ days, total }: { days: UsageReport["byDay"]; total: number }) {
  const width = 720;
  const height = 200;
  const top = 14;
  const bottom = 26;
  const left = 52;
  const plotHeight = height - top - bottom;
  const plotWidth = width - left - 8;
  const ceiling = niceCeiling(Math.max(...days.map((day) => day.costUsd), 0));
  const slot = plotWidth / Math.max(days.length, 1);
  const barWidth = Math.max(2, Math.min(28, slot * 0.68));
  const y = (usd: number) => top + plotHeight - (usd / ceiling) * plotHeight;
  // About eight dates under the axis, the last day always among them (and never crowded by one).
  const labelEvery = Math.ceil(days.length / 8);
  const last = days.length - 1;
  const labelled = (index: number) =>
    index === last || (index % labelEvery === 0 && last - index >= Math.max(1, labelEvery * 0.6));
  const busiest = days.reduce<UsageReport["byDay"][number] | null>(
    (best, day) => (best === null || day.costUsd > best.costUsd ? day : best),
    null,
  );
  const summary =
    `Cost per day over ${days.length} days, ${formatCost(total)} in total` +
    (busiest && busiest.costUsd > 0
      ? `; the most on ${formatDayKey(busiest.day)}, ${formatCost(busiest.costUsd)}.`
      : ".");

  return (
    <svg viewBox={`0 0 ${width} ${height}`} className="h-auto w-full" role="img" aria-label={summary}>
      {[0, 0.5, 1].map((fraction) => (
        <g key={fraction}>
          <line
            x1={left}
            x2={width - 8}
            y1={y(ceiling * fraction)}
            y2={y(ceiling * fraction)}
            className="stroke-line"
            strokeDasharray={fraction === 0 ? undefined : "3 4"}
          />
          <text
            x={left - 8}
            y={y(ceiling * fraction)}
            dy="0.32em"
            textAnchor="end"
            className="fill-muted text-[11px] tabular-nums"
          >
            {formatCost(ceiling * fraction)}
          </text>
        </g>
      ))}
      {days.map((day, index) => {
        const x = left + index * slot + (slot - barWidth) / 2;
        const barTop = y(day.costUsd);
        return (
          <g key={day.day} data-day={day.day}>
            <rect
              x={x}
              y={day.costUsd > 0 ? Math.min(barTop, top + plotHeight - 2) : top + plotHeight - 1}
              width={barWidth}
              height={day.costUsd > 0 ? Math.max(2, top + plotHeight - barTop) : 1}
              rx={Math.min(3, barWidth / 3)}
              className={day.costUsd > 0 ? "fill-accent" : "fill-line"}
            >
              <title>
                {`${formatDayKey(day.day)}: ${formatCost(day.costUsd)} · ${formatInteger(day.answers)} answers · ${formatInteger(day.tokens)} tokens`}
              </title>
            </rect>
            {labelled(index) && (
              <text
                x={x + barWidth / 2}
                y={height - 8}
                textAnchor="middle"
                className="fill-muted text-[11px]"
              >
                {formatDayKey(day.day)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className={`${cardClass} px-4 py-3`}>
      <div className="text-[12.5px] text-muted">{label}</div>
      <div className="mt-0.5 text-xl font-semibold tracking-tight tabular-nums">{value}</div>
    </div>
  );
}

export function UsageTab() {
  const [days, setDays] = useState<number>(30);
  const loaded = useLoaded(() => getUsageReport(days), `usage:${days}`, "the usage");
  const report = loaded.data;

  return (
    <>
      <Panel
        title="Usage and cost"
        description={
          report
            ? `${formatDayKey(report.from)} – ${formatDayKey(report.to)} (UTC), answers Parley paid for.`
            : "Answers Parley paid for."
        }
        actions={
          <div role="radiogroup" aria-label="Range" className="flex gap-1 rounded-xl bg-subtle p-1">
            {RANGES.map((range) => (
              <button
                key={range}
                type="button"
                role="radio"
                aria-checked={days === range}
                onClick={() => setDays(range)}
                className={`h-7 rounded-lg px-2.5 text-[13px] transition-colors ${
                  days === range ? "bg-surface font-medium text-ink shadow-xs" : "text-muted hover:text-ink"
                }`}
              >
                {range} days
              </button>
            ))}
          </div>
        }
      >
        {report ? (
          <>
            <div className="grid grid-cols-3 gap-3">
              <Stat label="Cost" value={formatCost(report.total.costUsd)} />
              <Stat label="Answers" value={formatInteger(report.total.answers)} />
              <Stat label="Tokens" value={formatInteger(report.total.tokens)} />
            </div>
            {report.operator.answers > 0 && (
              <p className="mt-2 text-[13px] text-muted" data-testid="operator-usage">
                {`Parley's own calls (conversation titles), not counted above nor in anyone's quota: ${formatCost(report.operator.costUsd)} · ${formatInteger(report.operator.answers)} calls · ${formatInteger(report.operator.tokens)} tokens.`}
              </p>
            )}
            <div className={`${cardClass} mt-3 p-3 pt-4`}>
              <h3 className="sr-only">Cost per day</h3>
              <CostChart days={report.byDay} total={report.total.costUsd} />
            </div>
          </>
        ) : (
          <div className={cardClass}>
            <TableNote loading={loaded.loading} error={loaded.error} empty="" onRetry={loaded.reload} />
          </div>
        )}
      </Panel>

      {report && (
        <div className="mt-6 grid gap-6 lg:grid-cols-2">
          <div>
            <Panel title="By model">
              <div className={`${cardClass} overflow-x-auto`}>
                {report.byModel.length === 0 ? (
                  <p className="p-4 text-sm text-muted">No answers in this range.</p>
                ) : (
                  <table className={tableClass} aria-label="Usage by model">
                    <thead>
                      <tr>
                        <th className={thClass}>Model</th>
                        <th className={`${thClass} text-right`}>Answers</th>
                        <th className={`${thClass} text-right`}>Tokens</th>
                        <th className={`${thClass} text-right`}>Cost</th>
                      </tr>
                    </thead>
                    <tbody>
                      {report.byModel.map((row) => (
                        <tr key={row.model}>
                          <td className={`${tdClass} font-mono text-[12.5px]`}>{row.model}</td>
                          <td className={`${tdClass} text-right tabular-nums`}>
                            {formatInteger(row.answers)}
                          </td>
                          <td className={`${tdClass} text-right tabular-nums`}>
                            {formatInteger(row.tokens)}
                          </td>
                          <td className={`${tdClass} text-right tabular-nums`}>{formatCost(row.costUsd)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            </Panel>
          </div>
          <div>
            <Panel title="Top people">
              <div className={`${cardClass} overflow-x-auto`}>
                {report.topUsers.length === 0 ? (
                  <p className="p-4 text-sm text-muted">No answers in this range.</p>
                ) : (
                  <table className={tableClass} aria-label="Usage by person">
                    <thead>
                      <tr>
                        <th className={thClass}>Person</th>
                        <th className={`${thClass} text-right`}>Answers</th>
                        <th className={`${thClass} text-right`}>Tokens</th>
                        <th className={`${thClass} text-right`}>Cost</th>
                      </tr>
                    </thead>
                    <tbody>
                      {report.topUsers.map((row) => (
                        <tr key={row.userId}>
                          <td className={`${tdClass} max-w-56 truncate`}>
                            {row.email ?? <span className="text-muted">Guest {shortId(row.userId)}</span>}
                          </td>
                          <td className={`${tdClass} text-right tabular-nums`}>
                            {formatInteger(row.answers)}
                          </td>
                          <td className={`${tdClass} text-right tabular-nums`}>
                            {formatInteger(row.tokens)}
                          </td>
                          <td className={`${tdClass} text-right tabular-nums`}>{formatCost(row.costUsd)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            </Panel>
          </div>
        </div>
      )}
    </>
  );
}
