/** Small formatters for the muted metadata under answers. */
import type { Usage } from "#protocol/messages";

const integer = new Intl.NumberFormat("en-US");

export function formatInteger(value: number): string {
  return integer.format(value);
}

/** "1 token", "1,208 tokens". */
export function formatTokenCount(count: number): string {
  return `${integer.format(count)} ${count === 1 ? "token" : "tokens"}`;
}

/**
 * An answer's own size: the tokens it wrote. The input (the whole history sent as context) is
 * left out: it grows with every turn and would make a short answer look long.
 */
export function formatTokens(usage: Usage): string {
  return formatTokenCount(usage.outputTokens);
}

/** An answer's cost; a model that costs nothing (the demo, a local one) says so in a word. */
export function formatAnswerCost(costUsd: number): string {
  return costUsd === 0 ? "Free" : formatCost(costUsd);
}

export function formatCost(costUsd: number): string {
  if (costUsd === 0) return "$0";
  if (costUsd < 0.0001) return "<$0.0001";
  if (costUsd < 0.01) return `$${costUsd.toFixed(4)}`;
  return `$${costUsd.toFixed(2)}`;
}

/** "Today", "Yesterday", "Last 7 days", "Older" for the sidebar groups. */
export function recencyGroup(timestamp: number, now: number = Date.now()): string {
  const startOfToday = new Date(now);
  startOfToday.setHours(0, 0, 0, 0);
  const day = 24 * 60 * 60 * 1000;
  if (timestamp >= startOfToday.getTime()) return "Today";
  if (timestamp >= startOfToday.getTime() - day) return "Yesterday";
  if (timestamp >= startOfToday.getTime() - 7 * day) return "Last 7 days";
  return "Older";
}

export const RECENCY_GROUPS = ["Today", "Yesterday", "Last 7 days", "Older"] as const;
