// LangChain's ChatOpenAI on Parley's Responses API, end to end: the real @langchain/openai client
// with `useResponsesApi: true`, its fetch sent through the worker with a personal token (token
// check, room, admission, provider adapter, fake upstream). It reads what the openai SDK reads and
// more (annotations, item ids, `response.created`'s id), and replays earlier answers as their
// output items, so it catches gaps the SDK alone would not.
import { AIMessageChunk, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { ChatOpenAI, type ChatOpenAIFields } from "@langchain/openai";
import { describe, expect, it } from "vitest";
import { NORMAL_CHUNKS } from "../fake-upstream/texts.ts";
import { apiAccount, type ApiAccount } from "./api-client";
import { ORIGIN, storedMessages, uniqueTag, upstreamRequests } from "./helpers";

const HELLO = NORMAL_CHUNKS.join("");

/** One call as LangChain sent it, and the conversation Parley answered it in. */
interface SentCall {
  body: Record<string, unknown>;
  conversation: string | null;
}

/** ChatOpenAI on the Responses API for `account`, and every call it makes through the worker. */
function langchainFor(account: ApiAccount, model = "gpt-5-mini", fields: ChatOpenAIFields = {}) {
  const sent: SentCall[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await account.fetch(input, init);
    sent.push({
      body: JSON.parse(String(init?.body)) as Record<string, unknown>,
      conversation: response.headers.get("x-parley-conversation"),
    });
    return response;
  };
  const chat = new ChatOpenAI({
    model,
    apiKey: account.secret,
    useResponsesApi: true,
    maxRetries: 0,
    configuration: { baseURL: `${ORIGIN}/v1`, fetch },
    ...fields,
  });
  return { chat, sent };
}

const calculate = {
  type: "function" as const,
  function: {
    name: "calculate",
    description: "Evaluates an arithmetic expression.",
    parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] },
  },
};

describe("ChatOpenAI with useResponsesApi", () => {
  for (const model of ["gpt-5-mini", "claude-haiku-4-5"]) {
    it(`invokes ${model}: the answer's text, its response id and usage, the system prompt sent upstream`, async () => {
      const { chat, sent } = langchainFor(await apiAccount(), model);
      const tag = uniqueTag("lc-invoke");
      const answer = await chat.invoke([
        new SystemMessage("Be friendly."),
        new HumanMessage(`Hello [[case:normal tag=${tag}]]`),
      ]);
      expect(answer.text).toBe(HELLO);
      expect(answer.content).toEqual([{ type: "text", text: HELLO, annotations: [] }]);
      expect(answer.response_metadata).toMatchObject({ model, status: "completed", object: "response" });
      expect(answer.usage_metadata?.output_tokens).toBeGreaterThan(0);

      // It went to /v1/responses, and the id it keeps names the stored answer.
      expect(sent).toHaveLength(1);
      expect(sent[0]!.body).toMatchObject({ model, stream: false, text: {} });
      const stored = await storedMessages(sent[0]!.conversation ?? "");
      expect(stored.map((m) => [m.role, m.content])).toEqual([
        ["user", `Hello [[case:normal tag=${tag}]]`],
        ["assistant", HELLO],
      ]);
      expect(answer.response_metadata.id).toBe(`resp_${stored[1]!.id}`);
      const [upstream] = await upstreamRequests(tag);
      expect(JSON.stringify(upstream?.body)).toContain("Be friendly.");
    });

    it(`streams ${model}: the chunks' text joined is the answer; together they carry its id and usage`, async () => {
      const { chat, sent } = langchainFor(await apiAccount(), model);
      const chunks: AIMessageChunk[] = [];
      for await (const chunk of await chat.stream("Hello there")) chunks.push(chunk);
      expect(chunks.map((chunk) => chunk.text).join("")).toBe(HELLO);
      expect(chunks.filter((chunk) => chunk.text !== "").length).toBeGreaterThan(1);

      const whole = chunks.reduce((joined, chunk) => joined.concat(chunk));
      expect(whole.text).toBe(HELLO);
      expect(whole.usage_metadata?.output_tokens).toBeGreaterThan(0);
      expect(sent[0]!.body).toMatchObject({ stream: true });
      const stored = await storedMessages(sent[0]!.conversation ?? "");
      expect(stored.map((m) => [m.role, m.content])).toEqual([
        ["user", "Hello there"],
        ["assistant", HELLO],
      ]);
      expect(whole.response_metadata.id).toBe(`resp_${stored[1]!.id}`);
    });
  }

  it("continues the conversation of previous_response_id, sending only the new message", async () => {
    const { chat, sent } = langchainFor(await apiAccount());
    const first = await chat.invoke("My name is Ada.");
    const tag = uniqueTag("lc-next");
    const second = await chat.invoke(`What is my name? [[case:normal tag=${tag}]]`, {
      previous_response_id: first.response_metadata.id as string,
    });
    expect(second.text).toBe(HELLO);
    expect(sent[1]!.body).toMatchObject({
      previous_response_id: first.response_metadata.id,
      input: [{ role: "user", content: `What is my name? [[case:normal tag=${tag}]]` }],
    });
    // One conversation, and the model saw the earlier turn.
    expect(sent[1]!.conversation).toBe(sent[0]!.conversation);
    const [upstream] = await upstreamRequests(tag);
    expect(JSON.stringify(upstream?.body)).toContain("My name is Ada.");
    const stored = await storedMessages(sent[0]!.conversation ?? "");
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(second.response_metadata.id).toBe(`resp_${stored[3]!.id}`);
  });

  it("takes the whole history back, with the earlier answer replayed as its own output items", async () => {
    const { chat, sent } = langchainFor(await apiAccount());
    const question = new HumanMessage("My name is Ada.");
    const first = await chat.invoke([question]);
    const tag = uniqueTag("lc-history");
    const second = await chat.invoke([
      question,
      first,
      new HumanMessage(`My name? [[case:normal tag=${tag}]]`),
    ]);
    expect(second.text).toBe(HELLO);
    // LangChain's default multi-turn: no previous_response_id, the answer sent back item by item
    // with the ids, statuses and annotations Parley gave it.
    const replayed = (sent[1]!.body.input as Array<Record<string, unknown>>)[1];
    expect(replayed).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(replayed?.id).toMatch(/^msg_/);
    expect(sent[1]!.body.previous_response_id).toBeUndefined();
    const [upstream] = await upstreamRequests(tag);
    const context = JSON.stringify(upstream?.body);
    for (const earlier of ["My name is Ada.", HELLO]) expect(context).toContain(earlier);
    // Without previous_response_id it is a new conversation, holding the history it was sent.
    expect(sent[1]!.conversation).not.toBe(sent[0]!.conversation);
    const stored = await storedMessages(sent[1]!.conversation ?? "");
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ["user", "My name is Ada."],
      ["assistant", HELLO],
      ["user", `My name? [[case:normal tag=${tag}]]`],
      ["assistant", HELLO],
    ]);
  });

  it("round-trips a bound tool: the call parsed from invoke and stream, its result answered", async () => {
    const { chat, sent } = langchainFor(await apiAccount());
    const withTools = chat.bindTools([calculate]);
    const question = new HumanMessage(`What is (17 + 4) * 2? [[case:tool_call tag=${uniqueTag("lc-tool")}]]`);
    const call = await withTools.invoke([question]);
    expect(call.tool_calls).toEqual([
      { type: "tool_call", name: "calculate", args: { expression: "(17 + 4) * 2" }, id: expect.any(String) },
    ]);
    expect(sent[0]!.body).toMatchObject({ tools: [{ type: "function", name: "calculate" }] });

    // The same call assembled from the streamed events.
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await withTools.stream([question])) chunks.push(chunk);
    const streamed = chunks.reduce((joined, chunk) => joined.concat(chunk));
    expect(streamed.tool_calls).toEqual([
      { type: "tool_call", name: "calculate", args: { expression: "(17 + 4) * 2" }, id: expect.any(String) },
    ]);

    const toolCallId = call.tool_calls![0]!.id!;
    const answer = await withTools.invoke([
      question,
      call,
      new ToolMessage({ content: "42", tool_call_id: toolCallId }),
    ]);
    expect(answer.text).toBe("The tool answered: 42.");
    expect(answer.tool_calls).toEqual([]);
    expect(sent[2]!.body.input).toMatchObject([
      { role: "user" },
      { type: "function_call", call_id: toolCallId, name: "calculate" },
      { type: "function_call_output", call_id: toolCallId, output: "42" },
    ]);
  });
});
