/**
 * Output moderation: answers go through the prompt's checks while they stream, a window of text
 * at a time (windows.ts), beside the stream rather than in its way: deltas reach devices as they
 * come, and a verdict arrives a moment later. Under `flag` a flagged window is recorded; under
 * `stop` the answer also ends there with finish reason `content_filter`. The operator sets the
 * policy from /admin (`settings` key `output_moderation`); docs/decisions/0010 says why windows.
 */
import type { Config } from "../env";
import type { Db } from "../db/queries";
import { moderationEvents } from "../db/schema";
import { logError } from "../observability/log";
import {
  outputModerationSchema,
  type OutputModerationMode,
  type OutputModerationPolicy,
} from "#protocol/admin";
import { readSetting } from "../admin/settings";
import { moderationChecks, type ModerationCheck, type ModerationRefusal } from "./index";
import { TextWindows, type TextWindow } from "./windows";

export const OUTPUT_MODERATION_SETTING = "output_moderation";

/** What a withheld answer says instead of its text. */
export const WITHHELD_NOTICE = "This answer was withheld: it went against this server's content rules.";

/** The longest one window's checks may take before the window passes (checks fail open). */
const CHECK_TIMEOUT_MS = 5_000;

export const DEFAULT_OUTPUT_POLICY: OutputModerationPolicy = outputModerationSchema.parse({});

export function parseOutputPolicy(raw: string | undefined): OutputModerationPolicy {
  if (raw === undefined) return DEFAULT_OUTPUT_POLICY;
  try {
    const parsed = outputModerationSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : DEFAULT_OUTPUT_POLICY;
  } catch {
    return DEFAULT_OUTPUT_POLICY;
  }
}

export async function readOutputPolicy(db: Db): Promise<OutputModerationPolicy> {
  return parseOutputPolicy(await readSetting(db, OUTPUT_MODERATION_SETTING));
}

export function modeFor(policy: OutputModerationPolicy, modelId: string): OutputModerationMode {
  return policy.models[modelId] ?? policy.mode;
}

/** The names of the checks answers go through under this configuration. */
export function outputCheckNames(config: Config): string[] {
  return moderationChecks(config, "output").map((check) => check.name);
}

export interface OutputWatchInput {
  db: Db;
  config: Config;
  /** The policy, read beside the stream's start so that it delays nothing. */
  policy: Promise<OutputModerationPolicy>;
  modelId: string;
  userId: string;
  conversationId: string;
  messageId: string;
  /** The answer's text so far. */
  text: () => string;
  /** Ends the answer (the upstream request is cancelled). */
  stop: () => void;
  waitUntil: (promise: Promise<unknown>) => void;
}

/** Watches one answer: takes windows as its text grows and checks them one after another. */
export class OutputWatch {
  private windows: TextWindows | null = null;
  private mode: OutputModerationMode = "off";
  private checks: ModerationCheck[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly ready: Promise<OutputModerationPolicy>;
  /** Where the answer was cut (the end of the flagged window) once a check stopped it. */
  cut: number | null = null;

  constructor(private readonly input: OutputWatchInput) {
    const start = input.text().length;
    this.ready = input.policy
      .catch((cause: unknown) => {
        logError("output_moderation_policy_failed", { cause });
        return DEFAULT_OUTPUT_POLICY;
      })
      .then((policy) => {
        this.mode = modeFor(policy, input.modelId);
        if (this.mode !== "off") {
          this.checks = moderationChecks(input.config, "output");
          this.windows = new TextWindows(policy.windowChars, start);
        }
        this.pump(false);
        return policy;
      });
  }

  /** The answer's text grew. */
  tap(): void {
    this.pump(false);
  }

  /**
   * The answer ended: its remaining text is checked too. Under `stop` this waits for every
   * verdict, so the answer is stored with the right finish; otherwise the checks finish in the
   * background. Resolves with the policy and where the answer was cut (null: it was not).
   */
  async settle(): Promise<{ policy: OutputModerationPolicy; cut: number | null }> {
    const policy = await this.ready;
    this.pump(true);
    if (this.mode === "stop") await this.queue;
    else this.input.waitUntil(this.queue);
    return { policy, cut: this.cut };
  }

  private pump(final: boolean): void {
    if (!this.windows || this.cut !== null) return;
    for (const window of this.windows.take(this.input.text(), final)) {
      this.queue = this.queue.then(() => this.check(window));
    }
  }

  private async check(window: TextWindow): Promise<void> {
    if (this.cut !== null || window.text.trim() === "") return;
    const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
    const { userId, conversationId } = this.input;
    for (const check of this.checks) {
      const refusal = await check
        .check({ text: window.text, userId, conversationId }, signal)
        .catch((cause: unknown) => {
          // Like a prompt's checks, a failing check lets the text pass; it is logged.
          logError("output_moderation_failed", { check: check.name, cause });
          return null;
        });
      if (!refusal) continue;
      if (this.mode === "stop") {
        this.cut = window.end;
        this.input.stop();
      }
      await this.record(window, refusal);
      return;
    }
  }

  private async record(window: TextWindow, refusal: ModerationRefusal): Promise<void> {
    const { db, userId, conversationId, messageId } = this.input;
    await db
      .insert(moderationEvents)
      .values({
        id: crypto.randomUUID(),
        userId,
        conversationId,
        messageId,
        direction: "output",
        action: this.mode === "stop" ? "stopped" : "flagged",
        check: refusal.check,
        category: refusal.category,
        excerpt: window.text.trim().slice(0, 200),
        createdAt: Date.now(),
      })
      .catch((cause: unknown) => logError("output_moderation_record_failed", { messageId, cause }));
  }
}
