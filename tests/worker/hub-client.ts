// A test device's socket to its person's UserHub (worker/hub/UserHub.ts), through the worker.
import { parseHubFrame, type HubFrame } from "#protocol/hub";
import { workerFetch } from "./helpers";

export interface HubClient {
  socket: WebSocket;
  frames: HubFrame[];
  waitFor(predicate: (frame: HubFrame) => boolean, timeoutMs?: number): Promise<HubFrame>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function connectHub(cookie: string): Promise<HubClient> {
  const response = await workerFetch("/parties/hub", { headers: { upgrade: "websocket", cookie } });
  const socket = response.webSocket;
  if (response.status !== 101 || !socket) throw new Error(`hub upgrade refused: ${response.status}`);
  socket.accept();
  const frames: HubFrame[] = [];
  const wakers = new Set<() => void>();
  socket.addEventListener("message", (event) => {
    const frame = typeof event.data === "string" ? parseHubFrame(event.data) : null;
    if (!frame) throw new Error(`unparsable hub frame: ${String(event.data)}`);
    frames.push(frame);
    for (const wake of wakers) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })),
  );
  return {
    socket,
    frames,
    closed,
    waitFor: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find(predicate);
          if (!found) return false;
          wakers.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          reject(new Error(`hub timed out; frames: ${frames.map((f) => f.type).join(",")}`));
        }, timeoutMs);
        if (!check()) wakers.add(check);
      }),
    close: () => socket.close(1000, "test done"),
  };
}
