// Tool calls: the model calls a built-in tool, the room runs it, feeds the result back and the
// whole exchange streams to every device and is stored with the answer.
import { describe, expect, it } from "vitest";
import { evaluate } from "../../worker/tools/calculator";
import { runTool } from "../../worker/tools";
import type { ChatMessage } from "#protocol/messages";
import {
  connectRoom,
  createConversation,
  isType,
  newGuest,
  uniqueTag,
  upstreamRequests,
  workerFetch,
} from "./helpers";

describe("built-in tools", () => {
  it("calculate evaluates arithmetic exactly and explains bad input", () => {
    expect(evaluate("(17 + 4) * 2")).toBe(42);
    expect(evaluate("2 ^ 3 ^ 2")).toBe(512);
    expect(evaluate("-sqrt(16) + 10 % 4")).toBe(-2);
    expect(evaluate("round(pi * 100) / 100")).toBe(3.14);
    expect(JSON.parse(runTool("calculate", '{"expression":"1 / 0"}'))).toEqual({
      error: "The result is not a finite number.",
    });
    expect(JSON.parse(runTool("calculate", '{"expression":"process.exit()"}')).error).toMatch(
      /Unexpected "\."/,
    );
    expect(JSON.parse(runTool("calculate", '{"expression":"exit(1)"}')).error).toMatch(/Unknown name "exit"/);
    expect(JSON.parse(runTool("calculate", "{not json")).error).toMatch(/not valid JSON/);
    expect(JSON.parse(runTool("rm_rf", "{}")).error).toMatch(/no tool called/);
  });

  it("get_current_time answers in the asked time zone", () => {
    const now = new Date("2026-11-25T23:30:00Z");
    const answer = JSON.parse(runTool("get_current_time", '{"timezone":"Asia/Tokyo"}', now));
    expect(answer.iso).toBe("2026-11-25T23:30:00.000Z");
    expect(answer.local).toContain("26 November 2026");
    expect(JSON.parse(runTool("get_current_time", '{"timezone":"Mars/Base"}', now)).error).toMatch(
      /Unknown time zone/,
    );
  });
});

describe("the tool loop in a room", () => {
  it("runs the call, feeds the result back, and stores the exchange with the answer", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const [a, b] = [await connectRoom(id, cookie), await connectRoom(id, cookie)];
    const tag = uniqueTag("tools");
    a.send({
      type: "send",
      content: `What is (17 + 4) * 2? [[case:tool_call tag=${tag}]]`,
      model: "gpt-5-mini",
      options: { tools: true },
    });
    const done = await b.waitFor(isType("done"));
    expect(done.status).toBe("complete");
    const steps = b.frames.filter(isType("tool"));
    expect(steps.map((f) => f.call.result === null)).toEqual([true, false]);
    expect(JSON.parse(steps[0]!.call.arguments)).toEqual({ expression: "(17 + 4) * 2" });
    expect(JSON.parse(steps[1]!.call.result!)).toMatchObject({ result: 42 });
    expect(b.textOf(done.messageId)).toContain("42");

    // Two upstream requests: the call, then the answer with the result in the context.
    const requests = await upstreamRequests(tag);
    expect(requests).toHaveLength(2);
    expect(JSON.stringify(requests[0]!.body)).toContain('"calculate"');
    expect(JSON.stringify(requests[1]!.body)).toContain('"role":"tool"');

    const shown = await workerFetch(`/api/v1/conversations/${id}`, { headers: { cookie } });
    const { messages } = await shown.json<{ messages: ChatMessage[] }>();
    expect(messages[1]!.toolCalls).toEqual([steps[1]!.call]);
    a.close();
    b.close();
  });

  it("refuses tools and JSON mode for a model without them", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const socket = await connectRoom(id, cookie);
    socket.send({ type: "send", content: "hi", model: "parley-demo", options: { tools: true } });
    const error = await socket.waitFor(isType("error"));
    expect(error.code).toBe("unsupported_option");
    socket.close();
  });
});
