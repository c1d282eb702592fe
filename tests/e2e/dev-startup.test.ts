// `vite dev` (what `npm run dev` ends with) as a person sees it in the terminal: with a broken
// setting it stops at start, naming the variable and the rule but not the value; with a good one
// it prints one line with the URL, and no line per request, no stack trace for `Request.cf`
// offline, no banner or optimizer chatter (scripts/vite/dev-output.ts). Before it, the migration
// step (scripts/dev-migrate.ts) says in one line what it did to the local database.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";

/** `npm run dev`'s migration step against a database of its own; its exit code and output lines. */
function migrate(stateDir: string): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, "scripts/dev-migrate.ts"), "--persist-to", stateDir],
      { cwd: repoRoot, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      resolve({ code, lines: output.split("\n").filter((line) => line.trim() !== "") }),
    );
  });
}

const SHORT_TOKEN = "short-admin-token-Xq7";

describe("npm run dev's start", () => {
  let server: DevServer | undefined;
  afterAll(() => server?.stop());

  it("prints one migrations summary, not wrangler's table per batch; then that it is up to date", async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), "parley-migrate-"));
    try {
      const migrations = readdirSync(path.join(repoRoot, "migrations")).filter((name) =>
        name.endsWith(".sql"),
      );
      const first = await migrate(stateDir);
      expect(first.code).toBe(0);
      expect(first.lines).toEqual([`Local database: applied ${migrations.length} migrations.`]);
      const again = await migrate(stateDir);
      expect(again.code).toBe(0);
      expect(again.lines).toEqual(["Local database: up to date."]);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 120_000);

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
