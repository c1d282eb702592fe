/**
 * Plans in the browser against the real worker (vite dev, no Stripe keys: payments are off): the
 * pricing section in Settings for a guest and for an account, the admin's Billing tab and plan
 * editor, a grant reaching the person's open page through their hub (badge and toast, no reload),
 * and the upgrade offered where a plan refuses: a model it leaves out, a month's allowance used up.
 * Screenshots: docs/screenshots/settings-plan-*.png, admin-billing-*.png, model-picker-upgrade-light.png
 * (1280x800).
 *
 * OpenAI answers through the fake upstream (tests/fake-upstream) and Gemini has a placeholder key,
 * so their models are listed (GPT-5 and Gemini 2.5 Pro are left out of Free by default). Answers
 * come from the demo model, except where a month's allowance must be used up: the demo is outside
 * it, so that one is GPT-5 mini's.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../fake-upstream/server.ts";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");
const ADMIN_EMAIL = "operator@example.com";
const MEMBER_EMAIL = "robin.ng@example.net";
const PASSWORD = "correct horse battery";
const FREE_LEAVES_OUT = ["gpt-5", "gemini-2.5-pro"];

let server: DevServer;
let upstream: FakeUpstream;
let browser: Browser;
let admin: { context: BrowserContext; page: Page };
let member: { context: BrowserContext; page: Page };
const pageErrors: string[] = [];

async function open(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  await context.addInitScript(() => localStorage.setItem("parley:model", "parley-demo"));
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return { context, page };
}

async function shoot(page: Page, name: string) {
  await expect.poll(() => page.getByTestId("toast").count(), { timeout: 10_000 }).toBe(0);
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

async function signUp(page: Page, email: string) {
  await page.getByTestId("sign-in-button").click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("tab", { name: "Create account" }).click();
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByLabel("Password").press("Enter");
  await dialog.waitFor({ state: "detached" });
}

/** The confirmation link the worker printed for `email` (no mail transport in this run). */
async function printedLink(email: string): Promise<string> {
  const pattern = new RegExp(`To ${email.replaceAll(".", "\\.")}: "[^"]*" — open (\\S+/verify\\?token=\\S+)`);
  await expect.poll(() => pattern.test(server.logs()), { timeout: 15_000 }).toBe(true);
  return pattern.exec(server.logs())![1]!;
}

/** A change to a plan straight through the admin API (as the admin's browser). */
async function patchPlan(id: string, change: Record<string, unknown>) {
  const response = await admin.context.request.patch(`${server.url}/api/v1/admin/plans/${id}`, {
    data: change,
  });
  expect(response.status()).toBe(200);
}

async function grantInAdmin(action: "Grant" | "Take back the grant") {
  const { page } = admin;
  await page.goto(`${server.url}/admin/users`);
  await page.getByLabel("Search people by email or id").fill(MEMBER_EMAIL);
  await page.getByRole("button", { name: `Plan of ${MEMBER_EMAIL}` }).click();
  const dialog = page.getByRole("dialog");
  await expect.poll(() => dialog.getByLabel("Plan to grant").inputValue(), { timeout: 10_000 }).toBe("pro");
  expect(await dialog.getByTestId("grant-current").textContent()).toBe(
    action === "Grant" ? "Now on Free (no plan of their own)." : "Now on Pro (granted by hand).",
  );
  await dialog.getByRole("button", { name: action, exact: true }).click();
  await dialog.waitFor({ state: "detached" });
}

async function send(page: Page, prompt: string) {
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill(prompt);
  await expect
    .poll(() => page.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
    .toBe(true);
  await composer.press("Enter");
}

const heading = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  upstream = await startFakeUpstream();
  server = await startDevServer({
    env: {
      ADMIN_EMAILS: ADMIN_EMAIL,
      DEMO_TOKEN_DELAY_MS: "5",
      OPENAI_API_KEY: "sk-e2e-fake-upstream",
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      GEMINI_API_KEY: "e2e-placeholder-never-called",
    },
  });
  browser = await launchChromium();
  admin = await open();
  member = await open();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
});

describe("plans", () => {
  it("a guest sees every plan, and upgrading asks them to sign up first", async () => {
    const { page } = member;
    await page.goto(`${server.url}/settings#plan`);
    await page.getByTestId("plan-card-pro").waitFor();
    // Opened at the section, with the focus on its heading.
    await expect.poll(() => heading(page), { timeout: 10_000 }).toBe("plan-title");
    expect(await page.getByTestId("current-plan-name").textContent()).toBe("Guest");
    expect(await page.getByTestId("plan-card-guest").count()).toBe(1);
    await page.getByTestId("choose-plan-pro").click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.getByRole("tab", { name: "Create account" }).getAttribute("aria-selected")).toBe(
      "true",
    );
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
  });

  it("an account sees its plan in words and every plan; Upgrade says payments are not set up", async () => {
    const { page, context } = member;
    await signUp(page, MEMBER_EMAIL);
    await page.goto(`${server.url}/settings?billing=cancelled#plan`);
    await page.getByTestId("billing-return-toast").filter({ hasText: "Checkout cancelled" }).waitFor();
    expect(new URL(page.url()).search).toBe("");

    const billing = (await (await context.request.get(`${server.url}/api/v1/billing`)).json()) as {
      limits: { rateLimit: number };
    };
    await expect
      .poll(() => page.getByTestId("current-plan-name").textContent(), { timeout: 10_000 })
      .toBe("Free");
    const current = page.getByTestId("current-plan");
    expect(await current.textContent()).toContain(`${billing.limits.rateLimit} messages every 5 minutes`);
    expect(await page.getByTestId("plan-card-guest").count()).toBe(0);
    const free = page.getByTestId("plan-card-free");
    expect(await free.getByTestId("plan-models").textContent()).toBe("Leaves out GPT-5 and Gemini 2.5 Pro");
    const pro = page.getByTestId("plan-card-pro");
    expect(await pro.getByTestId("plan-price").textContent()).toBe("$20");
    expect(await pro.textContent()).toContain("300 messages every 5 minutes");
    expect(await pro.textContent()).toContain("6 answers at once");
    expect(await pro.getByTestId("plan-models").textContent()).toBe("Every model");

    await page.getByTestId("choose-plan-pro").click();
    await page
      .getByTestId("billing-message")
      .filter({ hasText: "Payments are not set up on this server." })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe("/settings");
    await shoot(page, "settings-plan-light");
    await page.emulateMedia({ colorScheme: "dark" });
    await shoot(page, "settings-plan-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("the picker marks a model the plan leaves out and offers the upgrade instead of choosing it", async () => {
    const { page } = member;
    await page.goto(`${server.url}/`);
    await page.getByTestId("model-picker").click();
    const gpt5 = page.locator("#model-option-gpt-5");
    expect(await gpt5.getByTestId("model-plan-badge").textContent()).toContain("Pro");
    await gpt5.click();
    const offer = page.getByTestId("upgrade-offer");
    expect(await offer.textContent()).toContain("GPT-5 is part of the Pro plan.");
    expect(await page.getByTestId("model-picker").textContent()).toContain("Parley Demo");
    await shoot(page, "model-picker-upgrade-light");
    await offer.getByRole("link", { name: "Upgrade to Pro" }).click();
    await page.waitForURL(`${server.url}/settings#plan`);
    await expect.poll(() => heading(page), { timeout: 10_000 }).toBe("plan-title");
  });

  it("the admin's Billing tab shows the plans, and a new price for Pro persists", async () => {
    const { page } = admin;
    await page.goto(`${server.url}/`);
    await signUp(page, ADMIN_EMAIL);
    await page.goto(await printedLink(ADMIN_EMAIL));
    await page.getByTestId("link-result").filter({ hasText: "confirmed" }).waitFor();

    await page.goto(`${server.url}/admin/billing`);
    const plans = page.getByRole("table", { name: "Plans" });
    await plans.waitFor();
    expect(
      await plans.locator("tbody tr").evaluateAll((rows) => rows.map((row) => row.dataset.planId)),
    ).toEqual(["guest", "free", "pro"]);
    expect(await page.getByTestId("payments-off").count()).toBe(1);
    expect(await page.getByTestId("mrr").textContent()).toBe("$0");
    await shoot(page, "admin-billing-light");
    await page.emulateMedia({ colorScheme: "dark" });
    await shoot(page, "admin-billing-dark");
    await page.emulateMedia({ colorScheme: "light" });

    await page.getByRole("button", { name: "Edit the Pro plan" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Price per month").fill("25");
    await dialog.getByRole("button", { name: "Save plan" }).click();
    await dialog.waitFor({ state: "detached" });
    const proPrice = page.locator('tr[data-plan-id="pro"] [data-testid="plan-price"]');
    expect(await proPrice.textContent()).toBe("$25");
    await page.reload();
    await expect.poll(() => proPrice.textContent(), { timeout: 10_000 }).toBe("$25");
    // The pricing section shows it too.
    await member.page.reload();
    await expect
      .poll(() => member.page.getByTestId("plan-card-pro").getByTestId("plan-price").textContent(), {
        timeout: 10_000,
      })
      .toBe("$25");
  });

  it("a granted plan reaches the person's open page at once: badge, toast, models; and goes again", async () => {
    const { page } = member;
    await page.goto(`${server.url}/`);
    await page.getByRole("textbox", { name: "Message" }).waitFor();
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    expect(await page.getByTestId("plan-badge").count()).toBe(0);

    await grantInAdmin("Grant");
    await page.getByTestId("plan-toast").filter({ hasText: "You're on Pro now." }).waitFor();
    await expect.poll(() => page.getByTestId("plan-badge").textContent(), { timeout: 10_000 }).toBe("Pro");
    // Pro has every model: the picker follows.
    await page.getByTestId("model-picker").click();
    await page.locator("#model-option-gpt-5").waitFor();
    await expect.poll(() => page.getByTestId("model-plan-badge").count(), { timeout: 10_000 }).toBe(0);
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );

    await page.goto(`${server.url}/settings#plan`);
    await page.getByTestId("current-plan").filter({ hasText: "Granted by an admin" }).waitFor();
    await shoot(page, "settings-plan-granted-light");

    await admin.page.goto(`${server.url}/admin/billing`);
    const events = admin.page.getByRole("table", { name: "Billing events" });
    await events.waitFor();
    expect(await events.locator("tbody tr").first().textContent()).toContain(MEMBER_EMAIL);

    await grantInAdmin("Take back the grant");
    await page.getByTestId("plan-toast").filter({ hasText: "Your plan changed to Free." }).waitFor();
    await expect.poll(() => page.getByTestId("plan-badge").count(), { timeout: 10_000 }).toBe(0);
  });

  it("a refusal the plan caused offers the upgrade; a grant then lifts it without a reload", async () => {
    const { page } = member;
    await page.goto(`${server.url}/`);
    await expect
      .poll(() => page.getByTestId("model-picker").textContent(), { timeout: 10_000 })
      .toContain("Parley Demo");
    // The open page still lists the demo as usable when the plan starts leaving it out.
    await patchPlan("free", { excludedModels: [...FREE_LEAVES_OUT, "parley-demo"] });
    await send(page, "Hello there");
    const refusal = page.getByTestId("room-error");
    await refusal.waitFor();
    expect(await refusal.getAttribute("data-code")).toBe("upgrade_required");
    expect(await refusal.textContent()).toContain("not part of the Free plan");
    expect(await refusal.getByTestId("upgrade-link").getAttribute("href")).toBe("/settings#plan");
    await refusal.getByRole("button", { name: "Dismiss" }).click();

    // A month's allowance of one token: the first answer uses it up, the next is refused.
    await patchPlan("free", { excludedModels: FREE_LEAVES_OUT, monthlyTokens: 1 });
    await page.getByTestId("model-picker").click();
    await page.locator("#model-option-gpt-5-mini").click();
    await send(page, "Write a haiku about the sea");
    await page.locator(`[data-testid="assistant-message"]:not([data-status="streaming"])`).first().waitFor();
    await send(page, "And one about the mountains");
    const hint = page.getByTestId("limit-hint");
    await hint.filter({ hasText: "allowance" }).waitFor();
    await hint.getByTestId("upgrade-link").click();
    await page.waitForURL(`${server.url}/settings#plan`);
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    await grantInAdmin("Grant");
    await page.getByTestId("plan-toast").filter({ hasText: "You're on Pro now." }).waitFor();
    await expect
      .poll(() => page.getByTestId("current-plan-name").textContent(), { timeout: 10_000 })
      .toBe("Pro");
    expect(await page.getByTestId("current-plan").textContent()).toContain("Granted by an admin");
    await page.goBack();
    await send(page, "Now one about the forest");
    await expect
      .poll(() => page.locator(`[data-testid="assistant-message"]`).count(), { timeout: 30_000 })
      .toBe(2);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    expect(pageErrors).toEqual([]);
  });
});
