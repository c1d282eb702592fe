import { createRoute } from "@hono/zod-openapi";
import {
  changeEmailSchema,
  emailLinkSchema,
  forgotPasswordSchema,
  mailSentSchema,
  resetPasswordSchema,
  userAnswerSchema,
} from "#protocol/http";
import { jsonBody, readJsonBody } from "../../json-body";
import { errors, json } from "../../responses";
import { requireAccount } from "../../session-middleware";

export const verifyEmailRoute = createRoute({
  method: "post",
  path: "/auth/email/verify",
  operationId: "verifyEmail",
  tags: ["accounts"],
  summary: "Confirm the account's email address with the token from the mailed link",
  description:
    "Works only signed in to the account the link was sent for (401 `sign_in_required`, 403 `wrong_account`); the token is not used up by those refusals.",
  middleware: readJsonBody,
  request: { body: jsonBody(emailLinkSchema) },
  responses: {
    200: json("Confirmed", userAnswerSchema),
    ...errors(400, 401, 403),
  },
});

export const resendVerificationRoute = createRoute({
  method: "post",
  path: "/auth/email/verification",
  operationId: "resendVerification",
  tags: ["accounts"],
  summary: "Mail a new confirmation link (one a minute, five a day)",
  middleware: requireAccount("Sign in first."),
  responses: {
    200: json("Sent", mailSentSchema),
    ...errors(401, 409, 429, 503),
  },
});

export const forgotPasswordRoute = createRoute({
  method: "post",
  path: "/auth/password/forgot",
  operationId: "forgotPassword",
  tags: ["accounts"],
  summary: "Mail a password reset link (valid 30 minutes, single use) to the account with this email",
  description: "Answers the same whether or not the email has an account.",
  middleware: readJsonBody,
  request: { body: jsonBody(forgotPasswordSchema) },
  responses: { 200: json("A mail is on its way if there is an account", mailSentSchema), ...errors(400) },
});

export const resetPasswordRoute = createRoute({
  method: "post",
  path: "/auth/password/reset",
  operationId: "resetPassword",
  tags: ["accounts"],
  summary: "Set a new password with the token from the mailed link; every other session ends",
  middleware: readJsonBody,
  request: { body: jsonBody(resetPasswordSchema) },
  responses: { 200: json("Signed in; session cookies set", userAnswerSchema), ...errors(400) },
});

export const changeEmailRoute = createRoute({
  method: "post",
  path: "/auth/email/change",
  operationId: "changeEmail",
  tags: ["accounts"],
  summary: "Mail a link to a new address; the account moves to it once the link is followed",
  // A guest is told to sign in before anything about its body.
  middleware: [requireAccount("Sign in first."), readJsonBody] as const,
  request: { body: jsonBody(changeEmailSchema) },
  responses: { 200: json("Sent", mailSentSchema), ...errors(400, 401, 429, 503) },
});

export const confirmEmailChangeRoute = createRoute({
  method: "post",
  path: "/auth/email/change/confirm",
  operationId: "confirmEmailChange",
  tags: ["accounts"],
  summary: "Move the account to the new address with the token from the mailed link",
  description: "Works only signed in to the account that asked; the old address is told.",
  middleware: readJsonBody,
  request: { body: jsonBody(emailLinkSchema) },
  responses: { 200: json("Changed", userAnswerSchema), ...errors(400, 401, 403, 409) },
});
