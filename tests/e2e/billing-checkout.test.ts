/**
 * Buying Pro in a real browser, with payments on (the fake Stripe API of tests/fake-upstream
 * behind the real `stripe` SDK): a Free person runs out of their month's allowance, follows
 * "Upgrade" to the pricing section, chooses Pro and lands on (fake) Stripe Checkout, pays, and
 * comes back to Settings. Only when Stripe's signed webhook arrives does the plan change: a second
 * tab, still on the refused chat, shows Pro and the new limits and sends again, without a reload.
 */
import { randomBytes } from "node:crypto";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../fake-upstream/server.ts";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const PRICE = "price_e2eProMonthly";
const WEBHOOK_SECRET = "whsec_e2eCheckoutTests";
const ADMIN_TOKEN = randomBytes(32).toString("hex");

let upstream: FakeUpstream;
let server: DevServer;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];

async function stripeControl<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${upstream.url}/__control/stripe/${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function patchPlan(id: string, change: Record<string, unknown>) {
  const response = await fetch(`${server.url}/api/v1/admin/plans/${id}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(change),
  });
  expect(response.status).toBe(200);
}

/** What Stripe does after a payment: posts `checkout.session.completed`, signed. */
async function deliverCheckoutCompleted(userId: string): Promise<number> {
  const sessions = await stripeControl<{ data: Stripe.Checkout.Session[] }>(
    `checkout/sessions?client_reference_id=${userId}`,
  );
  const paid = sessions.data.find((session) => session.status === "complete");
  expect(paid?.subscription).toMatch(/^sub_/);
  const event = await stripeControl<Stripe.Event>("events", {
    type: "checkout.session.completed",
    object: paid,
  });
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  const response = await fetch(`${server.url}/api/v1/billing/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signature },
    body: payload,
  });
  return response.status;
}

async function send(page: Page, prompt: string) {
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill(prompt);
  await expect
    .poll(() => page.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
    .toBe(true);
  await composer.press("Enter");
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  await stripeControl("prices", { id: PRICE, unit_amount: 2000 });
  server = await startDevServer({
    env: {
      ADMIN_TOKEN,
      DEMO_TOKEN_DELAY_MS: "1",
      STRIPE_SECRET_KEY: "sk_test_e2eCheckoutTests",
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: upstream.url,
      // The demo model is outside the monthly allowance (it costs nothing): chats use a real one.
      OPENAI_API_KEY: "sk-e2e-fake-upstream",
      OPENAI_BASE_URL: `${upstream.url}/v1`,
    },
  });
  await patchPlan("pro", { stripePriceId: PRICE });
  // A month's allowance of one token on Free: the first answer uses it up.
  await patchPlan("free", { monthlyTokens: 1 });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: "reduce" });
  await context.addInitScript(() => localStorage.setItem("parley:model", "gpt-5-mini"));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
});

describe("buying Pro", () => {
  it("goes from a refused message through Stripe Checkout to Pro on the open page once the webhook lands", async () => {
    const chat = await context.newPage();
    chat.on("pageerror", (error) => pageErrors.push(error.message));
    await chat.goto(`${server.url}/`);
    const signedUp = await context.request.post(`${server.url}/api/v1/auth/signup`, {
      data: { email: `buyer-${Date.now()}@example.com`, password: "correct horse battery" },
    });
    expect(signedUp.status()).toBe(200);
    const { user } = (await (await context.request.get(`${server.url}/api/v1/session`)).json()) as {
      user: { id: string };
    };
    await chat.reload();

    await send(chat, "Hello there");
    await chat.locator('[data-testid="assistant-message"][data-status="complete"]').first().waitFor();
    await send(chat, "And again");
    const hint = chat.getByTestId("upgrade-link").first();
    await hint.waitFor();
    // This tab stays where it is, unreloaded, for the rest of the test.
    await chat.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    // The Upgrade offer, in a second tab, leads to the pricing section and on to Stripe.
    const buy = await context.newPage();
    buy.on("pageerror", (error) => pageErrors.push(error.message));
    await buy.goto(`${server.url}${await hint.getAttribute("href")}`);
    await buy.getByTestId("choose-plan-pro").click();
    await buy.waitForURL(/\/stripe\/checkout\/cs_test_/);
    expect(await buy.title()).toBe("Fake Stripe Checkout");
    await buy.getByRole("button", { name: "Subscribe" }).click();
    await buy.waitForURL(`${server.url}/settings#plan`);
    await buy.getByTestId("billing-return-toast").waitFor();

    // Paid, but Parley changes nothing until Stripe says so.
    expect(await chat.getByTestId("plan-badge").count()).toBe(0);
    expect(await deliverCheckoutCompleted(user.id)).toBe(200);

    await chat.getByTestId("plan-toast").filter({ hasText: "Pro" }).waitFor({ timeout: 15_000 });
    await expect
      .poll(() => chat.getByTestId("plan-badge").textContent(), { timeout: 10_000 })
      .toContain("Pro");
    expect(await chat.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect
      .poll(() => buy.getByTestId("current-plan-name").textContent(), { timeout: 10_000 })
      .toBe("Pro");
    expect(await buy.getByTestId("current-plan").textContent()).toContain("300 messages every 5 minutes");

    // And the refused chat sends again.
    await send(chat, "Now with Pro");
    await expect
      .poll(() => chat.locator('[data-testid="assistant-message"][data-status="complete"]').count(), {
        timeout: 15_000,
      })
      .toBe(2);
    expect(pageErrors).toEqual([]);
  });
});
