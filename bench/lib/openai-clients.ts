/**
 * OpenAI-shaped streaming requests over HTTP, each recording every network read:
 *
 * - `streamCompletion`: a Chat Completions stream, to the fake upstream directly, through the
 *   baseline pipe worker, or into Parley's compatible API with a personal token;
 * - `streamResponse`: a Responses stream (`POST /v1/responses`) into Parley's compatible API;
 * - `parleyApiToken`: an account and a personal token for the compatible API.
 *
 * The SSE is split by hand and only the events that carry answer text are parsed, so the
 * client's own cost per read stays small (the fan-out figures run 64 of these at once).
 */
import { ParleyGuest } from "./clients.ts";
import { BENCH_MODEL, now, type Arrival } from "./upstream.ts";

/** An account with a personal access token, for the compatible API (`/v1/…`). */
export async function parleyApiToken(baseUrl: string): Promise<string> {
  const guest = await ParleyGuest.create(baseUrl);
  const post = async (path: string, body: unknown, cookie: string) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: baseUrl },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  const email = `bench-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const signedUp = await post("/api/v1/auth/signup", { email, password: "bench password 123" }, guest.cookie);
  const cookie = signedUp.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  const created = (await (await post("/api/v1/tokens", { name: "bench" }, cookie)).json()) as {
    secret: string;
  };
  return created.secret;
}

export interface CompletionResult {
  sentAt: number;
  /** First network read that held answer text. */
  firstTokenAt: number;
  text: string;
  arrivals: Arrival[];
  bytes: number;
  reads: number;
  /** The conversation a Parley API call ran in (`X-Parley-Conversation`). */
  conversationId?: string;
}

export interface StreamOptions {
  /** A Parley personal token for Parley's API; the fake upstream and the pipe take any key. */
  apiKey?: string;
  headers?: Record<string, string>;
}

/**
 * POSTs `body` to `url` and reads the SSE answer. `pieceOf` gets each raw event (the text
 * between blank lines) and returns the answer text it carries, if any.
 */
async function readTextStream(
  url: string,
  body: unknown,
  { apiKey = "sk-bench-openai", headers = {} }: StreamOptions,
  pieceOf: (event: string) => string | undefined,
): Promise<CompletionResult> {
  const sentAt = now();
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok || !response.body)
    throw new Error(`${new URL(url).pathname}: ${response.status} ${await response.text()}`);
  const decoder = new TextDecoder();
  const arrivals: Arrival[] = [];
  let buffer = "";
  let text = "";
  let bytes = 0;
  let reads = 0;
  let firstTokenAt = 0;
  for await (const chunk of response.body) {
    const at = now();
    reads++;
    bytes += chunk.byteLength;
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    let grew = false;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const piece = pieceOf(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (piece) {
        text += piece;
        grew = true;
      }
    }
    if (grew) {
      if (firstTokenAt === 0) firstTokenAt = at;
      arrivals.push({ at, chars: text.length, bytes });
    }
  }
  const conversationId = response.headers.get("x-parley-conversation") ?? undefined;
  return {
    sentAt,
    firstTokenAt,
    text,
    arrivals,
    bytes,
    reads,
    ...(conversationId ? { conversationId } : {}),
  };
}

/**
 * POSTs an OpenAI streaming chat completion to `baseUrl` and records every network read. With
 * `apiKey` (a Parley personal token) and `headers` it is a call of Parley's compatible API.
 */
export function streamCompletion(
  baseUrl: string,
  content: string,
  options: StreamOptions = {},
): Promise<CompletionResult> {
  const body = {
    model: BENCH_MODEL,
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content }],
  };
  return readTextStream(`${baseUrl}/v1/chat/completions`, body, options, (event) => {
    if (!event.startsWith("data: ") || event === "data: [DONE]") return undefined;
    const payload = JSON.parse(event.slice(6)) as {
      choices?: Array<{ delta?: { content?: string | null } }>;
    };
    return payload.choices?.[0]?.delta?.content ?? undefined;
  });
}

const TEXT_DELTA = "event: response.output_text.delta\n";

/**
 * POSTs a streaming OpenAI Responses call (`/v1/responses`) to Parley: the answer text is the
 * `response.output_text.delta` events', so the first token is the read that held the first one.
 */
export function streamResponse(
  baseUrl: string,
  content: string,
  options: StreamOptions,
): Promise<CompletionResult> {
  const body = { model: BENCH_MODEL, stream: true, input: content };
  return readTextStream(`${baseUrl}/v1/responses`, body, options, (event) => {
    if (!event.startsWith(TEXT_DELTA)) return undefined;
    const data = event.slice(TEXT_DELTA.length);
    if (!data.startsWith("data: ")) return undefined;
    return (JSON.parse(data.slice(6)) as { delta?: string }).delta;
  });
}
