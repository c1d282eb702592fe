// Stop must close the upstream connection and end the stream quietly; a silent upstream must
// end with upstream_timeout instead of hanging the conversation forever.
import { describe, expect, it } from "vitest";
import type { Provider, ProviderConfig } from "../../worker/providers/types";
import {
  anthropicAdapter,
  caseRequest,
  drain,
  geminiAdapter,
  NORMAL_TEXT,
  openAIAdapter,
  openRouterAdapter,
  uniqueTag,
  upstreamRequests,
  waitForRequests,
} from "./harness";

interface AdapterUnderTest {
  name: string;
  make: (config?: Partial<ProviderConfig>) => Provider;
  /** The fake's `rate-limit-then-ok` parameter asking for a 3 s retry wait. */
  threeSecondHint: Record<string, number>;
}

const ADAPTERS: AdapterUnderTest[] = [
  { name: "OpenAI", make: openAIAdapter, threeSecondHint: { retryms: 3_000 } },
  { name: "OpenRouter", make: openRouterAdapter, threeSecondHint: { retryms: 3_000 } },
  { name: "Anthropic", make: anthropicAdapter, threeSecondHint: { retry: 3 } },
  { name: "Gemini", make: geminiAdapter, threeSecondHint: { retryms: 3_000 } },
];

for (const { name, make, threeSecondHint } of ADAPTERS) {
  describe(`${name} adapter: stop and silence`, () => {
    it("abort mid-stream closes the upstream connection and ends without error or finish", async () => {
      const tag = uniqueTag(`${name}-abort`);
      const controller = new AbortController();
      const result = await drain(
        make(),
        caseRequest("slow", tag, { tokens: 200, delay: 20 }),
        controller.signal,
        (event) => {
          if (event.type === "text" && event.text === " tok3") controller.abort();
        },
      );

      expect(result.text).toBe("tok1 tok2 tok3");
      expect(result.events.every((event) => event.type === "text")).toBe(true);
      const [request] = await waitForRequests(tag, (requests) => requests[0]?.closedByClient === true);
      expect(request?.closedByClient).toBe(true);
      expect(request?.finished).toBe(false);
    });

    it("a finished stream is not reported as closed by the client", async () => {
      const tag = uniqueTag(`${name}-complete`);
      await drain(make(), caseRequest("normal", tag));
      const [request] = await waitForRequests(tag, (requests) => requests[0]?.finished === true);
      expect(request).toMatchObject({ finished: true, closedByClient: false });
    });

    it("abort during a long server-requested retry wait ends at once and makes no further call", async () => {
      const tag = uniqueTag(`${name}-abort-backoff`);
      const controller = new AbortController();
      // The 429 asks for a 3 s wait; Stop arrives during it.
      const adapter = make({ maxRetryDelayMs: 5_000 });
      const pending = drain(
        adapter,
        caseRequest("rate-limit-then-ok", tag, threeSecondHint),
        controller.signal,
      );
      await waitForRequests(tag, (requests) => requests.length === 1);
      const stoppedAt = Date.now();
      controller.abort();
      const result = await pending;

      expect(Date.now() - stoppedAt).toBeLessThan(1_000);
      expect(result.events).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await upstreamRequests(tag)).toHaveLength(1);
    });

    it("an upstream that goes silent mid-answer ends with upstream_timeout, keeping the text", async () => {
      const tag = uniqueTag(`${name}-stall`);
      const result = await drain(make({ idleTimeoutMs: 600 }), caseRequest("stall", tag, { after: 2 }));

      expect(result.text).toBe("Hello!");
      expect(result.error).toMatchObject({ code: "upstream_timeout", retryable: true });
      expect(result.finish).toBeUndefined();
      const requests = await waitForRequests(tag, (all) => all[0]?.closedByClient === true);
      expect(requests).toHaveLength(1);
      expect(requests[0]?.closedByClient).toBe(true);
    });

    it("an upstream that never answers ends with upstream_timeout and is not retried", async () => {
      const tag = uniqueTag(`${name}-no-response`);
      const startedAt = Date.now();
      const result = await drain(make({ idleTimeoutMs: 600 }), caseRequest("no-response", tag));

      expect(result.events).toEqual([expect.objectContaining({ type: "error", code: "upstream_timeout" })]);
      expect(Date.now() - startedAt).toBeLessThan(3_000);
      expect(await upstreamRequests(tag)).toHaveLength(1);
    });

    it("a slow consumer is not mistaken for a silent upstream", async () => {
      const tag = uniqueTag(`${name}-slow-consumer`);
      const result = await drain(
        make({ idleTimeoutMs: 500 }),
        caseRequest("normal", tag),
        undefined,
        async (event) => {
          if (event.type === "text" && event.text === "!")
            await new Promise((resolve) => setTimeout(resolve, 1_500));
        },
      );

      expect(result.error).toBeUndefined();
      expect(result.text).toBe(NORMAL_TEXT);
      expect(result.finish).toBe("stop");
    });
  });
}
