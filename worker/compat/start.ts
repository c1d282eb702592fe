/**
 * Starting an API call's turn: the one step every compatible endpoint shares. The images of the
 * prompt are stored as the caller's uploads, the call becomes a room plan (./turn-plan.ts), and
 * the conversation's room admits and runs it (worker/room/api-request.ts) exactly as it runs a
 * prompt typed in the app. What comes back is the contract's stream of events, which the
 * endpoint's dialect writes in its own wire format.
 */
import { fromBase64 } from "../attachments";
import { storeUpload } from "../attachments/store";
import { AppError } from "../errors";
import { traceHeaders } from "../observability/tracing";
import type { ApiTurnStart } from "../room/api-request";
import { withIdentity } from "../room/identity";
import type { ApiTurnEvent, ApiTurnInput, StartedApiTurn } from "./contract";
import type { TokenCaller } from "./tokens";
import { roomTurnFrom } from "./turn-plan";

/** Who is calling, from where, and which request this is. */
export interface ApiCall {
  caller: TokenCaller;
  /** The client's address (rate limits of guests; kept for the log). */
  ip: string;
  /** The request's id, so the generation's log line matches the request's. */
  requestId: string;
  /** This deployment's origin, for the watch link. */
  origin: string;
  /** The `X-Parley-Conversation` header: the conversation to continue, if any. */
  conversationId: string | undefined;
  /** Keep nothing of this call but its usage, whatever the token keeps (Responses' `store: false`). */
  forget?: boolean;
  /** The messages all follow the conversation's last answer (Responses' `previous_response_id`). */
  onlyNew?: boolean;
  /** What the call set, stored with the answer for the API to repeat (Responses' `retrieve`). */
  callSettings?: string;
  /** The answer the call continues from, when it is not its conversation's last (a new branch). */
  after?: string;
}

const CONVERSATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function startApiTurn(env: Env, call: ApiCall, input: ApiTurnInput): Promise<StartedApiTurn> {
  const continuing = call.conversationId !== undefined;
  if (continuing && !CONVERSATION_ID.test(call.conversationId ?? "")) {
    throw new AppError(404, "not_found", "Conversation not found.");
  }
  const keepHistory = call.caller.keepHistory && !call.forget;
  if (continuing && !keepHistory) {
    throw new AppError(
      400,
      "invalid_request",
      "This token keeps no history, so it cannot continue a conversation. Send the whole conversation instead.",
    );
  }
  const conversationId = call.conversationId ?? crypto.randomUUID();
  const attachments = await storePromptImages(env, call.caller.userId, input);
  const plan = roomTurnFrom(input, {
    continuing,
    tokenName: call.caller.tokenName,
    attachments,
    ...(call.onlyNew ? { onlyNew: true } : {}),
  });
  const request = new Request("https://room.parley.internal/api-turn", {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": call.requestId, ...traceHeaders() },
    body: JSON.stringify({
      ...plan,
      forget: !keepHistory,
      ...(call.after !== undefined ? { after: call.after } : {}),
      ...(keepHistory && call.callSettings !== undefined ? { callSettings: call.callSettings } : {}),
    }),
  });
  const response = await env.ConversationRoom.getByName(conversationId).fetch(
    withIdentity(request, {
      userId: call.caller.userId,
      kind: "user",
      ip: call.ip,
      role: "owner",
      name: `API · ${call.caller.tokenName}`,
      share: null,
      session: `token:${call.caller.tokenId}`,
    }),
  );
  if (!response.ok || !response.body) throw await refusalOf(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const lines = jsonLines(reader);
  const first = await lines.next();
  const start = first.done ? undefined : (first.value as ApiTurnStart);
  if (start?.type !== "start") {
    void reader.cancel().catch(() => undefined);
    throw new AppError(502, "internal_error", "The room answered without a start.");
  }
  // A conversation that keeps no history cannot be opened or continued: no link to it.
  const url = keepHistory ? `${call.origin}/c/${conversationId}` : "";
  const headers: Record<string, string> = keepHistory
    ? { "X-Parley-Conversation": conversationId, "X-Parley-Url": url }
    : {};
  for (const name of ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return {
    conversationId,
    messageId: start.messageId,
    model: start.model,
    createdAt: start.createdAt,
    url,
    headers,
    events: eventsOf(lines, reader),
  };
}

/** The images of the prompt (the last user message), stored as the caller's uploads. */
async function storePromptImages(env: Env, ownerId: string, input: ApiTurnInput): Promise<string[]> {
  const prompt = input.messages.at(-1);
  if (prompt?.role !== "user" || !prompt.images?.length) return [];
  const ids: string[] = [];
  for (const [index, image] of prompt.images.entries()) {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(image.data);
    } catch {
      throw new AppError(
        400,
        "invalid_request",
        `Image ${index + 1} of the last message is not valid base64.`,
      );
    }
    const extension = image.mimeType.split("/")[1] ?? "bin";
    const row = await storeUpload(env, ownerId, {
      name: `image-${index + 1}.${extension}`,
      bytes,
      declaredType: image.mimeType,
    });
    ids.push(row.id);
  }
  return ids;
}

/** The room's refusal (a Parley JSON error) as the AppError it was, headers included. */
async function refusalOf(response: Response): Promise<AppError> {
  const body = await response.json<{ error?: { code?: string; message?: string } }>().catch(() => undefined);
  const headers: Record<string, string> = {};
  for (const name of ["Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const retryAfter = Number(response.headers.get("Retry-After"));
  return new AppError(
    (response.status >= 400 ? response.status : 502) as 400,
    body?.error?.code ?? "internal_error",
    body?.error?.message ?? "The conversation's room did not answer.",
    { headers, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) },
  );
}

/**
 * The turn's events. Whoever stops listening (`return()`) lets go of the room's stream too: the
 * room then stops writing this call's copy of the answer (the answer itself goes on), rather
 * than queueing it for a reader that never comes.
 */
function eventsOf(
  lines: AsyncGenerator<unknown>,
  reader: ReadableStreamDefaultReader<string>,
): AsyncIterable<ApiTurnEvent> {
  let released = false;
  async function* read(): AsyncGenerator<ApiTurnEvent> {
    let ended = false;
    for await (const value of lines) {
      const event = value as ApiTurnEvent;
      yield event;
      if (event.type === "done") {
        ended = true;
        break;
      }
    }
    // The room never ends a turn's stream without `done`; if the connection to it broke, say so.
    if (!ended && !released) {
      yield {
        type: "done",
        finishReason: "error",
        usage: null,
        error: { code: "internal_error", message: "The answer's stream broke off.", retryable: true },
      };
    }
  }
  const events = read();
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => events.next(),
      return: () => {
        released = true;
        // Ends a read still waiting for the room, so the `return` below is not queued behind it.
        reader.cancel().catch(() => undefined);
        return events.return(undefined);
      },
    }),
  };
}

/** Parses newline-delimited JSON as it arrives. */
export async function* jsonLines(reader: ReadableStreamDefaultReader<string>): AsyncGenerator<unknown> {
  let buffered = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += value;
      let newline = buffered.indexOf("\n");
      while (newline !== -1) {
        const text = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (text.trim() !== "") yield JSON.parse(text);
        newline = buffered.indexOf("\n");
      }
    }
  } finally {
    // Nothing more is read: a stream left open would keep the room writing into it.
    void reader.cancel().catch(() => undefined);
  }
}
