/**
 * `/v1/*`: Parley as an OpenAI- and Anthropic-compatible API (docs/api-compat.md). Clients send a
 * personal access token (`Authorization: Bearer pk_live_…`, or Anthropic's `x-api-key`), never a
 * cookie, so neither the session middleware nor the Origin check applies here. Each call runs as
 * a turn in its conversation's room (worker/compat/start.ts), so it is admitted, limited, billed
 * and stored like a prompt typed in the app, and browsers can watch it live. Errors leave in the
 * shape of the API the path belongs to, so each SDK raises its own error classes.
 *
 * `/v1/responses` is OpenAI's Responses API on the same turns: a response id names the answer
 * message it wrote (`resp_<message id>`), `GET /v1/responses/:id` reads that message back (from
 * its room while it is being written), `previous_response_id` continues its conversation in its
 * room, and cancel and delete are the room's Stop and "delete message".
 */
import { Hono, type Context } from "hono";
import { createMiddleware } from "hono/factory";
import { callerProviders } from "../models/access";
import { getConfig } from "../../../env";
import { AppError } from "../../../errors";
import { database } from "../../../db/queries";
import { usableModels } from "../../../providers/catalogue";
import { clientIp } from "../../../room/identity";
import {
  anthropicError,
  anthropicModel,
  anthropicModelList,
  messagesObject,
  messagesStream,
  parseMessagesCall,
} from "../../../compat/anthropic-messages";
import { CompatError, invalidRequest } from "../../../compat/errors";
import {
  chatCompletionObject,
  chatCompletionStream,
  modelList,
  openAIError,
  openAIModel,
  parseChatCompletion,
} from "../../../compat/openai-chat";
import {
  backgroundResponse,
  parseResponsesCall,
  replayedStream,
  responseObject,
  responsesStream,
  storedHead,
  storedResponse,
} from "../../../compat/openai-responses";
import {
  answerEvents,
  cancelAnswer,
  currentAnswer,
  deleteStoredAnswer,
  untilStored,
} from "../../../compat/responses-room";
import { findOwnedAnswer, type OwnedAnswer } from "../../../compat/responses-store";
import { startApiTurn } from "../../../compat/start";
import { authenticateToken, type TokenCaller } from "../../../compat/tokens";
import type { AppEnv } from "../../app-env";
import { refuseWhileMisconfigured } from "../../config-gate";

/** API bodies carry whole conversations and inline images: more room than the app's JSON API. */
export const MAX_COMPAT_BODY_BYTES = 25 * 1024 * 1024;

type CompatEnv = { Bindings: AppEnv["Bindings"]; Variables: AppEnv["Variables"] & { caller: TokenCaller } };
type CompatContext = Context<CompatEnv>;

/** Anthropic's path answers in Anthropic's error shape; every other one in OpenAI's. */
function errorResponse(path: string, cause: unknown): Response {
  const failure = cause instanceof CompatError ? cause : AppError.from(cause);
  return path === "/v1/messages" || path.startsWith("/v1/messages/")
    ? anthropicError(failure)
    : openAIError(failure);
}

/** The token in `Authorization: Bearer` or `x-api-key`, checked against D1 on every call. */
const tokenAuth = createMiddleware<CompatEnv>(async (c, next) => {
  const bearer = c.req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  const secret = bearer ?? c.req.header("x-api-key")?.trim();
  if (!secret) {
    throw new AppError(401, "unauthorized", "Send a Parley personal access token as a Bearer token.");
  }
  const caller = await authenticateToken(c.env, secret, c.executionCtx);
  if (!caller) throw new AppError(401, "unauthorized", "The access token is invalid, expired or revoked.");
  c.set("caller", caller);
  // For the request's log line and the model list: the token speaks for its account.
  c.set("identity", { userId: caller.userId, kind: "user", issuedAt: 0, sessionId: null });
  await next();
});

async function readBody(c: CompatContext): Promise<unknown> {
  const declared = Number(c.req.header("content-length") ?? "0");
  const tooLarge = () =>
    new AppError(413, "payload_too_large", `The request body is larger than ${MAX_COMPAT_BODY_BYTES} bytes.`);
  if (declared > MAX_COMPAT_BODY_BYTES) throw tooLarge();
  const text = await c.req.text();
  if (text.length > MAX_COMPAT_BODY_BYTES) throw tooLarge();
  try {
    return JSON.parse(text);
  } catch {
    throw new CompatError(
      400,
      "invalid_request_error",
      "invalid_json",
      "The request body is not valid JSON.",
    );
  }
}

/** The models this token's account can call: the server's providers and its own keys. */
async function callableModels(c: CompatContext) {
  const { env } = await callerProviders(c.env, c.get("identity"));
  return usableModels(database(c.env.DB), env);
}

function callOf(c: CompatContext) {
  return {
    caller: c.get("caller"),
    ip: clientIp(c.req.raw, getConfig(c.env).TRUST_CF_CONNECTING_IP),
    requestId: c.get("requestId"),
    origin: new URL(c.req.url).origin,
    conversationId: c.req.header("x-parley-conversation")?.trim() || undefined,
  };
}

/**
 * The conversation a `previous_response_id` continues (the caller's). The room carries on right
 * after that response: from an earlier one than the last, in a new branch of the conversation.
 */
async function continuedConversation(
  c: CompatContext,
  responseId: string,
  header: string | undefined,
  store: boolean,
): Promise<{ conversationId: string; answerId: string }> {
  if (!store) {
    throw invalidRequest(
      "With store: false the call keeps nothing, so it cannot continue a stored response.",
      "store",
    );
  }
  const previous = await findOwnedAnswer(c.env, c.get("caller").userId, responseId, "previous_response_id");
  if (header !== undefined && header !== previous.conversationId) {
    throw invalidRequest(
      "X-Parley-Conversation names another conversation than previous_response_id.",
      "previous_response_id",
    );
  }
  return { conversationId: previous.conversationId, answerId: previous.message.id };
}

function storedAnswerResponse(c: CompatContext, answer: OwnedAnswer): Response {
  return c.json(storedResponse(answer), 200, watchHeaders(c, answer));
}

function watchHeaders(c: CompatContext, answer: OwnedAnswer): Record<string, string> {
  return {
    "X-Parley-Conversation": answer.conversationId,
    "X-Parley-Url": `${new URL(c.req.url).origin}/c/${answer.conversationId}`,
  };
}

function booleanQuery(value: string | undefined, param: string): boolean {
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  throw invalidRequest(`${param} must be true or false.`, param);
}

/** The sequence number a resumed stream starts after (-1: from the start). */
function startingAfter(value: string | undefined): number {
  if (value === undefined) return -1;
  if (!/^\d{1,15}$/.test(value)) {
    throw invalidRequest(
      "starting_after must be a sequence number (a whole number, 0 or more).",
      "starting_after",
    );
  }
  return Number(value);
}

export const compatRoutes = new Hono<CompatEnv>()
  .onError((error, c) => errorResponse(c.req.path, error))
  .notFound((c) => errorResponse(c.req.path, new AppError(404, "not_found", "No such endpoint.")))
  // The app's configuration gate (worker/http/config-gate.ts), here so its 503 leaves in the
  // shape of the API the client speaks.
  .use("*", refuseWhileMisconfigured)
  .use("*", tokenAuth)
  // Anthropic's SDK sends `anthropic-version` on every call: it gets Anthropic's list shape.
  .get("/models", async (c) => {
    const models = await callableModels(c);
    return c.json(c.req.header("anthropic-version") ? anthropicModelList(models) : modelList(models));
  })
  .get("/models/:id{.+}", async (c) => {
    const id = c.req.param("id");
    const model = (await callableModels(c)).find((candidate) => candidate.id === id);
    if (!model) {
      throw new AppError(404, "unknown_model", `The model "${id}" is not available. See GET /api/v1/models.`);
    }
    return c.json(c.req.header("anthropic-version") ? anthropicModel(model) : openAIModel(model));
  })
  .post("/chat/completions", async (c) => {
    const call = parseChatCompletion(await readBody(c));
    const turn = await startApiTurn(c.env, callOf(c), call.input);
    return call.stream
      ? chatCompletionStream(turn, { includeUsage: call.includeUsage })
      : chatCompletionObject(turn);
  })
  .post("/messages", async (c) => {
    const call = parseMessagesCall(await readBody(c));
    const turn = await startApiTurn(c.env, callOf(c), call.input);
    return call.stream ? messagesStream(turn) : messagesObject(turn);
  })
  .post("/responses", async (c) => {
    const call = parseResponsesCall(await readBody(c));
    const api = callOf(c);
    const previous = call.previousResponseId
      ? await continuedConversation(c, call.previousResponseId, api.conversationId, call.store)
      : undefined;
    const conversationId = previous?.conversationId ?? api.conversationId;
    if (!call.store && conversationId) {
      throw invalidRequest(
        "With store: false the call keeps nothing, so it cannot continue a conversation.",
        "store",
      );
    }
    const store = call.store && c.get("caller").keepHistory;
    if (call.background && !store) {
      throw invalidRequest(
        "A background response is stored to be retrieved later: it needs store: true and a token that keeps history.",
        "background",
      );
    }
    const settings = { ...call.settings, store };
    const turn = await startApiTurn(
      c.env,
      {
        ...api,
        conversationId,
        forget: !store,
        onlyNew: call.previousResponseId !== undefined,
        ...(previous ? { after: previous.answerId } : {}),
        // Kept with the answer, so `retrieve` and a resumed stream repeat them as this call did.
        ...(store ? { callSettings: JSON.stringify(settings) } : {}),
      },
      call.input,
    );
    // Retrieve and cancel read D1 to find a response: it has the turn's rows before the answer.
    if (call.background) await untilStored(c.env, turn.conversationId);
    if (call.stream) return responsesStream(turn, { settings });
    return call.background ? backgroundResponse(turn, { settings }) : responseObject(turn, { settings });
  })
  // With stream=true: the response's events again, after `starting_after`, then live while it runs.
  .get("/responses/:id", async (c) => {
    const stream = booleanQuery(c.req.query("stream"), "stream");
    const after = startingAfter(c.req.query("starting_after"));
    const owned = await findOwnedAnswer(c.env, c.get("caller").userId, c.req.param("id"));
    if (!stream) return storedAnswerResponse(c, await currentAnswer(c.env, owned));
    const events = await answerEvents(c.env, owned);
    return replayedStream(storedHead(owned), owned.message.id, events, watchHeaders(c, owned), after);
  })
  // Stop, as pressed in the app: every device watching sees the answer end.
  .post("/responses/:id/cancel", async (c) => {
    const owned = await findOwnedAnswer(c.env, c.get("caller").userId, c.req.param("id"));
    return storedAnswerResponse(c, await cancelAnswer(c.env, owned));
  })
  .delete("/responses/:id", async (c) => {
    const id = c.req.param("id");
    const owned = await findOwnedAnswer(c.env, c.get("caller").userId, id);
    await deleteStoredAnswer(c.env, owned);
    return c.json({ id, object: "response", deleted: true });
  })
  .all("*", () => {
    throw new AppError(404, "not_found", "No such endpoint.");
  });
