// First-run convenience for `npm run dev`: creates .dev.vars from .dev.vars.example with a fresh
// random SESSION_SECRET, so the app runs offline with no set-up. An existing file is left alone.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const target = ".dev.vars";
if (!existsSync(target)) {
  const example = readFileSync(".dev.vars.example", "utf8");
  const secret = randomBytes(32).toString("hex");
  writeFileSync(target, example.replace(/^SESSION_SECRET=.*$/m, `SESSION_SECRET=${secret}`), { mode: 0o600 });
  console.log("Created .dev.vars with a new SESSION_SECRET (edit it to add provider keys).");
}
