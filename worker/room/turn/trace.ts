/**
 * A turn's spans, when traces are configured (worker/observability/tracing.ts): the turn itself
 * (under the HTTP request's span when one asked for it), its admission, the provider call, the D1
 * write of the final answer and the fan-out of the answer's frames. Without an endpoint
 * `turnTrace` is null and the runner records nothing.
 *
 * The provider and fan-out spans are written when the answer ends, from times the generation
 * keeps anyway, so nothing is added to the per-token path but a frame count.
 */
import type { FinalMessage } from "../../db/queries";
import { AppError } from "../../errors";
import { parseTraceParent, tracerFor, type Span, type Tracer } from "../../observability/tracing";
import type { Generation } from "../generation";

export class TurnTrace {
  /** Frames sent to devices for this answer (deltas and tool calls; `done` is added at the end). */
  frames = 0;
  private readonly turn: Span;

  constructor(
    private readonly tracer: Tracer,
    parent: string | undefined,
    attributes: { room: string; trigger: string },
  ) {
    this.turn = tracer.start("chat.turn", parseTraceParent(parent), {
      attributes: { "parley.trigger": attributes.trigger, "parley.conversation_id": attributes.room },
    });
  }

  /** Runs admission inside its span; a refusal is recorded with its error code. */
  async admission<T>(admit: () => Promise<T>): Promise<T> {
    const span = this.tracer.start("chat.admission", this.turn.context);
    try {
      const admitted = await admit();
      span.set({ "parley.admission.outcome": "admitted" });
      return admitted;
    } catch (cause) {
      span.set({ "parley.admission.outcome": "refused" }).fail(errorCode(cause));
      throw cause;
    } finally {
      span.end();
    }
  }

  /** The turn ended before its answer started (refused, or failed while being stored). */
  failed(cause: unknown, waitUntil: (promise: Promise<unknown>) => void): void {
    this.turn.fail(errorCode(cause)).end();
    waitUntil(this.tracer.flush());
  }

  /** The provider call, from the start of the request to the answer's end. */
  answered(generation: Generation, final: FinalMessage, endMs: number): void {
    const model = generation.model;
    const provider = this.tracer.start(`chat ${model.id}`, this.turn.context, {
      kind: 3,
      startMs: generation.startedAt,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": model.provider,
        "gen_ai.request.model": model.id,
        "gen_ai.usage.input_tokens": final.usage?.inputTokens,
        "gen_ai.usage.output_tokens": final.usage?.outputTokens,
        "gen_ai.response.finish_reasons": final.finishReason ? [final.finishReason] : undefined,
        "parley.ttft_ms": generation.firstTokenAt
          ? generation.firstTokenAt - generation.startedAt
          : undefined,
        "parley.answer.status": final.status,
      },
    });
    if (final.error) provider.fail(final.error.code);
    provider.end(endMs);
    this.turn.set({ "gen_ai.request.model": model.id, "gen_ai.provider.name": model.provider });
  }

  /** The D1 write of the final answer: a span from now until `stored` settles. */
  storing(stored: Promise<boolean>): Promise<unknown> {
    const span = this.tracer.start("d1.store_final_answer", this.turn.context, {
      kind: 3,
      attributes: { "db.system.name": "cloudflare_d1", "db.operation.name": "batch" },
    });
    return stored.then(
      (ok) => span.set({ "parley.stored": ok }).end(),
      (cause: unknown) => span.fail(errorCode(cause)).end(),
    );
  }

  /**
   * The answer's broadcast, from its start to `done`, and the end of the turn; the spans are
   * exported once the D1 write has its span too.
   */
  finished(
    startMs: number,
    sockets: number,
    stored: Promise<unknown>,
    waitUntil: (p: Promise<unknown>) => void,
  ): void {
    this.tracer
      .start("room.fanout", this.turn.context, { startMs })
      .set({ "parley.frames": this.frames + 1, "parley.sockets": sockets })
      .end();
    this.turn.end();
    waitUntil(stored.then(() => this.tracer.flush()));
  }
}

export function turnTrace(
  env: Env,
  parent: string | undefined,
  room: string,
  trigger: string,
): TurnTrace | null {
  const tracer = tracerFor(env);
  return tracer ? new TurnTrace(tracer, parent, { room, trigger }) : null;
}

function errorCode(cause: unknown): string {
  if (cause instanceof AppError) return cause.code;
  return cause instanceof Error ? cause.name : "unknown";
}
