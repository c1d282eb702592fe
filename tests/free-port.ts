import { createServer } from "node:net";

/**
 * A TCP port on 127.0.0.1 that is free now, for a server that another process will open a few
 * seconds later (vite, wrangler).
 *
 * The port is drawn from 20000–32767, below Linux's ephemeral range (32768–60999): a port the OS
 * handed out with `listen(0)` is exactly what the next `listen(0)` or outgoing connection of a
 * parallel test (workerd opens many) may be given too, so the gap between checking and opening
 * lost races now and then. Below that range only an explicit choice like this one can collide,
 * and `startDevServer` retries on a new port when it does.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    if (await canListen(port)) return port;
  }
  return listenAnywhere();
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function listenAnywhere(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
