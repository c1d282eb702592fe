/**
 * A Generation whose answer goes through output moderation (worker/moderation/output.ts) while it
 * streams. Deltas go out exactly as before; each one also lets the watch take the windows the
 * text now completes. When a check stops the answer, it ends like a provider's content filter:
 * `complete` with finish reason `content_filter`, its text cut at the end of the flagged window or
 * replaced by a notice (the operator's choice), and every device gets that message before `done`.
 */
import type { FinalMessage } from "../db/queries";
import { database } from "../db/queries";
import { getConfig } from "../env";
import { OutputWatch, readOutputPolicy, WITHHELD_NOTICE } from "../moderation/output";
import { Generation, type GenerationInput } from "./generation";
import type { Audience } from "./presence";
import { visibleMessages } from "./snapshot";
import type { RoomStore } from "./store";

/** What moderating an answer needs of its room. */
export interface ModerationHost {
  readonly name: string;
  readonly env: Env;
  readonly ctx: DurableObjectState;
  readonly store: RoomStore;
  readonly audience: Audience;
}

export class ModeratedGeneration extends Generation {
  private readonly host: ModerationHost;
  private readonly watch: OutputWatch;
  /** The answer as moderation left it, once it ended there. */
  private filtered: { content: string; reasoning: string } | null = null;

  constructor(host: ModerationHost, userId: string, input: GenerationInput) {
    // The watch needs `this` (the text so far), so it exists only once `super` has run.
    const later: { watch?: OutputWatch } = {};
    super({
      ...input,
      onDelta: (delta) => {
        input.onDelta(delta);
        later.watch?.tap();
      },
    });
    const db = database(host.env.DB);
    this.watch = later.watch = new OutputWatch({
      db,
      config: getConfig(host.env),
      policy: readOutputPolicy(db),
      modelId: input.model.id,
      userId,
      conversationId: host.name,
      messageId: input.messageId,
      text: () => this.text,
      stop: () => this.stop(),
      waitUntil: (promise) => host.ctx.waitUntil(promise),
    });
    this.host = host;
  }

  // A device joining between the verdict and `done` must see what will be stored, not what was cut.
  override get text(): string {
    return this.filtered?.content ?? super.text;
  }

  override get reasoning(): string {
    return this.filtered?.reasoning ?? super.reasoning;
  }

  override async run(): Promise<FinalMessage> {
    const final = await super.run();
    const { policy, cut } = await this.watch.settle();
    if (cut === null) return final;
    const withhold = policy.onStop === "withhold";
    const filtered: FinalMessage = {
      ...final,
      content: withhold ? WITHHELD_NOTICE : final.content.slice(0, cut),
      reasoning: withhold ? "" : final.reasoning,
      status: "complete",
      finishReason: "content_filter",
      error: null,
    };
    this.filtered = { content: filtered.content, reasoning: filtered.reasoning };
    this.announce(filtered);
    return filtered;
  }

  /**
   * Devices hold the text as it streamed, which may run past the cut (or was withheld): the
   * answer as it will be stored replaces it, before `done` says how long it is.
   */
  private announce(final: FinalMessage): void {
    const state = this.host.store.cached;
    const shown = state ? visibleMessages(state).find((message) => message.id === this.messageId) : undefined;
    if (!shown) return;
    this.host.audience.publish({
      type: "message",
      message: {
        ...shown,
        content: final.content,
        reasoning: final.reasoning,
        status: final.status,
        finishReason: final.finishReason,
        error: final.error,
        usage: final.usage,
        ...(final.toolCalls ? { toolCalls: final.toolCalls } : {}),
      },
    });
  }
}
