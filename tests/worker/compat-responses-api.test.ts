// OpenAI's Responses API through Parley end to end: the real `openai` SDK against the real worker
// with a personal token (token check, room, admission, provider adapter, fake upstream), for an
// OpenAI, an Anthropic and a Gemini model. A response is a turn in a room: its id names the
// answer, `previous_response_id` continues its conversation, and `retrieve` reads it back.
import { env } from "cloudflare:workers";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { NORMAL_CHUNKS, REASONING_CHUNKS } from "../fake-upstream/texts.ts";
import { apiAccount } from "./api-client";
import { connectRoom, isType, storedMessages, uniqueTag, upstreamRequests } from "./helpers";

const HELLO = NORMAL_CHUNKS.join("");

const calculate = {
  type: "function" as const,
  name: "calculate",
  description: "Evaluates an arithmetic expression.",
  parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] },
  strict: false,
};

/** The text of every message the upstream was sent, whatever the provider's wire format. */
function upstreamTexts(body: unknown): string {
  return JSON.stringify(body);
}

describe("POST /v1/responses", () => {
  for (const model of ["gpt-5-mini", "claude-haiku-4-5", "gemini-2.5-flash"]) {
    it(`streams ${model} to responses.stream(), answers it whole, and stores each call as a conversation`, async () => {
      const account = await apiAccount();
      const client = account.openai();
      const stream = client.responses.stream({ model, input: "Hello there", instructions: "Be friendly." });
      let streamed = "";
      stream.on("response.output_text.delta", (event) => (streamed += event.delta));
      const final = await stream.finalResponse();
      expect(streamed).toBe(HELLO);
      expect(final.output_text).toBe(HELLO);
      expect(final).toMatchObject({
        object: "response",
        status: "completed",
        model,
        instructions: "Be friendly.",
      });
      expect(final.id).toMatch(/^resp_/);
      expect(final.usage?.output_tokens).toBeGreaterThan(0);
      expect(final.usage?.total_tokens).toBe(
        (final.usage?.input_tokens ?? 0) + (final.usage?.output_tokens ?? 0),
      );

      const { data: whole, response } = await client.responses
        .create({ model, input: "Hello" })
        .withResponse();
      expect(whole).toMatchObject({ status: "completed", model, output_text: HELLO });
      expect(whole.id).not.toBe(final.id);
      const conversationId = response.headers.get("x-parley-conversation") ?? "";
      expect(response.headers.get("x-parley-url")).toBe(`http://localhost/c/${conversationId}`);
      const stored = await storedMessages(conversationId);
      expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
        ["user", "Hello", "complete"],
        ["assistant", HELLO, "complete"],
      ]);
      // The response id names the answer message.
      expect(whole.id).toBe(`resp_${stored[1]!.id}`);
      expect(await account.browser.conversations()).toContain(conversationId);
    });
  }

  it("streams reasoning as a reasoning item before the answer", async () => {
    const account = await apiAccount();
    const final = await account
      .openai()
      .responses.stream({
        model: "claude-haiku-4-5",
        input: `Hi [[case:reasoning tag=${uniqueTag("r")}]]`,
        reasoning: { effort: "low" },
      })
      .finalResponse();
    expect(final.output[0]).toMatchObject({
      type: "reasoning",
      summary: [{ type: "summary_text", text: REASONING_CHUNKS.join("") }],
    });
    expect(final.output_text).toBe(HELLO);
  });

  it("sends the instructions upstream as the system prompt, and JSON mode for a json_schema format", async () => {
    const account = await apiAccount();
    const tag = uniqueTag("json");
    const response = await account.openai().responses.create({
      model: "gpt-5-mini",
      instructions: "Answer as a JSON object.",
      input: `Answer in JSON [[case:json tag=${tag}]]`,
      text: { format: { type: "json_schema", name: "answer", schema: { type: "object" } } },
    });
    expect(JSON.parse(response.output_text)).toEqual({ answer: 42, unit: "none" });
    const [sent] = await upstreamRequests(tag);
    expect(sent?.body).toMatchObject({
      response_format: { type: "json_object" },
      messages: [{ content: "Answer as a JSON object." }, { role: "user" }],
    });
  });

  it("continues from an earlier response in a new branch of the same conversation, which browsers are moved to", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const { data: first, response } = await client.responses
      .create({ model: "gpt-5-mini", input: "Pick a colour." })
      .withResponse();
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const second = await client.responses.create({
      model: "gpt-5-mini",
      previous_response_id: first.id,
      input: "Make it darker.",
    });
    const device = await connectRoom(conversationId, account.browser.cookie);
    await device.waitFor(isType("snapshot"));

    const tag = uniqueTag("branch");
    const { data: third, response: branched } = await client.responses
      .create({
        model: "gpt-5-mini",
        previous_response_id: first.id,
        input: `Make it lighter. [[case:normal tag=${tag}]]`,
      })
      .withResponse();
    expect(third.output_text).toBe(HELLO);
    expect(third.previous_response_id).toBe(first.id);
    expect(branched.headers.get("x-parley-conversation")).toBe(conversationId);
    // The model reads the branch it continues: the first turn, not the second.
    const texts = upstreamTexts((await upstreamRequests(tag))[0]?.body);
    expect(texts).toContain("Pick a colour.");
    expect(texts).not.toContain("Make it darker.");
    // The browser is moved to the new branch, which ends on the new answer.
    const path = await device.waitFor((frame) => frame.type === "path");
    if (path.type !== "path") throw new Error("no path frame");
    expect(path.messages.map((message) => message.content.slice(0, 15))).toEqual([
      "Pick a colour.",
      HELLO.slice(0, 15),
      "Make it lighter",
      "",
    ]);
    // The earlier branch is kept, and still continues.
    const fourth = await client.responses.create({
      model: "gpt-5-mini",
      previous_response_id: second.id,
      input: "Darker still.",
    });
    expect(fourth.status).toBe("completed");
    const stored = await storedMessages(conversationId);
    expect(stored.map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    device.close();
  });

  it("continues the conversation of previous_response_id, with its earlier turns sent upstream", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const { data: first, response } = await client.responses
      .create({ model: "gpt-5-mini", input: "My name is Ada.", instructions: "Remember names." })
      .withResponse();
    const tag = uniqueTag("next");
    const { data: second, response: next } = await client.responses
      .create({
        model: "gpt-5-mini",
        previous_response_id: first.id,
        // Everything the call sends follows the previous response: all of it is new.
        input: [
          { role: "user", content: "Also, I live in Oslo." },
          { role: "assistant", content: "Noted." },
          { role: "user", content: `What is my name? [[case:normal tag=${tag}]]` },
        ],
      })
      .withResponse();
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text).toBe(HELLO);
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    expect(next.headers.get("x-parley-conversation")).toBe(conversationId);

    const [sent] = await upstreamRequests(tag);
    const texts = upstreamTexts(sent?.body);
    for (const earlier of ["Remember names.", "My name is Ada.", HELLO, "Also, I live in Oslo.", "Noted."]) {
      expect(texts).toContain(earlier);
    }
    // One conversation in the history, not one per call.
    const stored = await storedMessages(conversationId);
    expect(stored.map((m) => m.content.slice(0, 12))).toEqual([
      "My name is A",
      HELLO.slice(0, 12),
      "Also, I live",
      "Noted.",
      "What is my n",
      HELLO.slice(0, 12),
    ]);
    expect(`resp_${stored[5]!.id}`).toBe(second.id);
  });

  it("returns function calls and answers their function_call_output in the same conversation", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const tag = uniqueTag("tools");
    const { data: first, response } = await client.responses
      .create({
        model: "gpt-5-mini",
        tools: [calculate],
        tool_choice: "auto",
        input: `What is (17 + 4) * 2? [[case:tool_call tag=${tag}]]`,
      })
      .withResponse();
    const call = first.output.find((item) => item.type === "function_call");
    expect(first.status).toBe("completed");
    expect(call).toMatchObject({ type: "function_call", name: "calculate", status: "completed" });
    if (call?.type !== "function_call") throw new Error("no function call");
    expect(JSON.parse(call.arguments)).toEqual({ expression: "(17 + 4) * 2" });
    const [sent] = await upstreamRequests(tag);
    expect(sent?.body).toMatchObject({ tools: [{ function: { name: "calculate" } }], tool_choice: "auto" });

    const second = await client.responses.create({
      model: "gpt-5-mini",
      tools: [calculate],
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: call.call_id, output: "42" }],
    });
    expect(second.output_text).toBe("The tool answered: 42.");
    expect(second.status).toBe("completed");
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const stored = await storedMessages(conversationId);
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant", "assistant"]);
    const calls = await env.DB.prepare("SELECT tool_calls FROM messages WHERE id = ?")
      .bind(stored[1]!.id)
      .first<{ tool_calls: string }>();
    expect(JSON.parse(calls!.tool_calls)).toMatchObject([
      { id: call.call_id, name: "calculate", result: "42" },
    ]);

    // retrieve reads the calling answer back with its call.
    const again = await client.responses.retrieve(first.id);
    expect(again.output.find((item) => item.type === "function_call")).toMatchObject({
      call_id: call.call_id,
      name: "calculate",
      arguments: call.arguments,
    });
  });

  it("keeps nothing with store: false: no conversation link, nothing to retrieve or continue", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const { data, response } = await client.responses
      .create({ model: "gpt-5-mini", input: "Forget me", store: false })
      .withResponse();
    expect(data.output_text).toBe(HELLO);
    expect(data).toMatchObject({ store: false });
    expect(response.headers.get("x-parley-conversation")).toBeNull();
    await expect(client.responses.retrieve(data.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const stored = await client.responses.create({ model: "gpt-5-mini", input: "Keep me" });
    const refused = await client.responses
      .create({ model: "gpt-5-mini", input: "More", previous_response_id: stored.id, store: false })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("store");
  });
});

describe("GET /v1/responses/:id", () => {
  it("reads a stored response back, and answers 404 for unknown ids and other people's", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const created = await client.responses.create({
      model: "claude-haiku-4-5",
      input: "Hello",
      instructions: "Be kind.",
    });
    const { data: read, response } = await client.responses.retrieve(created.id).withResponse();
    expect(read).toMatchObject({
      id: created.id,
      object: "response",
      status: "completed",
      model: "claude-haiku-4-5",
      output_text: HELLO,
      instructions: "Be kind.",
      usage: created.usage,
    });
    expect(read.output[0]?.id).toBe(created.output[0]?.id);
    expect(response.headers.get("x-parley-conversation")).toMatch(/^[0-9a-f-]{36}$/);

    const notFound = async (id: string, other = client) => {
      const failure = await other.responses.retrieve(id).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
      return failure as InstanceType<typeof OpenAI.NotFoundError>;
    };
    expect((await notFound(`resp_${crypto.randomUUID()}`)).message).toContain("not found");
    await notFound("resp_nonsense");
    // Another person's id reads exactly like one that does not exist.
    const stranger = (await apiAccount()).openai();
    const theirs = await notFound(created.id, stranger);
    const unknownId = `resp_${crypto.randomUUID()}`;
    const unknown = await notFound(unknownId, stranger);
    expect(theirs.message.replace(created.id, "ID")).toBe(unknown.message.replace(unknownId, "ID"));
    // ...and cannot be continued either.
    const continued = await stranger.responses
      .create({ model: "gpt-5-mini", input: "hi", previous_response_id: created.id })
      .catch((error: unknown) => error);
    expect(continued).toBeInstanceOf(OpenAI.NotFoundError);
    expect((continued as InstanceType<typeof OpenAI.NotFoundError>).param).toBe("previous_response_id");

    // ...nor followed as a stream.
    const streamed = await stranger.responses
      .retrieve(created.id, { stream: true })
      .catch((error: unknown) => error);
    expect(streamed).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe("refusals raise the SDK's own errors", () => {
  it("refuses a bad token, an unknown model, a bad field, background without store and an unknown previous response", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const ask = { model: "gpt-5-mini", input: "hi" };
    await expect(
      account.openai({ secret: `pk_live_${"A".repeat(43)}` }).responses.create(ask),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const missing = await client.responses
      .create({ ...ask, model: "no-such-model" })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");

    const param = async (body: Record<string, unknown>) => {
      const failure = await client.responses.create({ ...ask, ...body }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
      return (failure as InstanceType<typeof OpenAI.BadRequestError>).param;
    };
    expect(await param({ temperature: 7 })).toBe("temperature");
    expect(await param({ tools: [{ type: "web_search" }] })).toBe("tools[0].type");
    expect(await param({ background: true, store: false })).toBe("background");

    const unknown = await client.responses
      .create({ ...ask, previous_response_id: `resp_${crypto.randomUUID()}` })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
