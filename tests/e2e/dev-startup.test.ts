// `vite dev` (what `npm run dev` ends with) as a person sees it in the terminal: with a broken
// setting it stops at start, naming the variable and the rule but not the value; with a good one
// it prints one line with the URL, and no line per request, no stack trace for `Request.cf`
// offline, no banner or optimizer chatter (scripts/vite/dev-output.ts).
import { afterAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./server.ts";

const SHORT_TOKEN = "short-admin-token-Xq7";

describe("npm run dev's start", () => {
  let server: DevServer | undefined;
  afterAll(() => server?.stop());

  it("stops with the variable's name and rule when ADMIN_TOKEN is too short", async () => {
    const started = startDevServer({ env: { ADMIN_TOKEN: SHORT_TOKEN }, startTimeoutMs: 240_000 });
    const failure = await started.then(
      (running) => {
        server = running;
        return "";
      },
      (error: unknown) => String(error),
    );
    expect(failure).toMatch(/vite exited \(1\) before it was ready/);
    expect(failure).toContain("Parley cannot start: its configuration is invalid.");
    expect(failure).toContain(
      "  - ADMIN_TOKEN must be at least 32 characters; generate one with `openssl rand -base64 32`",
    );
    expect(failure).not.toContain(SHORT_TOKEN);
  }, 300_000);

  it("prints one line with the URL, and nothing for each request", async () => {
    server = await startDevServer({ startTimeoutMs: 240_000 });
    const running = server;
    await expect.poll(() => running.logs(), { timeout: 60_000 }).toContain("Parley is running at");
    for (const path of ["/", "/api/v1/models", "/api/v1/no-such-route", "/healthz"]) {
      expect((await fetch(`${running.url}${path}`)).status, path).toBeLessThan(500);
    }
    // The worker's lines arrive a moment after the answers; a request line would be there by then.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const lines = running
      .logs()
      .split("\n")
      .filter((line) => line.trim() !== "");
    expect(lines).toEqual([`Parley is running at ${running.url}/`]);
  }, 300_000);
});
