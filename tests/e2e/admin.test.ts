/**
 * The admin screens against the real worker (vite dev): a guest is turned away politely; an
 * account whose email is in ADMIN_EMAILS, confirmed with the link the worker prints (no mail is
 * configured here), opens /admin, prices the demo model and turns models off
 * (gone from the public list at once), sees each change in the audit log, reads usage and bans a
 * person (refused on their next request). Screenshots: docs/screenshots/admin-*.png at 1280x800.
 *
 * A month of earlier usage is written straight into the local D1 before the usage screen is
 * opened, so the chart has history to show; today's answers come from real chats.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");
const ADMIN_EMAIL = "operator@example.com";
const MEMBER_EMAIL = "sam.rivera@example.net";
const PASSWORD = "correct horse battery";

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function shoot(name: string) {
  // Confirmations fade after a few seconds; the screenshot shows the screen, not the toasts.
  await expect.poll(() => page.getByTestId("toast").count(), { timeout: 10_000 }).toBe(0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** The confirmation link the worker printed for `email` (local development without mail). */
async function printedLink(email: string): Promise<string> {
  const pattern = new RegExp(`To ${email.replaceAll(".", "\\.")}: "[^"]*" — open (\\S+/verify\\?token=\\S+)`);
  await expect.poll(() => pattern.test(server.logs()), { timeout: 15_000 }).toBe(true);
  return pattern.exec(server.logs())![1]!;
}

async function publicModelIds(): Promise<string[]> {
  // A fresh guest (no cookies) asks for the catalogue everyone sees.
  const response = await fetch(`${server.url}/api/v1/models`);
  const body = (await response.json()) as { models: Array<{ id: string }> };
  return body.models.map((model) => model.id);
}

async function send(prompt: string) {
  const before = await page.locator(`[data-testid="assistant-message"]`).count();
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill(prompt);
  await expect
    .poll(() => page.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
    .toBe(true);
  await composer.press("Enter");
  await page
    .locator(`[data-testid="assistant-message"]:not([data-status="streaming"])`)
    .nth(before)
    .waitFor({ timeout: 30_000 });
}

/** SQL for a month of earlier answers by a few people, with realistic models and prices. */
function historySql(now: number): string {
  const day = 24 * 60 * 60 * 1000;
  const people = ["grace", "linus", "margaret", "alan", "katherine", "edsger"];
  const models: Array<[string, string, number, number]> = [
    ["claude-sonnet-4-5", "anthropic", 3, 15],
    ["gpt-5-mini", "openai", 0.25, 2],
    ["gemini-2.5-flash", "gemini", 0.3, 2.5],
    ["deepseek-flash", "deepseek", 0.28, 0.42],
  ];
  let seed = 7;
  const pick = <T>(list: readonly T[]): T => {
    const value = list[Math.min(list.length - 1, Math.floor(random() * list.length))];
    if (value === undefined) throw new Error("nothing to pick from");
    return value;
  };
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const lines: string[] = [];
  people.forEach((name, index) => {
    const joined = now - (40 - index * 5) * day;
    lines.push(
      `INSERT INTO users (id, kind, email, display_name, role, created_at, last_seen_at) VALUES ('seed-user-${name}', 'user', '${name}@example.org', '${name[0]?.toUpperCase()}${name.slice(1)}', 'member', ${joined}, ${now - index * 3_600_000});`,
      `INSERT INTO conversations (id, owner_id, title, created_at, updated_at) VALUES ('seed-chat-${name}', 'seed-user-${name}', 'Notes', ${joined}, ${now});`,
    );
  });
  let position = 0;
  for (let ago = 29; ago >= 1; ago--) {
    // Weekdays are busier; the last fortnight more so, as a service that is catching on.
    const at = now - ago * day;
    const weekday = new Date(at).getUTCDay() % 6 !== 0;
    const answers = Math.round((weekday ? 5 : 2) + random() * 4 + (ago < 14 ? 3 : 0));
    for (let n = 0; n < answers; n++) {
      // Some people use Parley far more than others.
      const person = people[Math.floor(random() ** 1.6 * people.length)] ?? "grace";
      const [model, provider, input, output] = pick(models);
      const inputTokens = Math.round(800 + random() * 6000);
      const outputTokens = Math.round(200 + random() * 1800);
      const cost = (inputTokens * input + outputTokens * output) / 1_000_000;
      const time = at + n * 600_000;
      lines.push(
        `INSERT INTO messages (id, conversation_id, position, role, model, provider, status, finish_reason, input_tokens, output_tokens, cost_usd, created_at, updated_at) VALUES ('seed-answer-${position}', 'seed-chat-${person}', ${position++}, 'assistant', '${model}', '${provider}', 'complete', 'stop', ${inputTokens}, ${outputTokens}, ${cost}, ${time}, ${time});`,
      );
    }
  }
  lines.push(
    `INSERT INTO messages (id, conversation_id, position, role, model, provider, status, finish_reason, error_code, error_message, created_at, updated_at) VALUES ('seed-error-1', 'seed-chat-linus', ${position}, 'assistant', 'claude-sonnet-4-5', 'anthropic', 'error', 'error', 'upstream_overloaded', 'The provider is overloaded. Try again in a moment.', ${now - 2 * 3_600_000}, ${now - 2 * 3_600_000});`,
    // Two conversation titles a cheap model wrote: the operator's own spending.
    `INSERT INTO operator_usage (id, purpose, conversation_id, model, provider, input_tokens, output_tokens, cost_usd, estimated, created_at) VALUES ('seed-title-1', 'title', 'seed-chat-alan', 'gpt-5-mini', 'openai', 412, 9, 0.000121, 0, ${now - 3 * 3_600_000}), ('seed-title-2', 'title', 'seed-chat-linus', 'gpt-5-mini', 'openai', 388, 8, 0.000113, 0, ${now - 4 * 3_600_000});`,
    `INSERT INTO moderation_events (id, user_id, conversation_id, "check", category, excerpt, created_at) VALUES ('seed-moderation-1', 'seed-user-alan', 'seed-chat-alan', 'max_prompt_size', 'size', 'Here is the whole log file from last night', ${now - 5 * 3_600_000});`,
  );
  return lines.join("\n");
}

async function seedHistory() {
  const file = path.join(server.stateDir, "history.sql");
  writeFileSync(file, historySql(Date.now()));
  await promisify(execFile)(
    "npx",
    ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", server.stateDir, "--file", file],
    { cwd: repoRoot, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
  );
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startDevServer({ env: { DEMO_TOKEN_DELAY_MS: "5", ADMIN_EMAILS: ADMIN_EMAIL } });
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  await context.addInitScript(() => localStorage.setItem("parley:model", "parley-demo"));
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("admin", () => {
  it("tells a guest, politely, that the page is for admins", async () => {
    await page.goto(`${server.url}/admin`);
    await page.getByRole("heading", { name: "You don’t have access" }).waitFor();
    expect(await page.getByRole("tab", { name: "Models" }).count()).toBe(0);
    const direct = await context.request.get(`${server.url}/api/v1/admin/models`);
    expect(direct.status()).toBe(403);
  });

  it("an admin prices the demo model, turns it off and on, and sees each change in the audit log", async () => {
    await page.getByTestId("sign-in-button").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("tab", { name: "Create account" }).click();
    await dialog.getByLabel("Email").fill(ADMIN_EMAIL);
    await dialog.getByLabel("Password").fill(PASSWORD);
    await dialog.getByLabel("Password").press("Enter");
    await dialog.waitFor({ state: "detached" });
    // ADMIN_EMAILS counts only a confirmed address. No mail transport is configured in this run,
    // so the worker prints the confirmation link on its console instead of mailing it.
    await page.goto(await printedLink(ADMIN_EMAIL));
    await page.getByTestId("link-result").filter({ hasText: "confirmed" }).waitFor();

    await page.goto(`${server.url}/admin`);
    const table = page.getByRole("table", { name: "Models" });
    await table.waitFor();
    expect(await page.getByRole("tab", { name: "Models" }).getAttribute("aria-selected")).toBe("true");

    // Parley Demo costs nothing by default; give it a price so today's answers show up as cost.
    const demoInput = page.getByLabel("Parley Demo input price per million tokens");
    await demoInput.fill("2");
    await demoInput.press("Enter");
    const demoOutput = page.getByLabel("Parley Demo output price per million tokens");
    await demoOutput.fill("8");
    await demoOutput.press("Enter");
    await expect.poll(() => demoOutput.inputValue()).toBe("8");

    // Turned off: gone from the catalogue everyone sees, at once. Then back on.
    expect(await publicModelIds()).toContain("parley-demo");
    const demoSwitch = page.getByRole("switch", { name: "Parley Demo enabled" });
    await demoSwitch.click();
    await expect.poll(() => demoSwitch.getAttribute("aria-checked")).toBe("false");
    await expect.poll(publicModelIds, { timeout: 5_000 }).not.toContain("parley-demo");
    await demoSwitch.click();
    await expect.poll(() => demoSwitch.getAttribute("aria-checked")).toBe("true");
    await expect.poll(publicModelIds, { timeout: 5_000 }).toContain("parley-demo");

    // Two models without a server key here, switched off for good.
    for (const name of ["GPT-5", "Gemini 2.5 Pro"]) {
      await page.getByRole("switch", { name: `${name} enabled`, exact: true }).click();
      await expect
        .poll(() =>
          page.getByRole("switch", { name: `${name} enabled`, exact: true }).getAttribute("aria-checked"),
        )
        .toBe("false");
    }
    await page.getByRole("button", { name: "Make Parley Demo the default model" }).click();
    await expect
      .poll(() =>
        page.getByRole("button", { name: "Make Parley Demo the default model" }).getAttribute("aria-pressed"),
      )
      .toBe("true");
    await page.mouse.move(0, 0);
    await shoot("admin-models");

    await page.getByRole("tab", { name: "Audit log" }).click();
    await page.waitForURL(`${server.url}/admin/audit`);
    const audit = page.getByRole("table", { name: "Audit log" });
    await audit.waitFor();
    const rows = audit.locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(7);
    const newest = rows.nth(1);
    expect(await newest.textContent()).toContain("Changed a model");
    expect(await newest.textContent()).toContain("gemini-2.5-pro");
    expect(await newest.textContent()).toContain('{"enabled":false}');
    expect(await newest.textContent()).toContain(ADMIN_EMAIL);
    expect(await rows.nth(0).textContent()).toContain("Set the default model");
  });

  it("shows usage by day, by model and by person", async () => {
    await seedHistory();
    await page.goto(`${server.url}/`);
    await send("Write a haiku about the sea");
    await send("And one about the mountains");

    await page.goto(`${server.url}/admin/usage`);
    const chart = page.getByRole("img", { name: /Cost per day over 30 days/ });
    await chart.waitFor();
    const today = new Date().toISOString().slice(0, 10);
    const todayBar = chart.locator(`g[data-day="${today}"] rect`);
    expect(Number(await todayBar.getAttribute("height"))).toBeGreaterThan(1);
    const byModel = page.getByRole("table", { name: "Usage by model" });
    expect(await byModel.textContent()).toContain("parley-demo");
    expect(await byModel.textContent()).toContain("claude-sonnet-4-5");
    expect(await page.getByRole("table", { name: "Usage by person" }).textContent()).toContain(ADMIN_EMAIL);
    // Titles are the operator's: shown apart, in no one's row.
    expect(await page.getByTestId("operator-usage").textContent()).toContain("2 calls · 817 tokens");
    await shoot("admin-usage");
  });

  it("bans a person, who is refused on their next request, and lists people with their usage", async () => {
    const member = await browser.newContext();
    const signUp = await member.request.post(`${server.url}/api/v1/auth/signup`, {
      data: { email: MEMBER_EMAIL, password: PASSWORD },
    });
    expect(signUp.status()).toBe(200);

    await page.goto(`${server.url}/admin/users`);
    const table = page.getByRole("table", { name: "People" });
    await table.waitFor();
    await expect.poll(() => table.locator("tbody tr").count()).toBe(8);
    await page.getByRole("button", { name: `Ban ${MEMBER_EMAIL}` }).click();
    const confirm = page.getByRole("dialog", { name: `Ban ${MEMBER_EMAIL}?` });
    await confirm.getByRole("button", { name: "Ban" }).click();
    await confirm.waitFor({ state: "detached" });
    await page.getByRole("button", { name: `Unban ${MEMBER_EMAIL}` }).waitFor();
    await expect
      .poll(async () => (await member.request.get(`${server.url}/api/v1/conversations`)).status())
      .toBe(403);

    await page.mouse.move(0, 0);
    await shoot("admin-users");

    // Searching narrows the list; lifting the ban lets them back in.
    await page.getByLabel("Search people by email or id").fill("margaret");
    await expect.poll(() => table.locator("tbody tr").count()).toBe(1);
    await page.getByLabel("Search people by email or id").fill(MEMBER_EMAIL);
    await expect.poll(() => table.locator("tbody tr").textContent()).toContain(MEMBER_EMAIL);
    await page.getByRole("button", { name: `Unban ${MEMBER_EMAIL}` }).click();
    await page.getByRole("button", { name: `Ban ${MEMBER_EMAIL}` }).waitFor();
    await expect
      .poll(async () => (await member.request.get(`${server.url}/api/v1/conversations`)).status())
      .toBe(200);
    await member.close();
  });

  it("sets a global limit from the Limits tab, and lists moderation refusals and upstream errors", async () => {
    await page.goto(`${server.url}/admin/limits`);
    const guests = page.getByRole("form", { name: "Guests (per network address)" });
    await guests.getByLabel(/Messages per window/).fill("5");
    await guests.getByRole("button", { name: "Save guest limits" }).click();
    await expect
      .poll(async () => {
        const response = await context.request.get(`${server.url}/api/v1/admin/settings/limits`);
        return ((await response.json()) as { effective: { guest: { rateLimit: number } } }).effective.guest
          .rateLimit;
      })
      .toBe(5);

    await page.getByRole("tab", { name: "Moderation" }).click();
    const moderation = page.getByRole("table", { name: "Moderation log" });
    await moderation.waitFor();
    expect(await moderation.textContent()).toContain("alan@example.org");
    expect(await moderation.textContent()).toContain("Prompt refused");

    // Output moderation: stop for every model, withhold the text, one model only flagged.
    const policy = page.getByRole("form", { name: "Output moderation" });
    await policy.getByRole("radio", { name: /^Stop/ }).check();
    await policy.getByRole("radio", { name: /replaced by a short notice/ }).check();
    await policy.getByLabel("Give a model its own mode").selectOption("parley-demo");
    await policy.getByLabel(/^Mode for /).selectOption("flag");
    await policy.getByLabel("Check every").fill("400");
    await policy.getByRole("button", { name: "Save output moderation" }).click();
    await expect
      .poll(async () => {
        const response = await context.request.get(`${server.url}/api/v1/admin/settings/output-moderation`);
        return ((await response.json()) as { policy: unknown }).policy;
      })
      .toEqual({ mode: "stop", onStop: "withhold", windowChars: 400, models: { "parley-demo": "flag" } });
    await shoot("admin-moderation");

    await page.getByRole("tab", { name: "Upstream errors" }).click();
    const errors = page.getByRole("table", { name: "Upstream errors" });
    await errors.waitFor();
    expect(await errors.textContent()).toContain("upstream_overloaded");
    expect(pageErrors).toEqual([]);
  });
});
