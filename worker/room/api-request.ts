/**
 * The room's entry for calls of Parley's OpenAI- and Anthropic-compatible endpoints
 * (worker/compat/): `POST /api-turn`. The worker has authenticated the personal token and split
 * the client's messages into a plan (worker/compat/turn-plan.ts); the room admits it like any
 * other turn and answers with one JSON line per event (`start`, then the contract's
 * `ApiTurnEvent`s up to `done`), which the worker writes in the client's wire format. Browsers
 * that have the conversation open watch the same answer live, and Stop from any of them ends it.
 */
import { z } from "zod";
import { can } from "../auth/policy";
import { AppError } from "../errors";
import { rateLimitHeaders } from "../limits";
import { logError } from "../observability/log";
import type { ServerFrame } from "#protocol/frames";
import { generationOptionsSchema, MAX_ATTACHMENTS, roleSchema, toolCallSchema } from "#protocol/messages";
import type { ApiTurnEvent } from "../compat/contract";
import { readIdentityHeaders } from "./identity";
import type { Audience } from "./presence";
import { streamTurnFrames } from "./sse";
import type { TurnRunner } from "./turn/runner";

/** An API client's message may be far longer than a prompt typed in the app. */
export const MAX_API_MESSAGE_CHARS = 2_000_000;

const toolSchema = z.object({
  name: z.string().min(1).max(128),
  description: z.string().max(100_000),
  parameters: z.record(z.string(), z.unknown()),
});

/** Body of the internal `POST /api-turn` (worker/compat/start.ts writes it). */
export const roomApiTurnSchema = z.object({
  model: z.string().min(1).max(200),
  /** The new prompt; null when the client only brings its tools' results. */
  content: z.string().max(MAX_API_MESSAGE_CHARS).nullable(),
  /** Messages stored before the prompt, after the branch shown (or first, in a new conversation). */
  prior: z
    .array(
      z.object({
        role: roleSchema,
        content: z.string().max(MAX_API_MESSAGE_CHARS),
        toolCalls: z.array(toolCallSchema).optional(),
      }),
    )
    .max(2_000)
    .default([]),
  toolResults: z
    .array(z.object({ id: z.string().min(1), content: z.string().max(MAX_API_MESSAGE_CHARS) }))
    .optional(),
  /** Uploads (already stored by the worker) the prompt carries. */
  attachments: z.array(z.string()).max(MAX_ATTACHMENTS).default([]),
  options: generationOptionsSchema.default({}),
  api: z
    .object({
      tools: z.array(toolSchema).max(128).optional(),
      toolChoice: z
        .union([z.enum(["auto", "none", "required"]), z.object({ name: z.string().min(1) })])
        .optional(),
      stop: z.array(z.string().min(1)).max(4).optional(),
    })
    .default({}),
  /** Present when the call starts a new conversation. */
  create: z
    .object({ systemPrompt: z.string().max(MAX_API_MESSAGE_CHARS), apiTokenName: z.string().max(200) })
    .optional(),
  /** Keep only the usage of this new conversation (a token that keeps no history). */
  forget: z.boolean().default(false),
  /** The answer the prompt follows when it is not the last one shown (a new branch there). */
  after: z.string().min(1).max(64).optional(),
  /** What the call set, as its API repeats it when the answer is read again (Responses). */
  callSettings: z.string().max(MAX_API_MESSAGE_CHARS).optional(),
});
export type RoomApiTurn = z.input<typeof roomApiTurnSchema>;

/** The first line of the answer: which message is being written, by which model, since when. */
export interface ApiTurnStart {
  type: "start";
  messageId: string;
  model: string;
  createdAt: number;
}

const encoder = new TextEncoder();
export const line = (value: ApiTurnStart | ApiTurnEvent) => encoder.encode(`${JSON.stringify(value)}\n`);

/** The contract's events one room frame becomes for the client following `messageId`. */
export function frameToApiEvents(frame: ServerFrame, messageId: string): Uint8Array[] {
  if (!("messageId" in frame) || frame.messageId !== messageId) return [];
  switch (frame.type) {
    case "delta": {
      const out: Uint8Array[] = [];
      if (frame.reasoning) out.push(line({ type: "reasoning", text: frame.reasoning }));
      if (frame.text) out.push(line({ type: "text", text: frame.text }));
      return out;
    }
    case "tool": {
      // Only calls of the client's own tools, announced once before they have a result.
      if (frame.call.result !== null) return [];
      const { id, name, arguments: args } = frame.call;
      return [line({ type: "tool_call", call: { id, name, arguments: args } })];
    }
    case "done":
      return [
        line({ type: "done", finishReason: frame.finishReason, usage: frame.usage, error: frame.error }),
      ];
    default:
      return [];
  }
}

export async function answerApiTurn(
  request: Request,
  room: string,
  audience: Audience,
  turns: TurnRunner,
): Promise<Response> {
  try {
    const identity = readIdentityHeaders(request.headers);
    const body = roomApiTurnSchema.safeParse(await request.json().catch(() => undefined));
    if (!identity || !can(identity.role, "write") || !body.success) {
      throw new AppError(400, "bad_request", "Invalid room request.");
    }
    const {
      create,
      forget,
      model,
      content,
      prior,
      toolResults,
      attachments,
      options,
      api,
      callSettings,
      after,
    } = body.data;
    const requestId = request.headers.get("x-request-id");
    const traceParent = request.headers.get("traceparent");
    let rate: Record<string, string> = {};
    const response = await streamTurnFrames(
      audience,
      async () => {
        const turn = await turns.start({
          plan: {
            kind: "send",
            model,
            content,
            prior,
            options,
            attachments,
            api,
            ...(toolResults ? { toolResults } : {}),
            ...(after !== undefined ? { after } : {}),
          },
          subject: identity,
          trigger: "api",
          ownerOnly: true,
          ...(create ? { create, forget } : {}),
          ...(callSettings !== undefined ? { callSettings } : {}),
          ...(requestId ? { requestId } : {}),
          ...(traceParent ? { traceParent } : {}),
          onAdmitted: (decision) => (rate = rateLimitHeaders(decision)),
        });
        const { generation } = turn;
        return {
          messageId: generation.messageId,
          model: generation.model.id,
          createdAt: generation.startedAt,
        };
      },
      {
        contentType: "application/x-ndjson",
        head: (started) => [line({ type: "start", ...started })],
        frame: frameToApiEvents,
      },
    );
    for (const [name, value] of Object.entries(rate)) response.headers.set(name, value);
    return response;
  } catch (cause) {
    const failure = AppError.from(cause);
    if (!failure.expose) logError("room_api_turn_failed", { room, cause });
    return failure.toResponse();
  }
}
