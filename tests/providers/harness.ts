/**
 * Shared test plumbing for the provider adapters: build a request that selects a fake-upstream
 * case, drain a provider's stream into a summary, and read the fake upstream's request log.
 */
import { env } from "cloudflare:workers";
import { z } from "zod";
import type { ErrorInfo, FinishReason } from "#protocol/messages";
import { AnthropicProvider } from "../../worker/providers/anthropic";
import { GeminiProvider } from "../../worker/providers/gemini";
import { type OpenAICompatibleConfig, OpenAIProvider } from "../../worker/providers/openai";
import type {
  Provider,
  ProviderConfig,
  ProviderEvent,
  ProviderRequest,
  ProviderToolCall,
  ProviderUsage,
} from "../../worker/providers/types";

export const upstreamURL = env.FAKE_UPSTREAM_URL;

/** Retry waits are capped low so backoff cases run fast; each test may override. */
export function openAIAdapter(config: Partial<OpenAICompatibleConfig> = {}): OpenAIProvider {
  return new OpenAIProvider({
    apiKey: "sk-test-openai",
    baseURL: `${upstreamURL}/v1`,
    maxRetryDelayMs: 20,
    ...config,
  });
}

export function openRouterAdapter(config: Partial<OpenAICompatibleConfig> = {}): OpenAIProvider {
  return openAIAdapter({ apiKey: "sk-or-v1-test", id: "openrouter", flavour: "openrouter", ...config });
}

export function deepSeekAdapter(config: Partial<OpenAICompatibleConfig> = {}): OpenAIProvider {
  return openAIAdapter({ apiKey: "sk-deepseek-test", id: "deepseek", flavour: "deepseek", ...config });
}

export function geminiAdapter(config: Partial<ProviderConfig> = {}): GeminiProvider {
  return new GeminiProvider({
    apiKey: "AIza-test-gemini",
    baseURL: upstreamURL,
    maxRetryDelayMs: 20,
    ...config,
  });
}

export function anthropicAdapter(config: Partial<ProviderConfig> = {}): AnthropicProvider {
  return new AnthropicProvider({
    apiKey: "sk-ant-test",
    baseURL: upstreamURL,
    maxRetryDelayMs: 20,
    ...config,
  });
}

export function uniqueTag(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A request whose last user message selects `caseName` on the fake upstream. */
export function caseRequest(
  caseName: string,
  tag: string,
  params: Record<string, string | number> = {},
): ProviderRequest {
  const extra = Object.entries(params).map(([key, value]) => ` ${key}=${value}`);
  return {
    model: "test-model-1",
    maxOutputTokens: 256,
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi there" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: `Say hello [[case:${caseName} tag=${tag}${extra.join("")}]]` },
    ],
  };
}

export interface StreamSummary {
  events: ProviderEvent[];
  text: string;
  reasoning: string;
  usage: ProviderUsage | undefined;
  usageEvents: number;
  finish: FinishReason | undefined;
  error: ErrorInfo | undefined;
  toolCalls: ProviderToolCall[];
}

export function summarize(events: ProviderEvent[]): StreamSummary {
  const summary: StreamSummary = {
    events,
    text: "",
    reasoning: "",
    usage: undefined,
    usageEvents: 0,
    finish: undefined,
    error: undefined,
    toolCalls: [],
  };
  for (const event of events) {
    if (event.type === "text") summary.text += event.text;
    else if (event.type === "reasoning") summary.reasoning += event.text;
    else if (event.type === "usage") {
      summary.usage = event.usage;
      summary.usageEvents++;
    } else if (event.type === "finish") summary.finish = event.reason;
    else if (event.type === "tool_call") summary.toolCalls.push(event.call);
    else summary.error = { code: event.code, message: event.message, retryable: event.retryable };
  }
  return summary;
}

/** Drains the stream; `onEvent` may abort mid-way. */
export async function drain(
  provider: Provider,
  request: ProviderRequest,
  signal: AbortSignal = new AbortController().signal,
  onEvent: (event: ProviderEvent, index: number) => void | Promise<void> = () => undefined,
): Promise<StreamSummary> {
  const events: ProviderEvent[] = [];
  for await (const event of provider.stream(request, signal)) {
    events.push(event);
    await onEvent(event, events.length - 1);
  }
  return summarize(events);
}

const loggedRequestSchema = z.object({
  path: z.string(),
  method: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
  case: z.string(),
  tag: z.string(),
  attempt: z.number(),
  status: z.number(),
  closedByClient: z.boolean(),
  finished: z.boolean(),
  receivedAt: z.number(),
});
export type LoggedRequest = z.infer<typeof loggedRequestSchema>;

export async function upstreamRequests(tag: string): Promise<LoggedRequest[]> {
  const response = await fetch(`${upstreamURL}/__control/requests?tag=${encodeURIComponent(tag)}`);
  return z.object({ requests: z.array(loggedRequestSchema) }).parse(await response.json()).requests;
}

/** Polls the request log until `done` holds (the fake sees a client hang-up a moment later). */
export async function waitForRequests(
  tag: string,
  done: (requests: LoggedRequest[]) => boolean,
  timeoutMs = 3_000,
): Promise<LoggedRequest[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const requests = await upstreamRequests(tag);
    if (done(requests) || Date.now() > deadline) return requests;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The exact text the fake upstream's `slow` case streams for `tokens` tokens. */
export async function slowTextFromUpstream(tokens: number): Promise<string> {
  const response = await fetch(`${upstreamURL}/__control/slow-text?tokens=${tokens}`);
  return z.object({ text: z.string() }).parse(await response.json()).text;
}

export const NORMAL_TEXT = "Hello! How can I help you today?";
export const REASONING_TEXT = "The user greets me; answer politely.";
