// The README's first command, `npm install`, as a newcomer's terminal shows it: npm itself runs on
// the system's Node.js (maybe 20, which package.json `engines` allows), while the tools run on the
// Node.js 24 the `node` devDependency installs. npm would warn about every dependency that needs a
// newer Node.js than its own (about 40 EBADENGINE warnings); the repository's .npmrc keeps it to
// errors. On a machine whose system Node.js is already 22 or newer there is nothing to hide.
import { spawn } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "./server.ts";

/** This environment as a fresh terminal has it: no npm run variables, no node_modules/.bin on PATH. */
function terminalEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")),
  );
  env.PATH = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((entry) => !entry.includes(`${path.sep}node_modules${path.sep}`))
    .join(path.delimiter);
  return env;
}

it("npm install prints no warnings", async () => {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn("npm", ["install", "--dry-run", "--no-audit", "--no-fund"], {
      cwd: repoRoot,
      env: terminalEnv(),
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
  expect(code, output).toBe(0);
  // Only npm's summary line is left ("up to date in 2s", or what a dry run would change: after
  // `npm ci` the `node` package's own install script has added packages the lockfile does not list).
  expect(output).not.toMatch(/EBADENGINE|npm warn/i);
  expect(output.trim()).toMatch(/(up to date|added|removed|changed) .*in \d+(\.\d+)?m?s$/);
}, 120_000);
