/**
 * Parley's worker entry. Workers assets serve the SPA; `run_worker_first` in wrangler.toml sends
 * `/api/*`, `/healthz`, `/parties/*` and the compatible API `/v1/*` here. When the `SENTRY_DSN`
 * secret is set, the fetch handler and the Durable Objects report uncaught errors to Sentry
 * (worker/observability/sentry.ts); without it they are exported unchanged in behaviour.
 */
import { createApp } from "./http/app";
import { answerEveryRequest } from "./http/last-resort";
import { ConversationRoom as ConversationRoomClass } from "./room/ConversationRoom";
import { RateLimiter as RateLimiterClass } from "./limits/RateLimiter";
import { UserHub as UserHubClass } from "./hub/UserHub";
import { reportDurableObjectErrors, withErrorReporting } from "./observability/sentry";
import { sweepUnsentUploads } from "./attachments/sweep";
import { sweepEmailTokens } from "./auth/email-tokens";
import { database } from "./db/queries";
import { logEvent } from "./observability/log";

export const ConversationRoom = reportDurableObjectErrors(ConversationRoomClass);
export type ConversationRoom = ConversationRoomClass;
export const RateLimiter = reportDurableObjectErrors(RateLimiterClass);
export type RateLimiter = RateLimiterClass;
export const UserHub = reportDurableObjectErrors(UserHubClass);
export type UserHub = UserHubClass;

const app = createApp();

export default {
  // Every request gets an answer in Parley's JSON shape; nothing is thrown out of `fetch`.
  fetch: withErrorReporting(answerEveryRequest((request, env, ctx) => app.fetch(request, env, ctx))),
  /**
   * Daily housekeeping (wrangler.toml `[triggers]`): files uploaded but never sent, and mailed
   * link tokens too old to work or to count for throttling.
   */
  async scheduled(_controller, env) {
    const removed = await sweepUnsentUploads(env);
    logEvent("unsent_uploads_swept", { removed });
    logEvent("email_tokens_swept", { removed: await sweepEmailTokens(database(env.DB)) });
  },
} satisfies ExportedHandler<Env>;
