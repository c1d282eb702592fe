/**
 * OTLP/HTTP JSON export of finished spans (https://opentelemetry.io/docs/specs/otlp/#otlphttp):
 * one POST of `{resourceSpans: […]}` to `<endpoint>/v1/traces`. Only what ./tracing.ts records
 * is sent: span names and the attributes the call sites chose, never request headers or bodies.
 * Export never fails or slows a request: it runs in `waitUntil`, and a failure is logged once per
 * isolate (status or error name only; the configured headers may hold the collector's key).
 */
import { logEvent } from "./log";

export type AttributeValue = string | number | boolean | readonly string[];
export type Attributes = Record<string, AttributeValue | undefined | null>;

/** OTLP span kinds used here. */
export const SpanKind = { internal: 1, server: 2, client: 3 } as const;

export interface FinishedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string | undefined;
  name: string;
  kind: (typeof SpanKind)[keyof typeof SpanKind];
  startMs: number;
  endMs: number;
  attributes: Attributes;
  /** Set when the operation failed: a short code such as `rate_limited`, never a message text. */
  error?: string | undefined;
}

export interface ExportTarget {
  /** `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
  url: string;
  headers: Record<string, string>;
  serviceName: string;
}

const EXPORT_TIMEOUT_MS = 10_000;
let warned = false;

function encodeValue(value: AttributeValue): Record<string, unknown> {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (typeof value === "number")
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { arrayValue: { values: value.map((item) => ({ stringValue: item })) } };
}

function encodeAttributes(attributes: Attributes): Array<{ key: string; value: Record<string, unknown> }> {
  return Object.entries(attributes).flatMap(([key, value]) =>
    value === undefined || value === null ? [] : [{ key, value: encodeValue(value) }],
  );
}

/** Milliseconds since the epoch as OTLP's nanosecond string (beyond a double's exact range). */
const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();

/** The OTLP/JSON body for `spans` (trace and span ids stay hex, as the JSON mapping says). */
export function otlpBody(spans: readonly FinishedSpan[], serviceName: string): unknown {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: encodeAttributes({ "service.name": serviceName, "cloud.provider": "cloudflare" }),
        },
        scopeSpans: [
          {
            scope: { name: "parley" },
            spans: spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
              name: span.name,
              kind: span.kind,
              startTimeUnixNano: nanos(span.startMs),
              endTimeUnixNano: nanos(Math.max(span.endMs, span.startMs)),
              attributes: encodeAttributes(
                span.error ? { ...span.attributes, "error.type": span.error } : span.attributes,
              ),
              status: span.error ? { code: 2 } : { code: 0 },
            })),
          },
        ],
      },
    ],
  };
}

/** Sends `spans`; resolves either way. */
export async function exportSpans(target: ExportTarget, spans: readonly FinishedSpan[]): Promise<void> {
  if (spans.length === 0) return;
  try {
    const response = await fetch(target.url, {
      method: "POST",
      headers: { ...target.headers, "content-type": "application/json" },
      body: JSON.stringify(otlpBody(spans, target.serviceName)),
      signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS),
    });
    // Drained so the connection can be reused; the collector's answer says nothing we need.
    await response.body?.cancel();
    if (!response.ok) warnOnce({ status: response.status });
  } catch (cause) {
    warnOnce({ reason: cause instanceof Error ? cause.name : "unknown" });
  }
}

function warnOnce(fields: Record<string, unknown>): void {
  if (warned) return;
  warned = true;
  logEvent("trace_export_failed", fields, "warn");
}
