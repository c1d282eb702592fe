// Money that is counted: a stopped answer is billed with a tokenizer estimate marked as such, and
// the automatic title is a model's summary billed to the operator (admin Usage), not the person.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { NORMAL_TOKENS, TITLE_USAGE } from "../fake-upstream/texts.ts";
import { isBuiltinProviderId } from "../../worker/providers/types";
import { titleFrom } from "../../worker/room/turn/plan";
import { estimateTokens } from "../../worker/providers/token-estimate";
import {
  connectRoom,
  createConversation,
  eventually,
  isDoneFor,
  isType,
  newGuest,
  slowPrompt,
  uniqueTag,
  workerFetch,
} from "./helpers";

const ADMIN = { authorization: "Bearer test-admin-token-at-least-32-characters-long" };

interface Totals {
  answers: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

async function myUsage(cookie: string): Promise<Totals> {
  const response = await workerFetch("/api/v1/usage", { headers: { cookie } });
  return (await response.json<{ total: Totals }>()).total;
}

async function operatorUsage(): Promise<{ answers: number; tokens: number; costUsd: number }> {
  const response = await workerFetch("/api/v1/admin/usage?days=1", { headers: ADMIN });
  expect(response.status).toBe(200);
  return (await response.json<{ operator: { answers: number; tokens: number; costUsd: number } }>()).operator;
}

async function titleOf(cookie: string, id: string): Promise<string | undefined> {
  const response = await workerFetch("/api/v1/conversations", { headers: { cookie } });
  const { conversations } = await response.json<{ conversations: Array<{ id: string; title: string }> }>();
  return conversations.find((c) => c.id === id)?.title;
}

describe("a stopped answer", () => {
  it("is billed with an estimate of its tokens, marked as one, and counts toward the quota", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    device.send({ type: "send", content: slowPrompt(uniqueTag("estimate"), 400, 20), model: "gpt-5-mini" });
    const delta = await device.waitFor((f) => f.type === "delta" && f.offset > 40);
    if (delta.type !== "delta") throw new Error("unreachable");
    device.send({ type: "stop", messageId: delta.messageId });
    const done = await device.waitFor(isDoneFor(delta.messageId));
    expect(done.status).toBe("stopped");

    // The provider never sent its usage: Parley counted what was sent and what came back.
    const text = device.textOf(delta.messageId);
    expect(done.usage).toMatchObject({ estimated: true, outputTokens: estimateTokens(text) });
    expect(done.usage!.outputTokens).toBeGreaterThan(0);
    expect(done.usage!.inputTokens).toBeGreaterThan(0);
    expect(done.usage!.costUsd).toBeGreaterThan(0);

    const row = await env.DB.prepare(
      "SELECT input_tokens, output_tokens, cost_usd, usage_estimated FROM messages WHERE id = ?",
    )
      .bind(delta.messageId)
      .first<{ input_tokens: number; output_tokens: number; cost_usd: number; usage_estimated: number }>();
    expect(row).toEqual({
      input_tokens: done.usage!.inputTokens,
      output_tokens: done.usage!.outputTokens,
      cost_usd: done.usage!.costUsd,
      usage_estimated: 1,
    });
    // The quota reads the same rows: the stopped answer is in this month's spending.
    expect(await myUsage(cookie)).toMatchObject({
      answers: 1,
      inputTokens: done.usage!.inputTokens,
      outputTokens: done.usage!.outputTokens,
      costUsd: done.usage!.costUsd,
    });
    // Reloaded, the message still says its usage is an estimate.
    const again = await connectRoom(id, cookie);
    const snapshot = await again.waitFor(isType("snapshot"));
    expect(snapshot.messages.find((m) => m.id === delta.messageId)?.usage?.estimated).toBe(true);
    again.close();
    device.close();
  });

  it("keeps its estimate when it is continued: the new part is added to it", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    device.send({ type: "send", content: slowPrompt(uniqueTag("continue"), 300, 20), model: "gpt-5-mini" });
    const delta = await device.waitFor((f) => f.type === "delta" && f.offset > 20);
    if (delta.type !== "delta") throw new Error("unreachable");
    device.send({ type: "stop", messageId: delta.messageId });
    const stopped = await device.waitFor(isDoneFor(delta.messageId));
    expect(stopped.usage?.estimated).toBe(true);

    const seen = device.frames.length;
    device.send({ type: "continue", messageId: delta.messageId });
    const done = await device.waitFor(
      (f): f is Extract<typeof f, { type: "done" }> =>
        f.type === "done" && f.messageId === delta.messageId && device.frames.indexOf(f) >= seen,
      15_000,
    );
    expect(done.type === "done" && done.status).toBe("complete");
    if (done.type !== "done") throw new Error("unreachable");
    // The continuation reports its own usage (the fake's normal answer); the stopped part's
    // estimate stays in the total, so the answer still says it holds an estimate.
    expect(done.usage!.inputTokens).toBe(stopped.usage!.inputTokens + NORMAL_TOKENS.input);
    expect(done.usage!.outputTokens).toBe(stopped.usage!.outputTokens + NORMAL_TOKENS.output);
    expect(done.usage!.costUsd).toBeGreaterThan(stopped.usage!.costUsd);
    expect(done.usage!.estimated).toBe(true);
    device.close();
  });
});

describe("automatic titles", () => {
  it("are a model's summary, billed to the operator and to no one's quota", async () => {
    const before = await operatorUsage();
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    const prompt = "Plan a weekend in Porto for two, with good food and a river walk";
    device.send({ type: "send", content: prompt, model: "gpt-5-mini" });
    const done = await device.waitFor(isType("done"));
    const title = await device.waitFor(isType("title"), 10_000);
    // The fake upstream's title case writes `"About <first three words>."`, as models do.
    expect(title.title).toBe("About Plan a weekend");
    expect(title.title).not.toBe(titleFrom(prompt));
    expect(await titleOf(cookie, id)).toBe("About Plan a weekend");

    // The person pays for their answer alone.
    expect(await myUsage(cookie)).toMatchObject({
      answers: 1,
      inputTokens: done.type === "done" ? done.usage?.inputTokens : -1,
      outputTokens: done.type === "done" ? done.usage?.outputTokens : -1,
    });
    // The operator sees the title call in admin Usage.
    const after = await eventually(operatorUsage, (usage) => usage.answers > before.answers);
    expect(after.answers - before.answers).toBe(1);
    expect(after.tokens - before.tokens).toBe(TITLE_USAGE.input + TITLE_USAGE.output);
    expect(after.costUsd).toBeGreaterThan(before.costUsd);
    device.close();
  });
});

describe("automatic titles without a hosted model", () => {
  it("keep the cut of the first prompt and cost nothing", async () => {
    const models = await (
      await workerFetch("/api/v1/admin/models", { headers: ADMIN })
    ).json<{
      models: Array<{ id: string; provider: string; enabled: boolean }>;
    }>();
    // Models of the operator's own endpoints (CUSTOM_PROVIDERS) never write titles.
    const hosted = models.models.filter(
      (model) => model.provider !== "demo" && isBuiltinProviderId(model.provider) && model.enabled,
    );
    const setEnabled = async (enabled: boolean) => {
      for (const model of hosted) {
        const response = await workerFetch(`/api/v1/admin/models/${encodeURIComponent(model.id)}`, {
          method: "PATCH",
          headers: { ...ADMIN, "content-type": "application/json" },
          body: JSON.stringify({ enabled }),
        });
        expect(response.status).toBe(200);
      }
    };
    await setEnabled(false);
    try {
      const before = await operatorUsage();
      const cookie = await newGuest();
      const id = await createConversation(cookie);
      const device = await connectRoom(id, cookie);
      const prompt = "Explain how tides work, in a few sentences, for a curious child please";
      device.send({ type: "send", content: prompt, model: "parley-demo" });
      await device.waitFor(isType("done"));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(device.frames.some((frame) => frame.type === "title")).toBe(false);
      expect(await titleOf(cookie, id)).toBe(titleFrom(prompt));
      expect((await operatorUsage()).answers).toBe(before.answers);
      device.close();
    } finally {
      await setEnabled(true);
    }
  });
});
