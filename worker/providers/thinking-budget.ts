/**
 * Reasoning effort → a token budget, for the APIs that size thinking in tokens (Anthropic
 * extended thinking, Gemini 2.5). Thinking and the visible answer share the output limit, so a
 * budget larger than the limit leaves an empty answer; it is kept to at most half of it.
 */
import type { ReasoningEffort } from "./types";

export const THINKING_BUDGET_TOKENS: Record<ReasoningEffort, number> = {
  low: 2_048,
  medium: 8_192,
  high: 24_576,
};

/** The budget for `effort`: at most half of `maxOutputTokens`, and never below the API's `floor`. */
export function thinkingBudget(effort: ReasoningEffort, maxOutputTokens: number, floor: number): number {
  return Math.max(floor, Math.min(THINKING_BUDGET_TOKENS[effort], Math.floor(maxOutputTokens / 2)));
}
