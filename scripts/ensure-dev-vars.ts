// First-run convenience for `npm run dev`: creates .dev.vars from .dev.vars.example with fresh
// random secrets, so the app runs offline with no set-up. An existing file is left alone.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const target = ".dev.vars";
if (!existsSync(target)) {
  const example = readFileSync(".dev.vars.example", "utf8");
  const secret = () => randomBytes(32).toString("hex");
  const filled = example
    .replace(/^SESSION_SECRET=.*$/m, `SESSION_SECRET=${secret()}`)
    .replace(/^ENCRYPTION_KEY=.*$/m, `ENCRYPTION_KEY=${secret()}`);
  writeFileSync(target, filled, { mode: 0o600 });
  console.log("Created .dev.vars with new random secrets (edit it to add provider keys).");
}
