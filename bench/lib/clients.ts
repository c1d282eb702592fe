/**
 * Benchmark clients for the three systems, each recording when it received what:
 *
 * - `ParleyGuest` / `ParleyWatcher`: a guest session and a room WebSocket speaking Parley's
 *   protocol (docs/protocol.md), with the offset merge rule and resume.
 * - `PeerWatcher`: a WebSocket speaking AIChatAgent's `cf_agent_*` protocol, the way its own
 *   client transport does (chat request, resume request/ack, replayed chunks deduplicated by seq).
 *
 * The HTTP streaming clients (OpenAI's Chat Completions and Responses, and the personal token
 * Parley's compatible API needs) are in openai-clients.ts.
 *
 * Receive times are taken first thing in each handler. Frames are read with plain `JSON.parse`
 * (no schema validation) to keep the client's own cost per frame small: with 64 sockets in one
 * process, every microsecond spent per frame shows up in the later sockets' delays. Correctness is
 * checked instead by comparing each client's final text with what the upstream sent.
 */
import { changesRoomState, nextRoomVersion, parseServerFrame, type ServerFrame } from "#protocol/frames";
import { BENCH_MODEL, now, type Arrival } from "./upstream.ts";

const byteLength = (text: string): number => Buffer.byteLength(text, "utf8");

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Node's WebSocket (undici) takes request headers as a non-standard option. */
function openSocket(url: string, headers: Record<string, string> = {}): WebSocket {
  const init = { headers } as unknown as string[];
  return new WebSocket(url, init);
}

// ---------------------------------------------------------------------------------------------
// Parley
// ---------------------------------------------------------------------------------------------

export class ParleyGuest {
  readonly baseUrl: string;
  readonly cookie: string;

  private constructor(baseUrl: string, cookie: string) {
    this.baseUrl = baseUrl;
    this.cookie = cookie;
  }

  /** A new guest: its session cookie comes with the first API answer. */
  static async create(baseUrl: string): Promise<ParleyGuest> {
    const response = await fetch(`${baseUrl}/api/v1/session`);
    await response.arrayBuffer();
    const cookie = response.headers
      .getSetCookie()
      .map((value) => value.split(";")[0])
      .join("; ");
    if (!cookie.includes("parley_session=")) throw new Error("Parley gave no session cookie");
    return new ParleyGuest(baseUrl, cookie);
  }

  async createConversation(): Promise<string> {
    const response = await fetch(`${this.baseUrl}/api/v1/conversations`, {
      method: "POST",
      headers: { cookie: this.cookie, "content-type": "application/json" },
      body: JSON.stringify({ model: BENCH_MODEL }),
    });
    const body = (await response.json()) as { conversation?: { id: string } };
    if (!response.ok || !body.conversation) throw new Error(`create conversation: ${response.status}`);
    return body.conversation.id;
  }

  connect(conversationId: string, query = "", seed?: ParleySeed): Promise<ParleyWatcher> {
    return ParleyWatcher.open(this, conversationId, query, seed);
  }

  /**
   * `POST /api/v1/chat/stream`: resolves with the time of the first `delta` event and the full
   * text once `done` arrives.
   */
  async chatStream(
    content: string,
    conversationId?: string,
  ): Promise<{ sentAt: number; firstTokenAt: number; text: string; conversationId: string }> {
    const sentAt = now();
    const response = await fetch(`${this.baseUrl}/api/v1/chat/stream`, {
      method: "POST",
      headers: { cookie: this.cookie, "content-type": "application/json" },
      body: JSON.stringify({
        model: BENCH_MODEL,
        messages: [{ role: "user", content }],
        ...(conversationId ? { conversationId } : {}),
      }),
    });
    if (!response.ok || !response.body)
      throw new Error(`chat/stream: ${response.status} ${await response.text()}`);
    let firstTokenAt = 0;
    let text = "";
    let id = conversationId ?? "";
    let buffer = "";
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      const at = now();
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(event)?.[1];
        const data = /^data: (.*)$/m.exec(event)?.[1] ?? "null";
        if (name === "delta") {
          if (firstTokenAt === 0) firstTokenAt = at;
          text += (JSON.parse(data) as { text: string }).text;
        } else if (name === "meta") {
          id = (JSON.parse(data) as { conversationId: string }).conversationId;
        }
      }
    }
    return { sentAt, firstTokenAt, text, conversationId: id };
  }
}

/** What a reconnecting device already holds: the answer it follows so far, and the room version. */
export interface ParleySeed {
  messageId: string;
  text: string;
  version: string | null;
}

/**
 * One device in a Parley room. Tracks the answer being streamed with the merge rule, and the room
 * version the way the app does (docs/protocol.md#reconnecting), to quote when it reconnects.
 */
export class ParleyWatcher {
  readonly ws: WebSocket;
  /** The assistant message being followed and the text held for it. */
  messageId: string | null = null;
  text = "";
  arrivals: Arrival[] = [];
  /** Every frame on this socket since `reset()`. */
  frames = 0;
  bytes = 0;
  /** Delta frames for the followed message. */
  deltaFrames = 0;
  /** Gaps noticed (a delta past what we hold → `resume`). */
  gaps = 0;
  doneLength: number | null = null;
  /** When the first frame (`snapshot`, or `resumed` after a reconnect) arrived. */
  snapshotAt = 0;
  /** The room version this device holds every change of; null until a snapshot or after a gap. */
  version: string | null = null;
  private done = deferred<void>();
  private firstDelta = deferred<number>();
  private snapshot = deferred<void>();
  readonly errors: string[] = [];

  private constructor(url: string, cookie: string) {
    this.ws = openSocket(url, { cookie });
    this.ws.addEventListener("message", (event) => this.onMessage(now(), String(event.data)));
    this.ws.addEventListener("close", () => {
      this.snapshot.reject(new Error("the room closed the socket"));
    });
    this.ws.addEventListener("error", () => this.snapshot.reject(new Error("room socket error")));
    // Unhandled rejections of promises nobody waits on are not failures here.
    this.snapshot.promise.catch(() => undefined);
    this.done.promise.catch(() => undefined);
    this.firstDelta.promise.catch(() => undefined);
  }

  static async open(
    guest: ParleyGuest,
    conversationId: string,
    query: string,
    seed?: ParleySeed,
  ): Promise<ParleyWatcher> {
    const url = `${guest.baseUrl.replace(/^http/, "ws")}/parties/conversation/${conversationId}${query}`;
    const watcher = new ParleyWatcher(url, guest.cookie);
    // What a reconnecting device already holds (no frame can arrive before this line runs).
    if (seed) {
      watcher.messageId = seed.messageId;
      watcher.text = seed.text;
      watcher.version = seed.version;
    }
    await withTimeout(watcher.snapshot.promise, 30_000, "Parley snapshot");
    return watcher;
  }

  /** Forget the previous answer: the next streaming assistant message is followed. */
  reset(): void {
    this.messageId = null;
    this.text = "";
    this.arrivals = [];
    this.frames = 0;
    this.bytes = 0;
    this.deltaFrames = 0;
    this.gaps = 0;
    this.doneLength = null;
    this.done = deferred<void>();
    this.firstDelta = deferred<number>();
    this.done.promise.catch(() => undefined);
    this.firstDelta.promise.catch(() => undefined);
  }

  send(frame: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends a prompt; resolves with the moment it was handed to the socket. */
  sendPrompt(content: string): number {
    const sentAt = now();
    this.send({ type: "send", content, model: BENCH_MODEL });
    return sentAt;
  }

  whenDone(timeoutMs = 120_000): Promise<void> {
    return withTimeout(this.done.promise, timeoutMs, "Parley done frame").catch((error: unknown) => {
      const state = `holds ${this.text.length} chars of ${this.doneLength ?? "?"}, ${this.frames} frames, ${this.gaps} gaps, message ${this.messageId}, errors ${this.errors.join("; ")}`;
      throw new Error(`${String(error)} (${state})`);
    });
  }

  whenFirstDelta(timeoutMs = 60_000): Promise<number> {
    return withTimeout(this.firstDelta.promise, timeoutMs, "Parley first delta");
  }

  /**
   * Starts the closing handshake and returns without waiting for it: under `wrangler dev` the
   * runtime does not always answer a client's close frame promptly, and nothing here needs it.
   */
  close(): Promise<void> {
    this.ws.close();
    return Promise.resolve();
  }

  private onMessage(at: number, data: string): void {
    this.frames++;
    this.bytes += byteLength(data);
    // Parsed and checked the way the app does it.
    const frame = parseServerFrame(data);
    if (!frame) {
      this.errors.push(`invalid frame ${data.slice(0, 80)}`);
      return;
    }
    this.apply(at, frame);
  }

  private apply(at: number, frame: ServerFrame): void {
    if (frame.type === "snapshot") this.version = frame.version;
    else if (this.version !== null && changesRoomState(frame)) this.version = nextRoomVersion(this.version);
    switch (frame.type) {
      case "resumed":
        // Nothing but text changed while away: the rest of the answer we named, from `offset`.
        this.snapshotAt = at;
        if (this.messageId !== null && frame.text !== "") this.merge(at, frame.offset, frame.text);
        this.snapshot.resolve();
        return;
      case "snapshot": {
        this.snapshotAt = at;
        if (frame.live && (this.messageId === null || this.messageId === frame.live.messageId)) {
          this.messageId = frame.live.messageId;
          this.merge(at, frame.live.offset, frame.live.text);
        } else if (this.messageId !== null) {
          // The answer ended while we were away: the snapshot holds it as stored.
          const stored = frame.messages.find((message) => message.id === this.messageId);
          if (stored && stored.status !== "streaming") {
            this.merge(at, 0, stored.content);
            this.doneLength = stored.content.length;
            this.done.resolve();
          }
        }
        this.snapshot.resolve();
        return;
      }
      case "message":
        if (
          frame.message.role === "assistant" &&
          frame.message.status === "streaming" &&
          this.messageId === null
        ) {
          this.messageId = frame.message.id;
        } else if (frame.message.id === this.messageId && frame.message.status !== "streaming") {
          // The answer to a `resume` for a message that has ended: the stored message.
          this.merge(at, 0, frame.message.content);
          this.doneLength = frame.message.content.length;
          this.done.resolve();
        }
        return;
      case "delta":
        if (this.messageId === null) this.messageId = frame.messageId;
        if (frame.messageId !== this.messageId) return;
        this.deltaFrames++;
        this.merge(at, frame.offset, frame.text);
        if (this.arrivals.length > 0) this.firstDelta.resolve(this.arrivals[0]!.at);
        return;
      case "done":
        if (frame.messageId !== this.messageId) return;
        this.doneLength = frame.length;
        if (this.text.length < frame.length) {
          this.gaps++;
          this.version = null;
          this.send({ type: "resume", messageId: frame.messageId, offset: this.text.length });
          return;
        }
        this.done.resolve();
        return;
      case "error":
        this.errors.push(`${frame.code}: ${frame.message}`);
        this.done.reject(new Error(`Parley error ${frame.code}: ${frame.message}`));
        return;
      default:
        return;
    }
  }

  /** The merge rule of docs/protocol.md. */
  private merge(at: number, offset: number, text: string): void {
    const have = this.text.length;
    if (offset > have) {
      this.gaps++;
      // As in the app: the answer may be a `message` only we get, so our count is no longer sure.
      this.version = null;
      if (this.messageId) this.send({ type: "resume", messageId: this.messageId, offset: have });
      return;
    }
    const fresh = text.slice(have - offset);
    if (fresh === "") return;
    this.text += fresh;
    this.arrivals.push({ at, chars: this.text.length, bytes: this.bytes });
    if (this.doneLength !== null && this.text.length >= this.doneLength) this.done.resolve();
  }
}

// ---------------------------------------------------------------------------------------------
// Peer: AIChatAgent
// ---------------------------------------------------------------------------------------------

interface PeerFrame {
  type?: string;
  id?: string;
  body?: string;
  done?: boolean;
  error?: boolean;
  replay?: boolean;
  replayComplete?: boolean;
  seq?: number;
}

interface UiMessage {
  id: string;
  role: "user" | "assistant";
  parts: Array<{ type: "text"; text: string }>;
}

/** One device connected to an AIChatAgent. */
export class PeerWatcher {
  readonly ws: WebSocket;
  requestId: string | null = null;
  text = "";
  arrivals: Arrival[] = [];
  frames = 0;
  bytes = 0;
  /** Frames that carried a chunk of the followed response. */
  responseFrames = 0;
  /** Replayed chunks received (after a reconnect). */
  replayed = 0;
  private lastSeq = -1;
  private acked = new Set<string>();
  private done = deferred<void>();
  private firstDelta = deferred<number>();
  private opened = deferred<void>();
  readonly errors: string[] = [];
  /** The conversation as the AI SDK client keeps it (it sends the whole list with each request). */
  history: UiMessage[] = [];

  private constructor(url: string) {
    this.ws = openSocket(url);
    this.ws.addEventListener("message", (event) => this.onMessage(now(), String(event.data)));
    this.ws.addEventListener("open", () => this.opened.resolve());
    this.ws.addEventListener("close", () => {
      this.opened.reject(new Error("the agent closed the socket"));
    });
    this.opened.promise.catch(() => undefined);
    this.done.promise.catch(() => undefined);
    this.firstDelta.promise.catch(() => undefined);
  }

  /**
   * Connects to the agent `name`. With `resume`, it asks for an active stream as the agent's
   * client does after a reconnect, and follows the replay from the first chunk.
   */
  static async open(baseUrl: string, name: string, resume = false): Promise<PeerWatcher> {
    const watcher = new PeerWatcher(`${baseUrl.replace(/^http/, "ws")}/agents/peer-chat/${name}`);
    await withTimeout(watcher.opened.promise, 30_000, "peer socket open");
    if (resume) {
      watcher.ws.send(
        JSON.stringify({
          type: "cf_agent_stream_resume_request",
          probeId: Math.random().toString(36).slice(2),
        }),
      );
    }
    return watcher;
  }

  reset(): void {
    this.requestId = null;
    this.text = "";
    this.arrivals = [];
    this.frames = 0;
    this.bytes = 0;
    this.responseFrames = 0;
    this.replayed = 0;
    this.lastSeq = -1;
    this.done = deferred<void>();
    this.firstDelta = deferred<number>();
    this.done.promise.catch(() => undefined);
    this.firstDelta.promise.catch(() => undefined);
  }

  /** Sends a chat request the way the AI SDK transport does; returns when it was sent. */
  sendPrompt(content: string): number {
    const requestId = Math.random().toString(36).slice(2, 10);
    this.requestId = requestId;
    this.history.push({ id: `u-${requestId}`, role: "user", parts: [{ type: "text", text: content }] });
    const body = JSON.stringify({ messages: this.history, trigger: "submit-message" });
    const sentAt = now();
    this.ws.send(
      JSON.stringify({ type: "cf_agent_use_chat_request", id: requestId, init: { method: "POST", body } }),
    );
    return sentAt;
  }

  /** After the answer: keep it in the history the next request sends. */
  rememberAnswer(): void {
    this.history.push({
      id: `a-${this.requestId}`,
      role: "assistant",
      parts: [{ type: "text", text: this.text }],
    });
  }

  whenDone(timeoutMs = 120_000): Promise<void> {
    return withTimeout(this.done.promise, timeoutMs, "peer done frame");
  }

  whenFirstDelta(timeoutMs = 60_000): Promise<number> {
    return withTimeout(this.firstDelta.promise, timeoutMs, "peer first delta");
  }

  /**
   * Starts the closing handshake and returns without waiting for it: under `wrangler dev` the
   * runtime does not always answer a client's close frame promptly, and nothing here needs it.
   */
  close(): Promise<void> {
    this.ws.close();
    return Promise.resolve();
  }

  private onMessage(at: number, data: string): void {
    this.frames++;
    this.bytes += byteLength(data);
    let frame: PeerFrame;
    try {
      frame = JSON.parse(data) as PeerFrame;
    } catch {
      this.errors.push("unparsable frame");
      return;
    }
    if (frame.type === "cf_agent_stream_resuming" && frame.id && !this.acked.has(frame.id)) {
      this.acked.add(frame.id);
      this.requestId ??= frame.id;
      this.ws.send(JSON.stringify({ type: "cf_agent_stream_resume_ack", id: frame.id }));
      return;
    }
    if (frame.type !== "cf_agent_use_chat_response" || !frame.id) return;
    this.requestId ??= frame.id;
    if (frame.id !== this.requestId) return;
    this.responseFrames++;
    if (frame.error) {
      this.errors.push(frame.body ?? "error");
      this.done.reject(new Error(`peer error: ${frame.body ?? ""}`));
      return;
    }
    if (typeof frame.seq === "number") {
      // A replayed chunk we already applied, or a live one we saw in the replay.
      if (frame.seq <= this.lastSeq) return;
      this.lastSeq = frame.seq;
    }
    if (frame.replay) this.replayed++;
    if (frame.body) {
      try {
        const chunk = JSON.parse(frame.body) as { type?: string; delta?: string };
        if (chunk.type === "text-delta" && typeof chunk.delta === "string" && chunk.delta !== "") {
          this.text += chunk.delta;
          this.arrivals.push({ at, chars: this.text.length, bytes: this.bytes });
          this.firstDelta.resolve(at);
        }
      } catch {
        this.errors.push("unparsable chunk");
      }
    }
    if (frame.done) this.done.resolve();
  }
}
