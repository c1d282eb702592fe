/**
 * The person's plan as the whole app sees it: the sidebar's plan badge, the Settings plan
 * section, and the upgrade offers in the chat read it from here. It is fetched when an account
 * opens the app (and by Settings), and again whenever their hub says the plan changed (a
 * checkout went through, an admin granted one, a payment failed): then the page says so in a
 * toast and lifts a limit the old plan had hit. The API module is loaded on first use, so the
 * first chunk carries only this small store.
 */
import { useSyncExternalStore } from "react";
import type { BillingStatus } from "#protocol/billing";
import { describeError } from "./api/client.ts";
import { clearRateLimit } from "./rate-limit.ts";
import { toast } from "./toasts.ts";

/** Refusals a bigger plan lifts: the chat offers an upgrade beside them. */
export const UPGRADE_CODES: ReadonlySet<string> = new Set(["upgrade_required", "quota_exhausted"]);

export interface BillingState {
  /** null until the first answer. */
  status: BillingStatus | null;
  error: string | null;
}

const empty: BillingState = { status: null, error: null };
let state: BillingState = empty;
const listeners = new Set<() => void>();
/** Bumped when the person behind the page changes: an answer for the previous one is dropped. */
let identity = 0;
/** Only the newest request's answer counts. */
let asked = 0;

function set(next: BillingState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function useBilling(): BillingState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}

/** Another person uses the page now: forget the previous one's plan. */
export function resetBilling(): void {
  identity++;
  asked++;
  if (state !== empty) set(empty);
}

/** Asks the server for the person's plan; resolves with it (null when it failed or is stale). */
export async function loadBilling(): Promise<BillingStatus | null> {
  const mine = identity;
  const request = ++asked;
  try {
    const { getBilling } = await import("./api/billing.ts");
    const status = await getBilling();
    if (mine !== identity || request !== asked) return null;
    set({ status, error: null });
    return status;
  } catch (error) {
    if (mine === identity && request === asked) {
      set({ ...state, error: describeError(error, "Could not load your plan.") });
    }
    return null;
  }
}

/** The hub said the plan changed: fetch it, lift what the old plan had refused, and say what changed. */
export async function planChanged(): Promise<void> {
  const before = state.status;
  const after = await loadBilling();
  if (!after) return;
  clearRateLimit();
  const message = planChangeMessage(before, after);
  if (message) toast[message.tone](message.text, { testId: "plan-toast", durationMs: 8_000 });
}

const day = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric" });
export const formatDate = (ms: number) => day.format(ms);

/** What a plan change means to the person, in one sentence; null when there is nothing to say. */
export function planChangeMessage(
  before: BillingStatus | null,
  after: BillingStatus,
): { tone: "info" | "error"; text: string } | null {
  const plan = after.plan;
  if (before === null || before.plan.id !== plan.id) {
    // Their own plan (bought or granted), or back on the plan everyone of their kind has.
    return {
      tone: "info",
      text: plan.source !== null ? `You're on ${plan.name} now.` : `Your plan changed to ${plan.name}.`,
    };
  }
  if (plan.graceUntil !== null && before.plan.graceUntil === null) {
    return {
      tone: "error",
      text: `Your last payment failed. ${plan.name} stays until ${formatDate(plan.graceUntil)} unless it goes through — update your card in Manage billing.`,
    };
  }
  if (plan.graceUntil === null && before.plan.graceUntil !== null) {
    return { tone: "info", text: `Payment received — you stay on ${plan.name}.` };
  }
  const ends = after.subscription?.cancelAtPeriodEnd ? after.subscription.currentPeriodEnd : null;
  if (ends !== null && !before.subscription?.cancelAtPeriodEnd) {
    return { tone: "info", text: `${plan.name} is cancelled; it stays until ${formatDate(ends)}.` };
  }
  return null;
}

/** The plan's price, or 0 when it is not listed. */
function priceOf(status: BillingStatus, id: string): number {
  return status.plans.find((plan) => plan.id === id)?.monthlyPriceCents ?? 0;
}

/** Whether a plan above the person's exists (unknown yet: assume so, Settings tells the rest). */
export function canUpgrade(status: BillingStatus | null): boolean {
  if (status === null) return true;
  const current = priceOf(status, status.plan.id);
  return status.plans.some((plan) => plan.monthlyPriceCents > current);
}

/** The name to show as a badge: only a plan of their own (bought or granted), not the default. */
export function planBadge(status: BillingStatus | null): string | null {
  return status?.plan.source != null ? status.plan.name : null;
}
