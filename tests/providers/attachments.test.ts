// Files sent with a prompt reach each upstream in that API's own format (what the fake upstream
// received, byte for byte as JSON), and `acceptsAttachment` says which models can take which kind.
import { describe, expect, it } from "vitest";
import { acceptsAttachment } from "../../worker/providers/attachments";
import type { CatalogueModel } from "../../worker/providers/catalogue-model";
import { DEFAULT_CATALOGUE } from "../../worker/providers/default-models";
import type { Provider, ProviderAttachment, ProviderRequest } from "../../worker/providers/types";
import {
  anthropicAdapter,
  caseRequest,
  deepSeekAdapter,
  drain,
  geminiAdapter,
  NORMAL_TEXT,
  openAIAdapter,
  openRouterAdapter,
  uniqueTag,
  upstreamRequests,
} from "./harness";

/** A real 1×1 PNG. */
const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const PDF_BASE64 = btoa("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

const IMAGE: ProviderAttachment = {
  kind: "image",
  mimeType: "image/png",
  name: "screenshot.png",
  data: PNG_BASE64,
};
const PDF: ProviderAttachment = {
  kind: "pdf",
  mimeType: "application/pdf",
  name: "report.pdf",
  data: PDF_BASE64,
};

/** The harness conversation, with `attachments` on the last user message (the one with the marker). */
function attachmentRequest(
  label: string,
  attachments: ProviderAttachment[],
): { request: ProviderRequest; tag: string } {
  const tag = uniqueTag(label);
  const request = caseRequest("normal", tag);
  const last = request.messages.at(-1);
  if (!last) throw new Error("caseRequest has no messages");
  request.messages = [...request.messages.slice(0, -1), { ...last, attachments }];
  return { request, tag };
}

/** Streams the request, checks the answer arrived, and returns the body the fake upstream got. */
async function sentBody(
  provider: Provider,
  request: ProviderRequest,
  tag: string,
): Promise<Record<string, unknown>> {
  const result = await drain(provider, request);
  expect(result.error).toBeUndefined();
  expect(result.text).toBe(NORMAL_TEXT);
  const [logged] = await upstreamRequests(tag);
  return logged?.body as Record<string, unknown>;
}

const prompt = (tag: string) => `Say hello [[case:normal tag=${tag}]]`;

describe("OpenAI-compatible attachments", () => {
  it("OpenAI: the text, then the image as an image_url data URL and the PDF as a file part", async () => {
    const { request, tag } = attachmentRequest("att-oai", [IMAGE, PDF]);
    const body = await sentBody(openAIAdapter(), request, tag);
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi there" },
      { role: "assistant", content: "Hello." },
      {
        role: "user",
        content: [
          { type: "text", text: prompt(tag) },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
          {
            type: "file",
            file: { filename: "report.pdf", file_data: `data:application/pdf;base64,${PDF_BASE64}` },
          },
        ],
      },
    ]);
  });

  it("OpenRouter: the same parts (it reads PDFs from file parts too)", async () => {
    const { request, tag } = attachmentRequest("att-or", [PDF, IMAGE]);
    const body = await sentBody(openRouterAdapter(), request, tag);
    expect((body.messages as unknown[]).at(-1)).toEqual({
      role: "user",
      content: [
        { type: "text", text: prompt(tag) },
        {
          type: "file",
          file: { filename: "report.pdf", file_data: `data:application/pdf;base64,${PDF_BASE64}` },
        },
        { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
      ],
    });
  });

  it("DeepSeek: an image as an image_url part; messages without files stay plain strings", async () => {
    const { request, tag } = attachmentRequest("att-ds", [IMAGE]);
    const body = await sentBody(deepSeekAdapter(), request, tag);
    const messages = body.messages as unknown[];
    expect(messages.at(-1)).toEqual({
      role: "user",
      content: [
        { type: "text", text: prompt(tag) },
        { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
      ],
    });
    expect(messages[1]).toEqual({ role: "user", content: "Hi there" });
  });
});

describe("Anthropic attachments", () => {
  it("base64 image and document blocks before the text block", async () => {
    const { request, tag } = attachmentRequest("att-ant", [IMAGE, PDF]);
    const body = await sentBody(anthropicAdapter(), request, tag);
    expect(body.messages).toEqual([
      { role: "user", content: "Hi there" },
      { role: "assistant", content: "Hello." },
      {
        role: "user",
        content: [
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } },
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF_BASE64 } },
          { type: "text", text: prompt(tag) },
        ],
      },
    ]);
  });

  it("an image without any text is sent alone", async () => {
    const tag = uniqueTag("att-ant-only");
    const request = caseRequest("normal", tag);
    // The marker sits in an earlier user message; the last one is only an image.
    request.messages.push(
      { role: "assistant", content: "Send it." },
      { role: "user", content: "", attachments: [IMAGE] },
    );
    const body = await sentBody(anthropicAdapter(), request, tag);
    expect((body.messages as unknown[]).at(-1)).toEqual({
      role: "user",
      content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } }],
    });
  });
});

describe("Gemini attachments", () => {
  it("inlineData parts (camelCase, like the rest of the request) before the text part", async () => {
    const { request, tag } = attachmentRequest("att-gem", [IMAGE, PDF]);
    const body = await sentBody(geminiAdapter(), request, tag);
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Hi there" }] },
      { role: "model", parts: [{ text: "Hello." }] },
      {
        role: "user",
        parts: [
          { inlineData: { mimeType: "image/png", data: PNG_BASE64 } },
          { inlineData: { mimeType: "application/pdf", data: PDF_BASE64 } },
          { text: prompt(tag) },
        ],
      },
    ]);
  });
});

describe("acceptsAttachment", () => {
  const model = (id: string): CatalogueModel => {
    const found = DEFAULT_CATALOGUE.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`no catalogue model ${id}`);
    return found;
  };

  it("vision models of OpenAI, Anthropic, Gemini and OpenRouter take images and PDFs", () => {
    for (const id of ["gpt-5-mini", "claude-sonnet-4-5", "gemini-2.5-flash", "openrouter/auto"]) {
      expect(acceptsAttachment(model(id), "image"), id).toBe(true);
      expect(acceptsAttachment(model(id), "pdf"), id).toBe(true);
    }
  });

  it("models without vision take neither", () => {
    for (const id of ["deepseek-flash", "openrouter/meta-llama/llama-3.3-70b-instruct", "parley-demo"]) {
      expect(acceptsAttachment(model(id), "image"), id).toBe(false);
      expect(acceptsAttachment(model(id), "pdf"), id).toBe(false);
    }
  });

  it("a vision model of DeepSeek or a custom endpoint takes images but no PDFs", () => {
    const vision = { reasoning: false, vision: true, tools: false, json: false, temperature: true };
    for (const provider of ["deepseek", "ollama"]) {
      expect(acceptsAttachment({ provider, caps: vision }, "image"), provider).toBe(true);
      expect(acceptsAttachment({ provider, caps: vision }, "pdf"), provider).toBe(false);
    }
  });
});
