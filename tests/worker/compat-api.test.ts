// The compatible API end to end: the real openai and @anthropic-ai/sdk clients against the real
// worker, with a personal token, answered by several providers behind the fake upstream (an
// OpenAI-protocol client calling Anthropic and Gemini models, and the reverse).
import Anthropic from "@anthropic-ai/sdk";
import { env } from "cloudflare:workers";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { NORMAL_CHUNKS } from "../fake-upstream/texts.ts";
import { apiAccount } from "./api-client";
import { storedMessages, uniqueTag, upstreamRequests, workerFetch } from "./helpers";

const HELLO = NORMAL_CHUNKS.join("");

const calculate = {
  type: "function" as const,
  function: {
    name: "calculate",
    description: "Evaluates an arithmetic expression.",
    parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] },
  },
};

describe("OpenAI Chat Completions through Parley", () => {
  for (const model of ["gpt-5-mini", "claude-haiku-4-5", "gemini-2.5-flash"]) {
    it(`streams ${model} with usage and stores the call as a conversation`, async () => {
      const account = await apiAccount();
      const { data: stream, response } = await account
        .openai()
        .chat.completions.create({
          model,
          stream: true,
          stream_options: { include_usage: true },
          messages: [
            { role: "system", content: "Be friendly." },
            { role: "user", content: "Hello there" },
          ],
        })
        .withResponse();
      let text = "";
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined | null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe(HELLO);
      expect(finish).toBe("stop");
      expect(usage?.completion_tokens).toBeGreaterThan(0);
      expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));

      const conversationId = response.headers.get("x-parley-conversation") ?? "";
      expect(response.headers.get("x-parley-url")).toBe(`http://localhost/c/${conversationId}`);
      const stored = await storedMessages(conversationId);
      expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
        ["user", "Hello there", "complete"],
        ["assistant", HELLO, "complete"],
      ]);
      const row = await env.DB.prepare("SELECT system_prompt, api_token_name FROM conversations WHERE id = ?")
        .bind(conversationId)
        .first<{ system_prompt: string; api_token_name: string }>();
      expect(row).toEqual({ system_prompt: "Be friendly.", api_token_name: "script" });
      expect(await account.browser.conversations()).toContain(conversationId);
    });
  }

  it("answers one chat.completion object without streaming", async () => {
    const account = await apiAccount();
    const completion = await account.openai().chat.completions.create({
      model: "claude-haiku-4-5",
      messages: [{ role: "user", content: "Hello" }],
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("claude-haiku-4-5");
    expect(completion.choices[0]?.message.content).toBe(HELLO);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("returns the model's calls of the client's tools, then answers the results in the same conversation", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const tag = uniqueTag("tools");
    const question = {
      role: "user" as const,
      content: `What is (17 + 4) * 2? [[case:tool_call tag=${tag}]]`,
    };
    const { data: first, response } = await client.chat.completions
      .create({ model: "gpt-5-mini", tools: [calculate], tool_choice: "auto", messages: [question] })
      .withResponse();
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.type === "function" && call.function.name).toBe("calculate");
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({
      expression: "(17 + 4) * 2",
    });
    // The upstream got the client's tool and choice, and Parley ran nothing itself.
    const [sent] = await upstreamRequests(tag);
    expect(sent?.body).toMatchObject({ tools: [{ function: { name: "calculate" } }], tool_choice: "auto" });

    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const second = await account
      .openai({ headers: { "X-Parley-Conversation": conversationId } })
      .chat.completions.create({
        model: "gpt-5-mini",
        tools: [calculate],
        messages: [
          question,
          first.choices[0]!.message,
          { role: "tool", tool_call_id: call!.id, content: "42" },
        ],
      });
    expect(second.choices[0]?.message.content).toBe("The tool answered: 42.");
    expect(second.choices[0]?.finish_reason).toBe("stop");
    // One conversation: the prompt, the answer that called the tool (with its result), the answer.
    const stored = await storedMessages(conversationId);
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant", "assistant"]);
    const calls = await env.DB.prepare("SELECT tool_calls FROM messages WHERE id = ?")
      .bind(stored[1]!.id)
      .first<{ tool_calls: string }>();
    expect(JSON.parse(calls!.tool_calls)).toMatchObject([{ id: call!.id, name: "calculate", result: "42" }]);
  });

  it("takes an image as a data URL: stored with the prompt and sent to the model", async () => {
    const account = await apiAccount();
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    const tag = uniqueTag("image");
    const { response } = await account
      .openai()
      .chat.completions.create({
        model: "gpt-5-mini",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: `What is in this picture? [[case:normal tag=${tag}]]` },
              { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
            ],
          },
        ],
      })
      .withResponse();
    const [sent] = await upstreamRequests(tag);
    expect(JSON.stringify(sent?.body)).toContain(`data:image/png;base64,${png}`);
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const [prompt] = await storedMessages(conversationId);
    const files = await env.DB.prepare(
      "SELECT mime_type, message_id FROM attachments WHERE conversation_id = ?",
    )
      .bind(conversationId)
      .all<{ mime_type: string; message_id: string }>();
    expect(files.results).toEqual([{ mime_type: "image/png", message_id: prompt!.id }]);
  });

  it("asks for JSON mode and hands back the object", async () => {
    const account = await apiAccount();
    const tag = uniqueTag("json");
    const completion = await account.openai().chat.completions.create({
      model: "gpt-5-mini",
      response_format: { type: "json_object" },
      messages: [{ role: "user", content: `Answer in JSON [[case:json tag=${tag}]]` }],
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? "")).toEqual({ answer: 42, unit: "none" });
    const [sent] = await upstreamRequests(tag);
    expect(sent?.body).toMatchObject({ response_format: { type: "json_object" } });
  });

  it("lists the catalogue in OpenAI's shape and looks one model up", async () => {
    const account = await apiAccount();
    const ids: string[] = [];
    for await (const model of account.openai().models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(["parley-demo", "gpt-5-mini", "claude-haiku-4-5"]));
    // Ids with a slash (OpenRouter's) are one path parameter too.
    const routed = await account.openai().models.retrieve("openrouter/auto");
    expect(routed).toMatchObject({ id: "openrouter/auto", object: "model", owned_by: "openrouter" });
    await expect(account.openai().models.retrieve("no-such-model")).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });
});

describe("Anthropic Messages through Parley", () => {
  it("streams an OpenAI model to the Anthropic SDK and finalMessage() holds the answer", async () => {
    const account = await apiAccount();
    const stream = account.anthropic().messages.stream({
      model: "gpt-5-mini",
      max_tokens: 256,
      system: "Be friendly.",
      messages: [{ role: "user", content: "Hello there" }],
    });
    let streamed = "";
    stream.on("text", (text) => (streamed += text));
    const message = await stream.finalMessage();
    expect(streamed).toBe(HELLO);
    expect(message.content).toMatchObject([{ type: "text", text: HELLO }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it("lists and looks up models in Anthropic's shape for the Anthropic SDK", async () => {
    const account = await apiAccount();
    const ids: string[] = [];
    for await (const model of account.anthropic().models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(["parley-demo", "claude-haiku-4-5"]));
    const model = await account.anthropic().models.retrieve("claude-haiku-4-5");
    expect(model).toMatchObject({ type: "model", id: "claude-haiku-4-5", display_name: "Claude Haiku 4.5" });
  });

  it("answers an unknown model and an unknown Messages path in Anthropic's error shape", async () => {
    const account = await apiAccount();
    const unknown = await account
      .anthropic()
      .messages.create({
        model: "no-such-model",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect((unknown as Error).message).toContain("GET /v1/models");
    await expect(
      account
        .anthropic()
        .messages.countTokens({ model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    const raw = await account.browser.fetch("/v1/messages/count_tokens", {
      method: "POST",
      headers: { "x-api-key": account.secret },
      json: {},
    });
    expect(await raw.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });

  it("answers a Gemini model without streaming", async () => {
    const account = await apiAccount();
    const message = await account.anthropic().messages.create({
      model: "gemini-2.5-flash",
      max_tokens: 256,
      messages: [{ role: "user", content: "Hello" }],
    });
    expect(message.type).toBe("message");
    expect(message.content[0]).toMatchObject({ type: "text", text: HELLO });
    expect(message.stop_reason).toBe("end_turn");
  });

  it("returns tool_use blocks with parsed input for a Gemini model", async () => {
    const account = await apiAccount();
    const message = await account.anthropic().messages.create({
      model: "gemini-2.5-flash",
      max_tokens: 256,
      tools: [
        {
          name: "calculate",
          description: "Evaluates an arithmetic expression.",
          input_schema: { type: "object", properties: { expression: { type: "string" } } },
        },
      ],
      messages: [{ role: "user", content: `What is (17 + 4) * 2? [[case:tool_call tag=${uniqueTag("g")}]]` }],
    });
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.find((block) => block.type === "tool_use")).toMatchObject({
      name: "calculate",
      input: { expression: "(17 + 4) * 2" },
    });
  });
});

describe("an upstream that fails part-way", () => {
  const dropped = () => `Tell me [[case:drop after=3 tag=${uniqueTag("drop")}]]`;

  it("makes the OpenAI SDK raise after the text it already streamed", async () => {
    const account = await apiAccount();
    const stream = await account.openai().chat.completions.create({
      model: "gpt-5-mini",
      stream: true,
      messages: [{ role: "user", content: dropped() }],
    });
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe(NORMAL_CHUNKS.slice(0, 3).join(""));
  });

  it("makes the Anthropic SDK's finalMessage() reject", async () => {
    const account = await apiAccount();
    const stream = account.anthropic().messages.stream({
      model: "gpt-5-mini",
      max_tokens: 100,
      messages: [{ role: "user", content: dropped() }],
    });
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIError);
  });
});

describe("refusals raise each SDK's own errors", () => {
  it("refuses forged, expired, banned and revoked tokens with 401", async () => {
    const account = await apiAccount();
    const forged = `pk_live_${"A".repeat(43)}`;
    const call = (secret: string) =>
      account.openai({ secret }).chat.completions.create({
        model: "parley-demo",
        messages: [{ role: "user", content: "hi" }],
      });
    await expect(call(forged)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(
      account.anthropic({ secret: forged }).messages.create({
        model: "parley-demo",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);

    await env.DB.prepare("UPDATE api_tokens SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1000, account.tokenId)
      .run();
    await expect(call(account.secret)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await env.DB.prepare("UPDATE api_tokens SET expires_at = NULL WHERE id = ?").bind(account.tokenId).run();
    await call(account.secret);

    // A ban through the admin API stops the account's tokens on the very next call.
    const { id } = await account.browser.me();
    const admin = {
      authorization: "Bearer test-admin-token-at-least-32-characters-long",
      "content-type": "application/json",
    };
    const ban = await workerFetch(`/api/v1/admin/users/${id}/ban`, {
      method: "POST",
      headers: admin,
      body: "{}",
    });
    expect(ban.status).toBe(200);
    await expect(call(account.secret)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await workerFetch(`/api/v1/admin/users/${id}/unban`, { method: "POST", headers: admin, body: "{}" });
    await call(account.secret);

    const revoked = await account.browser.fetch(`/api/v1/tokens/${account.tokenId}`, { method: "DELETE" });
    expect(revoked.status).toBe(204);
    await expect(call(account.secret)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("refuses an unknown model with 404 and a bad field with 400 naming it", async () => {
    const account = await apiAccount();
    const missing = await account
      .openai()
      .chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");

    const bad = await account
      .openai()
      .chat.completions.create({
        model: "gpt-5-mini",
        temperature: 7,
        messages: [{ role: "user", content: "hi" }],
      })
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("temperature");

    // OpenAI's reasoning models refuse stop sequences: Parley says so before calling them.
    const stop = await account
      .openai()
      .chat.completions.create({
        model: "gpt-5-mini",
        stop: ["END"],
        messages: [{ role: "user", content: "hi" }],
      })
      .catch((error: unknown) => error);
    expect(stop).toBeInstanceOf(OpenAI.BadRequestError);
    expect((stop as Error).message).toContain("does not take stop sequences");

    await expect(
      account.anthropic().messages.create({
        model: "no-such-model",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("refuses a prompt longer than the server's cap as too long, not as a content violation", async () => {
    const account = await apiAccount();
    const refused = await account
      .openai()
      .chat.completions.create({
        model: "gpt-5-mini",
        messages: [{ role: "user", content: "x".repeat(40_000) }],
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("string_above_max_length");
  });

  it("refuses a prompt moderation blocks, before any upstream call", async () => {
    const account = await apiAccount();
    const tag = uniqueTag("moderated");
    const refused = await account
      .openai()
      .chat.completions.create({
        model: "gpt-5-mini",
        messages: [{ role: "user", content: `say forbiddenword [[case:normal tag=${tag}]]` }],
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("content_policy_violation");
    expect(await upstreamRequests(tag)).toHaveLength(0);
  });

  it("refuses past the account's rate limit with 429 and retry-after, calling no upstream", async () => {
    const account = await apiAccount();
    const { id } = await account.browser.me();
    await env.DB.prepare("UPDATE users SET rate_limit = 1, rate_window_seconds = 600 WHERE id = ?")
      .bind(id)
      .run();
    // A real model: the demo's messages count against a limit of their own.
    await account.openai().chat.completions.create({
      model: "gpt-5-mini",
      messages: [{ role: "user", content: "first" }],
    });
    const tag = uniqueTag("limited");
    const limited = await account
      .openai()
      .chat.completions.create({
        model: "gpt-5-mini",
        messages: [{ role: "user", content: `[[case:normal tag=${tag}]]` }],
      })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (limited as InstanceType<typeof OpenAI.RateLimitError>).headers;
    expect(Number(headers?.get("retry-after"))).toBeGreaterThan(0);
    await expect(
      account.anthropic().messages.create({
        model: "gpt-5-mini",
        max_tokens: 10,
        messages: [{ role: "user", content: `[[case:normal tag=${tag}]]` }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    expect(await upstreamRequests(tag)).toHaveLength(0);
  });
});
