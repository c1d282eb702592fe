/**
 * The room's one HTTP entry: `POST /stream` from the worker's `/api/v1/chat/stream`, which runs a
 * turn from the API and answers it as server-sent events (./sse.ts) while the room's sockets see
 * the same turn live.
 */
import { can } from "../auth/policy";
import { AppError } from "../errors";
import { rateLimitHeaders } from "../limits";
import { logError } from "../observability/log";
import { readIdentityHeaders } from "./identity";
import type { Audience } from "./presence";
import { roomStreamRequestSchema, streamTurnAsSse } from "./sse";
import type { TurnRunner } from "./turn/runner";

export async function answerStreamRequest(
  request: Request,
  room: string,
  audience: Audience,
  turns: TurnRunner,
): Promise<Response> {
  try {
    if (request.method !== "POST" || !new URL(request.url).pathname.endsWith("/stream")) {
      throw new AppError(404, "not_found", "Not found.");
    }
    const identity = readIdentityHeaders(request.headers);
    const body = roomStreamRequestSchema.safeParse(await request.json().catch(() => undefined));
    if (!identity || !can(identity.role, "write") || !body.success) {
      throw new AppError(400, "bad_request", "Invalid room request.");
    }
    const { create, ...send } = body.data;
    const requestId = request.headers.get("x-request-id");
    const traceParent = request.headers.get("traceparent");
    let rate: Record<string, string> = {};
    const response = await streamTurnAsSse(audience, room, async () => {
      const turn = await turns.start({
        plan: { kind: "send", ...send, attachments: [] },
        subject: identity,
        trigger: "stream",
        ownerOnly: true,
        ...(create ? { create } : {}),
        ...(requestId ? { requestId } : {}),
        ...(traceParent ? { traceParent } : {}),
        onAdmitted: (decision) => (rate = rateLimitHeaders(decision)),
      });
      return { messageId: turn.generation.messageId };
    });
    for (const [name, value] of Object.entries(rate)) response.headers.set(name, value);
    return response;
  } catch (cause) {
    // Never let partyserver answer with a stack trace: the worker relays this body.
    const failure = AppError.from(cause);
    if (!failure.expose) logError("room_stream_failed", { room: room, cause });
    return failure.toResponse();
  }
}
