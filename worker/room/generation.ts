/**
 * One assistant answer being generated inside a ConversationRoom: it drives the provider stream
 * (and, when tools are on, the loop of tool calls and follow-up requests), coalesces chunks into
 * delta frames, keeps the checkpoint fresh and ends with the final message that goes to D1. It
 * knows nothing about sockets; the room tells it where frames go.
 */
import type { FinalMessage } from "../db/queries";
import { deadlineErrorInfo, GENERATION_DEADLINE_MS, withDeadline } from "../limits/concurrency";
import type { ErrorInfo, FinishReason, ToolCall, Usage } from "#protocol/messages";
import { priceUsage, type CatalogueModel } from "../providers/catalogue";
import { estimateRequestTokens, estimateTokens } from "../providers/token-estimate";
import type { Provider, ProviderRequest, ProviderToolCall, ProviderUsage } from "../providers/types";
import { runTool } from "../tools";
import { logError } from "../observability/log";
import { DeltaCoalescer, type CoalescedDelta } from "./coalescer";

/** Provider events handled in a row before the generation yields to the room's other work. */
const YIELD_EVERY_EVENTS = 64;

/** Rounds of tool calls one answer may make before Parley stops feeding results back. */
export const MAX_TOOL_STEPS = 5;

export interface GenerationInput {
  messageId: string;
  model: CatalogueModel;
  provider: Provider;
  request: ProviderRequest;
  onDelta: (delta: CoalescedDelta) => void;
  onProgress: () => void;
  /** A tool was called (result null) or answered; for the `tool` frame. */
  onTool?: (call: ToolCall) => void;
  /**
   * Text the message already has (continuing a stopped answer); new text is appended. Its usage,
   * when it had one, is added to this answer's.
   */
  initial?: { text: string; reasoning: string; usage?: Usage | null };
  /** The least time between two delta frames (see DeltaCoalescer), default 16 ms. */
  frameIntervalMs?: () => number;
  /** When the answer began (its row's creation time), default now. */
  startedAt?: number;
  /** The longest this answer may take (default GENERATION_DEADLINE_MS). */
  maxDurationMs?: number;
  /**
   * The tools are an API client's own: their calls are recorded and end the answer (finish
   * reason `tool_calls`) for the client to run, instead of being run here.
   */
  clientTools?: boolean;
}

export class Generation {
  readonly messageId: string;
  private readonly controller = new AbortController();
  private readonly coalescer: DeltaCoalescer;
  readonly startedAt: number;
  /** When the first text or reasoning arrived (for time-to-first-token), if it did. */
  firstTokenAt: number | null = null;
  readonly toolCalls: ToolCall[] = [];

  constructor(private readonly input: GenerationInput) {
    this.messageId = input.messageId;
    this.startedAt = input.startedAt ?? Date.now();
    this.coalescer = new DeltaCoalescer(
      input.onDelta,
      input.frameIntervalMs ? { intervalMs: input.frameIntervalMs } : {},
    );
    if (input.initial) this.coalescer.seed(input.initial.text, input.initial.reasoning);
  }

  get text(): string {
    return this.coalescer.text;
  }

  get model(): CatalogueModel {
    return this.input.model;
  }

  get reasoning(): string {
    return this.coalescer.reasoning;
  }

  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  /**
   * Sends pending text to everyone now. Called before a snapshot or a resume is built from
   * `text`, so the next delta starts exactly where that snapshot ends (no overlap to re-send).
   */
  flush(): void {
    this.coalescer.flush();
  }

  /** Cancels the upstream call; `run` then resolves with status `stopped`. */
  stop(): void {
    this.controller.abort();
  }

  async run(): Promise<FinalMessage> {
    const { provider, model } = this.input;
    const deadline = withDeadline(this.controller.signal, this.input.maxDurationMs ?? GENERATION_DEADLINE_MS);
    const signal = deadline.signal;
    let request = this.input.request;
    let finishReason: FinishReason = "stop";
    let usage: ProviderUsage | null = null;
    let error: ErrorInfo | null = null;
    // What the provider has not reported usage for yet: the request of the current step and
    // what it wrote so far. An answer cut short never gets that report, so it is estimated.
    let unreported: { request: ProviderRequest; text: number; reasoning: number } | null | undefined;
    try {
      for (let step = 0; ; step++) {
        const stepStart = this.text.length;
        unreported = { request, text: stepStart, reasoning: this.reasoning.length };
        const calls: ProviderToolCall[] = [];
        let sinceYield = 0;
        for await (const event of provider.stream(request, signal)) {
          if (signal.aborted) break;
          // When the provider's data is already buffered, this loop would run on microtasks
          // alone and starve everything else in the room (a device reconnecting, the frame
          // timer, Stop): every so many events, let other work in.
          if (++sinceYield >= YIELD_EVERY_EVENTS) {
            sinceYield = 0;
            await new Promise((resolve) => setTimeout(resolve, 0));
            if (signal.aborted) break;
          }
          switch (event.type) {
            case "text":
              this.firstTokenAt ??= Date.now();
              this.coalescer.pushText(event.text);
              this.input.onProgress();
              break;
            case "reasoning":
              this.firstTokenAt ??= Date.now();
              this.coalescer.pushReasoning(event.text);
              this.input.onProgress();
              break;
            case "tool_call":
              calls.push(event.call);
              break;
            case "usage":
              usage = addUsage(usage, event.usage);
              unreported = null;
              break;
            case "finish":
              finishReason = event.reason;
              break;
            case "error":
              error = { code: event.code, message: event.message, retryable: event.retryable };
              break;
          }
        }
        if (signal.aborted || error || calls.length === 0 || !request.tools) break;
        if (this.input.clientTools) {
          this.coalescer.flush();
          const offset = this.text.length;
          for (const call of calls) {
            const shown: ToolCall = { ...call, result: null, offset };
            this.toolCalls.push(shown);
            this.input.onTool?.(shown);
          }
          finishReason = "tool_calls";
          break;
        }
        if (step + 1 >= MAX_TOOL_STEPS) {
          // The model keeps calling tools: stop here rather than loop (and bill) forever.
          finishReason = "tool_calls";
          break;
        }
        // Run each call, show it, and ask again with the results.
        this.coalescer.flush();
        const offset = this.text.length;
        const results = calls.map((call) => {
          const shown: ToolCall = { ...call, result: null, offset };
          this.toolCalls.push(shown);
          this.input.onTool?.(shown);
          const done: ToolCall = { ...shown, result: runTool(call.name, call.arguments) };
          this.toolCalls[this.toolCalls.indexOf(shown)] = done;
          this.input.onTool?.(done);
          return done;
        });
        request = {
          ...request,
          messages: [
            ...request.messages,
            { role: "assistant", content: this.text.slice(stepStart), toolCalls: calls },
            ...results.map((call) => ({
              role: "tool" as const,
              content: call.result ?? "",
              toolCallId: call.id,
            })),
          ],
        };
      }
    } catch (cause) {
      if (!signal.aborted) {
        logError("generation_failed", { messageId: this.messageId, cause });
        error = {
          code: "internal_error",
          message: "Parley failed while streaming this answer.",
          retryable: true,
        };
      }
    } finally {
      deadline.dispose();
    }
    this.coalescer.flush();
    if (deadline.expired) error = deadlineErrorInfo(this.input.maxDurationMs ?? GENERATION_DEADLINE_MS);
    const stopped = this.controller.signal.aborted;
    // Stopped (or cut off after it began writing): the provider was paid for what it did, so
    // that part is counted with an estimate. An error before any output cost nothing.
    const wrote =
      unreported && (this.text.length > unreported.text || this.reasoning.length > unreported.reasoning);
    const estimate = unreported && (stopped || wrote) ? this.estimate(unreported) : null;
    const counted = estimate ? addUsage(usage, estimate) : usage;
    const measured = counted ? priceUsage(model, counted) : null;
    const priced = measured && estimate ? { ...measured, estimated: true } : measured;
    return {
      content: this.coalescer.text,
      reasoning: this.coalescer.reasoning,
      status: stopped ? "stopped" : error ? "error" : "complete",
      finishReason: stopped ? "stopped" : error ? "error" : finishReason,
      usage: addPriced(this.input.initial?.usage ?? null, priced),
      error: stopped ? null : error,
      toolCalls: this.toolCalls.length > 0 ? this.toolCalls : null,
    };
  }

  dispose(): void {
    this.coalescer.dispose();
  }

  /** Tokens of a step the provider did not report: its whole request, and what it wrote. */
  private estimate(step: { request: ProviderRequest; text: number; reasoning: number }): ProviderUsage {
    const reasoningTokens = estimateTokens(this.reasoning.slice(step.reasoning));
    return {
      inputTokens: estimateRequestTokens(step.request),
      outputTokens: estimateTokens(this.text.slice(step.text)) + reasoningTokens,
      ...(reasoningTokens > 0 ? { reasoningTokens } : {}),
    };
  }
}

/** An answer's usage so far (a continued answer's earlier part) plus its new part, both priced. */
function addPriced(before: Usage | null, after: Usage | null): Usage | null {
  if (!before || !after) return after ?? before;
  return {
    ...addUsage(before, after),
    costUsd: Math.round(((before.costUsd ?? 0) + (after.costUsd ?? 0)) * 1e8) / 1e8,
    ...(before.estimated || after.estimated ? { estimated: true } : {}),
  };
}

/** Usage of several requests (tool steps) of one answer, added up. */
function addUsage(total: ProviderUsage | null, next: ProviderUsage): ProviderUsage {
  if (!total) return next;
  const sum = (a?: number, b?: number) =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  const cached = sum(total.cachedInputTokens, next.cachedInputTokens);
  const reasoning = sum(total.reasoningTokens, next.reasoningTokens);
  const cost = sum(total.costUsd, next.costUsd);
  return {
    inputTokens: total.inputTokens + next.inputTokens,
    outputTokens: total.outputTokens + next.outputTokens,
    ...(cached !== undefined ? { cachedInputTokens: cached } : {}),
    ...(reasoning !== undefined ? { reasoningTokens: reasoning } : {}),
    ...(cost !== undefined ? { costUsd: cost } : {}),
  };
}
