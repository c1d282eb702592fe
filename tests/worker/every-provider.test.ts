// Every provider streams through the same room and the same SSE contract.
import { describe, expect, it } from "vitest";
import { NORMAL_CHUNKS, REASONING_CHUNKS } from "../fake-upstream/texts.ts";
import {
  connectRoom,
  createConversation,
  isType,
  newGuest,
  readSse,
  uniqueTag,
  upstreamRequests,
  workerFetch,
} from "./helpers";

interface Case {
  model: string;
  marker: string;
  reasoning: string;
  /** The cost the provider reported itself, when it does (OpenRouter). */
  reportedCost?: number;
}

const cases: Case[] = [
  { model: "gemini-2.5-flash", marker: "reasoning", reasoning: REASONING_CHUNKS.join("") },
  { model: "openrouter/auto", marker: "openrouter-normal", reasoning: "", reportedCost: 0.00031 },
  { model: "deepseek-flash", marker: "deepseek-reasoning", reasoning: REASONING_CHUNKS.join("") },
  { model: "local/llama-test", marker: "normal auth=none", reasoning: "" },
];

describe("every provider through the room", () => {
  for (const { model, marker, reasoning, reportedCost } of cases) {
    it(`streams ${model} over SSE and to a watching device`, async () => {
      const cookie = await newGuest();
      const id = await createConversation(cookie);
      const device = await connectRoom(id, cookie);
      await device.waitFor(isType("snapshot"));
      const tag = uniqueTag(model.replace(/\W/g, "-"));
      const response = await workerFetch("/api/v1/chat/stream", {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({
          model,
          conversationId: id,
          messages: [{ role: "user", content: `Hi [[case:${marker} tag=${tag}]]` }],
        }),
      });
      expect(response.status).toBe(200);
      const events = await readSse(response);
      const text = events
        .filter((e) => e.event === "delta")
        .map((e) => String(e.data.text))
        .join("");
      const thought = events
        .filter((e) => e.event === "reasoning")
        .map((e) => String(e.data.text))
        .join("");
      expect(text).toBe(NORMAL_CHUNKS.join(""));
      expect(thought).toBe(reasoning);
      const usage = events.find((e) => e.event === "usage")?.data;
      expect(Number(usage?.outputTokens)).toBeGreaterThan(0);
      if (reportedCost !== undefined) expect(usage?.costUsd).toBe(reportedCost);
      expect(events.at(-1)).toEqual({ event: "done", data: { finishReason: "stop" } });

      const done = await device.waitFor(isType("done"));
      expect(device.textOf(done.messageId)).toBe(text);
      expect(await upstreamRequests(tag)).toHaveLength(1);
      device.close();
    });
  }
});
