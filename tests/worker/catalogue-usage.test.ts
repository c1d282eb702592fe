// The model catalogue as data, generation options checked against it, and usage with cost.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../worker/db/queries";
import { loadCatalogue, priceUsage, usableModels } from "../../worker/providers/catalogue";
import { DEFAULT_CATALOGUE } from "../../worker/providers/default-models";
import {
  connectRoom,
  createConversation,
  isType,
  newGuest,
  postChat,
  rowCounts,
  uniqueTag,
  upstreamRequests,
  workerFetch,
} from "./helpers";

async function modelIds(): Promise<string[]> {
  const response = await workerFetch("/api/v1/models");
  return (await response.json<{ models: Array<{ id: string }> }>()).models.map((m) => m.id);
}

describe("model catalogue", () => {
  it("is seeded into D1 and lists every configured provider's models, custom endpoints included", async () => {
    const response = await workerFetch("/api/v1/models");
    const { models } = await response.json<{ models: Array<{ id: string; provider: string }> }>();
    expect(new Set(models.map((m) => m.provider))).toEqual(
      new Set(["demo", "openai", "anthropic", "gemini", "openrouter", "deepseek", "local"]),
    );
    expect(models.find((m) => m.id === "local/llama-test")?.provider).toBe("local");
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM models").first<{ n: number }>();
    expect(rows?.n).toBe(DEFAULT_CATALOGUE.length);
  });

  it("leaves out the models of a provider without a key", async () => {
    const withoutGemini = { ...env, GEMINI_API_KEY: "" };
    const ids = (await usableModels(database(env.DB), withoutGemini)).map((m) => m.id);
    expect(ids).toContain("gpt-5-mini");
    expect(ids.some((id) => id.startsWith("gemini"))).toBe(false);
  });

  it("applies an admin's change in D1 without a deploy", async () => {
    await loadCatalogue(database(env.DB), env);
    await env.DB.prepare("UPDATE models SET enabled = 0 WHERE id = 'gpt-5'").run();
    await env.DB.prepare("UPDATE models SET price_output = 99 WHERE id = 'gpt-4.1-mini'").run();
    expect(await modelIds()).not.toContain("gpt-5");
    const catalogue = await loadCatalogue(database(env.DB), env);
    expect(catalogue.find((m) => m.id === "gpt-4.1-mini")?.pricing.outputPerMTok).toBe(99);

    const cookie = await newGuest();
    const refused = await postChat(cookie, { model: "gpt-5", messages: [{ role: "user", content: "hi" }] });
    expect(refused.status).toBe(400);
    expect((await refused.json<{ error: { code: string } }>()).error.code).toBe("unknown_model");
  });

  it("prices cached input at the cached rate and keeps a provider's own cost", () => {
    const model = DEFAULT_CATALOGUE.find((m) => m.id === "claude-sonnet-4-5")!;
    const usage = priceUsage(model, {
      inputTokens: 1_000_000,
      cachedInputTokens: 400_000,
      outputTokens: 100_000,
    });
    // 600k × $3 + 400k × $0.30 + 100k × $15, per million.
    expect(usage.costUsd).toBeCloseTo(1.8 + 0.12 + 1.5, 8);
    expect(priceUsage(model, { inputTokens: 10, outputTokens: 10, costUsd: 0.0042 }).costUsd).toBe(0.0042);
  });
});

describe("generation options", () => {
  it("refuses an option the model cannot take, storing nothing", async () => {
    const cookie = await newGuest();
    const before = await rowCounts();
    const response = await postChat(cookie, {
      model: "gpt-5-mini",
      temperature: 0.2,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(400);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe("unsupported_option");
    expect(await rowCounts()).toEqual(before);
  });

  it("sends temperature, max tokens and the conversation's system prompt upstream", async () => {
    const cookie = await newGuest();
    const tag = uniqueTag("options");
    const response = await postChat(cookie, {
      model: "claude-haiku-4-5",
      system: "Answer like a pirate.",
      temperature: 0.3,
      maxOutputTokens: 500,
      messages: [{ role: "user", content: `Hi [[case:normal tag=${tag}]]` }],
    });
    await response.text();
    const [request] = await upstreamRequests(tag);
    expect(request?.body).toMatchObject({
      temperature: 0.3,
      max_tokens: 500,
      system: "Answer like a pirate.",
    });
  });

  it("takes options on the room socket too", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    device.send({ type: "send", content: "hi", model: "parley-demo", options: { reasoningEffort: "high" } });
    const error = await device.waitFor(isType("error"));
    expect(error.code).toBe("unsupported_option");
    device.close();
  });
});

describe("usage", () => {
  it("adds each answer's tokens and cost to the conversation and the month", async () => {
    const cookie = await newGuest();
    let conversationId = "";
    for (const _ of [1, 2]) {
      const response = await postChat(cookie, {
        model: "gpt-5-mini",
        ...(conversationId ? { conversationId } : {}),
        messages: [{ role: "user", content: `Hello [[case:normal tag=${uniqueTag("usage")}]]` }],
      });
      const text = await response.text();
      conversationId ||= /"conversationId":"([^"]+)"/.exec(text)?.[1] ?? "";
    }
    const { results } = await env.DB.prepare(
      "SELECT input_tokens, output_tokens, cost_usd FROM messages WHERE conversation_id = ? AND role = 'assistant'",
    )
      .bind(conversationId)
      .all<{ input_tokens: number; output_tokens: number; cost_usd: number }>();
    expect(results).toHaveLength(2);
    const expectedOutput = results.reduce((sum, row) => sum + row.output_tokens, 0);
    const expectedCost = results.reduce((sum, row) => sum + row.cost_usd, 0);
    expect(expectedCost).toBeGreaterThan(0);

    const perConversation = await workerFetch(`/api/v1/conversations/${conversationId}/usage`, {
      headers: { cookie },
    });
    const { usage } = await perConversation.json<{
      usage: { answers: number; outputTokens: number; costUsd: number };
    }>();
    expect(usage.answers).toBe(2);
    expect(usage.outputTokens).toBe(expectedOutput);
    expect(usage.costUsd).toBeCloseTo(expectedCost, 8);

    const month = await (
      await workerFetch("/api/v1/usage", { headers: { cookie } })
    ).json<{
      month: string;
      total: { outputTokens: number; costUsd: number };
      byModel: Array<{ model: string; answers: number }>;
    }>();
    expect(month.month).toBe(new Date().toISOString().slice(0, 7));
    // The automatic title request is not billed to the person.
    expect(month.total.outputTokens).toBe(expectedOutput);
    expect(month.byModel).toEqual([expect.objectContaining({ model: "gpt-5-mini", answers: 2 })]);
  });
});
