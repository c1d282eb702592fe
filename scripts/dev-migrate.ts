// `npm run dev`'s second step: applies the D1 migrations to the local database, as
// `npm run db:migrate` does, and says so in one line. Wrangler prints its table of migrations once
// per batch it applies (eight times over on a first run); that output is shown only on failure.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const wrangler = path.join(repoRoot, "node_modules", ".bin", "wrangler");

const result = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", ...process.argv.slice(2)], {
  cwd: repoRoot,
  encoding: "utf8",
  env: { ...process.env, FORCE_COLOR: "0", CI: "true" },
});
const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;

if (result.status !== 0) {
  process.stderr.write(output);
  console.error(
    `Applying the D1 migrations to the local database failed (wrangler exited with ${result.status}).`,
  );
  process.exit(result.status ?? 1);
}

const applied = /About to apply (\d+) migration/.exec(output)?.[1];
console.log(
  applied
    ? `Local database: applied ${applied} migration${applied === "1" ? "" : "s"}.`
    : "Local database: up to date.",
);
