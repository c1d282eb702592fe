// The turn plan's rules, without a room: what a frame asks for, where a turn attaches in the
// tree, which model answers, what may be edited, regenerated or continued, which options a
// model takes, and the rows a turn adds.
import { describe, expect, it } from "vitest";
import { activePath } from "../../worker/db/branches";
import type { Message } from "../../worker/db/schema";
import { messageRow } from "./message-rows";
import { AppError } from "../../worker/errors";
import type { CatalogueModel } from "../../worker/providers/catalogue";
import { checkOptions } from "../../worker/room/turn/admission";
import { planFromFrame, shapeTurn, titleFrom, type TurnPlan } from "../../worker/room/turn/plan";
import { lastPositionOf, turnRows } from "../../worker/room/turn/rows";

function message(
  id: string,
  role: Message["role"],
  parentId: string | null,
  extra: Partial<Message> = {},
): Message {
  const answer = role === "assistant";
  return messageRow({
    id,
    role,
    parentId,
    authorId: "u1",
    model: answer ? "gpt-5-mini" : null,
    provider: answer ? "openai" : null,
    ...extra,
  });
}

/** u1 → a1 → u2 → a2, with a1 answered by another model and u2b an edited sibling of u2. */
function conversation(): Message[] {
  return [
    message("u1", "user", null, { position: 0 }),
    message("a1", "assistant", "u1", { position: 1, model: "claude-haiku-4-5" }),
    message("u2", "user", "a1", { position: 2 }),
    message("a2", "assistant", "u2", { position: 3, status: "stopped" }),
    message("u2b", "user", "a1", { position: 4 }),
  ];
}

function shape(plan: TurnPlan, rows = conversation(), leaf = "a2") {
  return shapeTurn(plan, rows, activePath(rows, leaf));
}

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (cause) {
    if (cause instanceof AppError) return cause;
    throw cause;
  }
  throw new Error("expected a refusal");
}

type SendPlan = Extract<TurnPlan, { kind: "send" }>;

const send = (content: string): SendPlan => ({
  kind: "send",
  model: "gpt-5-mini",
  content,
  prior: [],
  options: {},
  attachments: [],
});

describe("planFromFrame", () => {
  it("keeps a send's options and files, and an edit's too", () => {
    const options = { tools: true, responseFormat: "json" as const };
    expect(planFromFrame({ type: "send", content: "hi", model: "m", options, attachments: ["f1"] })).toEqual({
      kind: "send",
      model: "m",
      content: "hi",
      prior: [],
      options,
      attachments: ["f1"],
    });
    expect(
      planFromFrame({
        type: "edit",
        messageId: "u2",
        content: "new",
        model: "m",
        options,
        attachments: ["f2"],
      }),
    ).toMatchObject({ kind: "edit", options, attachments: ["f2"] });
  });

  it("passes a regenerate's options and leaves its model open when none is asked for", () => {
    const plan = planFromFrame({ type: "regenerate", messageId: "a2", options: { tools: true } });
    expect(plan).toEqual({ kind: "regenerate", messageId: "a2", options: { tools: true } });
  });
});

describe("shapeTurn", () => {
  it("hangs a new prompt under the last message of the visible branch, with that branch as context", () => {
    const shaped = shape(send("next"));
    expect(shaped.parentId).toBe("a2");
    expect(shaped.context.map((m) => m.id)).toEqual(["u1", "a1", "u2", "a2"]);
    expect(shaped.prompt).toBe("next");
  });

  it("makes an edit a sibling of the edited prompt, seeing only what came before it", () => {
    const shaped = shape({
      kind: "edit",
      messageId: "u2",
      model: "m",
      content: "again",
      options: {},
      attachments: [],
    });
    expect(shaped.parentId).toBe("a1");
    expect(shaped.context.map((m) => m.id)).toEqual(["u1", "a1"]);
    expect(shaped.prompt).toBe("again");
  });

  it("regenerates with the answer's own model unless another is asked for", () => {
    expect(shape({ kind: "regenerate", messageId: "a1", options: {} }, conversation(), "a2").model).toBe(
      "claude-haiku-4-5",
    );
    const other = shape({ kind: "regenerate", messageId: "a1", model: "gpt-5", options: {} });
    expect(other.model).toBe("gpt-5");
    expect(other.prompt).toBeNull();
    expect(other.parentId).toBe("u1");
  });

  it("continues only the last answer, and only when it was stopped or interrupted", () => {
    const shaped = shape({ kind: "continue", messageId: "a2" });
    expect(shaped.target?.id).toBe("a2");
    expect(shaped.context.map((m) => m.id)).toEqual(["u1", "a1", "u2"]);
    const earlierStopped = conversation().map((m) =>
      m.id === "a1" ? { ...m, status: "stopped" as const } : m,
    );
    expect(refusal(() => shape({ kind: "continue", messageId: "a1" }, earlierStopped)).message).toMatch(
      /last answer/,
    );
    const finished = conversation().map((m) => (m.id === "a2" ? { ...m, status: "complete" as const } : m));
    expect(refusal(() => shape({ kind: "continue", messageId: "a2" }, finished)).message).toMatch(
      /stopped or interrupted/,
    );
  });

  it("refuses to edit an answer or regenerate a prompt", () => {
    const edit = refusal(() =>
      shape({ kind: "edit", messageId: "a1", model: "m", content: "x", options: {}, attachments: [] }),
    );
    expect([edit.status, edit.code]).toEqual([400, "invalid_request"]);
    expect(refusal(() => shape({ kind: "regenerate", messageId: "u1", options: {} })).code).toBe(
      "invalid_request",
    );
  });

  it("answers 404 for a message that is deleted or not on the visible branch", () => {
    expect(refusal(() => shape({ kind: "regenerate", messageId: "missing", options: {} })).status).toBe(404);
    // u2b is a sibling branch, not the one shown.
    const offBranch = refusal(() =>
      shape({ kind: "edit", messageId: "u2b", model: "m", content: "x", options: {}, attachments: [] }),
    );
    expect(offBranch.status).toBe(404);
    const deleted = conversation().map((m) => (m.id === "a1" ? { ...m, deletedAt: 1 } : m));
    expect(refusal(() => shape({ kind: "regenerate", messageId: "a1", options: {} }, deleted)).status).toBe(
      404,
    );
  });
});

describe("turnRows", () => {
  const base = {
    conversationId: "c1",
    authorId: "u9",
    model: { id: "gpt-5-mini", provider: "openai" },
    ownKey: true,
    now: 5,
  };
  let counter = 0;
  const newId = () => `id${++counter}`;

  it("stores a brand-new conversation's earlier messages before the prompt, chained in order", () => {
    const plan: TurnPlan = {
      ...send("third"),
      prior: [
        { role: "system", content: "be brief" },
        { role: "user", content: "first" },
      ],
    };
    const rows = turnRows({
      ...base,
      plan,
      shaped: shapeTurn(plan, [], []),
      position: 0,
      newId,
    });
    expect(rows.added.map((r) => [r.role, r.content, r.position])).toEqual([
      ["system", "be brief", 0],
      ["user", "first", 1],
      ["user", "third", 2],
      ["assistant", "", 3],
    ]);
    expect(rows.added.map((r) => r.parentId)).toEqual([
      null,
      rows.added[0]!.id,
      rows.added[1]!.id,
      rows.added[2]!.id,
    ]);
    expect(rows.answer).toMatchObject({
      status: "streaming",
      model: "gpt-5-mini",
      provider: "openai",
      ownKey: true,
    });
    expect(rows.nextPosition).toBe(4);
  });

  it("appends the messages an API client brings to a conversation after the branch shown", () => {
    const plan: TurnPlan = { ...send("more"), prior: [{ role: "user", content: "brought along" }] };
    const existing = conversation();
    const shaped = shapeTurn(plan, existing, activePath(existing, "a2"));
    const rows = turnRows({ ...base, plan, shaped, position: lastPositionOf(existing) + 1, newId });
    expect(rows.added.map((r) => [r.role, r.content, r.position])).toEqual([
      ["user", "brought along", 5],
      ["user", "more", 6],
      ["assistant", "", 7],
    ]);
    expect(rows.added[0]?.parentId).toBe("a2");
    expect(rows.prompt?.parentId).toBe(rows.added[0]?.id);
  });

  it("stores an earlier answer's calls to the client's tools, and answers tool results without a prompt", () => {
    const call = { id: "call_1", name: "lookup", arguments: "{}", result: "42", offset: 0 };
    const plan: TurnPlan = {
      ...send("unused"),
      content: null,
      prior: [
        { role: "user", content: "look it up" },
        { role: "assistant", content: "", toolCalls: [call] },
      ],
    };
    const rows = turnRows({ ...base, plan, shaped: shapeTurn(plan, [], []), position: 0, newId });
    expect(rows.added.map((r) => [r.role, r.toolCalls])).toEqual([
      ["user", null],
      ["assistant", JSON.stringify([call])],
      ["assistant", null],
    ]);
    expect(rows.prompt).toBeUndefined();
    expect(rows.answer.parentId).toBe(rows.added[1]?.id);
  });

  it("reopens a continued answer instead of adding one", () => {
    const plan: TurnPlan = { kind: "continue", messageId: "a2" };
    const existing = conversation();
    const shaped = shapeTurn(plan, existing, activePath(existing, "a2"));
    const rows = turnRows({ ...base, plan, shaped, position: 5, newId });
    expect(rows.added).toEqual([]);
    expect(rows.reopened?.id).toBe("a2");
    expect(rows.answer).toMatchObject({ id: "a2", status: "streaming", content: "text of a2" });
  });
});

describe("checkOptions", () => {
  const model: CatalogueModel = {
    id: "m",
    provider: "openai",
    upstreamId: "m",
    name: "Model M",
    context: 1_000,
    maxOutput: 100,
    caps: { reasoning: false, vision: false, tools: false, json: false, temperature: false },
    pricing: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 },
    enabled: true,
    sortOrder: 0,
  };
  const capable = {
    ...model,
    maxOutput: 1_000,
    caps: { reasoning: true, vision: true, tools: true, json: true, temperature: true },
  };

  it.each([
    [{ temperature: 0.5 }, /does not take a temperature/],
    [{ reasoningEffort: "high" as const }, /no reasoning effort/],
    [{ maxOutputTokens: 101 }, /at most 100 tokens/],
    [{ tools: true }, /cannot call tools/],
    [{ responseFormat: "json" as const }, /no JSON mode/],
  ])("refuses %o for a model without it, as 400 unsupported_option", (options, message) => {
    const error = refusal(() => checkOptions(model, options));
    expect([error.status, error.code]).toEqual([400, "unsupported_option"]);
    expect(error.message).toMatch(message);
    expect(() => checkOptions(capable, options)).not.toThrow();
  });

  it("takes no options at all from any model, and the maximum output exactly", () => {
    expect(() => checkOptions(model, {})).not.toThrow();
    expect(() => checkOptions(model, { maxOutputTokens: 100 })).not.toThrow();
  });
});

describe("titleFrom", () => {
  it("folds whitespace and cuts long first prompts with an ellipsis", () => {
    expect(titleFrom("  Hello\n\nworld  ")).toBe("Hello world");
    const long = titleFrom("word ".repeat(30));
    expect(long.length).toBeLessThanOrEqual(58);
    expect(long.endsWith("…")).toBe(true);
  });
});
