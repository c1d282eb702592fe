// First-run convenience for `npm run dev`: creates .dev.vars from .dev.vars.example with fresh
// random secrets, so the app runs offline with no set-up. An existing file is left alone, but if it
// still holds the example's public placeholders (which the worker refuses), this says so.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const target = ".dev.vars";
const SECRETS = ["SESSION_SECRET", "ENCRYPTION_KEY", "ADMIN_TOKEN"];
const example = readFileSync(".dev.vars.example", "utf8");

if (!existsSync(target)) {
  // 32 random bytes as 64 hex characters: 256 bits, well past worker/secret-strength.ts.
  const secret = () => randomBytes(32).toString("hex");
  const filled = example
    .replace(/^SESSION_SECRET=.*$/m, `SESSION_SECRET=${secret()}`)
    .replace(/^ENCRYPTION_KEY=.*$/m, `ENCRYPTION_KEY=${secret()}`);
  writeFileSync(target, filled, { mode: 0o600 });
  console.log("Created .dev.vars with new random secrets (edit it to add provider keys).");
} else {
  const current = readFileSync(target, "utf8");
  for (const name of SECRETS) {
    const value = new RegExp(`^${name}=(.*)$`, "m").exec(current)?.[1]?.trim();
    if (value && example.includes(`${name}=${value}`)) {
      console.warn(
        `.dev.vars: ${name} is still the placeholder from .dev.vars.example, which the worker refuses. ` +
          `Replace it with the output of \`openssl rand -base64 32\`.`,
      );
    }
  }
}
