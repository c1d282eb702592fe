// OpenTelemetry traces, on (vitest.tracing.config.ts points the OTLP endpoint at the fake
// upstream's collector): one chat turn arrives as one trace with the request, the turn, its
// admission, the provider call, the D1 write and the fan-out, with the attributes an operator
// reads, and no key, cookie, token or text of the conversation anywhere in what was sent.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { exportSpans } from "../../worker/observability/otlp";
import { apiAccount } from "../worker/api-client";
import {
  connectRoom,
  createConversation,
  eventually,
  isType,
  newGuest,
  postChat,
  readSse,
  uniqueTag,
} from "../worker/helpers";

interface OtlpValue {
  stringValue?: string;
  intValue?: string;
  boolValue?: boolean;
  arrayValue?: { values: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string; value: OtlpValue }>;
  status: { code: number };
}
interface Received {
  headers: Record<string, string>;
  raw: string;
}

async function received(): Promise<Received[]> {
  const response = await fetch(`${env.FAKE_UPSTREAM_URL}/__control/otlp`);
  return (await response.json<{ exports: Received[] }>()).exports;
}

function spansOf(exports: Received[]): OtlpSpan[] {
  return exports.flatMap((sent) => {
    const body = JSON.parse(sent.raw) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
    };
    return body.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
  });
}

function attribute(
  span: OtlpSpan | undefined,
  key: string,
): string | number | boolean | string[] | undefined {
  const value = span?.attributes.find((entry) => entry.key === key)?.value;
  if (!value) return undefined;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.arrayValue) return value.arrayValue.values.map((item) => item.stringValue ?? "");
  return value.stringValue ?? value.boolValue;
}

/** The spans of the trace whose span `first` finds, once `ready` says they all arrived. */
async function traceWhere(
  first: (span: OtlpSpan) => boolean,
  ready: (trace: OtlpSpan[]) => boolean = (trace) =>
    trace.some((span) => span.name === "room.fanout") && trace.some((span) => span.name.startsWith("d1.")),
): Promise<OtlpSpan[]> {
  return eventually(
    async () => {
      const all = spansOf(await received());
      const found = all.find(first);
      return found ? all.filter((span) => span.traceId === found.traceId) : [];
    },
    ready,
    10_000,
  );
}

const requestSpan = (name: string, requestId: string) => (span: OtlpSpan) =>
  span.name === name && attribute(span, "parley.request_id") === requestId;
const turnSpan = (conversationId: string) => (span: OtlpSpan) =>
  span.name === "chat.turn" && attribute(span, "parley.conversation_id") === conversationId;

const named = (spans: OtlpSpan[], name: string) => spans.find((span) => span.name === name);

describe("traces", () => {
  it("export one chat turn as request, turn, admission, provider call, D1 write and fan-out", async () => {
    const cookie = await newGuest();
    const requestId = uniqueTag("trace-request");
    const prompt = `My confidential travel plans ${uniqueTag("prompt")}`;
    const response = await postChat(
      cookie,
      { model: "gpt-5-mini", messages: [{ role: "user", content: prompt }] },
      { "x-request-id": requestId },
    );
    const events = await readSse(response);
    expect(events.at(-1)?.event).toBe("done");
    const answer = events
      .filter((event) => event.event === "delta")
      .map((event) => String(event.data.text))
      .join("");

    const spans = await traceWhere(requestSpan("POST /api/v1/chat/stream", requestId));
    const request = named(spans, "POST /api/v1/chat/stream");
    const turn = named(spans, "chat.turn");
    const admission = named(spans, "chat.admission");
    const provider = named(spans, "chat gpt-5-mini");
    const stored = named(spans, "d1.store_final_answer");
    const fanout = named(spans, "room.fanout");
    expect(spans.map((span) => span.name).sort()).toEqual(
      [
        "POST /api/v1/chat/stream",
        "chat.turn",
        "chat.admission",
        "chat gpt-5-mini",
        "d1.store_final_answer",
        "room.fanout",
      ].sort(),
    );
    // One tree: the room's turn hangs under the worker's request, the rest under the turn.
    expect(request?.parentSpanId).toBeUndefined();
    expect(turn?.parentSpanId).toBe(request?.spanId);
    for (const child of [admission, provider, stored, fanout]) expect(child?.parentSpanId).toBe(turn?.spanId);

    expect(attribute(request, "http.route")).toBe("/api/v1/chat/stream");
    expect(attribute(request, "http.response.status_code")).toBe(200);
    expect(attribute(admission, "parley.admission.outcome")).toBe("admitted");
    expect(attribute(provider, "gen_ai.provider.name")).toBe("openai");
    expect(attribute(provider, "gen_ai.request.model")).toBe("gpt-5-mini");
    expect(attribute(provider, "gen_ai.usage.input_tokens")).toBeGreaterThan(0);
    expect(attribute(provider, "gen_ai.usage.output_tokens")).toBeGreaterThan(0);
    expect(attribute(provider, "gen_ai.response.finish_reasons")).toEqual(["stop"]);
    expect(attribute(provider, "parley.ttft_ms")).toBeGreaterThanOrEqual(0);
    expect(attribute(stored, "parley.stored")).toBe(true);
    // Every delta the SSE listener got was one frame of the broadcast, plus `done`.
    const deltas = events.filter((event) => event.event === "delta").length;
    expect(attribute(fanout, "parley.frames")).toBeGreaterThanOrEqual(deltas + 1);
    expect(attribute(fanout, "parley.sockets")).toBe(0);

    const exports = await received();
    const sent = exports.map((entry) => entry.raw).join("\n");
    expect(sent).toContain('"service.name","value":{"stringValue":"parley-test"}');
    const secrets = {
      providerKey: String(env.OPENAI_API_KEY),
      cookie: cookie.slice(cookie.indexOf("=") + 1),
      prompt: prompt.slice(-20),
      answer: answer.slice(0, 30),
      collectorKey: "otlp-collector-key-0009",
    };
    expect(answer.length).toBeGreaterThan(10);
    for (const [name, secret] of Object.entries(secrets))
      expect({ name, leaked: sent.includes(secret) }).toEqual({ name, leaked: false });
    // The collector's key travels in the headers the operator configured, and only there.
    expect(exports.every((entry) => entry.headers["x-collector-key"] === "otlp-collector-key-0009")).toBe(
      true,
    );
    expect(exports[0]?.headers["x-team"]).toBe("parley tests");
  });

  it("keep a personal token and the compatible API's prompt out of the spans", async () => {
    const account = await apiAccount("traced");
    const prompt = `Quarterly numbers nobody may read ${uniqueTag("compat")}`;
    const response = await account.call("/chat/completions", {
      body: { model: "gpt-5-mini", messages: [{ role: "user", content: prompt }] },
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get("x-request-id") ?? "";
    const spans = await traceWhere(requestSpan("POST /v1/chat/completions", requestId));
    expect(spans.map((span) => span.name)).toEqual(
      expect.arrayContaining(["chat.turn", "chat.admission", "chat gpt-5-mini", "room.fanout"]),
    );
    expect(attribute(named(spans, "chat.turn"), "parley.trigger")).toBe("api");
    const sent = (await received()).map((entry) => entry.raw).join("\n");
    expect(sent).not.toContain(account.secret);
    expect(sent).not.toContain(account.secret.slice(-12));
    expect(sent).not.toContain(prompt.slice(-20));
  });

  it("start a trace at the room for a turn sent over a socket, and count its devices", async () => {
    const cookie = await newGuest();
    const conversationId = await createConversation(cookie);
    const sender = await connectRoom(conversationId, cookie);
    const watcher = await connectRoom(conversationId, cookie);
    await Promise.all([sender.waitFor(isType("snapshot")), watcher.waitFor(isType("snapshot"))]);
    sender.send({ type: "send", content: `Socket secret ${uniqueTag("ws")}`, model: "gpt-5-mini" });
    await watcher.waitFor(isType("done"));
    const deltas = watcher.frames.filter((frame) => frame.type === "delta").length;

    const spans = await traceWhere(turnSpan(conversationId));
    const turn = named(spans, "chat.turn");
    expect(turn?.parentSpanId).toBeUndefined();
    expect(attribute(turn, "parley.trigger")).toBe("send");
    expect(attribute(named(spans, "chat.admission"), "parley.admission.outcome")).toBe("admitted");
    expect(attribute(named(spans, "chat gpt-5-mini"), "gen_ai.usage.output_tokens")).toBeGreaterThan(0);
    const fanout = named(spans, "room.fanout");
    expect(attribute(fanout, "parley.sockets")).toBe(2);
    expect(deltas).toBeGreaterThan(0);
    expect(attribute(fanout, "parley.frames")).toBeGreaterThanOrEqual(deltas + 1);
    sender.close();
    watcher.close();
  });

  it("record a refused admission with its code, and no provider call", async () => {
    const cookie = await newGuest();
    const conversationId = await createConversation(cookie);
    const client = await connectRoom(conversationId, cookie);
    await client.waitFor(isType("snapshot"));
    client.send({ type: "send", content: "Hello", model: "no-such-model" });
    const refusal = await client.waitFor(isType("error"));
    const spans = await traceWhere(turnSpan(conversationId), (trace) => trace.length >= 2);
    expect(spans.map((span) => span.name).sort()).toEqual(["chat.admission", "chat.turn"]);
    const admission = named(spans, "chat.admission");
    expect(attribute(admission, "parley.admission.outcome")).toBe("refused");
    expect(attribute(admission, "error.type")).toBe(refusal.code);
    expect(admission?.status.code).toBe(2);
    expect(named(spans, "chat.turn")?.status.code).toBe(2);
    client.close();
  });

  it("swallow a failed export and say so once, without the collector's headers", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const span = {
      traceId: "1".repeat(32),
      spanId: "2".repeat(16),
      name: "probe",
      kind: 1 as const,
      startMs: Date.now(),
      endMs: Date.now(),
      attributes: {},
    };
    const target = {
      url: "http://127.0.0.1:9/v1/traces",
      headers: { "x-collector-key": "k-0010" },
      serviceName: "p",
    };
    await expect(exportSpans(target, [span])).resolves.toBeUndefined();
    await exportSpans(target, [span]);
    const lines = warn.mock.calls.map((call) => call.map(String).join(" "));
    warn.mockRestore();
    expect(lines.filter((line) => line.includes("trace_export_failed"))).toHaveLength(1);
    expect(lines.join("\n")).not.toContain("k-0010");
  });
});
