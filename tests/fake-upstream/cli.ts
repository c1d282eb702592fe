/**
 * Runs the fake upstream by hand: `node tests/fake-upstream/cli.ts [--port N] [--host H]`.
 * Point OPENAI_BASE_URL (or OPENROUTER_/DEEPSEEK_BASE_URL) at `<url>/v1`, and ANTHROPIC_BASE_URL
 * and GEMINI_BASE_URL at `<url>` to use it; STRIPE_API_BASE=`<url>` (with any `sk_test_…` key) for the
 * fake Stripe.
 */
import { parseArgs } from "node:util";
import { startFakeUpstream } from "./server.ts";

const { values } = parseArgs({
  options: { port: { type: "string", default: "0" }, host: { type: "string", default: "127.0.0.1" } },
});
const port = Number.parseInt(values.port, 10);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`fake upstream: invalid --port ${values.port}`);
  process.exit(2);
}

const upstream = await startFakeUpstream({ port, host: values.host });
console.log(`fake upstream listening on ${upstream.url}`);
console.log(`  OPENAI_BASE_URL=${upstream.url}/v1`);
console.log(`  ANTHROPIC_BASE_URL=${upstream.url}`);
console.log(`  GEMINI_BASE_URL=${upstream.url}`);
console.log(`  STRIPE_API_BASE=${upstream.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void upstream.close().then(() => process.exit(0));
  });
}
