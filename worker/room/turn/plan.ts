/**
 * What a turn is, before anything is read or spent: the plan a client frame or an API request
 * asks for, and how that plan fits the conversation's tree (`shapeTurn`). Pure functions, so the
 * rules (what can be edited, regenerated or continued, and where the new messages attach) are
 * tested without a room.
 */
import { parseToolCalls } from "../../db/queries";
import type { Message } from "../../db/schema";
import { AppError } from "../../errors";
import type { ClientFrame } from "#protocol/frames";
import type { GenerationOptions, ToolCall } from "#protocol/messages";
import type { ProviderRequest } from "../../providers/types";

/** A message an API client brought along, stored before its prompt. */
export interface PriorMessage {
  role: Message["role"];
  content: string;
  /** The calls an earlier answer made to the client's tools, with the client's results. */
  toolCalls?: ToolCall[];
}

/** What only an API client asks for: its own tools, which tool to call, stop sequences. */
export type ApiExtras = Pick<ProviderRequest, "tools" | "toolChoice" | "stop">;

/** What a turn does: answer a new prompt, answer an edited prompt, answer again, or carry on. */
export type TurnPlan =
  | {
      kind: "send";
      model: string;
      /** The prompt; null when an API client only brings the results of its tools. */
      content: string | null;
      /** Earlier messages an API client brought (stored before the prompt). */
      prior: PriorMessage[];
      options: GenerationOptions;
      attachments: string[];
      /** An API client's own tools and stop sequences. */
      api?: ApiExtras;
      /**
       * The client's results for the calls the last answer made to its tools (an API client
       * continuing a conversation): they are stored on that answer, and the model reads them.
       */
      toolResults?: Array<{ id: string; content: string }>;
      /**
       * The answer the prompt follows, when it is not the end of the branch shown (an API client
       * continuing an earlier response): the prompt starts a new branch there.
       */
      after?: string;
    }
  | {
      kind: "edit";
      messageId: string;
      model: string;
      content: string;
      options: GenerationOptions;
      attachments: string[];
    }
  | { kind: "regenerate"; messageId: string; model?: string; options: GenerationOptions }
  | { kind: "continue"; messageId: string };

export type TurnFrame = Extract<ClientFrame, { type: "send" | "edit" | "regenerate" | "continue" }>;

/** The plan a device's frame asks for. */
export function planFromFrame(frame: TurnFrame): TurnPlan {
  switch (frame.type) {
    case "send":
      return {
        kind: "send",
        model: frame.model,
        content: frame.content,
        prior: [],
        options: frame.options ?? {},
        attachments: frame.attachments ?? [],
      };
    case "edit":
      return {
        kind: "edit",
        messageId: frame.messageId,
        model: frame.model,
        content: frame.content,
        options: frame.options ?? {},
        attachments: frame.attachments ?? [],
      };
    case "regenerate":
      return {
        kind: "regenerate",
        messageId: frame.messageId,
        ...(frame.model ? { model: frame.model } : {}),
        options: frame.options ?? {},
      };
    case "continue":
      return { kind: "continue", messageId: frame.messageId };
  }
}

/** Upload ids the plan sends with its prompt (only a new or edited prompt carries files). */
export function uploadsOf(plan: TurnPlan): string[] {
  return plan.kind === "send" || plan.kind === "edit" ? plan.attachments : [];
}

/** The options the plan asks for; continuing an answer keeps the provider's defaults. */
export function optionsOf(plan: TurnPlan): GenerationOptions {
  return plan.kind === "continue" ? {} : plan.options;
}

export interface ShapedTurn {
  /** The message the new prompt (or answer) hangs under. */
  parentId: string | null;
  /** The messages the model sees before the new prompt. */
  context: Message[];
  /** The prompt to store, or null when the turn only answers again. */
  prompt: string | null;
  /** The model that answers. */
  model: string;
  /** The answer a `continue` reopens. */
  target?: Message;
}

/**
 * Where a turn attaches in the tree, what the model sees before it, and which model answers.
 * `path` is the visible branch (`activePath`). Throws a 4xx AppError when the plan does not fit
 * the conversation (unknown message, wrong role, not the last answer).
 */
export function shapeTurn(plan: TurnPlan, rows: readonly Message[], path: readonly Message[]): ShapedTurn {
  if (plan.kind === "send") {
    return { parentId: path.at(-1)?.id ?? null, context: [...path], prompt: plan.content, model: plan.model };
  }
  const target = rows.find((row) => row.id === plan.messageId && row.deletedAt === null);
  const index = target ? path.findIndex((row) => row.id === target.id) : -1;
  if (!target || index === -1)
    throw new AppError(404, "not_found", "That message is not on the branch shown.");
  const before = path.slice(0, index);
  const invalid = (message: string) => new AppError(400, "invalid_request", message);
  switch (plan.kind) {
    case "edit":
      if (target.role !== "user") throw invalid("Only your prompts can be edited.");
      return { parentId: target.parentId, context: before, prompt: plan.content, model: plan.model };
    case "regenerate":
      if (target.role !== "assistant") throw invalid("Only answers can be regenerated.");
      return {
        parentId: target.parentId,
        context: before,
        prompt: null,
        model: plan.model ?? target.model ?? "",
      };
    case "continue":
      if (target.role !== "assistant" || (target.status !== "stopped" && target.status !== "interrupted")) {
        throw invalid("Only a stopped or interrupted answer can be continued.");
      }
      if (index !== path.length - 1) throw invalid("Only the last answer can be continued.");
      return { parentId: target.parentId, context: before, prompt: null, model: target.model ?? "", target };
  }
}

/** A provisional title from the first prompt (model-written titles come later). */
export function titleFrom(prompt: string): string {
  const line = prompt.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line;
}

/**
 * The last answer on the branch with the client's tool results filled in, for a plan that brings
 * them; undefined when it brings none. Every result must answer a call that answer made and is
 * still waiting for, or the plan is refused.
 */
export function answerToolResults(plan: TurnPlan, path: readonly Message[]): Message | undefined {
  if (plan.kind !== "send" || !plan.toolResults || plan.toolResults.length === 0) return undefined;
  const last = path.at(-1);
  const calls = last?.role === "assistant" && last.toolCalls ? parseToolCalls(last.toolCalls) : [];
  const results = new Map(plan.toolResults.map((result) => [result.id, result.content]));
  const waiting = calls.filter((call) => call.result === null);
  if (!last || waiting.length === 0 || [...results.keys()].some((id) => !waiting.some((c) => c.id === id))) {
    throw new AppError(
      400,
      "invalid_request",
      "The tool results do not answer the calls of this conversation's last answer.",
    );
  }
  const answered = calls.map((call) =>
    call.result === null && results.has(call.id) ? { ...call, result: results.get(call.id) ?? "" } : call,
  );
  return { ...last, toolCalls: JSON.stringify(answered) };
}
