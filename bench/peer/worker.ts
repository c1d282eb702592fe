/**
 * The peer for `npm run bench`: Cloudflare's own chat agent, `AIChatAgent` from
 * `@cloudflare/ai-chat` (one Durable Object per chat, WebSocket streaming, resumable streams),
 * wired with the AI SDK's OpenAI-compatible provider to the same fake upstream as Parley. This is
 * the smallest agent its README shows, with nothing tuned either way.
 *
 * Clients speak its protocol at `/agents/peer-chat/<name>` (`routeAgentRequest`). The only
 * addition is the write counter (`GET /__bench/storage`), the same one Parley's bench worker has.
 */
import { AIChatAgent } from "@cloudflare/ai-chat";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { routeAgentRequest } from "agents";
import { convertToModelMessages, streamText } from "ai";
import { benchStorageRoute, countDurableObjectStorage } from "../workers/storage-counter.ts";

export interface PeerEnv extends Cloudflare.Env {
  PeerChat: DurableObjectNamespace<PeerChat>;
  /** The fake upstream's OpenAI-compatible base URL, e.g. `http://127.0.0.1:4000/v1`. */
  UPSTREAM_BASE_URL: string;
  /** The model id sent upstream. */
  UPSTREAM_MODEL?: string;
}

export class PeerChat extends AIChatAgent<PeerEnv> {
  constructor(ctx: DurableObjectState, env: PeerEnv) {
    countDurableObjectStorage(ctx, "PeerChat");
    super(ctx, env);
  }

  override async onChatMessage() {
    const upstream = createOpenAICompatible({
      name: "fake-upstream",
      baseURL: this.env.UPSTREAM_BASE_URL,
      apiKey: "sk-bench-peer",
      includeUsage: true,
    });
    const result = streamText({
      model: upstream.chatModel(this.env.UPSTREAM_MODEL ?? "gpt-4.1-mini"),
      messages: await convertToModelMessages(this.messages),
    });
    return result.toUIMessageStreamResponse();
  }
}

export default {
  async fetch(request: Request, env: PeerEnv): Promise<Response> {
    return (
      benchStorageRoute(request) ??
      (await routeAgentRequest(request, env)) ??
      new Response("Not found", { status: 404 })
    );
  },
} satisfies ExportedHandler<PeerEnv>;
