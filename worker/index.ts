/**
 * Parley's worker entry. Workers assets serve the SPA; `run_worker_first` in wrangler.toml sends
 * `/api/*`, `/healthz` and `/parties/*` here.
 */
import { createApp } from "./http/app";

export { ConversationRoom } from "./room/ConversationRoom";
export { RateLimiter } from "./limits/RateLimiter";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
