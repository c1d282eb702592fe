// Traces are off by default: with no OTLP endpoint configured (this run's bindings set none), a
// whole chat turn sends nothing to the collector the fake upstream runs. tests/tracing/ checks
// the spans themselves, in a run with the endpoint set (vitest.tracing.config.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tracerFor } from "../../worker/observability/tracing";
import { newGuest, postChat, readSse, uniqueTag } from "./helpers";

async function exportsReceived(): Promise<number> {
  const response = await fetch(`${env.FAKE_UPSTREAM_URL}/__control/otlp`);
  return (await response.json<{ exports: unknown[] }>()).exports.length;
}

describe("traces, not configured", () => {
  it("send nothing for a whole chat turn", async () => {
    expect(tracerFor(env)).toBeNull();
    const cookie = await newGuest();
    const response = await postChat(cookie, {
      model: "gpt-5-mini",
      messages: [{ role: "user", content: `Hello ${uniqueTag("untraced")}` }],
    });
    const events = await readSse(response);
    expect(events.at(-1)?.event).toBe("done");
    // Exports go out in waitUntil after the answer: give them time to arrive, were there any.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await exportsReceived()).toBe(0);
  });
});
