/**
 * Benchmark streams on `POST /v1/chat/completions` (used by `npm run bench`, see bench/):
 *
 * - `[[case:bench tokens=N rate=R tag=T]]`: N word-sized tokens (bench-texts.ts), R tokens per
 *   second; `rate=0` (the default) writes them as fast as the event loop allows, one socket write
 *   per token.
 * - `[[case:bench-markdown chars=C rate=R tag=T]]`: a Markdown answer with code of C characters,
 *   cut into token-sized chunks, at R tokens per second.
 *
 * With a `tag`, the moment each token was written is kept (the timestamp side channel) and served
 * by `GET /__control/timings?tag=T`, so a client can compute, per token, how long it took from
 * the upstream's write to its own receive. Times are high-resolution epoch milliseconds
 * (`performance.timeOrigin + performance.now()`); `GET /__control/clock` lets a client in
 * another process measure the offset between the two clocks.
 */
import { type CaseContext, type CaseScript } from "./case-context.ts";
import { benchChunks, benchMarkdown, tokenize } from "./bench-texts.ts";
import { intParam } from "./marker.ts";
import { choiceList, chunk, newChunkStream, openAIUsage, roleFrame, streamHeaders } from "./openai-frames.ts";
import { dataFrame, DONE_FRAME } from "./sse-writer.ts";

/** When one benchmark stream wrote what (epoch ms with sub-millisecond precision). */
export interface StreamTimings {
  /** The request arrived. */
  requestAt: number;
  /** The response headers were written. */
  headersAt: number;
  /** When token i was written. */
  writes: number[];
  /** Character length of the answer after token i (its end offset). */
  ends: number[];
  /** The stream ended (0 while it runs). */
  endAt: number;
  /** The client hung up before the end. */
  aborted: boolean;
}

export const epochNow = (): number => performance.timeOrigin + performance.now();

/** Timings by tag; the oldest are dropped past this many, so long runs stay bounded. */
const MAX_TIMED_STREAMS = 2_000;
const timings = new Map<string, StreamTimings>();

export function streamTimings(tag: string): StreamTimings | undefined {
  return timings.get(tag);
}

function remember(tag: string | undefined, entry: StreamTimings): void {
  if (!tag) return;
  timings.delete(tag);
  timings.set(tag, entry);
  if (timings.size > MAX_TIMED_STREAMS) {
    const oldest = timings.keys().next().value;
    if (oldest !== undefined) timings.delete(oldest);
  }
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Streams `texts` as OpenAI chunks at `rate` tokens per second (0: as fast as possible). */
async function streamTimed(context: CaseContext, texts: readonly string[]): Promise<void> {
  const requestAt = epochNow();
  const rate = intParam(context.params, "rate", 0, 0, 1_000_000);
  const entry: StreamTimings = {
    requestAt,
    headersAt: 0,
    writes: [],
    ends: [],
    endAt: 0,
    aborted: false,
  };
  remember(context.params.get("tag"), entry);
  const { writer } = context;
  const stream = newChunkStream(context.model);
  writer.startStream(200, streamHeaders());
  entry.headersAt = epochNow();
  await writer.write(roleFrame(stream));
  const interval = rate > 0 ? 1000 / rate : 0;
  const start = epochNow();
  let length = 0;
  for (const [index, text] of texts.entries()) {
    if (writer.closed) break;
    if (interval > 0) {
      const wait = start + index * interval - epochNow();
      // Timers have millisecond resolution: above ~1,000 tokens/s several go out per wake-up.
      if (wait >= 1) await writer.sleep(Math.floor(wait));
    } else if (index > 0) {
      await yieldToLoop();
    }
    await writer.write(dataFrame(chunk(stream, choiceList({ content: text }))));
    length += text.length;
    entry.writes.push(epochNow());
    entry.ends.push(length);
  }
  if (!writer.closed) {
    await writer.write(dataFrame(chunk(stream, choiceList({}, "stop"))));
    await writer.write(dataFrame(chunk(stream, [], { usage: openAIUsage(24, texts.length, 0, 0) })));
    await writer.write(DONE_FRAME);
  }
  entry.aborted = writer.closedByClient || entry.writes.length < texts.length;
  entry.endAt = epochNow();
  writer.end();
}

export const openAIBenchCases: Record<string, CaseScript> = {
  bench: (context) =>
    streamTimed(context, benchChunks(intParam(context.params, "tokens", 1_000, 1, 200_000))),
  "bench-markdown": (context) =>
    streamTimed(context, tokenize(benchMarkdown(intParam(context.params, "chars", 60_000, 1, 2_000_000)))),
};
