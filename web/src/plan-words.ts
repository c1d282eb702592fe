/** Plans in words for the pricing section: prices, limits and a subscription's state. */
import type { Limits } from "#protocol/admin";
import type { BillingStatus } from "#protocol/billing";
import { formatDate } from "./billing.ts";

const integer = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** "$20", "€9.50", "$0". */
export function formatMoney(cents: number, currency: string): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(cents / 100);
}

/** A plan's monthly price: "$20"; "Free" for nothing. */
export function formatPlanPrice(cents: number, currency: string): string {
  return cents <= 0 ? "Free" : formatMoney(cents, currency);
}

/** "5 minutes", "hour", "3 hours", "day": the window after "every". */
export function describeWindow(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return count === 1 ? name : `${integer.format(count)} ${name}s`;
    }
  }
  return seconds === 1 ? "second" : `${integer.format(seconds)} seconds`;
}

const tokens = (count: number) => (count >= 100_000 ? compact.format(count) : integer.format(count));

const dollars = (usd: number) => `$${Number.isInteger(usd) ? integer.format(usd) : usd.toFixed(2)}`;

/** The limits of a plan as short lines: messages per window, the monthly allowance, answers at once. */
export function describeLimits(limits: Limits, concurrent: number): string[] {
  const lines = [
    `${integer.format(limits.rateLimit)} ${limits.rateLimit === 1 ? "message" : "messages"} every ${describeWindow(limits.rateWindowSeconds)}`,
  ];
  const caps = [
    limits.monthlyTokens > 0
      ? `${tokens(limits.monthlyTokens)} ${limits.monthlyTokens === 1 ? "token" : "tokens"}`
      : null,
    limits.monthlyCostUsd > 0 ? `${dollars(limits.monthlyCostUsd)} of usage` : null,
  ].filter((cap) => cap !== null);
  lines.push(caps.length > 0 ? `Up to ${caps.join(" and ")} a month` : "No monthly cap");
  lines.push(concurrent === 1 ? "1 answer at a time" : `${integer.format(concurrent)} answers at once`);
  return lines;
}

/** "Renews on Jan 7, 2027", "Cancels on …", "Payment overdue"; null without a subscription to speak of. */
export function describeSubscription(subscription: BillingStatus["subscription"]): string | null {
  if (!subscription) return null;
  const { status, currentPeriodEnd: end, cancelAtPeriodEnd } = subscription;
  if (status === "past_due" || status === "unpaid") return "Payment overdue";
  if (status === "canceled" || status === "incomplete_expired") return null;
  if (status === "incomplete") return "Waiting for the first payment";
  if (end === null) return status === "trialing" ? "Trial" : "Active";
  return cancelAtPeriodEnd ? `Cancels on ${formatDate(end)}` : `Renews on ${formatDate(end)}`;
}

/** "GPT-5 and Gemini 2.5 Pro"; "A, B and C". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
