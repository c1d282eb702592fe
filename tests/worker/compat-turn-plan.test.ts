// How an API call's messages become a room turn (worker/compat/turn-plan.ts): what is stored
// first, what is the prompt, and where tool results go, for new and continued conversations.
import { describe, expect, it } from "vitest";
import type { ApiMessage, ApiTurnInput } from "../../worker/compat/contract";
import { roomTurnFrom } from "../../worker/compat/turn-plan";
import { AppError } from "../../worker/errors";

const call = { id: "call_1", name: "weather", arguments: '{"city":"Oslo"}' };

function input(messages: ApiMessage[], extra: Partial<ApiTurnInput> = {}): ApiTurnInput {
  return { model: "gpt-5-mini", system: "be brief", messages, ...extra };
}

const fresh = { continuing: false, tokenName: "laptop", attachments: [] };
const continuing = { ...fresh, continuing: true };

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (cause) {
    if (cause instanceof AppError) return cause;
    throw cause;
  }
  throw new Error("expected a refusal");
}

describe("roomTurnFrom", () => {
  it("starts a conversation: earlier messages first, the last user message as the prompt", () => {
    const turn = roomTurnFrom(
      input([
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
        { role: "user", content: "how are you?" },
      ]),
      fresh,
    );
    expect(turn.content).toBe("how are you?");
    expect(turn.prior).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ]);
    expect(turn.create).toEqual({ systemPrompt: "be brief", apiTokenName: "laptop" });
  });

  it("stores tool results on the call they answer and answers them without a new prompt", () => {
    const turn = roomTurnFrom(
      input([
        { role: "user", content: "weather?" },
        { role: "assistant", content: "Let me look.", toolCalls: [call] },
        { role: "tool", toolCallId: "call_1", content: "-3°C" },
      ]),
      fresh,
    );
    expect(turn.content).toBeNull();
    expect(turn.prior?.[1]).toEqual({
      role: "assistant",
      content: "Let me look.",
      toolCalls: [{ ...call, result: "-3°C", offset: "Let me look.".length }],
    });
  });

  it("refuses a tool result that answers no call", () => {
    const error = refusal(() =>
      roomTurnFrom(
        input([
          { role: "user", content: "weather?" },
          { role: "tool", toolCallId: "call_x", content: "?" },
        ]),
        fresh,
      ),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain("call_x");
  });

  it("refuses an assistant message last (prefill) and an empty conversation", () => {
    expect(refusal(() => roomTurnFrom(input([{ role: "assistant", content: "Sure" }]), fresh)).status).toBe(
      400,
    );
    expect(refusal(() => roomTurnFrom(input([]), fresh)).status).toBe(400);
  });

  it("continues a conversation with only what follows the client's last assistant message", () => {
    const turn = roomTurnFrom(
      input([
        { role: "user", content: "old question" },
        { role: "assistant", content: "old answer" },
        { role: "user", content: "context" },
        { role: "user", content: "new question" },
      ]),
      continuing,
    );
    expect(turn.prior).toEqual([{ role: "user", content: "context" }]);
    expect(turn.content).toBe("new question");
    expect(turn.create).toBeUndefined();
  });

  it("continues with the last answer's tool results, and a prompt after them when there is one", () => {
    const messages: ApiMessage[] = [
      { role: "user", content: "weather?" },
      { role: "assistant", content: "", toolCalls: [call] },
      { role: "tool", toolCallId: "call_1", content: "-3°C" },
    ];
    const results = roomTurnFrom(input(messages), continuing);
    expect(results.toolResults).toEqual([{ id: "call_1", content: "-3°C" }]);
    expect(results.content).toBeNull();
    expect(results.prior).toEqual([]);
    const withPrompt = roomTurnFrom(
      input([...messages, { role: "user", content: "and tomorrow?" }]),
      continuing,
    );
    expect(withPrompt.toolResults).toHaveLength(1);
    expect(withPrompt.content).toBe("and tomorrow?");
  });

  it("continues a stored response with everything the call sends as new (previous_response_id)", () => {
    const onlyNew = { ...continuing, onlyNew: true };
    const turn = roomTurnFrom(
      input([
        { role: "user", content: "a fact to keep" },
        { role: "assistant", content: "kept" },
        { role: "user", content: "new question" },
      ]),
      onlyNew,
    );
    expect(turn.prior).toEqual([
      { role: "user", content: "a fact to keep" },
      { role: "assistant", content: "kept" },
    ]);
    expect(turn.content).toBe("new question");
    expect(turn.create).toBeUndefined();

    // Results alone answer the stored answer's calls; a copy of that answer first is skipped.
    const results = roomTurnFrom(input([{ role: "tool", toolCallId: "call_1", content: "-3°C" }]), onlyNew);
    expect(results).toMatchObject({
      content: null,
      prior: [],
      toolResults: [{ id: "call_1", content: "-3°C" }],
    });
    const handedBack = roomTurnFrom(
      input([
        { role: "assistant", content: "", toolCalls: [call] },
        { role: "tool", toolCallId: "call_1", content: "-3°C" },
        { role: "user", content: "and tomorrow?" },
      ]),
      onlyNew,
    );
    expect(handedBack).toMatchObject({
      content: "and tomorrow?",
      prior: [],
      toolResults: [{ id: "call_1", content: "-3°C" }],
    });

    // New calls and results later in the input are stored together, as history.
    const later = roomTurnFrom(
      input([
        { role: "user", content: "weather?" },
        { role: "assistant", content: "", toolCalls: [call] },
        { role: "tool", toolCallId: "call_1", content: "-3°C" },
        { role: "user", content: "thanks" },
      ]),
      onlyNew,
    );
    expect(later.prior?.[1]?.toolCalls).toEqual([{ ...call, result: "-3°C", offset: 0 }]);
    expect(later.toolResults).toBeUndefined();
    expect(refusal(() => roomTurnFrom(input([{ role: "assistant", content: "only" }]), onlyNew)).status).toBe(
      400,
    );
  });

  it("names earlier images it does not keep, and passes the call's options and tools on", () => {
    const turn = roomTurnFrom(
      input(
        [
          { role: "user", content: "what is this?", images: [{ mimeType: "image/png", data: "AAAA" }] },
          { role: "assistant", content: "a cat" },
          { role: "user", content: "sure?" },
        ],
        {
          temperature: 0.2,
          maxOutputTokens: 50,
          responseFormat: "json",
          stop: ["END"],
          tools: [{ name: "weather", description: "", parameters: { type: "object" } }],
          toolChoice: "required",
        },
      ),
      { ...fresh, attachments: ["upload-1"] },
    );
    expect(turn.prior?.[0]?.content).toBe("what is this?\n\n[An image was sent here and not kept.]");
    expect(turn.attachments).toEqual(["upload-1"]);
    expect(turn.options).toEqual({ temperature: 0.2, maxOutputTokens: 50, responseFormat: "json" });
    expect(turn.api).toEqual({
      tools: [{ name: "weather", description: "", parameters: { type: "object" } }],
      toolChoice: "required",
      stop: ["END"],
    });
  });
});
