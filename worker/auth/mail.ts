/**
 * How Parley's mail leaves the worker, in order of preference:
 *
 * 1. an HTTP mail API (`MAIL_API_URL`, `MAIL_API_KEY`): one JSON POST `{from, to, subject, text,
 *    html}` with `Authorization: Bearer <key>` — Resend's shape, and easy to put in front of any
 *    other provider;
 * 2. Cloudflare Email Service, through a `send_email` binding named `EMAIL` (docs/deploy.md);
 * 3. neither (local development): the link the mail carries is printed on the console, one line,
 *    so `npm run dev` works offline. This is the only place a token is ever written to a log.
 *
 * Bodies and addresses are never logged; a failure is logged with the transport and the error.
 */
import { AppError } from "../errors";
import { getConfig } from "../env";
import { logError } from "../observability/log";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The link in the mail, if any: what the console fallback prints. */
  link?: string;
}

const SENDER_NAME = "Parley";
const MAIL_TIMEOUT_MS = 10_000;

export function mailUnavailable(cause?: unknown): AppError {
  return new AppError(
    503,
    "mail_unavailable",
    "Parley could not send the email. Try again in a few minutes.",
    {
      expose: true,
      cause,
    },
  );
}

async function postToMailApi(url: string, key: string | undefined, from: string, mail: OutgoingMail) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({
      from: `${SENDER_NAME} <${from}>`,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    }),
    signal: AbortSignal.timeout(MAIL_TIMEOUT_MS),
  });
  // The answer's body may echo the message (and its link): it is not read, let alone logged.
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the mail API answered ${response.status}`);
}

/** Sends `mail`; throws `mail_unavailable` (503) when the transport refuses or fails. */
export async function sendMail(env: Env, mail: OutgoingMail): Promise<void> {
  const { MAIL_API_URL, MAIL_API_KEY, MAIL_FROM = "", EMAIL } = getConfig(env);
  let send: () => Promise<unknown>;
  if (MAIL_API_URL) send = () => postToMailApi(MAIL_API_URL, MAIL_API_KEY, MAIL_FROM, mail);
  else if (EMAIL) {
    send = () =>
      EMAIL.send({
        from: { name: SENDER_NAME, email: MAIL_FROM },
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
  } else {
    console.log(
      `[parley] No mail transport is configured (MAIL_API_URL or EMAIL), so this mail was not sent. ` +
        `To ${mail.to}: "${mail.subject}"${mail.link ? ` — open ${mail.link}` : ""}`,
    );
    return;
  }
  try {
    await send();
  } catch (error) {
    logError("mail_failed", { transport: MAIL_API_URL ? "http" : "email_service", error });
    throw mailUnavailable(error);
  }
}

/**
 * Sends `mail` after the answer has gone out (`waitUntil`), for the requests whose answer must not
 * depend on whether or how fast a mail went anywhere. Failures are logged by `sendMail`.
 */
export function sendMailLater(ctx: Pick<ExecutionContext, "waitUntil">, work: Promise<unknown>): void {
  ctx.waitUntil(
    work.catch((error: unknown) => {
      if (!(error instanceof AppError && error.code === "mail_unavailable")) {
        logError("mail_background_failed", { error });
      }
    }),
  );
}
