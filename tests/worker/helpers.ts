/**
 * Helpers for worker tests: they talk to the real worker (`exports.default.fetch`) inside
 * workerd, with real D1, real ConversationRoom objects and real WebSockets.
 */
import { env, exports } from "cloudflare:workers";
import { changesRoomState, nextRoomVersion, parseServerFrame, type ServerFrame } from "#protocol/frames";

export const ORIGIN = "http://localhost";

/**
 * A distinct documentation-range address per browser (per cookie), as real browsers on their
 * own networks would have, so the per-IP guest rate limit of one test does not spill into
 * another. Tests about rate limits set `cf-connecting-ip` themselves.
 */
function addressFor(cookie: string | null): string {
  let hash = 0;
  for (const char of cookie ?? crypto.randomUUID()) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return `2001:db8::${(hash >>> 16).toString(16)}:${(hash & 0xffff).toString(16)}`;
}

export function workerFetch(path: string, init?: RequestInit): Promise<Response> {
  const request = new Request(`${ORIGIN}${path}`, init);
  if (!request.headers.has("cf-connecting-ip")) {
    request.headers.set("cf-connecting-ip", addressFor(request.headers.get("cookie")));
  }
  return exports.default.fetch(request);
}

/** A new browser: returns the cookie header value of a fresh guest session. */
export async function newGuest(): Promise<string> {
  const response = await workerFetch("/api/v1/session");
  const setCookie = response.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0];
  if (!cookie?.startsWith("parley_session=")) throw new Error(`no session cookie: ${setCookie}`);
  return cookie;
}

export async function createConversation(cookie: string): Promise<string> {
  const response = await workerFetch("/api/v1/conversations", {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({}),
  });
  if (response.status !== 201) throw new Error(`create failed: ${response.status}`);
  const body = await response.json<{ conversation: { id: string } }>();
  return body.conversation.id;
}

/** A prompt that makes the fake upstream stream `tokens` slow tokens, logged under `tag`. */
export function slowPrompt(tag: string, tokens = 60, delay = 15): string {
  return `Count for me [[case:slow tokens=${tokens} delay=${delay} tag=${tag}]]`;
}

export function uniqueTag(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export interface RoomClient {
  socket: WebSocket;
  frames: ServerFrame[];
  /** Every frame as it came over the wire (what it cost). */
  raw: string[];
  /** Waits for the first frame (from the start of the connection) matching `predicate`. */
  waitFor<T extends ServerFrame>(
    predicate: (frame: ServerFrame) => frame is T,
    timeoutMs?: number,
  ): Promise<T>;
  waitFor(predicate: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>;
  send(frame: unknown): void;
  /** The text of `messageId` as this client assembles it from snapshot and deltas by offset. */
  textOf(messageId: string): string;
  /** The room version this client holds, as the web app counts it (to quote in `?version=`). */
  version(): string | null;
  /** Settles with the close code and reason when the server (or the test) closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/**
 * Opens a socket to a conversation's room. `held` seeds the texts this device already has, as a
 * reconnecting browser would (it then passes `?resume=…&offset=…`, maybe `&version=…`, in `query`).
 */
export async function connectRoom(
  conversationId: string,
  cookie: string,
  query = "",
  held: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<RoomClient> {
  const response = await workerFetch(`/parties/conversation/${conversationId}${query}`, {
    headers: { upgrade: "websocket", cookie, ...headers },
  });
  const socket = response.webSocket;
  if (response.status !== 101 || !socket) throw new Error(`upgrade refused: ${response.status}`);
  socket.accept();
  const frames: ServerFrame[] = [];
  const raw: string[] = [];
  const waiters = new Set<() => void>();
  const texts = new Map<string, string>(Object.entries(held));
  const params = new URLSearchParams(query);
  const resumeId = params.get("resume");
  let version = params.get("version");
  socket.addEventListener("message", (event) => {
    const data = typeof event.data === "string" ? event.data : "";
    const frame = parseServerFrame(data);
    if (!frame) throw new Error(`unparsable frame: ${String(event.data)}`);
    frames.push(frame);
    raw.push(data);
    applyToTexts(texts, frame, resumeId);
    if (frame.type === "snapshot") version = frame.version;
    else if (version !== null && changesRoomState(frame)) version = nextRoomVersion(version);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })),
  );
  const client: RoomClient = {
    socket,
    frames,
    raw,
    closed,
    waitFor(predicate: (frame: ServerFrame) => boolean, timeoutMs = 10_000) {
      return new Promise<ServerFrame>((resolve, reject) => {
        const check = () => {
          const found = frames.find(predicate);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; frames so far: ${frames.map((f) => f.type).join(",")}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    send: (frame) => socket.send(JSON.stringify(frame)),
    textOf: (messageId) => texts.get(messageId) ?? "",
    version: () => version,
    close: () => socket.close(1000, "test done"),
  };
  return client;
}

/**
 * Whether a socket gets into a conversation's room: `"entered"` (its first frame is the room's), or
 * the refusal as `"<error code> <close code>"`, e.g. `"not_found 4404"` (the socket is accepted,
 * told why, and closed; nothing of the room is sent).
 */
export async function roomEntry(
  conversationId: string,
  cookie: string,
  query = "",
  headers: Record<string, string> = {},
): Promise<string> {
  const client = await connectRoom(conversationId, cookie, query, {}, headers);
  const first = await client.waitFor(() => true);
  if (first.type !== "error") {
    client.close();
    return "entered";
  }
  const { code } = await client.closed;
  if (client.frames.length !== 1) throw new Error(`a refused socket got ${client.frames.length} frames`);
  return `${first.code} ${code}`;
}

/**
 * The client-side merge rule of docs/protocol.md: a delta whose offset matches the text held so
 * far is appended; one that overlaps is trimmed; a gap is an error the test must notice.
 */
function applyToTexts(texts: Map<string, string>, frame: ServerFrame, resumeId: string | null): void {
  if (frame.type === "resumed") {
    // The rest of the message this device named in `?resume=`, from `offset`.
    if (frame.text === "") return;
    if (resumeId === null) throw new Error("resumed text for a device that named no message");
    const held = texts.get(resumeId) ?? "";
    if (frame.offset > held.length)
      throw new Error(`gap in ${resumeId}: have ${held.length}, got ${frame.offset}`);
    texts.set(resumeId, held + frame.text.slice(held.length - frame.offset));
  } else if (frame.type === "snapshot") {
    // Stored text and held text are prefixes of the same message: keep the longer one.
    for (const message of frame.messages) {
      const held = texts.get(message.id) ?? "";
      texts.set(message.id, held.length > message.content.length ? held : message.content);
    }
    if (frame.live) {
      const held = texts.get(frame.live.messageId) ?? "";
      texts.set(frame.live.messageId, held.slice(0, frame.live.offset) + frame.live.text);
    }
  } else if (frame.type === "path") {
    for (const message of frame.messages) {
      const held = texts.get(message.id) ?? "";
      texts.set(message.id, held.length > message.content.length ? held : message.content);
    }
  } else if (frame.type === "message") {
    // A reopened (continued) answer keeps the text this device holds.
    const held = texts.get(frame.message.id) ?? "";
    texts.set(frame.message.id, held.length > frame.message.content.length ? held : frame.message.content);
  } else if (frame.type === "delta") {
    const held = texts.get(frame.messageId) ?? "";
    if (frame.offset > held.length)
      throw new Error(`gap in ${frame.messageId}: have ${held.length}, got ${frame.offset}`);
    texts.set(frame.messageId, held + frame.text.slice(held.length - frame.offset));
  }
}

export const isType =
  <K extends ServerFrame["type"]>(type: K) =>
  (frame: ServerFrame): frame is Extract<ServerFrame, { type: K }> =>
    frame.type === type;

export function isDoneFor(messageId: string) {
  return (frame: ServerFrame): frame is Extract<ServerFrame, { type: "done" }> =>
    frame.type === "done" && frame.messageId === messageId;
}

export interface UpstreamRequestLog {
  path: string;
  closedByClient: boolean;
  finished: boolean;
  attempt: number;
  headers: Record<string, string>;
  body: unknown;
}

export async function upstreamRequests(tag: string): Promise<UpstreamRequestLog[]> {
  const response = await fetch(`${env.FAKE_UPSTREAM_URL}/__control/requests?tag=${encodeURIComponent(tag)}`);
  const body = await response.json<{ requests: UpstreamRequestLog[] }>();
  return body.requests;
}

export async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface StoredMessage {
  id: string;
  role: string;
  status: string;
  content: string;
  finish_reason: string | null;
}

export async function storedMessages(conversationId: string): Promise<StoredMessage[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, role, status, content, finish_reason FROM messages WHERE conversation_id = ? ORDER BY position",
  )
    .bind(conversationId)
    .all<StoredMessage>();
  return results;
}

export async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ["users", "conversations", "messages"]) {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
    counts[table] = row?.n ?? -1;
  }
  return counts;
}

/** `POST /api/v1/chat/stream` as a browser with `cookie` would send it. */
export function postChat(
  cookie: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return workerFetch("/api/v1/chat/stream", {
    method: "POST",
    headers: { cookie, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a whole SSE answer into its named events. */
export async function readSse(response: Response): Promise<SseEvent[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.includes("data: "))
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? "",
      data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null") as Record<string, unknown>,
    }));
}
