/**
 * Writes a scripted HTTP response the way a real upstream does: headers first, then frames with
 * pauses between them, each `write` its own chunk on the socket. It notices when the client hangs
 * up (the adapter aborted) so scripts stop writing, and it records whether the server or the
 * client ended the exchange.
 */
import type { ServerResponse } from "node:http";

export type LineEnding = "\n" | "\r\n" | "\r";

export class SseWriter {
  readonly res: ServerResponse;
  lineEnding: LineEnding = "\n";
  #closed = false;
  #destroyedByServer = false;
  #wakeSleepers = new Set<() => void>();

  constructor(res: ServerResponse) {
    this.res = res;
    res.socket?.setNoDelay(true);
    // `close` fires after a normal end too, and early when the client drops the connection.
    res.on("close", () => {
      this.#closed = true;
      for (const wake of this.#wakeSleepers) wake();
      this.#wakeSleepers.clear();
    });
  }

  /** True once the connection is gone, whoever closed it. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True when the client went away before the server finished the response. */
  get closedByClient(): boolean {
    return this.#closed && !this.#destroyedByServer && !this.res.writableFinished;
  }

  /** Waits `ms`, or less if the client hangs up meanwhile. */
  sleep(ms: number): Promise<void> {
    if (this.#closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#wakeSleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakeSleepers.add(wake);
    });
  }

  /** Waits until the client closes the connection (or `maxMs` passes). */
  async waitForClientClose(maxMs: number): Promise<void> {
    await this.sleep(maxMs);
  }

  startStream(status: number, headers: Record<string, string>): void {
    if (this.#closed) return;
    this.res.writeHead(status, headers);
    this.res.flushHeaders();
  }

  /** Writes text with `\n` line endings converted to the chosen ending. */
  async write(text: string): Promise<void> {
    const converted = this.lineEnding === "\n" ? text : text.replaceAll("\n", this.lineEnding);
    await this.writeBytes(Buffer.from(converted, "utf8"));
  }

  /** Writes raw bytes as one socket write, waiting for drain when the buffer is full. */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    if (this.#closed) return;
    if (this.res.write(bytes)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.on("drain", done);
      this.res.on("close", done);
    });
  }

  /** Writes each frame, pausing `delayMs` before every frame after the first. */
  async writeFrames(frames: readonly string[], delayMs: number): Promise<void> {
    for (const [index, frame] of frames.entries()) {
      if (this.#closed) return;
      if (index > 0) await this.sleep(delayMs);
      await this.write(frame);
    }
  }

  end(): void {
    if (!this.#closed) this.res.end();
  }

  /** Kills the TCP connection mid-response, as a crashing proxy or network drop would. */
  destroy(): void {
    this.#destroyedByServer = true;
    this.res.socket?.destroy();
  }

  /** A complete JSON (non-streaming) response, e.g. an HTTP error. */
  sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.sendBody(status, JSON.stringify(body), headers);
  }

  /** A complete response with exactly `payload` as its body (for APIs that pretty-print errors). */
  sendBody(status: number, payload: string, headers: Record<string, string> = {}): void {
    if (this.#closed) return;
    this.res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(payload)),
      ...headers,
    });
    this.res.end(payload);
  }
}

/** `data: {json}` frame, as OpenAI-style servers send it. */
export function dataFrame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** `event: name` + `data: {json}` frame, as Anthropic sends it. */
export function eventFrame(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** An SSE comment line (OpenRouter `: OPENROUTER PROCESSING`, DeepSeek `: keep-alive`). */
export function commentFrame(text: string): string {
  return `: ${text}\n\n`;
}

export const DONE_FRAME = "data: [DONE]\n\n";

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomId(prefix: string, length: number): string {
  let id = prefix;
  for (let index = 0; index < length; index++) {
    id += ID_ALPHABET[Math.floor(Math.random() * ID_ALPHABET.length)];
  }
  return id;
}
