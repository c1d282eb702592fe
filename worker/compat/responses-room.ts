/**
 * A stored response whose answer may still be running: what the Responses routes ask its room
 * (worker/room/api-answers.ts, over RPC) beyond the D1 row `findOwnedAnswer` read. D1 has an
 * answer's text only once it has ended, so a running one is read from its room; cancel is the
 * room's Stop and delete the room's "delete message", so every device watching sees them.
 * The caller has already checked the response is theirs.
 */
import { getServerByName } from "partyserver";
import { AppError } from "../errors";
import { logError } from "../observability/log";
import type { ApiTurnEvent } from "./contract";
import { storedEvents } from "./openai-responses-object";
import type { OwnedAnswer } from "./responses-store";
import { jsonLines } from "./start";
import { responseNotFound } from "./responses-store";
import { responseIdOf } from "./openai-responses";

function roomOf(env: Env, conversationId: string) {
  return getServerByName(env.ConversationRoom, conversationId);
}

/** The answer as it stands: from D1 once ended, from its room (text so far) while running. */
export async function currentAnswer(env: Env, owned: OwnedAnswer): Promise<OwnedAnswer> {
  if (owned.message.status !== "streaming") return owned;
  const live = await (await roomOf(env, owned.conversationId)).answer(owned.message.id);
  if (!live) throw responseNotFound(responseIdOf(owned.message.id));
  return { ...owned, message: live };
}

/**
 * The answer's events from its start: from D1 once it has ended; from its room while it runs,
 * which goes on with the live events until the answer ends.
 */
export async function answerEvents(env: Env, owned: OwnedAnswer): Promise<AsyncIterable<ApiTurnEvent>> {
  if (owned.message.status !== "streaming") return toAsync(storedEvents(owned));
  const stream = await (await roomOf(env, owned.conversationId)).followAnswer(owned.message.id);
  if (!stream) throw responseNotFound(responseIdOf(owned.message.id));
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  const lines = jsonLines(reader);
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => lines.next() as Promise<IteratorResult<ApiTurnEvent>>,
      return: () => {
        reader.cancel().catch(() => undefined);
        return lines.return(undefined) as Promise<IteratorResult<ApiTurnEvent>>;
      },
    }),
  };
}

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/**
 * Stop for a running answer; the answer once it has ended, with the text written until then. An
 * answer that has already ended is answered as it is.
 */
export async function cancelAnswer(env: Env, owned: OwnedAnswer): Promise<OwnedAnswer> {
  if (owned.message.status !== "streaming") return owned;
  const final = await (await roomOf(env, owned.conversationId)).stopAnswer(owned.message.id);
  if (!final) throw responseNotFound(responseIdOf(owned.message.id));
  return { ...owned, message: final };
}

/** Deletes the answer in its room (stopping it first if it is running). */
export async function deleteStoredAnswer(env: Env, owned: OwnedAnswer): Promise<void> {
  const outcome = await (await roomOf(env, owned.conversationId)).deleteAnswer(owned.message.id);
  if (outcome === "missing") throw responseNotFound(responseIdOf(owned.message.id));
  if (outcome === "busy") {
    throw new AppError(
      409,
      "conversation_busy",
      "Another answer is being written in this response's conversation. Wait for it or cancel it first.",
      { retryable: true },
    );
  }
}

/**
 * Waits until D1 has the turn's rows, so `retrieve` and `cancel` find the response at once. The
 * answer is running by now whatever happens here, so a failure only goes to the log.
 */
export async function untilStored(env: Env, conversationId: string): Promise<void> {
  try {
    await (await roomOf(env, conversationId)).storedInD1();
  } catch (cause) {
    logError("responses_store_wait_failed", { room: conversationId, cause });
  }
}
