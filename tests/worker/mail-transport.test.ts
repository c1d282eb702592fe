// How account mail leaves the worker: the HTTP mail API when MAIL_API_URL is set, Cloudflare's
// send_email binding (EMAIL) otherwise, and, with neither, one console line with the link — the
// only place a token is ever logged. A failing transport is a clear 503 where the person waits.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sendMail } from "../../worker/auth/mail";
import { verifyEmailMail } from "../../worker/auth/mail-messages";
import { Browser, errorCode, nthMailTo, tokenIn, uniqueEmail } from "./mailbox";

const LINK = "http://localhost/verify?token=a-token-for-the-transport-tests";

/** The test env without the HTTP mail API (a new object, so its configuration is parsed anew). */
function withoutMailApi(extra: Record<string, unknown> = {}): Env {
  return { ...env, MAIL_API_URL: undefined, ...extra } as Env;
}

/** Every line written to the console while `run` runs. */
async function consoleDuring(run: () => Promise<unknown>): Promise<string> {
  const lines: unknown[][] = [];
  const spies = (["log", "info", "warn", "error"] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args)),
  );
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.map((args) => args.map(String).join(" ")).join("\n");
}

afterEach(() => vi.restoreAllMocks());

describe("mail transport", () => {
  it("prints the link on one console line when no transport is configured", async () => {
    const printed = await consoleDuring(() =>
      sendMail(withoutMailApi(), verifyEmailMail("dev@example.com", LINK)),
    );
    expect(printed.split("\n")).toHaveLength(1);
    expect(printed).toContain("No mail transport is configured");
    expect(printed).toContain("dev@example.com");
    expect(printed).toContain(LINK);
  });

  it("hands the mail to the send_email binding when it is bound instead", async () => {
    const send = vi.fn(async () => ({ messageId: "m-1" }));
    const printed = await consoleDuring(() =>
      sendMail(withoutMailApi({ EMAIL: { send } }), verifyEmailMail("bound@example.com", LINK)),
    );
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]).toEqual([
      expect.objectContaining({
        from: { name: "Parley", email: "parley@example.com" },
        to: "bound@example.com",
        subject: "Confirm your email address for Parley",
        text: expect.stringContaining(LINK),
        html: expect.stringContaining(LINK),
      }),
    ]);
    expect(printed).not.toContain(LINK);
  });

  it("logs no token when mail goes out through a transport", async () => {
    const email = uniqueEmail("quiet");
    let token = "";
    const printed = await consoleDuring(async () => {
      await Browser.signedUp(email);
      token = tokenIn(await nthMailTo(email), "/verify");
    });
    expect(token.length).toBeGreaterThan(20);
    expect(printed).not.toContain(token);
  });

  it("answers 503 mail_unavailable when the mail API refuses, logging neither address nor link", async () => {
    // The fake mail API refuses addresses that start with "bounce".
    const email = uniqueEmail("bounce");
    const browser = await Browser.signedUp(email);
    const { id } = await browser.me();
    await env.DB.prepare("UPDATE email_tokens SET created_at = created_at - 61000 WHERE user_id = ?")
      .bind(id)
      .run();
    let status = 0;
    let code = "";
    const printed = await consoleDuring(async () => {
      const response = await browser.post("/api/v1/auth/email/verification");
      status = response.status;
      code = await errorCode(response);
    });
    expect([status, code]).toEqual([503, "mail_unavailable"]);
    expect(printed).toContain("mail_failed");
    expect(printed).not.toContain(email);
    expect(printed).not.toMatch(/token=/);
  });
});
