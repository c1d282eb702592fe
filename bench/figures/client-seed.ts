/**
 * Chats for figure 6, made through Parley's HTTP API from the browser context (its guest cookie):
 *
 * - `seed(context, n)`: a new conversation with n messages. `POST /api/v1/chat/stream` takes the
 *   history of a new conversation (up to 200 messages) and answers its last prompt.
 * - `longChats(context, n, copies)`: `copies` conversations of n messages (more than one request
 *   can carry), none opened before. One chat grows to n with a turn per request, then is shared
 *   and forked once per copy (a fork copies the branch in one go, so it is cheap to repeat).
 */
import type { BrowserContext } from "playwright-core";
import { BENCH_MODEL, benchMarker, markdownMarker, newTag } from "../lib/upstream.ts";

/** History for a seeded chat: short questions and answers of a paragraph or two with Markdown. */
function priorMessages(count: number): Array<{ role: "user" | "assistant"; content: string }> {
  return Array.from({ length: count }, (_, index) => {
    const turn = Math.floor(index / 2) + 1;
    return index % 2 === 0
      ? { role: "user" as const, content: `Question ${turn}: how does the room keep every device in step?` }
      : {
          role: "assistant" as const,
          content:
            `Answer ${turn}. Every device holds the text with its **offset**, so a frame that starts ` +
            "past what it has is a gap and it asks the room to `resume`. Frames are coalesced, " +
            "which keeps a fast stream cheap for every watcher.\n\n" +
            `- the provider streams small chunks (${turn * 3} so far)\n- the room batches them\n` +
            "- each device appends by offset",
        };
  });
}

export interface Seeded {
  conversationId: string;
  /** The last stored message (the seed answer). */
  lastMessageId: string;
}

/** `POST /api/v1/chat/stream` from the browser context (its cookie), read to the end. */
export async function chatStream(
  context: BrowserContext,
  messages: Array<{ role: string; content: string }>,
  conversationId?: string,
): Promise<{ conversationId: string; messageId: string }> {
  const response = await context.request.post("/api/v1/chat/stream", {
    data: { model: BENCH_MODEL, messages, ...(conversationId ? { conversationId } : {}) },
    timeout: 180_000,
  });
  const body = await response.text();
  if (!response.ok()) throw new Error(`chat/stream ${response.status()}: ${body.slice(0, 300)}`);
  const meta = /event: meta\ndata: (.*)\n/.exec(body)?.[1];
  if (!meta) throw new Error("chat/stream sent no meta event");
  return JSON.parse(meta) as { conversationId: string; messageId: string };
}

/** A conversation with `stored` messages (0: an empty one). */
export async function seed(context: BrowserContext, stored: number): Promise<Seeded> {
  if (stored === 0) {
    const response = await context.request.post("/api/v1/conversations", { data: { model: BENCH_MODEL } });
    const body = (await response.json()) as { conversation: { id: string } };
    return { conversationId: body.conversation.id, lastMessageId: "" };
  }
  const prior = priorMessages(stored - 2);
  const prompt = { role: "user", content: `Seed ${benchMarker(40, 0, newTag("seed"))}` };
  const { conversationId, messageId } = await chatStream(context, [...prior, prompt]);
  return { conversationId, lastMessageId: messageId };
}

async function json<T>(response: { ok(): boolean; status(): number; text(): Promise<string> }): Promise<T> {
  const body = await response.text();
  if (!response.ok()) throw new Error(`${response.status()}: ${body.slice(0, 300)}`);
  return JSON.parse(body) as T;
}

export async function longChats(context: BrowserContext, stored: number, copies: number): Promise<Seeded[]> {
  const first = await seed(context, 200);
  // Each turn adds a question and an answer of about the seeded ones' size, with Markdown.
  for (let count = 200; count < stored; count += 2) {
    const turn = count / 2 + 1;
    const prompt = `Question ${turn}: and when a device falls behind? ${markdownMarker(320, 0, newTag("grow"))}`;
    await chatStream(context, [{ role: "user", content: prompt }], first.conversationId);
  }
  const { share } = await json<{ share: { token: string } }>(
    await context.request.put(`/api/v1/conversations/${first.conversationId}/share`, {
      data: { mode: "watch" },
    }),
  );
  const chats: Seeded[] = [];
  for (let copy = 0; copy < copies; copy++) {
    const { conversation } = await json<{ conversation: { id: string } }>(
      await context.request.post(`/api/v1/shares/${share.token}/fork`),
    );
    const detail = await json<{ messages: Array<{ id: string }> }>(
      await context.request.get(`/api/v1/conversations/${conversation.id}`),
    );
    if (detail.messages.length !== stored) {
      throw new Error(`the fork holds ${detail.messages.length} messages, not ${stored}`);
    }
    chats.push({ conversationId: conversation.id, lastMessageId: detail.messages.at(-1)!.id });
  }
  return chats;
}
