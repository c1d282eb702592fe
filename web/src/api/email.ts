/**
 * The account requests that mail a link, and the ones the /verify, /reset and /email pages make
 * with the token from it (docs/api.md). Split off with the dialogs and pages that use them.
 */
import { mailSentSchema, userAnswerSchema, type MailSent, type SessionUser } from "#protocol/http";
import { request } from "./client.ts";

const post = (body?: unknown): RequestInit => ({
  method: "POST",
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** Which page of the app a mailed link opens. */
export type LinkPage = "verify" | "reset" | "email";

export async function forgotPassword(email: string): Promise<MailSent> {
  return request("/api/v1/auth/password/forgot", mailSentSchema, post({ email }));
}

export async function resetPassword(token: string, newPassword: string): Promise<SessionUser> {
  return (await request("/api/v1/auth/password/reset", userAnswerSchema, post({ token, newPassword }))).user;
}

export async function verifyEmail(token: string): Promise<SessionUser> {
  return (await request("/api/v1/auth/email/verify", userAnswerSchema, post({ token }))).user;
}

export async function resendVerification(): Promise<MailSent> {
  return request("/api/v1/auth/email/verification", mailSentSchema, post());
}

export async function changeEmail(email: string, currentPassword?: string): Promise<MailSent> {
  const body = currentPassword ? { email, currentPassword } : { email };
  return request("/api/v1/auth/email/change", mailSentSchema, post(body));
}

export async function confirmEmailChange(token: string): Promise<SessionUser> {
  return (await request("/api/v1/auth/email/change/confirm", userAnswerSchema, post({ token }))).user;
}
