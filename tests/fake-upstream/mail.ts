/**
 * A fake HTTP mail API (Resend's shape) for the account-mail tests: `POST /mail/send` with
 * `Authorization: Bearer test-mail-key` and `{from, to, subject, text, html}` stores the message;
 * `GET /mail/outbox?to=<address>` lists what was sent to that address, oldest first. Mail to an
 * address starting with `bounce` is refused with 500, as a provider having trouble would.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export const FAKE_MAIL_KEY = "test-mail-key";

export interface SentMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  at: number;
}

const outbox: SentMail[] = [];

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return null;
  }
}

function isMail(value: unknown): value is Omit<SentMail, "at"> {
  if (typeof value !== "object" || value === null) return false;
  const fields = value as Record<string, unknown>;
  return ["from", "to", "subject", "text", "html"].every((key) => typeof fields[key] === "string");
}

/** Handles the request when it is a mail route; returns false otherwise. */
export async function handleMail(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (req.method === "POST" && url.pathname === "/mail/send") {
    if (req.headers.authorization !== `Bearer ${FAKE_MAIL_KEY}`) {
      json(res, 401, { message: "API key is invalid" });
      return true;
    }
    const body = await readJson(req);
    if (!isMail(body)) {
      json(res, 422, { message: "from, to, subject, text and html are required" });
      return true;
    }
    if (body.to.startsWith("bounce")) {
      json(res, 500, { message: "fake mail: refused" });
      return true;
    }
    outbox.push({ ...body, at: Date.now() });
    json(res, 200, { id: `mail-${outbox.length}` });
    return true;
  }
  if (req.method === "GET" && url.pathname === "/mail/outbox") {
    const to = url.searchParams.get("to")?.toLowerCase();
    json(res, 200, { messages: outbox.filter((mail) => to === undefined || mail.to.toLowerCase() === to) });
    return true;
  }
  return false;
}
