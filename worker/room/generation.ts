/**
 * One assistant answer being generated inside a ConversationRoom: it drives the provider stream,
 * coalesces chunks into delta frames, keeps the checkpoint fresh and ends with the final message
 * that goes to D1. It knows nothing about sockets; the room tells it where frames go.
 */
import type { FinalMessage } from "../db/queries";
import type { ErrorInfo, FinishReason, Usage } from "../protocol";
import { priceUsage, type CatalogueModel } from "../providers/catalogue";
import type { Provider, ProviderRequest } from "../providers/types";
import { DeltaCoalescer, type CoalescedDelta } from "./coalescer";

export interface GenerationInput {
  messageId: string;
  model: CatalogueModel;
  provider: Provider;
  request: ProviderRequest;
  onDelta: (delta: CoalescedDelta) => void;
  onProgress: () => void;
}

export class Generation {
  readonly messageId: string;
  private readonly controller = new AbortController();
  private readonly coalescer: DeltaCoalescer;

  constructor(private readonly input: GenerationInput) {
    this.messageId = input.messageId;
    this.coalescer = new DeltaCoalescer(input.onDelta);
  }

  get text(): string {
    return this.coalescer.text;
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
    const { provider, request, model } = this.input;
    const signal = this.controller.signal;
    let finishReason: FinishReason = "stop";
    let usage: Usage | null = null;
    let error: ErrorInfo | null = null;
    try {
      for await (const event of provider.stream(request, signal)) {
        if (signal.aborted) break;
        switch (event.type) {
          case "text":
            this.coalescer.pushText(event.text);
            this.input.onProgress();
            break;
          case "reasoning":
            this.coalescer.pushReasoning(event.text);
            this.input.onProgress();
            break;
          case "usage":
            usage = priceUsage(model, event.usage);
            break;
          case "finish":
            finishReason = event.reason;
            break;
          case "error":
            error = { code: event.code, message: event.message, retryable: event.retryable };
            break;
        }
      }
    } catch (cause) {
      if (!signal.aborted) {
        console.error(
          JSON.stringify({ event: "generation_failed", messageId: this.messageId, cause: String(cause) }),
        );
        error = {
          code: "internal_error",
          message: "Parley failed while streaming this answer.",
          retryable: true,
        };
      }
    }
    this.coalescer.flush();
    const stopped = signal.aborted;
    return {
      content: this.coalescer.text,
      reasoning: this.coalescer.reasoning,
      status: stopped ? "stopped" : error ? "error" : "complete",
      finishReason: stopped ? "stopped" : error ? "error" : finishReason,
      usage,
      error: stopped ? null : error,
    };
  }

  dispose(): void {
    this.coalescer.dispose();
  }
}
