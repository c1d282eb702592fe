/**
 * Optional OpenTelemetry traces (docs/decisions/0011-traces-in-house-otlp.md). Off unless
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set: then `tracerFor(env)` is null and no call site records
 * anything, so tracing costs one cached lookup per request or turn.
 *
 * With it, a few spans are recorded by hand where a turn spends its time: the HTTP request
 * (./middleware.ts), and in the room the turn, its admission, the provider call, the D1 write of
 * the final answer and the fan-out of its frames (worker/room/turn/trace.ts). Finished spans wait
 * in this isolate's buffer until the request or turn flushes them in `waitUntil`. The worker
 * hands its trace to the room in a W3C `traceparent` header, so an HTTP turn is one trace.
 *
 * Attributes are chosen at each call site: names, counts, codes and durations, never a prompt, an
 * answer, a key, a cookie or a URL with its query.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { getConfig } from "../env";
import { exportSpans, SpanKind, type Attributes, type ExportTarget, type FinishedSpan } from "./otlp";

export { SpanKind };

/** Spans kept for export at most, so a collector that is down cannot grow memory without end. */
const MAX_BUFFERED = 2_000;
const buffer: FinishedSpan[] = [];

export interface TraceParent {
  traceId: string;
  spanId: string;
}

export class Span {
  readonly spanId = randomHex(8);
  private readonly attributes: Attributes;
  private error: string | undefined;
  private ended = false;

  constructor(
    private name: string,
    readonly traceId: string,
    private readonly parentSpanId: string | undefined,
    private readonly kind: FinishedSpan["kind"],
    attributes: Attributes,
    private readonly startMs: number,
  ) {
    this.attributes = { ...attributes };
  }

  get context(): TraceParent {
    return { traceId: this.traceId, spanId: this.spanId };
  }

  set(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }

  rename(name: string): this {
    this.name = name;
    return this;
  }

  /** Marks the span failed with a short code (an `AppError` code, an error class name). */
  fail(code: string): this {
    this.error = code;
    return this;
  }

  /** Ends the span (once) and queues it for export. */
  end(endMs = Date.now()): void {
    if (this.ended) return;
    this.ended = true;
    if (buffer.length >= MAX_BUFFERED) buffer.shift();
    buffer.push({
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      name: this.name,
      kind: this.kind,
      startMs: this.startMs,
      endMs,
      attributes: this.attributes,
      error: this.error,
    });
  }
}

export class Tracer {
  constructor(private readonly target: ExportTarget) {}

  /** A span under `parent` (a span, a propagated context), or the root of a new trace. */
  start(
    name: string,
    parent: TraceParent | undefined,
    options: { kind?: FinishedSpan["kind"]; attributes?: Attributes; startMs?: number } = {},
  ): Span {
    return new Span(
      name,
      parent?.traceId ?? randomHex(16),
      parent?.spanId,
      options.kind ?? SpanKind.internal,
      options.attributes ?? {},
      options.startMs ?? Date.now(),
    );
  }

  /** Sends every finished span of this isolate; meant for `waitUntil`, never throws. */
  flush(): Promise<void> {
    return exportSpans(this.target, buffer.splice(0, buffer.length));
  }
}

const tracers = new WeakMap<object, Tracer | null>();

/** The tracer when traces are configured (and the configuration is valid), else null. */
export function tracerFor(env: Env): Tracer | null {
  const cached = tracers.get(env);
  if (cached !== undefined) return cached;
  let tracer: Tracer | null = null;
  try {
    const config = getConfig(env);
    const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
    if (endpoint !== undefined) {
      tracer = new Tracer({
        url: `${endpoint.replace(/\/+$/, "")}/v1/traces`,
        headers: config.OTEL_EXPORTER_OTLP_HEADERS,
        serviceName: config.OTEL_SERVICE_NAME,
      });
    }
  } catch {
    // An invalid configuration answers every request with 503 already; nothing to trace.
  }
  tracers.set(env, tracer);
  return tracer;
}

const active = new AsyncLocalStorage<Span>();

/** Runs `fn` with `span` as the current one (what `traceHeaders` passes on). */
export function withSpan<T>(span: Span, fn: () => T): T {
  return active.run(span, fn);
}

/**
 * `traceparent` for a request to a Durable Object made while a traced request runs, so the
 * room's spans join its trace; empty when nothing is traced.
 */
export function traceHeaders(): Record<string, string> {
  const span = active.getStore();
  return span ? { traceparent: `00-${span.traceId}-${span.spanId}-01` } : {};
}

/** The parent named by a W3C `traceparent` header, when it is well formed. */
export function parseTraceParent(header: string | null | undefined): TraceParent | undefined {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(header?.trim() ?? "");
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined;
  return { traceId: match[1]!, spanId: match[2]! };
}

function randomHex(bytes: number): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(values, (value) => value.toString(16).padStart(2, "0")).join("");
}
