// A later turn sees the tool calls an earlier answer made, with their results: the stored answer
// is cut at the points where it called tools, each result follows as a `tool` message, calls no
// client has answered yet are left out (providers refuse them), and in a room the next turn's
// upstream request carries the exchange.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ToolCall } from "#protocol/messages";
import type { Message } from "../../worker/db/schema";
import type { CatalogueModel } from "../../worker/providers/catalogue";
import { toChatParams } from "../../worker/providers/openai-dialect";
import { providerMessages } from "../../worker/room/turn/context";
import { connectRoom, createConversation, isType, newGuest, uniqueTag, upstreamRequests } from "./helpers";
import { messageRow } from "./message-rows";

const MODEL: CatalogueModel = {
  id: "m",
  provider: "openai",
  upstreamId: "m",
  name: "Model M",
  context: 100_000,
  maxOutput: 1_000,
  caps: { reasoning: true, vision: false, tools: true, json: false, temperature: true },
  pricing: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 },
  enabled: true,
  sortOrder: 0,
};

const LOOKUP = { name: "lookup_order", description: "Finds an order.", parameters: { type: "object" } };

function call(id: string, offset: number, result: string | null): ToolCall {
  return { id, name: "lookup_order", arguments: `{"number":"${id}"}`, result, offset };
}

function answer(id: string, content: string, calls: ToolCall[], extra: Partial<Message> = {}): Message {
  return messageRow({ id, role: "assistant", content, toolCalls: JSON.stringify(calls), ...extra });
}

function replay(path: Message[]) {
  return providerMessages(env.ATTACHMENTS, path, new Map(), MODEL);
}

describe("replaying stored tool calls", () => {
  const before = "Let me look. ";
  const between = "Order 1 has shipped; ";
  const after = "order 3 is still open.";

  it("splits the text at each call point, with the calls' results as tool messages", async () => {
    const text = before + between + after;
    const calls = [
      // Stored out of order on purpose: the offset decides, and calls at one point stay in order.
      call("3", before.length + between.length, '{"status":"open"}'),
      call("1", before.length, '{"status":"shipped"}'),
      call("2", before.length, '{"status":"lost"}'),
    ];
    const messages = await replay([messageRow({ id: "u1", role: "user" }), answer("a1", text, calls)]);
    const provider = (id: string) => ({ id, name: "lookup_order", arguments: `{"number":"${id}"}` });
    expect(messages).toEqual([
      { role: "user", content: "text of u1" },
      { role: "assistant", content: before, toolCalls: [provider("1"), provider("2")] },
      { role: "tool", toolCallId: "1", content: '{"status":"shipped"}' },
      { role: "tool", toolCallId: "2", content: '{"status":"lost"}' },
      { role: "assistant", content: between, toolCalls: [provider("3")] },
      { role: "tool", toolCallId: "3", content: '{"status":"open"}' },
      { role: "assistant", content: after },
    ]);
  });

  it("leaves out calls without a result but keeps their text; an answer of only calls is kept", async () => {
    const messages = await replay([
      answer("a1", before + after, [call("1", before.length, null)]),
      answer("a2", "", [call("2", 0, "done"), call("9", 0, null)]),
      answer("a3", "", [call("4", 0, null)]),
    ]);
    expect(messages).toEqual([
      { role: "assistant", content: before + after },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "2", name: "lookup_order", arguments: '{"number":"2"}' }],
      },
      { role: "tool", toolCallId: "2", content: "done" },
    ]);
  });

  it("DeepSeek is shown the stored reasoning again with the calls it led to", async () => {
    const messages = await replay([
      messageRow({ id: "u1", role: "user" }),
      answer("a1", "Checking.", [call("1", 9, "shipped")], { reasoning: "The user wants order 1." }),
      messageRow({ id: "u2", role: "user" }),
    ]);
    const params = toChatParams(
      { model: "deepseek-flash", maxOutputTokens: 100, messages, tools: [LOOKUP] },
      "deepseek",
      "https://api.deepseek.com",
    );
    expect(params.messages[1]).toEqual({
      role: "assistant",
      content: "Checking.",
      tool_calls: [
        { id: "1", type: "function", function: { name: "lookup_order", arguments: '{"number":"1"}' } },
      ],
      reasoning_content: "The user wants order 1.",
    });
  });
});

describe("a later turn in a room", () => {
  it("sends the earlier answer's call and result upstream", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const socket = await connectRoom(id, cookie);
    const first = uniqueTag("replay-1");
    socket.send({
      type: "send",
      content: `What is (17 + 4) * 2? [[case:tool_call tag=${first}]]`,
      model: "gpt-5-mini",
      options: { tools: true },
    });
    const done = await socket.waitFor(isType("done"));
    expect(done.status).toBe("complete");
    const answered = socket.frames.filter(isType("tool")).at(-1)!.call;

    const second = uniqueTag("replay-2");
    socket.send({
      type: "send",
      content: `Thanks! [[case:normal tag=${second}]]`,
      model: "gpt-5-mini",
      options: { tools: true },
    });
    await socket.waitFor((frame) => isType("done")(frame) && frame.messageId !== done.messageId);
    const [request] = await upstreamRequests(second);
    const sent = (request!.body as { messages: Record<string, unknown>[] }).messages;
    const callAt = sent.findIndex((message) => Array.isArray(message.tool_calls));
    expect(callAt).toBeGreaterThan(0);
    expect(sent[callAt]).toMatchObject({
      role: "assistant",
      tool_calls: [
        { id: answered.id, type: "function", function: { name: "calculate", arguments: answered.arguments } },
      ],
    });
    expect(sent[callAt + 1]).toEqual({ role: "tool", tool_call_id: answered.id, content: answered.result });
    expect(sent[callAt + 2]).toMatchObject({ role: "assistant", content: expect.stringContaining("42") });
    expect(sent.at(-1)).toMatchObject({ role: "user", content: expect.stringContaining("Thanks!") });
    socket.close();
  });
});
