/**
 * The built-in `demo` provider: no key, no network. It streams a fixed markdown answer (with a
 * code block) word by word at a realistic pace, so `npm run dev` shows the whole app working and
 * tests get a deterministic stream.
 */
import { abortableSleep } from "./retry";
import type { Provider, ProviderEvent, ProviderMessage, ProviderRequest } from "./types";

export const DEFAULT_DEMO_TOKEN_DELAY_MS = 25;
const QUOTED_PROMPT_CHARS = 60;

const CLOSINGS = [
  "Ask another question and the demo answers again, word for word the same for the same prompt.",
  "Open this chat on a second device to watch the same answer arrive there at the same moment.",
  "Press Stop halfway through next time: what arrived so far is kept for everyone.",
];

/** First ~60 characters of the prompt on one line, so each prompt gets a recognisably own answer. */
function quotePrompt(prompt: string): string {
  const oneLine = prompt.replace(/\s+/g, " ").replaceAll("`", "'").trim();
  if (!oneLine) return "your message";
  const chars = Array.from(oneLine);
  return chars.length > QUOTED_PROMPT_CHARS ? `${chars.slice(0, QUOTED_PROMPT_CHARS).join("")}…` : oneLine;
}

/** A small stable hash (FNV-1a), so the closing line varies by prompt but never between runs. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

/** The exact full text the demo provider streams for `prompt`. */
export function demoAnswer(prompt: string): string {
  const closing = CLOSINGS[hashOf(prompt) % CLOSINGS.length] ?? CLOSINGS[0];
  return `**This is Parley's demo model.** You asked: "${quotePrompt(prompt)}"

No language model is involved: this answer is streamed by the built-in demo provider, so you can try Parley without any API keys. While it streams, notice that:

- every device watching this conversation sees the same words at the same moment;
- **Stop** on any device ends the answer for everyone and keeps what already arrived;
- a refresh in the middle picks the stream up where it was, with nothing lost or doubled;
- lists, \`inline code\` and fenced code blocks render as the text arrives.

Here is the kind of code a real model might write for you:

\`\`\`ts
interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

function lastUserMessage(messages: ChatMessage[]): string | undefined {
  const last = messages.findLast((message) => message.role === "user");
  return last?.content.trim();
}

console.log(lastUserMessage([{ role: "user", content: "Hello" }]));
\`\`\`

To talk to a real model, set \`OPENAI_API_KEY\` or \`ANTHROPIC_API_KEY\`, or save your own key in Settings, then pick a model. ${closing}`;
}

/** Word-sized pieces (a word plus the whitespace after it) that join back to exactly `text`. */
export function demoChunks(text: string): string[] {
  return text.match(/\s+|\S+\s*/g) ?? [];
}

/** `text` up to where the earliest of the stop sequences begins (all of it when none occurs). */
export function cutAtStop(text: string, stop: readonly string[] | undefined): string {
  let end = text.length;
  for (const sequence of stop ?? []) {
    const at = sequence ? text.indexOf(sequence) : -1;
    if (at !== -1 && at < end) end = at;
  }
  return text.slice(0, end);
}

function lastUserPrompt(messages: readonly ProviderMessage[]): string {
  return messages.findLast((message) => message.role === "user")?.content ?? "";
}

/** Roughly four characters per token, the usual rule of thumb for English text. */
function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export class DemoProvider implements Provider {
  readonly id = "demo";
  readonly #tokenDelayMs: number;

  constructor(options: { tokenDelayMs?: number } = {}) {
    this.#tokenDelayMs = options.tokenDelayMs ?? DEFAULT_DEMO_TOKEN_DELAY_MS;
  }

  async *stream(request: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderEvent> {
    // Like a real model, the demo ends its answer where a stop sequence would begin (finish `stop`).
    const chunks = demoChunks(cutAtStop(demoAnswer(lastUserPrompt(request.messages)), request.stop));
    const budget = Math.max(0, request.maxOutputTokens);
    let sent = 0;
    for (const chunk of chunks) {
      if (sent > 0) await abortableSleep(this.#tokenDelayMs, signal);
      if (signal.aborted) return;
      if (sent >= budget) break;
      yield { type: "text", text: chunk };
      sent++;
    }
    const prompt = request.messages.map((message) => message.content).join("\n");
    yield { type: "usage", usage: { inputTokens: approximateTokens(prompt), outputTokens: sent } };
    yield { type: "finish", reason: sent < chunks.length ? "length" : "stop" };
  }
}
