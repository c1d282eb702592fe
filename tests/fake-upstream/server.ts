/**
 * A fake LLM upstream for tests and benchmarks: a plain Node HTTP server on 127.0.0.1 that speaks
 * OpenAI Chat Completions (`POST /v1/chat/completions`, with OpenRouter and DeepSeek variants),
 * Anthropic Messages (`POST /v1/messages`) and Gemini
 * (`POST /v1beta/models/{model}:streamGenerateContent?alt=sse`) streaming byte for byte like the
 * real APIs, including their faults. The scripted case comes from
 * a `[[case:NAME key=value …]]` marker in the last user message (see marker.ts); the control API
 * under `/__control/` reports what was received. `/mail/*` plays an HTTP mail API (mail.ts), and
 * `/v1/customers`, `/v1/checkout/sessions` and the rest of Stripe's billing API play Stripe (stripe.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import * as anthropicFrames from "./anthropic-frames.ts";
import { epochNow, streamTimings } from "./bench-cases.ts";
import { anthropicCases } from "./anthropic-cases.ts";
import type { CaseScript } from "./case-context.ts";
import { geminiCases } from "./gemini-cases.ts";
import { handleMail } from "./mail.ts";
import { handleOAuth } from "./oauth.ts";
import { handleOtlp } from "./otlp.ts";
import { handleStripe } from "./stripe.ts";
import * as geminiFrames from "./gemini-frames.ts";
import { type CaseMarker, findCaseMarker, intParam } from "./marker.ts";
import * as openAIFrames from "./openai-frames.ts";
import { openAICases } from "./openai-cases.ts";
import { flattenHeaders, type LoggedRequest, RequestLog } from "./request-log.ts";
import { SseWriter } from "./sse-writer.ts";
import { slowText } from "./texts.ts";

export { slowText };
export type { LoggedRequest };

export interface FakeUpstream {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8787`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Rejection {
  status: number;
  body: unknown;
}

/** One wire format: its scripted cases and the checks the real API makes before streaming. */
interface WireFormat {
  cases: Record<string, CaseScript>;
  reject(headers: Record<string, string>, body: unknown, url: URL): Rejection | null;
  badRequest(message: string): Rejection;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const openAIFormat: WireFormat = {
  cases: openAICases,
  reject(headers, body) {
    // `auth=none` in the marker plays a local server (Ollama, llama.cpp) that takes no key.
    const keyless = findCaseMarker(body).params.get("auth") === "none";
    if (!keyless && !/^Bearer \S+/.test(headers.authorization ?? "")) {
      return {
        status: 401,
        body: openAIFrames.errorBody(
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          "invalid_request_error",
          null,
        ),
      };
    }
    if (!isRecord(body) || typeof body.model !== "string")
      return this.badRequest("you must provide a model parameter");
    if (body.stream !== true) return this.badRequest("fake upstream: only stream: true is supported");
    return null;
  },
  badRequest: (message) => ({
    status: 400,
    body: openAIFrames.errorBody(message, "invalid_request_error", null),
  }),
};

const anthropicFormat: WireFormat = {
  cases: anthropicCases,
  reject(headers, body) {
    if (!headers["x-api-key"]) {
      return {
        status: 401,
        body: anthropicFrames.errorBody("authentication_error", "x-api-key header is required"),
      };
    }
    if (!headers["anthropic-version"]) return this.badRequest("anthropic-version: header is required");
    if (!isRecord(body) || typeof body.model !== "string") return this.badRequest("model: Field required");
    if (typeof body.max_tokens !== "number") return this.badRequest("max_tokens: Field required");
    if (body.stream !== true) return this.badRequest("fake upstream: only stream: true is supported");
    return null;
  },
  badRequest: (message) => ({
    status: 400,
    body: anthropicFrames.errorBody("invalid_request_error", message),
  }),
};

const geminiFormat: WireFormat = {
  cases: geminiCases,
  reject(headers, body, url) {
    if (!headers["x-goog-api-key"] && !url.searchParams.has("key")) {
      return {
        status: 403,
        body: geminiFrames.googleErrorBody(
          403,
          "PERMISSION_DENIED",
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        ),
      };
    }
    if (url.searchParams.get("alt") !== "sse")
      return this.badRequest("fake upstream: only alt=sse is supported");
    if (!isRecord(body) || !Array.isArray(body.contents) || body.contents.length === 0) {
      return this.badRequest("* GenerateContentRequest.contents: contents is not specified\n");
    }
    return null;
  },
  badRequest: (message) => ({
    status: 400,
    body: geminiFrames.googleErrorBody(400, "INVALID_ARGUMENT", message),
  }),
};

const FORMATS: Record<string, WireFormat> = {
  "/v1/chat/completions": openAIFormat,
  "/v1/messages": anthropicFormat,
};

const GEMINI_PATH = /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/;

/** The wire format for a path, and the model when the path names it (Gemini). */
function routeFor(pathname: string): { format: WireFormat; model?: string } | undefined {
  const fixed = FORMATS[pathname];
  if (fixed) return { format: fixed };
  const gemini = GEMINI_PATH.exec(pathname);
  return gemini ? { format: geminiFormat, model: decodeURIComponent(gemini[1] ?? "") } : undefined;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(String(part)));
  try {
    return JSON.parse(Buffer.concat(parts).toString("utf8"));
  } catch {
    return undefined;
  }
}

class FakeUpstreamServer {
  readonly log = new RequestLog();
  /** Responses still in flight, so the log can report their live state. */
  readonly #inFlight = new Map<LoggedRequest, SseWriter>();
  /** Every input the moderation endpoint was asked about, oldest first (tests count them). */
  readonly #moderated: string[] = [];

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake-upstream");
    const route = req.method === "POST" ? routeFor(url.pathname) : undefined;
    if (route) return this.#handleModelCall(req, res, url, route);
    if (req.method === "GET" && url.pathname === "/__control/requests") {
      return sendJson(res, 200, { requests: this.#requests(url.searchParams.get("tag") ?? "") });
    }
    if (req.method === "GET" && url.pathname === "/__control/slow-text") {
      return sendJson(res, 200, { text: slowText(intParam(url.searchParams, "tokens", 50, 1)) });
    }
    if (req.method === "GET" && url.pathname === "/__control/health") return sendJson(res, 200, { ok: true });
    if (req.method === "GET" && url.pathname === "/__control/moderations") {
      const contains = url.searchParams.get("contains") ?? "";
      return sendJson(res, 200, { inputs: this.#moderated.filter((input) => input.includes(contains)) });
    }
    // Benchmark side channel (bench-cases.ts): per-token write times, and this process's clock.
    if (req.method === "GET" && url.pathname === "/__control/timings") {
      const timings = streamTimings(url.searchParams.get("tag") ?? "");
      return timings
        ? sendJson(res, 200, timings)
        : sendJson(res, 404, { error: { message: "no such tag" } });
    }
    if (req.method === "GET" && url.pathname === "/__control/clock")
      return sendJson(res, 200, { now: epochNow() });
    if (req.method === "POST" && url.pathname === "/v1/moderations") return this.#moderate(req, res);
    if (await handleOAuth(req, res, url)) return;
    if (await handleMail(req, res, url)) return;
    if (await handleStripe(req, res, url)) return;
    if (await handleOtlp(req, res, url)) return;
    sendJson(res, 404, { error: { message: `fake upstream: no route ${req.method} ${url.pathname}` } });
  }

  /**
   * OpenAI's moderation endpoint: an input containing `[[flag:CATEGORY]]` is flagged in that
   * category, anything else passes. Same response shape as the real API.
   */
  async #moderate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!/^Bearer \S+/.test(flattenHeaders(req.headers).authorization ?? "")) {
      return sendJson(res, 401, openAIFrames.errorBody("Missing API key.", "invalid_request_error", null));
    }
    const body = await readBody(req);
    const input = isRecord(body) && typeof body.input === "string" ? body.input : "";
    this.#moderated.push(input);
    if (this.#moderated.length > 2_000) this.#moderated.shift();
    const category = /\[\[flag:([a-z/-]+)\]\]/.exec(input)?.[1];
    const categories: Record<string, boolean> = { harassment: false, violence: false, "self-harm": false };
    if (category) categories[category] = true;
    const scores = Object.fromEntries(
      Object.entries(categories).map(([name, hit]) => [name, hit ? 0.97 : 0.0012]),
    );
    sendJson(res, 200, {
      id: `modr-${Math.random().toString(36).slice(2, 12)}`,
      model: "omni-moderation-latest",
      results: [{ flagged: category !== undefined, categories, category_scores: scores }],
    });
  }

  #requests(tag: string): LoggedRequest[] {
    const requests = this.log.byTag(tag);
    for (const request of requests) {
      const writer = this.#inFlight.get(request);
      if (writer) refreshEntry(request, writer);
    }
    return requests;
  }

  async #handleModelCall(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    { format, model: modelInPath }: { format: WireFormat; model?: string },
  ): Promise<void> {
    const path = url.pathname;
    const headers = flattenHeaders(req.headers);
    const body = await readBody(req);
    const marker = findCaseMarker(body);
    const writer = new SseWriter(res);
    const entry = marker.tag === null ? null : this.#logRequest(writer, { path, headers, body, marker });
    const script = format.cases[marker.name];
    const rejection = rejectionFor(format, headers, body, marker.name, url, entry !== null);
    if (rejection || !script) {
      const { status, body: errorBody } = rejection ?? format.badRequest("fake upstream: no script");
      // Google's error bodies arrive pre-serialized, pretty-printed as Google sends them.
      if (typeof errorBody === "string") return writer.sendBody(status, errorBody);
      return writer.sendJson(status, errorBody);
    }
    const model = modelInPath ?? (isRecord(body) && typeof body.model === "string" ? body.model : "unknown");
    try {
      await script({
        writer,
        params: marker.params,
        attempt: entry?.attempt ?? 1,
        hasTag: entry !== null,
        model,
      });
    } catch (error) {
      console.error("fake upstream: case %s failed", marker.name, error);
      writer.destroy();
    }
  }

  #logRequest(
    writer: SseWriter,
    request: { path: string; headers: Record<string, string>; body: unknown; marker: CaseMarker },
  ): LoggedRequest {
    const { path, headers, body, marker } = request;
    const entry = this.log.add({
      path,
      method: "POST",
      headers,
      body,
      case: marker.name,
      tag: marker.tag ?? "",
      status: 0,
      closedByClient: false,
      finished: false,
      receivedAt: Date.now(),
    });
    this.#inFlight.set(entry, writer);
    writer.res.on("close", () => {
      refreshEntry(entry, writer);
      this.#inFlight.delete(entry);
    });
    return entry;
  }
}

/** What the real API would answer instead of streaming, or a loud 400 for a misused marker. */
function rejectionFor(
  format: WireFormat,
  headers: Record<string, string>,
  body: unknown,
  caseName: string,
  url: URL,
  tagged: boolean,
): Rejection | null {
  if (body === undefined) return format.badRequest("fake upstream: the request body is not valid JSON");
  const rejection = format.reject(headers, body, url);
  if (rejection) return rejection;
  if (!format.cases[caseName])
    return format.badRequest(`fake upstream: unknown case "${caseName}" for ${url.pathname}`);
  // Attempt-dependent cases count earlier requests with the same tag; without one they can't.
  if (caseName.endsWith("-then-ok") && !tagged)
    return format.badRequest(`fake upstream: case ${caseName} needs tag=`);
  return null;
}

function refreshEntry(entry: LoggedRequest, writer: SseWriter): void {
  entry.status = writer.res.headersSent ? writer.res.statusCode : 0;
  entry.finished = writer.res.writableFinished;
  entry.closedByClient = writer.closedByClient;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

export function startFakeUpstream(options: { port?: number; host?: string } = {}): Promise<FakeUpstream> {
  const host = options.host ?? "127.0.0.1";
  const upstream = new FakeUpstreamServer();
  const server = createServer({ noDelay: true }, (req, res) => {
    upstream.handle(req, res).catch((error: unknown) => {
      console.error("fake upstream: request failed", error);
      res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
