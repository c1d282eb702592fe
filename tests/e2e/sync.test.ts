/**
 * One person, two devices (a laptop and a phone) against the real worker (vite dev, demo model):
 * the sidebar of each follows what the other does through the person's hub, without a reload —
 * a new chat appears, a rename shows, a delete disappears (and its Undo brings it back) — and the
 * Ctrl/Cmd+K palette finds a word that only an answer contains. Also the export downloads.
 */
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const EMAIL = `sync-${Date.now()}@example.com`;
const PASSWORD = "correct horse battery";

let server: DevServer;
let browser: Browser;
let laptopContext: BrowserContext;
let laptop: Page;
let phone: Page;
const pageErrors: string[] = [];

/** The hub frames this test looks at (worker/protocol has the full schema). */
const hubFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello") }),
  z.object({
    type: z.literal("conversation"),
    conversation: z.object({ id: z.string(), title: z.string() }),
  }),
  z.object({ type: z.literal("conversation_deleted"), id: z.string() }),
  z.object({ type: z.literal("pong") }),
]);
type HubFrame = z.infer<typeof hubFrame>;

function parseHubFrame(raw: string): HubFrame | null {
  try {
    const parsed = hubFrame.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

interface HubSocket {
  openedAt: number;
  frames: HubFrame[];
  closed: boolean;
}
/** Every hub socket a page opened, with the frames it received. */
const hubs = new Map<Page, HubSocket[]>();

const answers = `[data-testid="assistant-message"]`;
const row = (page: Page, id: string) => page.locator(`[data-conversation-id="${id}"]`);

async function newDevice(viewport: { width: number; height: number }): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ viewport, reducedMotion: "reduce" });
  // Tests never reach a real provider: the demo model is chosen.
  await context.addInitScript(() => localStorage.setItem("parley:model", "parley-demo"));
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  const sockets: HubSocket[] = [];
  hubs.set(page, sockets);
  page.on("websocket", (socket) => {
    if (!new URL(socket.url()).pathname.startsWith("/parties/hub")) return;
    const hub: HubSocket = { openedAt: Date.now(), frames: [], closed: false };
    sockets.push(hub);
    socket.on("framereceived", ({ payload }) => {
      const frame = typeof payload === "string" ? parseHubFrame(payload) : null;
      if (frame) hub.frames.push(frame);
    });
    socket.on("close", () => (hub.closed = true));
  });
  return [context, page];
}

/** Whether `page` has a live hub socket, opened after `since`, that has said hello. */
function hubReady(page: Page, since: number): boolean {
  return (hubs.get(page) ?? []).some(
    (hub) => !hub.closed && hub.openedAt >= since && hub.frames.some((f) => f.type === "hello"),
  );
}

function hubReceived(page: Page, predicate: (frame: HubFrame) => boolean): boolean {
  return (hubs.get(page) ?? []).some((hub) => hub.frames.some(predicate));
}

async function authenticate(page: Page, mode: "Sign in" | "Create account") {
  await page.getByTestId("sign-in-button").click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await dialog.getByRole("tab", { name: mode }).click();
  await dialog.getByLabel("Email").fill(EMAIL);
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByLabel("Password").press("Enter");
  await dialog.waitFor({ state: "detached" });
}

/** The phone's drawer, opened (navigation and sign-in close it). */
async function openDrawer(page: Page) {
  const sidebar = page.getByRole("complementary", { name: "Sidebar" });
  if (!(await sidebar.isVisible())) await page.getByRole("button", { name: "Open sidebar" }).click();
  await expect.poll(() => sidebar.isVisible()).toBe(true);
}

async function openRowMenu(page: Page, id: string) {
  await row(page, id).hover();
  await row(page, id)
    .getByRole("button", { name: /Options for/ })
    .click();
}

beforeAll(async () => {
  server = await startDevServer({ env: { DEMO_TOKEN_DELAY_MS: "5" } });
  browser = await launchChromium();
  [laptopContext, laptop] = await newDevice({ width: 1280, height: 800 });
  [, phone] = await newDevice({ width: 375, height: 812 });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("two devices of one person", () => {
  let chatId = "";

  it("signs up on the laptop and in on the phone; each gets its hub", async () => {
    await laptop.goto(`${server.url}/`);
    await laptop.getByRole("button", { name: /Write some code/ }).waitFor();
    const signedUpAt = Date.now();
    await authenticate(laptop, "Create account");
    await expect.poll(() => hubReady(laptop, signedUpAt), { timeout: 15_000 }).toBe(true);

    await phone.goto(`${server.url}/`);
    await phone
      .getByRole("button", { name: /Plan something|Write some code/ })
      .first()
      .waitFor();
    await openDrawer(phone);
    const signedInAt = Date.now();
    await authenticate(phone, "Sign in");
    await expect.poll(() => hubReady(phone, signedInAt), { timeout: 15_000 }).toBe(true);
    // A new identity: the guest's hub socket was closed, one per tab remains.
    expect((hubs.get(phone) ?? []).filter((hub) => !hub.closed)).toHaveLength(1);
  });

  it("a chat started on the laptop appears on the phone without a reload", async () => {
    const phoneUrl = phone.url();
    const composer = laptop.getByRole("textbox", { name: "Message" });
    await composer.fill("Plan the zebrafinch migration study");
    await expect
      .poll(() => laptop.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
      .toBe(true);
    await composer.press("Enter");
    await laptop.waitForURL(/\/c\/[^/]+$/);
    chatId = decodeURIComponent(new URL(laptop.url()).pathname.split("/").pop() ?? "");
    await laptop.locator(`${answers}:not([data-status="streaming"])`).first().waitFor({ timeout: 60_000 });

    await openDrawer(phone);
    await row(phone, chatId).waitFor({ timeout: 10_000 });
    await expect.poll(() => row(phone, chatId).textContent()).toContain("zebrafinch");
    expect(hubReceived(phone, (f) => f.type === "conversation" && f.conversation.id === chatId)).toBe(true);
    expect(phone.url()).toBe(phoneUrl);
  });

  it("a rename on the phone shows on the laptop", async () => {
    // The laptop leaves the chat, so only its hub (not the chat's room) can tell it.
    await laptop.getByRole("button", { name: "New chat" }).first().click();
    await laptop.waitForURL(`${server.url}/`);

    await openDrawer(phone);
    await openRowMenu(phone, chatId);
    await phone.getByRole("menuitem", { name: "Rename" }).click();
    const input = phone.getByRole("textbox", { name: "Chat title" });
    await input.waitFor();
    await input.fill("Birds on the move");
    await input.press("Enter");
    await expect
      .poll(() => row(laptop, chatId).textContent(), { timeout: 10_000 })
      .toContain("Birds on the move");
  });

  it("the phone, opened again after its access cookie expired, is still signed in and in sync", async () => {
    // The access cookie lives for 15 minutes. A phone back after that holds only its refresh
    // cookie, and the app's first requests and its sockets all go out at once, each with it.
    await phone.context().clearCookies({ name: "parley_session" });
    const reloadedAt = Date.now();
    await phone.reload();
    await expect.poll(() => hubReady(phone, reloadedAt), { timeout: 15_000 }).toBe(true);
    await openDrawer(phone);
    await expect.poll(() => row(phone, chatId).textContent()).toContain("Birds on the move");
    const cookies = await phone.context().cookies();
    expect(cookies.map((cookie) => cookie.name).sort()).toEqual(["parley_refresh", "parley_session"]);
    const session = await phone.context().request.get(`${server.url}/api/v1/session`);
    expect(await session.json()).toMatchObject({ user: { kind: "user", email: EMAIL } });
  });

  it("a delete on the laptop removes it from the phone; Undo brings it back on both", async () => {
    await openRowMenu(laptop, chatId);
    await laptop.getByRole("menuitem", { name: "Delete" }).click();
    await laptop.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await row(laptop, chatId).waitFor({ state: "detached" });
    const toast = laptop.getByTestId("toast").filter({ hasText: "Conversation deleted" });
    await toast.waitFor();

    await openDrawer(phone);
    await row(phone, chatId).waitFor({ state: "detached", timeout: 10_000 });
    expect(hubReceived(phone, (f) => f.type === "conversation_deleted" && f.id === chatId)).toBe(true);

    await toast.getByRole("button", { name: "Undo" }).click();
    await toast.waitFor({ state: "detached" });
    await row(laptop, chatId).waitFor({ timeout: 10_000 });
    await row(phone, chatId).waitFor({ timeout: 10_000 });
    await expect.poll(() => row(phone, chatId).textContent()).toContain("Birds on the move");
    const restored = await laptopContext.request.get(`${server.url}/api/v1/conversations/${chatId}`);
    expect(restored.status()).toBe(200);
  });

  it("the palette finds a word that only the answer contains, and opens that chat", async () => {
    await laptop.keyboard.press("Control+k");
    const palette = laptop.getByRole("combobox", { name: "Search chats and commands" });
    await palette.waitFor();
    // "fenced" is in the demo model's answer, not in the prompt or the title.
    await palette.fill("fenced");
    const hit = laptop.getByTestId("palette-hit").first();
    await hit.waitFor({ timeout: 10_000 });
    await expect.poll(() => hit.locator("mark").first().textContent()).toBe("fenced");
    await expect(hit.textContent()).resolves.toContain("Birds on the move");
    await laptop.getByText("Messages", { exact: true }).waitFor();
    await palette.press("Enter");
    await laptop.waitForURL(new RegExp(`/c/${chatId}$`));
  });

  it("exports the chat from its menu and everything from Settings", async () => {
    await openRowMenu(laptop, chatId);
    const [markdown] = await Promise.all([
      laptop.waitForEvent("download"),
      laptop.getByRole("menuitem", { name: "Export as Markdown" }).click(),
    ]);
    expect(markdown.suggestedFilename()).toBe("birds-on-the-move.md");

    await laptop.goto(`${server.url}/settings`);
    const [everything] = await Promise.all([
      laptop.waitForEvent("download"),
      laptop.getByRole("link", { name: "Download all my data" }).click(),
    ]);
    expect(everything.suggestedFilename()).toMatch(/^parley-export-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(
      await (await laptopContext.request.get(`${server.url}/api/v1/account/export`)).text(),
    ) as { profile: { email: string }; conversations: Array<{ id: string }> };
    expect(exported.profile.email).toBe(EMAIL);
    expect(exported.conversations.map((c) => c.id)).toEqual([chatId]);
  });

  it("threw no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
