/**
 * Scripted `POST /v1/chat/completions` streams: every shape a successful answer takes across
 * OpenAI-compatible servers. Failures live in openai-fault-cases.ts.
 */
import { openAIBenchCases } from "./bench-cases.ts";
import { type CaseScript, cutInside, frameDelay, writeSplit } from "./case-context.ts";
import { intParam } from "./marker.ts";
import { openAIFaultCases } from "./openai-fault-cases.ts";
import { openAIFlavourCases } from "./openai-flavour-cases.ts";
import { openAIToolCases } from "./openai-tool-cases.ts";
import {
  type ChunkStream,
  choiceList,
  chunk,
  finishFrame,
  newChunkStream,
  NORMAL_USAGE,
  openAIUsage,
  roleFrame,
  streamHeaders,
  streamNormal,
  streamOpenAIFrames,
  textFrames,
  usageFrame,
} from "./openai-frames.ts";
import { commentFrame, dataFrame, DONE_FRAME } from "./sse-writer.ts";
import {
  LENGTH_CHUNKS,
  moderatedChunks,
  NORMAL_CHUNKS,
  REASONING_CHUNKS,
  slowChunks,
  TITLE_USAGE,
  UTF8_CHUNKS,
} from "./texts.ts";

/** Frames written with odd but valid SSE/JSON spacing, and one JSON spread over two `data:` lines. */
function whitespaceFrames(stream: ChunkStream): string[] {
  const spaced = (payload: unknown): string =>
    `data:   ${JSON.stringify(payload, null, 2).replaceAll("\n", " ")}  \n\n`;
  const [first = "", second = "", ...rest] = NORMAL_CHUNKS;
  const multiLine = JSON.stringify(chunk(stream, choiceList({ content: second })), null, 1).replaceAll(
    "\n",
    "\ndata: ",
  );
  return [
    `data:${JSON.stringify(chunk(stream, choiceList({ role: "assistant", content: "" })))}\n\n`,
    spaced(chunk(stream, choiceList({ content: first }))),
    `data: ${multiLine}\n\n`,
    ...rest.map((text) => spaced(chunk(stream, choiceList({ content: text })))),
    spaced(chunk(stream, choiceList({}, "stop"))),
    spaced(chunk(stream, [], { usage: NORMAL_USAGE })),
    DONE_FRAME,
  ];
}

export const openAICases: Record<string, CaseScript> = {
  normal: streamNormal,
  ...openAIFaultCases,
  ...openAIFlavourCases,
  ...openAIToolCases,
  ...openAIBenchCases,

  // Parley's title request: a title as models write them (quoted, a trailing period), with usage.
  title: (context) => {
    const stream = newChunkStream(context.model);
    const words = (context.params.get("subject") ?? "").split(/\s+/).filter(Boolean).slice(0, 3);
    return streamOpenAIFrames(context, [
      roleFrame(stream),
      ...textFrames(stream, ['"About ', words.join(" "), '."']),
      finishFrame(stream, "stop"),
      usageFrame(stream, openAIUsage(TITLE_USAGE.input, TITLE_USAGE.output, 0, 0)),
      DONE_FRAME,
    ]);
  },

  slow: (context) => {
    const stream = newChunkStream(context.model);
    const tokens = intParam(context.params, "tokens", 50, 1);
    return streamOpenAIFrames(
      context,
      [
        roleFrame(stream),
        ...textFrames(stream, slowChunks(tokens)),
        finishFrame(stream, "stop"),
        usageFrame(stream, openAIUsage(25, tokens, 0, 0)),
        DONE_FRAME,
      ],
      20,
    );
  },

  // DeepSeek: reasoning_content before content, usage on the finishing chunk with cache hit/miss.
  reasoning: (context) => {
    const stream = newChunkStream(context.model);
    const usage = {
      prompt_tokens: 16,
      completion_tokens: 47,
      total_tokens: 63,
      completion_tokens_details: { reasoning_tokens: 38 },
      prompt_cache_hit_tokens: 8,
      prompt_cache_miss_tokens: 8,
    };
    const delta = (content: string | null, reasoning: string | null): string =>
      dataFrame(chunk(stream, choiceList({ content, reasoning_content: reasoning })));
    return streamOpenAIFrames(context, [
      roleFrame(stream, { content: null, reasoning_content: "" }),
      ...REASONING_CHUNKS.map((text) => delta(null, text)),
      ...NORMAL_CHUNKS.map((text) => delta(text, null)),
      dataFrame(chunk(stream, choiceList({ content: "", reasoning_content: null }, "stop"), { usage })),
      DONE_FRAME,
    ]);
  },

  // OpenRouter: processing comments, delta.reasoning, usage with cost in a last `choices: []` chunk.
  "reasoning-openrouter": (context) => {
    const stream = newChunkStream(context.model);
    const extra = { provider: "DeepInfra" };
    const reasoningFrames = REASONING_CHUNKS.map((text) =>
      dataFrame(
        chunk(
          stream,
          choiceList({
            role: "assistant",
            content: "",
            reasoning: text,
            reasoning_details: [{ type: "reasoning.text", text, format: "unknown", index: 0 }],
          }),
          extra,
        ),
      ),
    );
    const usage = { ...openAIUsage(20, 35, 0, 26), cost: 0.0000412, is_byok: false };
    return streamOpenAIFrames(context, [
      commentFrame("OPENROUTER PROCESSING"),
      ...reasoningFrames,
      ...NORMAL_CHUNKS.map((text) =>
        dataFrame(chunk(stream, choiceList({ role: "assistant", content: text }), extra)),
      ),
      dataFrame(
        chunk(
          stream,
          [
            {
              index: 0,
              delta: { role: "assistant", content: "" },
              finish_reason: "stop",
              native_finish_reason: "stop",
              logprobs: null,
            },
          ],
          extra,
        ),
      ),
      dataFrame(chunk(stream, [], { ...extra, usage })),
      DONE_FRAME,
    ]);
  },

  // Gemini's OpenAI endpoint: usage rides on the last content chunk.
  "usage-in-last-chunk": (context) => {
    const stream = newChunkStream(context.model);
    const last = NORMAL_CHUNKS.length - 1;
    const frames = NORMAL_CHUNKS.map((text, index) =>
      dataFrame(
        chunk(
          stream,
          choiceList({ role: "assistant", content: text }, index === last ? "stop" : null),
          index === last ? { usage: { prompt_tokens: 8, completion_tokens: 9, total_tokens: 17 } } : {},
        ),
      ),
    );
    return streamOpenAIFrames(context, [...frames, DONE_FRAME]);
  },

  "no-usage": (context) => {
    const stream = newChunkStream(context.model);
    return streamOpenAIFrames(context, [
      roleFrame(stream),
      ...textFrames(stream, NORMAL_CHUNKS),
      finishFrame(stream, "stop"),
      DONE_FRAME,
    ]);
  },

  "choices-null": (context) => {
    const stream = newChunkStream(context.model);
    return streamOpenAIFrames(context, [
      roleFrame(stream),
      dataFrame(chunk(stream, null)),
      ...textFrames(stream, NORMAL_CHUNKS),
      finishFrame(stream, "stop"),
      dataFrame(chunk(stream, null, { usage: openAIUsage(30, 9, 0, 0) })),
      DONE_FRAME,
    ]);
  },

  comments: (context) => {
    const stream = newChunkStream(context.model);
    const texts = textFrames(stream, NORMAL_CHUNKS).flatMap((frame) => [frame, commentFrame("keep-alive")]);
    return streamOpenAIFrames(context, [
      commentFrame("OPENROUTER PROCESSING"),
      commentFrame("OPENROUTER PROCESSING"),
      roleFrame(stream),
      ...texts,
      finishFrame(stream, "stop"),
      usageFrame(stream, NORMAL_USAGE),
      DONE_FRAME,
    ]);
  },

  crlf: (context) => {
    context.writer.lineEnding = "\r\n";
    return streamNormal(context);
  },

  cr: (context) => {
    context.writer.lineEnding = "\r";
    return streamNormal(context);
  },

  "split-utf8": async (context) => {
    const stream = newChunkStream(context.model);
    const pause = frameDelay(context, 25);
    context.writer.startStream(200, streamHeaders());
    await context.writer.write(roleFrame(stream));
    for (const frame of textFrames(stream, UTF8_CHUNKS)) {
      const split = ["é", "🎉"].find((char) => frame.includes(char));
      if (split) await writeSplit(context.writer, frame, cutInside(frame, split), pause);
      else await context.writer.write(frame);
    }
    await context.writer.writeFrames(
      [finishFrame(stream, "stop"), usageFrame(stream, NORMAL_USAGE), DONE_FRAME],
      0,
    );
    context.writer.end();
  },

  "split-json": async (context) => {
    const stream = newChunkStream(context.model);
    const pause = frameDelay(context, 10);
    context.writer.startStream(200, streamHeaders());
    await context.writer.write(roleFrame(stream));
    for (const frame of textFrames(stream, NORMAL_CHUNKS)) {
      // Cut mid-JSON, then again between the two newlines that end the frame.
      const middle = Math.floor(frame.length / 2);
      await writeSplit(context.writer, frame.slice(0, -1), middle, pause);
      await context.writer.sleep(pause);
      await context.writer.write("\n");
    }
    await context.writer.writeFrames(
      [finishFrame(stream, "stop"), usageFrame(stream, NORMAL_USAGE), DONE_FRAME],
      0,
    );
    context.writer.end();
  },

  "empty-deltas": (context) => {
    const stream = newChunkStream(context.model);
    const empties = [{}, { content: "" }, { content: null }].map((delta) =>
      dataFrame(chunk(stream, choiceList(delta))),
    );
    const texts = textFrames(stream, NORMAL_CHUNKS).flatMap((frame, index) => [
      frame,
      empties[index % empties.length] ?? "",
    ]);
    return streamOpenAIFrames(context, [
      roleFrame(stream),
      ...empties,
      ...texts,
      finishFrame(stream, "stop"),
      usageFrame(stream, NORMAL_USAGE),
      DONE_FRAME,
    ]);
  },

  "no-done": (context) => {
    const stream = newChunkStream(context.model);
    return streamOpenAIFrames(context, [
      roleFrame(stream),
      ...textFrames(stream, NORMAL_CHUNKS),
      finishFrame(stream, "stop"),
    ]);
  },

  "unknown-event": (context) => {
    const stream = newChunkStream(context.model);
    const [first = "", second = "", ...rest] = NORMAL_CHUNKS;
    return streamOpenAIFrames(context, [
      roleFrame(stream),
      ...textFrames(stream, [first]),
      `event: metadata\ndata: ${JSON.stringify({ type: "future.metadata", trace_id: "tr_123" })}\n\n`,
      dataFrame(chunk(stream, choiceList({ content: second, annotations: [], future_field: { x: 1 } }))),
      ...textFrames(stream, rest),
      finishFrame(stream, "stop"),
      usageFrame(stream, NORMAL_USAGE),
      DONE_FRAME,
    ]);
  },

  whitespace: (context) => streamOpenAIFrames(context, whitespaceFrames(newChunkStream(context.model))),

  // Sentences for output moderation, one word a frame; sentence `flag` carries a flag marker.
  moderated: (context) => {
    const stream = newChunkStream(context.model);
    const count = intParam(context.params, "sentences", 6, 1, 100);
    const flagAt = intParam(context.params, "flag", 0, 0, 100);
    const chunks = moderatedChunks(count, flagAt, context.params.get("tag") ?? "untagged");
    return streamOpenAIFrames(
      context,
      [
        roleFrame(stream),
        ...textFrames(stream, chunks),
        finishFrame(stream, "stop"),
        usageFrame(stream, openAIUsage(30, chunks.length, 0, 0)),
        DONE_FRAME,
      ],
      10,
    );
  },

  length: (context) => {
    const stream = newChunkStream(context.model);
    return streamOpenAIFrames(context, [
      roleFrame(stream),
      ...textFrames(stream, LENGTH_CHUNKS),
      finishFrame(stream, "length"),
      usageFrame(stream, openAIUsage(40, 16, 0, 0)),
      DONE_FRAME,
    ]);
  },
};
