/**
 * The end of a turn, however it ends (finish, error, Stop, deadline): the slot goes back, the
 * generation's log line is written, the final text goes into the room's storage and the outbox,
 * and `done` is broadcast once D1 has it too (or once D1 has refused it: then the outbox keeps
 * retrying and `done` does not wait).
 */
import type { FinalMessage } from "../../db/queries";
import { isDemoModel } from "../../limits";
import { logError, logGeneration } from "../../observability/log";
import { dropRoomCaches } from "../caches";
import { schedulePurge } from "../purge";
import type { LiveTurn, TurnHost } from "./runner";

/** The longest `done` waits for D1 to take the final text before it goes out anyway. */
const DONE_WAITS_FOR_D1_MS = 5_000;

export async function finishTurn(
  host: TurnHost,
  turn: LiveTurn,
  running: Promise<FinalMessage>,
  settle: () => void,
): Promise<FinalMessage> {
  const { generation } = turn;
  const final = await running;
  turn.trace?.answered(generation, final, Date.now());
  await turn.slot.release().catch(() => undefined);
  logGeneration({
    requestId: turn.requestId,
    room: host.name,
    messageId: generation.messageId,
    userId: turn.subject.userId,
    model: generation.model.id,
    provider: generation.model.provider,
    trigger: turn.trigger,
    ownKey: turn.ownKey,
    inputTokens: final.usage?.inputTokens ?? null,
    outputTokens: final.usage?.outputTokens ?? null,
    costUsd: final.usage?.costUsd ?? null,
    ttftMs: generation.firstTokenAt ? generation.firstTokenAt - generation.startedAt : null,
    durationMs: Date.now() - generation.startedAt,
    status: final.status,
    finishReason: final.finishReason,
    errorCode: final.error?.code ?? null,
  });
  // Durable in the outbox from here on: the checkpoint entry has done its job.
  const stored = turn.forget
    ? { ...final, content: "", reasoning: "", toolCalls: null }
    : turn.marks
      ? { ...final, deltaMarks: turn.marks.toString() }
      : final;
  const inD1 = host.store.write({
    kind: "final",
    messageId: generation.messageId,
    final: stored,
    at: Date.now(),
  });
  const storedSpan = turn.trace?.storing(inD1);
  if (turn.forget) host.ctx.waitUntil(schedulePurge(host.ctx.storage).then((at) => host.wakeBy(at)));
  host.checkpoint.end(generation.messageId);
  generation.dispose();
  // The author's quota: this room counts the answer at once; their other rooms are told once D1
  // has it, before `done` goes out, so their very next turn sees it too. The demo's answers,
  // like those paid with the person's own key, do not count.
  const spent = final.usage && !turn.ownKey && !isDemoModel(generation.model) ? final.usage : null;
  if (spent) host.facts.spent(turn.subject.userId, spent);
  const recorded = inD1.then((stored) =>
    stored && spent
      ? dropRoomCaches(host.env, { userId: turn.subject.userId, except: host.name })
      : undefined,
  );
  // A device that reads the conversation over HTTP right after `done` sees the final text.
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    recorded.catch((cause: unknown) => logError("usage_notify_failed", { room: host.name, cause })),
    new Promise((resolve) => (timer = setTimeout(resolve, DONE_WAITS_FOR_D1_MS))),
  ]);
  clearTimeout(timer);
  settle();
  host.audience.publish({
    type: "done",
    messageId: generation.messageId,
    status: final.status,
    finishReason: final.finishReason,
    usage: final.usage,
    error: final.error,
    length: final.content.length,
    reasoningLength: final.reasoning.length,
  });
  if (storedSpan) {
    turn.trace?.finished(generation.startedAt, host.audience.size, storedSpan, (p) => host.ctx.waitUntil(p));
  }
  return final;
}
