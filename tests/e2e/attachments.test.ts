/**
 * Attachments end to end: a screenshot pasted into the composer uploads at once, shows as a chip,
 * goes out with the prompt to a vision model, and appears in the sent message on every device of
 * the person (live, through the room). The model picker warns about a model that cannot read the
 * file, and files the server refuses show its reason on their chip.
 *
 * The vision model is OpenAI's `gpt-5-mini`, served by the fake upstream (tests/fake-upstream) that
 * this file starts itself: OPENAI_BASE_URL points the worker at it, so the request the model would
 * get (with the image as an `image_url` part) can be checked too. Uploads are capped at 1 MB here
 * (ATTACHMENT_MAX_MB) to test the size limit without megabytes of test data.
 * Screenshot (light, 1280×800): docs/screenshots/attachments.png.
 */
import path from "node:path";
import { deflateSync } from "node:zlib";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startFakeUpstream, type FakeUpstream } from "../fake-upstream/server.ts";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const VISION_MODEL = "gpt-5-mini";
const DEMO_MODEL = "parley-demo";
const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");

// ---- A real PNG, built here: a soft diagonal gradient with a darker band (so it is visibly an image).

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGB PNG of `width`×`height` whose colours shift with `hue` (0…1). */
function makePng(width: number, height: number, hue: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then RGB
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      const band = Math.abs(y - height * 0.55) < height * 0.08 ? 0.55 : 1;
      row[1 + x * 3] = Math.round((90 + 140 * t * (1 - hue) + 60 * hue) * band);
      row[2 + x * 3] = Math.round((110 + 90 * (1 - t)) * band);
      row[3 + x * 3] = Math.round((200 + 50 * t * hue) * band);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(Buffer.concat(rows))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The smallest file the server takes as a PDF (it checks the `%PDF-` signature). */
const MINIMAL_PDF =
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
  "trailer<</Root 1 0 R>>\n%%EOF\n";

// ---- Page helpers

let server: DevServer;
let upstream: FakeUpstream;
let browser: Browser;
let owner: BrowserContext;
let otherDevice: BrowserContext;
let pageA: Page;
let pageB: Page;
let conversationId = "";
const pageErrors: string[] = [];

/** Pastes a PNG into the composer the way a browser does: a paste event whose clipboard holds a file. */
async function pastePng(page: Page, png: Buffer, name: string): Promise<boolean> {
  return page.evaluate(
    ({ base64, name }) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], name, { type: "image/png" }));
      const composer = document.getElementById("composer");
      if (!composer) throw new Error("no composer");
      composer.focus();
      const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
      composer.dispatchEvent(event);
      return event.defaultPrevented;
    },
    { base64: png.toString("base64"), name },
  );
}

async function chooseModel(page: Page, id: string) {
  await page.getByTestId("model-picker").click();
  await page.locator(`[role="option"][id="model-option-${id}"]`).click();
  await page.locator(`[role="option"][id="model-option-${id}"]`).waitFor({ state: "detached" });
}

const chip = (page: Page, name: string) =>
  page
    .locator('[data-testid="attachment-chip"]')
    .filter({ has: page.getByText(name) })
    .or(page.locator(`[data-testid="attachment-chip"]:has(img[alt="${name}"])`));

async function sendButtonEnabled(page: Page): Promise<boolean> {
  return page.getByRole("button", { name: "Send" }).isEnabled();
}

/** Whether the user message's image has loaded from the server (not just an element on the page). */
async function loadedImages(page: Page, messageIndex: number): Promise<{ src: string; width: number }[]> {
  return page.evaluate((index) => {
    const message = document.querySelectorAll('[data-testid="user-message"]')[index];
    if (!message) return [];
    return Array.from(
      message.querySelectorAll<HTMLImageElement>('img[data-testid="message-image"]'),
      (img) => ({
        src: img.getAttribute("src") ?? "",
        width: img.complete ? img.naturalWidth : 0,
      }),
    );
  }, messageIndex);
}

const loggedRequests = z.object({
  requests: z.array(z.object({ path: z.string(), body: z.unknown() })),
});

beforeAll(async () => {
  upstream = await startFakeUpstream();
  server = await startDevServer({
    env: {
      OPENAI_API_KEY: "sk-e2e-fake-upstream",
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      ATTACHMENT_MAX_MB: "1",
    },
  });
  browser = await launchChromium(["--disable-quic", "--disable-component-update", "--disable-sync"]);
  const options = { viewport: { width: 1280, height: 800 }, colorScheme: "light" as const };
  owner = await browser.newContext(options);
  pageA = await owner.newPage();
  pageA.on("pageerror", (error) => pageErrors.push(`A: ${error.message}`));
  await pageA.goto(`${server.url}/`);
  await pageA.getByRole("textbox", { name: "Message" }).waitFor();
  // The same person on a second device: the guest cookie carried over to a fresh context.
  otherDevice = await browser.newContext({ ...options, storageState: await owner.storageState() });
  pageB = await otherDevice.newPage();
  pageB.on("pageerror", (error) => pageErrors.push(`B: ${error.message}`));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
});

describe("attachments", () => {
  it("a pasted screenshot uploads, is sent with the prompt and shows in the message on every device", async () => {
    await chooseModel(pageA, VISION_MODEL);
    expect(await pastePng(pageA, makePng(320, 200, 0.2), "screenshot.png")).toBe(true);

    const pasted = chip(pageA, "screenshot.png");
    await pasted.and(pageA.locator('[data-status="ready"]')).waitFor({ timeout: 20_000 });
    expect(await pasted.locator("img").getAttribute("src")).toMatch(/^\/api\/v1\/attachments\/[\w-]+$/);

    const composer = pageA.getByRole("textbox", { name: "Message" });
    await composer.fill("What does this screenshot show?");
    await expect.poll(() => sendButtonEnabled(pageA), { timeout: 10_000 }).toBe(true);
    await composer.press("Enter");

    await pageA.waitForURL(/\/c\/[^/]+$/, { timeout: 20_000 });
    conversationId = decodeURIComponent(new URL(pageA.url()).pathname.split("/").pop() ?? "");
    // The chips went with the prompt; the stored message shows the image, loaded from the server.
    await expect.poll(() => pageA.locator('[data-testid="attachment-chip"]').count()).toBe(0);
    await expect
      .poll(async () => (await loadedImages(pageA, 0)).map((image) => image.width), { timeout: 20_000 })
      .toEqual([320]);
    await pageA
      .locator('[data-testid="assistant-message"][data-status="complete"]')
      .waitFor({ timeout: 30_000 });

    // The other device opens the chat and sees the same image.
    await pageB.goto(`${server.url}/c/${conversationId}`);
    await expect
      .poll(async () => (await loadedImages(pageB, 0)).map((image) => image.width), { timeout: 20_000 })
      .toEqual([320]);

    // A thumbnail opens the full image.
    await pageB.getByRole("button", { name: "View screenshot.png" }).click();
    await pageB.getByTestId("lightbox").getByRole("img", { name: "screenshot.png" }).waitFor();
    await pageB.keyboard.press("Escape");
    await pageB.getByTestId("lightbox").waitFor({ state: "detached" });
  });

  it("the next image reaches the model as an image part and the other device live", async () => {
    await pageB.locator('[role="log"][data-synced="true"]').waitFor({ timeout: 20_000 });
    expect(await pastePng(pageA, makePng(240, 240, 0.9), "second.png")).toBe(true);
    await chip(pageA, "second.png").and(pageA.locator('[data-status="ready"]')).waitFor({ timeout: 20_000 });
    // A PDF as well (OpenAI models read PDFs as documents).
    await pageA.getByTestId("attach-input").setInputFiles({
      name: "design-notes.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from(MINIMAL_PDF, "latin1"),
    });
    await chip(pageA, "design-notes.pdf")
      .and(pageA.locator('[data-status="ready"]'))
      .waitFor({ timeout: 20_000 });
    await pageA.locator('[data-testid="assistant-message"][data-status="complete"]').waitFor();

    // The fake upstream also writes the automatic title ("About <the first words>"): give
    // the chat a fitting one for the screenshot.
    const renamed = await owner.request.patch(`${server.url}/api/v1/conversations/${conversationId}`, {
      headers: { origin: server.url },
      data: { title: "Screenshot question" },
    });
    expect(renamed.status()).toBe(200);
    await pageA
      .getByRole("heading", { name: "Screenshot question" })
      .or(pageA.getByText("Screenshot question").first())
      .first()
      .waitFor();

    await pageA.screenshot({ path: path.join(SCREENSHOTS, "attachments.png") });

    const tag = `attach-${Date.now().toString(36)}`;
    const composer = pageA.getByRole("textbox", { name: "Message" });
    await composer.fill(`And this one? [[case:normal tag=${tag}]]`);
    await expect.poll(() => sendButtonEnabled(pageA), { timeout: 10_000 }).toBe(true);
    await composer.press("Enter");

    // B did not reload: the room broadcast the new prompt with its file.
    await expect
      .poll(async () => (await loadedImages(pageB, 1)).map((image) => image.width), { timeout: 20_000 })
      .toEqual([240]);

    // What the model got: the prompt's text and the image as an OpenAI `image_url` data URL.
    const response = await fetch(`${upstream.url}/__control/requests?tag=${tag}`);
    const { requests } = loggedRequests.parse(await response.json());
    const body = z
      .object({ messages: z.array(z.object({ role: z.string(), content: z.unknown() })) })
      .parse(requests[0]?.body);
    const last = body.messages.at(-1);
    const parts = z
      .array(
        z.object({
          type: z.string(),
          text: z.string().optional(),
          image_url: z.object({ url: z.string() }).optional(),
        }),
      )
      .parse(last?.content);
    expect(parts.find((part) => part.type === "text")?.text).toContain("And this one?");
    const image = parts.find((part) => part.type === "image_url")?.image_url?.url ?? "";
    expect(image.startsWith("data:image/png;base64,iVBORw0KGgo")).toBe(true);
    expect(parts.some((part) => part.type === "file")).toBe(true);
    // The PDF shows as a file chip linking to the file.
    const file = pageB.locator('[data-testid="user-message"]').nth(1).getByTestId("message-file");
    expect(await file.textContent()).toContain("design-notes.pdf");
    expect(await file.getAttribute("href")).toMatch(/^\/api\/v1\/attachments\/[\w-]+$/);
    await pageA
      .locator('[data-testid="assistant-message"][data-status="complete"]')
      .nth(1)
      .waitFor({ timeout: 30_000 });
  });

  it("someone with a watch link sees the images through the link; another guest cannot fetch them", async () => {
    const shared = await owner.request.put(`${server.url}/api/v1/conversations/${conversationId}/share`, {
      headers: { origin: server.url },
      data: { mode: "watch" },
    });
    expect(shared.ok()).toBe(true);
    const { share } = z.object({ share: z.object({ token: z.string() }) }).parse(await shared.json());

    const stranger = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: "light",
    });
    try {
      const page = await stranger.newPage();
      page.on("pageerror", (error) => pageErrors.push(`watcher: ${error.message}`));
      await page.goto(`${server.url}/s/${share.token}`);
      await expect
        .poll(async () => (await loadedImages(page, 0)).map((image) => image.width), { timeout: 20_000 })
        .toEqual([320]);
      const [image] = await loadedImages(page, 0);
      expect(image?.src).toMatch(new RegExp(`^/api/v1/attachments/[\\w-]+\\?share=${share.token}$`));

      // The same file without the link: not found, for a guest who is not the owner.
      const without = await stranger.request.get(`${server.url}${image?.src.split("?")[0]}`);
      expect(without.status()).toBe(404);
      const through = await stranger.request.get(`${server.url}${image?.src}`);
      expect(through.status()).toBe(200);
      expect(through.headers()["content-type"]).toBe("image/png");
    } finally {
      await stranger.close();
    }
  });

  it("the composer warns when the chosen model cannot read the image, and Send waits", async () => {
    expect(await pastePng(pageA, makePng(64, 64, 0.5), "chart.png")).toBe(true);
    await chip(pageA, "chart.png").and(pageA.locator('[data-status="ready"]')).waitFor({ timeout: 20_000 });
    await pageA.getByRole("textbox", { name: "Message" }).fill("Explain this chart");

    await chooseModel(pageA, DEMO_MODEL);
    const warning = pageA.getByTestId("attachment-warning");
    await warning.waitFor();
    expect(await warning.textContent()).toContain("Parley Demo can’t read images");
    expect(await sendButtonEnabled(pageA)).toBe(false);
    expect(await pageA.getByRole("button", { name: "Send" }).getAttribute("title")).toContain(
      "can’t read images",
    );

    await chooseModel(pageA, VISION_MODEL);
    await warning.waitFor({ state: "detached" });
    expect(await sendButtonEnabled(pageA)).toBe(true);

    await pageA.getByRole("button", { name: "Remove chart.png" }).click();
    await expect.poll(() => pageA.locator('[data-testid="attachment-chip"]').count()).toBe(0);
  });

  it("files the server refuses show its reason on their chip", async () => {
    const input = pageA.getByTestId("attach-input");
    await input.setInputFiles({
      name: "archive.zip",
      mimeType: "application/zip",
      buffer: Buffer.from("PK\u0003\u0004 zip"),
    });
    const refused = chip(pageA, "archive.zip");
    await refused.and(pageA.locator('[data-status="error"]')).waitFor({ timeout: 20_000 });
    expect(await refused.getByTestId("attachment-error").textContent()).toBe(
      "Parley takes images (PNG, JPEG, WebP, GIF), PDFs and text or code files.",
    );

    // 1.5 MB that starts like a PNG: over this server's 1 MB cap.
    const huge = Buffer.concat([makePng(8, 8, 0), Buffer.alloc(1_500_000, 7)]);
    await input.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: huge });
    const tooBig = chip(pageA, "huge.png");
    await tooBig.and(pageA.locator('[data-status="error"]')).waitFor({ timeout: 20_000 });
    expect(await tooBig.getByTestId("attachment-error").textContent()).toBe("A file may be at most 1 MB.");

    await pageA.getByRole("textbox", { name: "Message" }).fill("Look at these");
    expect(await sendButtonEnabled(pageA)).toBe(false);
    await pageA.getByRole("button", { name: "Remove archive.zip" }).click();
    await pageA.getByRole("button", { name: "Remove huge.png" }).click();
    await expect.poll(() => sendButtonEnabled(pageA)).toBe(true);
  });

  it("Tools shows each call as a step, and JSON mode shows a formatted JSON answer", async () => {
    const composer = pageA.getByRole("textbox", { name: "Message" });
    const answers = pageA.locator('[data-testid="assistant-message"]');
    const tools = pageA.getByRole("button", { name: "Tools" });
    await tools.click();
    expect(await tools.getAttribute("aria-pressed")).toBe("true");
    const toolTag = `tools-${Date.now().toString(36)}`;
    const before = await answers.count();
    await composer.fill(`What is (17 + 4) * 2? [[case:tool_call tag=${toolTag}]]`);
    await composer.press("Enter");
    const toolAnswer = answers.nth(before);
    await toolAnswer.and(pageA.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    const step = toolAnswer.getByRole("button", { name: /Used calculate · \(17 \+ 4\) \* 2 → 42/ });
    await step.click();
    expect(await step.getAttribute("aria-expanded")).toBe("true");
    expect(await toolAnswer.locator("pre").first().textContent()).toBe(
      '{\n  "expression": "(17 + 4) * 2"\n}',
    );
    await tools.click();

    const json = pageA.getByRole("button", { name: "JSON" });
    await json.click();
    const jsonTag = `json-${Date.now().toString(36)}`;
    await composer.fill(`Answer in JSON [[case:json tag=${jsonTag}]]`);
    await composer.press("Enter");
    const jsonAnswer = answers.nth(before + 1);
    await jsonAnswer.and(pageA.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    expect(await jsonAnswer.getByTestId("json-answer").locator("pre").textContent()).toBe(
      '{\n  "answer": 42,\n  "unit": "none"\n}',
    );
    await json.click();

    // The switches reached the model: tools were offered, JSON mode was asked for.
    const sent = async (tag: string) => {
      const response = await fetch(`${upstream.url}/__control/requests?tag=${tag}`);
      return z
        .object({ requests: z.array(z.object({ body: z.record(z.string(), z.unknown()) })) })
        .parse(await response.json()).requests[0]?.body;
    };
    expect(Array.isArray((await sent(toolTag))?.tools)).toBe(true);
    expect((await sent(jsonTag))?.response_format).toEqual({ type: "json_object" });
  });

  it("a text file dropped on the chat is attached", async () => {
    await pageA.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(["# Notes\n\nRemember the milk.\n"], "notes.md", { type: "text/markdown" }));
      window.dispatchEvent(
        new DragEvent("dragenter", { dataTransfer: data, bubbles: true, cancelable: true }),
      );
    });
    await pageA.getByTestId("drop-overlay").waitFor();
    await pageA.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(["# Notes\n\nRemember the milk.\n"], "notes.md", { type: "text/markdown" }));
      document.body.dispatchEvent(
        new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }),
      );
    });
    await pageA.getByTestId("drop-overlay").waitFor({ state: "detached" });
    const dropped = chip(pageA, "notes.md");
    await dropped.and(pageA.locator('[data-status="ready"]')).waitFor({ timeout: 20_000 });
    expect(await dropped.textContent()).toContain("notes.md");
    expect(pageErrors).toEqual([]);
  });
});
