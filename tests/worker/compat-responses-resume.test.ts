// Resuming a Responses stream (`GET /v1/responses/{id}?stream=true&starting_after=N`) through the
// real worker and room: a client that dropped after event N gets exactly the events it missed,
// byte for byte what an uninterrupted reader got, whether the answer is still being written or
// has ended; and a stored response repeats the settings of the call that asked for it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { slowText } from "../fake-upstream/texts.ts";
import { apiAccount } from "./api-client";
import { sseEvents } from "./compat-responses-harness";
import { slowPrompt, uniqueTag } from "./helpers";

const MODEL = "gpt-5-mini";

/** Reads an SSE body one whole event at a time, keeping the bytes read so far. */
class EventReader {
  /** Every whole event read so far, exactly as it came. */
  raw = "";
  private buffered = "";
  private readonly reader: ReadableStreamDefaultReader<string>;

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.pipeThrough(new TextDecoderStream()).getReader();
  }

  async next(): Promise<{ type: string; sequence_number: number } & Record<string, unknown>> {
    for (;;) {
      const end = this.buffered.indexOf("\n\n");
      if (end !== -1) {
        const block = this.buffered.slice(0, end + 2);
        this.buffered = this.buffered.slice(end + 2);
        this.raw += block;
        return sseEvents(block)[0]!.data as { type: string; sequence_number: number };
      }
      const { done, value } = await this.reader.read();
      if (done) throw new Error("the stream ended");
      this.buffered += value;
    }
  }

  /** Reads until `count` text deltas have come; returns the last one's sequence number. */
  async throughDeltas(count: number): Promise<number> {
    let seen = 0;
    for (;;) {
      const event = await this.next();
      if (event.type === "response.output_text.delta" && ++seen === count) return event.sequence_number;
    }
  }

  /** Drops the connection. */
  async drop(): Promise<void> {
    await this.reader.cancel();
  }
}

async function statusOf(responseId: string): Promise<string | undefined> {
  const row = await env.DB.prepare("SELECT status FROM messages WHERE id = ?")
    .bind(responseId.replace(/^resp_/, ""))
    .first<{ status: string }>();
  return row?.status;
}

const idOf = (raw: string) => (sseEvents(raw)[0]!.data.response as { id: string }).id;

describe("resuming a streamed response after a dropped connection", () => {
  it("sends exactly the missing events, byte-equal to an uninterrupted read, while the answer is still being written", async () => {
    const account = await apiAccount();
    const posted = await account.call("/responses", {
      body: { model: MODEL, input: slowPrompt(uniqueTag("resume-live"), 80, 20), stream: true },
    });
    expect(posted.status).toBe(200);
    // One copy of the bytes is read to the end (the uninterrupted reader), the other drops.
    const [dropped, whole] = posted.body!.tee();
    const first = new EventReader(dropped);
    const after = await first.throughDeltas(10);
    await first.drop();
    const id = idOf(first.raw);
    // More of the answer goes out while nobody listens on this side.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const resumed = await account.call(`/responses/${id}?stream=true&starting_after=${after}`);
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get("content-type")).toContain("text/event-stream");
    expect(resumed.headers.get("x-parley-conversation")).toBe(posted.headers.get("x-parley-conversation"));
    // Still being written when the resumed stream began.
    expect(await statusOf(id)).toBe("streaming");
    const rest = await resumed.text();
    const uninterrupted = await new Response(whole).text();

    expect(first.raw + rest).toBe(uninterrupted);
    expect(sseEvents(rest)[0]!.data.sequence_number).toBeGreaterThan(after);
    const deltas = sseEvents(first.raw + rest)
      .filter(({ data }) => data.type === "response.output_text.delta")
      .map(({ data }) => data.delta as string);
    expect(deltas.join("")).toBe(slowText(80));
    expect(sseEvents(rest).at(-1)!.data.type).toBe("response.completed");
  });

  it("does the same once the answer has ended, from D1", async () => {
    const account = await apiAccount();
    const posted = await account.call("/responses", {
      body: { model: MODEL, input: slowPrompt(uniqueTag("resume-ended"), 40, 10), stream: true },
    });
    const [dropped, whole] = posted.body!.tee();
    const first = new EventReader(dropped);
    const after = await first.throughDeltas(5);
    await first.drop();
    const uninterrupted = await new Response(whole).text();
    const id = idOf(first.raw);
    expect(await statusOf(id)).toBe("complete");

    const rest = await (await account.call(`/responses/${id}?stream=true&starting_after=${after}`)).text();
    expect(first.raw + rest).toBe(uninterrupted);
    // Without `starting_after`, the whole stream again.
    expect(await (await account.call(`/responses/${id}?stream=true`)).text()).toBe(uninterrupted);
    // After the last event, nothing.
    const last = sseEvents(uninterrupted).at(-1)!.data.sequence_number as number;
    expect(await (await account.call(`/responses/${id}?stream=true&starting_after=${last}`)).text()).toBe("");
  });

  it("works with the openai SDK: retrieve with stream and starting_after, and responses.stream({ response_id })", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const stream = await client.responses.create({
      model: MODEL,
      input: slowPrompt(uniqueTag("resume-sdk"), 60, 20),
      stream: true,
    });
    let id = "";
    let text = "";
    let after = -1;
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === "response.created") id = event.response.id;
      after = event.sequence_number;
      if (event.type === "response.output_text.delta") {
        text += event.delta;
        if (++deltas === 6) break; // the SDK drops the connection
      }
    }
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(slowText(60).length);

    const resumed = await client.responses.retrieve(id, { stream: true, starting_after: after });
    const numbers: number[] = [];
    let status = "";
    for await (const event of resumed) {
      numbers.push(event.sequence_number);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") status = event.response.status ?? "";
    }
    expect(numbers[0]).toBeGreaterThan(after);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(text).toBe(slowText(60));
    expect(status).toBe("completed");

    // The SDK's own resume helper reads the same response to its end.
    const final = await client.responses.stream({ response_id: id, starting_after: after }).finalResponse();
    expect(final).toMatchObject({ id, status: "completed", output_text: slowText(60) });
  });

  it("replays reasoning, text and a function call exactly, and retrieve repeats the call's settings", async () => {
    const account = await apiAccount();
    const settings = {
      model: "claude-haiku-4-5",
      instructions: "Use the tool.",
      max_output_tokens: 900,
      metadata: { run: "resume-7" },
      reasoning: { effort: "low" as const },
      tools: [
        {
          type: "function" as const,
          name: "calculate",
          description: "Evaluates an arithmetic expression.",
          parameters: { type: "object", properties: { expression: { type: "string" } } },
          strict: false,
        },
      ],
    };
    const posted = await account.call("/responses", {
      body: {
        ...settings,
        input: `What is 6 * 7? [[case:tool_call_thinking tag=${uniqueTag("resume-tools")}]]`,
        stream: true,
      },
    });
    const uninterrupted = await posted.text();
    const events = sseEvents(uninterrupted);
    const completed = events.at(-1)!.data;
    const response = completed.response as { id: string; output: Array<{ type: string }> };
    expect(completed.type).toBe("response.completed");
    expect(response.output.map((item) => item.type)).toEqual(
      expect.arrayContaining(["reasoning", "function_call"]),
    );

    expect(await (await account.call(`/responses/${response.id}?stream=true`)).text()).toBe(uninterrupted);
    const retrieved = await (await account.call(`/responses/${response.id}`)).json();
    expect(retrieved).toEqual(response);
    expect(retrieved).toMatchObject({
      instructions: "Use the tool.",
      max_output_tokens: 900,
      metadata: { run: "resume-7" },
      tools: [{ name: "calculate" }],
    });
  });

  it("refuses a bad starting_after with a 400 naming it, and another person's response with a 404", async () => {
    const account = await apiAccount();
    const created = await account.openai().responses.create({ model: MODEL, input: "Hello" });
    const bad = await account.call(`/responses/${created.id}?stream=true&starting_after=-3`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { type: "invalid_request_error", param: "starting_after" },
    });
    const stranger = await apiAccount();
    const theirs = await stranger.call(`/responses/${created.id}?stream=true&starting_after=0`);
    expect(theirs.status).toBe(404);
  });
});
