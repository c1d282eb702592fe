// CI's dependency audit (scripts/audit-production.ts, run by .ci/run) against a fake registry: a
// high-severity advisory in a production dependency fails it with the package and the advisory
// named; a registry without the audit service, or none at all, is said so and does not fail it.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./server.ts";

let advisories: Record<string, unknown[]> | "refuse" = {};
let server: http.Server;
let registry = "";

beforeAll(async () => {
  server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (request.method === "POST" && request.url?.includes("/security/advisories/bulk")) {
        if (advisories === "refuse") {
          response.writeHead(405, { allow: "GET,HEAD" }).end();
          return;
        }
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(advisories));
        return;
      }
      // Package documents: npm audit asks for them to suggest fixes, and copes without.
      response.writeHead(404, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function audit(registryUrl: string): Promise<{ code: number | null; output: string }> {
  // A cache of its own: npm keeps audit answers, and each case here needs a fresh one.
  const cache = mkdtempSync(path.join(tmpdir(), "parley-audit-cache-"));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/audit-production.ts", "--registry", registryUrl], {
      cwd: repoRoot,
      env: { ...process.env, npm_config_cache: cache },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      rmSync(cache, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}

const advisory = (severity: string) => ({
  id: 1_000_001,
  url: "https://github.com/advisories/GHSA-test-0000-0000",
  title: "Request smuggling in a test advisory",
  severity,
  vulnerable_versions: "<999.0.0",
  cwe: [],
  cvss: { score: 7.5, vectorString: null },
});

describe("the dependency audit in CI", () => {
  it("fails on a high-severity advisory in a production dependency, naming it", async () => {
    advisories = { hono: [advisory("high")] };
    const { code, output } = await audit(registry);
    expect(code).toBe(1);
    expect(output).toContain("high-severity advisories");
    expect(output).toMatch(
      /hono \(high\): Request smuggling in a test advisory https:\/\/github\.com\/advisories/,
    );
  }, 60_000);

  it("passes an advisory below high, and says it saw it", async () => {
    advisories = { hono: [advisory("moderate")] };
    const { code, output } = await audit(registry);
    expect(code).toBe(0);
    expect(output).toMatch(/no high-severity advisory.*moderate/);
  }, 60_000);

  it("passes, saying so, when the registry has no audit service or cannot be reached", async () => {
    advisories = "refuse";
    const refused = await audit(registry);
    expect(refused.code).toBe(0);
    expect(refused.output).toMatch(
      /audit skipped, nothing was checked: the registry gave no audit report \(405/,
    );

    const closed = await audit("http://127.0.0.1:9/");
    expect(closed.code).toBe(0);
    expect(closed.output).toMatch(/audit skipped, nothing was checked: .*ECONNREFUSED/);
  }, 60_000);
});
