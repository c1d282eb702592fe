// Traces are off by default: with no OTLP endpoint (this run's bindings set none), a whole chat
// turn sends nothing to the collector the fake upstream runs. Their settings are validated with
// the rest of the configuration. tests/tracing/ checks the spans themselves, in a run with the
// endpoint set (vitest.tracing.config.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { configProblems, getConfig } from "../../worker/env";
import { tracerFor } from "../../worker/observability/tracing";
import { newGuest, postChat, readSse, uniqueTag } from "./helpers";

async function exportsReceived(): Promise<number> {
  const response = await fetch(`${env.FAKE_UPSTREAM_URL}/__control/otlp`);
  return (await response.json<{ exports: unknown[] }>()).exports.length;
}

describe("traces, not configured", () => {
  it("send nothing for a whole chat turn", async () => {
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

describe("trace settings", () => {
  const withOtel = (overrides: Record<string, string>) => ({ ...env, ...overrides }) as Env;

  it("name the variable and its rule when malformed, never the headers' value", () => {
    const secret = "collector-secret-0011";
    const problems = configProblems(
      withOtel({
        OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://collector.example.com",
        OTEL_EXPORTER_OTLP_HEADERS: `x-team=a,authorization Bearer ${secret}`,
        OTEL_SERVICE_NAME: "parley service",
      }),
    );
    expect(problems.toSorted()).toEqual([
      "OTEL_EXPORTER_OTLP_ENDPOINT: must be an http(s) URL",
      "OTEL_EXPORTER_OTLP_HEADERS: entry 2 must be name=value (value URL-encoded)",
      "OTEL_SERVICE_NAME: must be 1-100 letters, digits, dots, dashes or underscores",
    ]);
    expect(problems.join("\n")).not.toContain(secret);
  });

  it("read the endpoint, the URL-encoded headers and the service name", () => {
    const config = getConfig(
      withOtel({
        OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example.com:4318/",
        OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Bearer%20abc, x-team = parley ",
      }),
    );
    expect(config.OTEL_EXPORTER_OTLP_HEADERS).toEqual({ authorization: "Bearer abc", "x-team": "parley" });
    expect(config.OTEL_SERVICE_NAME).toBe("parley");
    expect(
      tracerFor(withOtel({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example.com:4318" })),
    ).not.toBeNull();
  });
});
