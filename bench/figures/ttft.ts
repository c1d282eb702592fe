/**
 * Figure 1: added time to first token. The same short answer (8 tokens, written as fast as
 * possible) is asked for over each path, interleaved round-robin so a busy moment of the machine
 * hits every path alike:
 *
 * - direct: the fake upstream itself (OpenAI streaming request);
 * - pipe: through the zero-feature baseline worker;
 * - Parley, WebSocket: `send` in an open room → first `delta` frame (what the app does);
 * - Parley, HTTP: `POST /api/v1/chat/stream` into an existing conversation → first `delta` event;
 * - Parley, compatible API: `POST /v1/chat/completions` with a personal token into an existing
 *   conversation (`X-Parley-Conversation`) → first content chunk (what an OpenAI SDK does);
 * - Parley, Responses API: `POST /v1/responses` the same way, into its own existing conversation
 *   → first `response.output_text.delta` event;
 * - peer: AIChatAgent chat request → first `text-delta` chunk.
 *
 * Conversations are replaced every 10 turns so history stays short; each new one gets a warm-up
 * turn first. Added time = the paired difference with the pipe request of the same round.
 *
 * Each request is tagged, so the fake upstream's timestamps split the time in two: before the
 * request reached the upstream (what each system does first: for Parley, admission, storage
 * and the provider call) and from the upstream's first token write to the client.
 *
 * Afterwards, apart (a new chat also asks the title model for a title in the background, which
 * would disturb the interleaved rounds): 50 rounds of Parley's HTTP API without a conversation
 * (each creates one), each paired with a pipe request.
 */
import { benchText } from "../../tests/fake-upstream/bench-texts.ts";
import { ParleyGuest, PeerWatcher, type ParleyWatcher } from "../lib/clients.ts";
import { parleyApiToken, streamCompletion, streamResponse } from "../lib/openai-clients.ts";
import { agentName, scale, type BenchContext } from "../lib/context.ts";
import { sleep } from "../lib/processes.ts";
import { roundSummary, summarize, type Summary } from "../lib/stats.ts";
import { benchMarker, newTag } from "../lib/upstream.ts";

const TOKENS = 8;
const ROTATE_EVERY = 10;

export interface TtftResult {
  samples: number;
  /** Time to first token per path, ms. */
  paths: Record<string, Summary>;
  /** Paired differences, ms: path − pipe of the same round. */
  addedOverPipe: Record<string, Summary>;
  /** pipe − direct: what the local runtime itself adds. */
  pipeOverDirect: Summary;
  /** Per path, ms: from sending to the request's arrival at the upstream. */
  beforeUpstream: Record<string, Summary>;
  /** Per path, ms: from the upstream writing the first token to the client holding it. */
  afterUpstream: Record<string, Summary>;
  /** Per path: answers whose text was not what the upstream sent (their timings mean nothing). */
  wrongText: Record<string, number>;
  errors: string[];
}

type Path =
  "direct" | "pipe" | "parleyWs" | "parleyHttp" | "parleyApi" | "parleyResponses" | "parleyHttpNew" | "peer";
/** The interleaved paths (parleyHttpNew runs apart, see above). */
const PATHS: Path[] = ["direct", "pipe", "parleyWs", "parleyHttp", "parleyApi", "parleyResponses", "peer"];
const NEW_CHAT_ROUNDS = 50;

export async function measureTtft(context: BenchContext): Promise<TtftResult> {
  const samples = scale(context, 200, 20);
  const warmup = scale(context, 10, 3);
  const expected = benchText(TOKENS);
  const marker = (tag = newTag("ttft")) => `Benchmark prompt ${benchMarker(TOKENS, 0, tag)}`;
  const errors: string[] = [];
  const wrongText: Record<string, number> = {};
  const guest = await ParleyGuest.create(context.parley.url);
  const apiKey = await parleyApiToken(context.parley.url);

  // The conversations in use (replaced every ROTATE_EVERY rounds).
  const current: {
    room: ParleyWatcher | null;
    httpConversation: string;
    apiConversation: string;
    responsesConversation: string;
    peer: PeerWatcher | null;
  } = { room: null, httpConversation: "", apiConversation: "", responsesConversation: "", peer: null };

  const check = (path: Path, text: string) => {
    if (text === expected) return;
    wrongText[path] = (wrongText[path] ?? 0) + 1;
    if (errors.length < 20) errors.push(`${path}: got ${JSON.stringify(text.slice(0, 60))}`);
  };

  /** One request over a path: when it was sent and when its first token arrived. */
  type Run = (tag: string) => Promise<{ sentAt: number; firstAt: number }>;
  const runners: Record<Path, Run> = {
    direct: async (tag) => {
      const result = await streamCompletion(context.upstream.url, marker(tag));
      check("direct", result.text);
      return { sentAt: result.sentAt, firstAt: result.firstTokenAt };
    },
    pipe: async (tag) => {
      const result = await streamCompletion(context.baseline.url, marker(tag));
      check("pipe", result.text);
      return { sentAt: result.sentAt, firstAt: result.firstTokenAt };
    },
    parleyWs: async (tag) => {
      const watcher = current.room!;
      watcher.reset();
      const sentAt = watcher.sendPrompt(marker(tag));
      const firstAt = await watcher.whenFirstDelta();
      await watcher.whenDone();
      check("parleyWs", watcher.text);
      return { sentAt, firstAt };
    },
    parleyHttp: async (tag) => {
      const result = await guest.chatStream(marker(tag), current.httpConversation);
      check("parleyHttp", result.text);
      return { sentAt: result.sentAt, firstAt: result.firstTokenAt };
    },
    parleyApi: async (tag) => {
      const result = await streamCompletion(context.parley.url, marker(tag), {
        apiKey,
        headers: current.apiConversation ? { "X-Parley-Conversation": current.apiConversation } : {},
      });
      check("parleyApi", result.text);
      return { sentAt: result.sentAt, firstAt: result.firstTokenAt };
    },
    parleyResponses: async (tag) => {
      const result = await streamResponse(context.parley.url, marker(tag), {
        apiKey,
        headers: { "X-Parley-Conversation": current.responsesConversation },
      });
      check("parleyResponses", result.text);
      return { sentAt: result.sentAt, firstAt: result.firstTokenAt };
    },
    parleyHttpNew: async (tag) => {
      const result = await guest.chatStream(marker(tag));
      check("parleyHttpNew", result.text);
      return { sentAt: result.sentAt, firstAt: result.firstTokenAt };
    },
    peer: async (tag) => {
      const watcher = current.peer!;
      watcher.reset();
      const sentAt = watcher.sendPrompt(marker(tag));
      const firstAt = await watcher.whenFirstDelta();
      await watcher.whenDone();
      check("peer", watcher.text);
      watcher.rememberAnswer();
      return { sentAt, firstAt };
    },
  };

  const before: Record<Path, number[]> = {
    direct: [],
    pipe: [],
    parleyWs: [],
    parleyHttp: [],
    parleyApi: [],
    parleyResponses: [],
    parleyHttpNew: [],
    peer: [],
  };
  const after: Record<Path, number[]> = structuredClone(before);
  /** Runs one measured request and splits its time with the upstream's timestamps. */
  const measure = async (path: Path): Promise<number> => {
    const tag = newTag("ttft");
    const { sentAt, firstAt } = await runners[path](tag);
    const timings = await context.upstream.timings(tag);
    before[path].push(timings.requestAt - sentAt);
    after[path].push(firstAt - (timings.writes[0] ?? Number.NaN));
    return firstAt - sentAt;
  };
  const unmeasured = (path: Path) => runners[path](newTag("ttft-warm"));

  /** Fresh conversations for the stateful paths, each warmed up by one unmeasured turn. */
  const rotate = async () => {
    await current.room?.close();
    await current.peer?.close();
    current.room = await guest.connect(await guest.createConversation());
    current.httpConversation = (await guest.chatStream(marker(newTag("ttft-warm")))).conversationId;
    current.apiConversation =
      (await streamCompletion(context.parley.url, marker(newTag("ttft-warm")), { apiKey })).conversationId ??
      "";
    const started = await streamResponse(context.parley.url, marker(newTag("ttft-warm")), { apiKey });
    // Without it every measured call would start a new conversation (and a title request).
    if (!started.conversationId) throw new Error("/v1/responses answered without X-Parley-Conversation");
    current.responsesConversation = started.conversationId;
    current.peer = await PeerWatcher.open(context.peer.url, agentName("ttft"));
    await unmeasured("parleyWs");
    await unmeasured("peer");
    // Let the first turn's automatic title request finish before measuring.
    await sleep(300);
  };

  await rotate();
  for (let index = 0; index < warmup; index++) {
    for (const path of [...PATHS, "parleyHttpNew" as const]) await unmeasured(path);
  }

  const values: Record<Path, number[]> = {
    direct: [],
    pipe: [],
    parleyWs: [],
    parleyHttp: [],
    parleyApi: [],
    parleyResponses: [],
    parleyHttpNew: [],
    peer: [],
  };
  for (let round = 0; round < samples; round++) {
    if (round > 0 && round % ROTATE_EVERY === 0) await rotate();
    // Start each round at a different path so none always follows another.
    for (let step = 0; step < PATHS.length; step++) {
      const path = PATHS[(round + step) % PATHS.length]!;
      values[path].push(await measure(path));
    }
    if (round % 50 === 49) context.log(`  ttft: ${round + 1}/${samples} rounds`);
  }
  await current.room?.close();
  await current.peer?.close();

  const newChatPipe: number[] = [];
  for (let round = 0; round < scale(context, NEW_CHAT_ROUNDS, 5); round++) {
    newChatPipe.push(await measure("pipe"));
    values.parleyHttpNew.push(await measure("parleyHttpNew"));
    // Let that chat's title request finish before the next round.
    await sleep(100);
  }

  const paired = (path: Path) => {
    const pipe = path === "parleyHttpNew" ? newChatPipe : values.pipe;
    return values[path].map((value, index) => value - (pipe[index] ?? Number.NaN));
  };
  return {
    samples,
    paths: Object.fromEntries(
      [...PATHS, "parleyHttpNew" as const].map((path) => [path, roundSummary(summarize(values[path]))]),
    ),
    addedOverPipe: Object.fromEntries(
      (["parleyWs", "parleyHttp", "parleyApi", "parleyResponses", "parleyHttpNew", "peer"] as const).map(
        (path) => [path, roundSummary(summarize(paired(path)))],
      ),
    ),
    beforeUpstream: Object.fromEntries(
      Object.entries(before).map(([path, list]) => [path, roundSummary(summarize(list))]),
    ),
    afterUpstream: Object.fromEntries(
      Object.entries(after).map(([path, list]) => [path, roundSummary(summarize(list))]),
    ),
    pipeOverDirect: roundSummary(
      summarize(values.pipe.map((value, index) => value - (values.direct[index] ?? Number.NaN))),
    ),
    wrongText,
    errors,
  };
}
