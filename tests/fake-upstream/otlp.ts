/**
 * A fake OpenTelemetry collector: `POST /otlp/v1/traces` (OTLP/HTTP JSON) keeps each export with
 * the headers it came with; `GET /__control/otlp` lists them, oldest first. The trace tests read
 * the spans back from here; the default-off test checks that nothing ever arrives.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { flattenHeaders } from "./request-log.ts";

export interface ReceivedExport {
  headers: Record<string, string>;
  /** The body as sent, so a test can search all of it for secrets. */
  raw: string;
}

const received: ReceivedExport[] = [];

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function handleOtlp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (req.method === "POST" && url.pathname === "/otlp/v1/traces") {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    if (!req.headers["content-type"]?.startsWith("application/json")) {
      json(res, 415, { message: "fake collector: JSON only" });
      return true;
    }
    received.push({ headers: flattenHeaders(req.headers), raw });
    json(res, 200, {});
    return true;
  }
  if (req.method === "GET" && url.pathname === "/__control/otlp") {
    json(res, 200, { exports: received });
    return true;
  }
  return false;
}
