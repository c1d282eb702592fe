import { createRoute } from "@hono/zod-openapi";
import {
  changePasswordSchema,
  mailSentSchema,
  signInSchema,
  signUpSchema,
  userAnswerSchema,
} from "#protocol/http";
import { jsonBody, readJsonBody } from "../../json-body";
import { errors, json } from "../../responses";
import { requireAccount } from "../../session-middleware";

export const sessionRoute = createRoute({
  method: "get",
  path: "/session",
  operationId: "getSession",
  tags: ["accounts"],
  summary: "Who the session cookie says you are (a new guest session is started if there is none)",
  responses: { 200: json("The caller", userAnswerSchema), ...errors() },
});

export const signUpRoute = createRoute({
  method: "post",
  path: "/auth/signup",
  operationId: "signUp",
  tags: ["accounts"],
  summary: "Create an account; a guest's conversations become the account's",
  description:
    "Answers the same whether or not the email already has an account, and mails it either way: a confirmation link to a new account (this browser is then signed in), a note with a sign-in and a reset link to an existing one (this browser stays as it was). Ask GET /session who you are now.",
  middleware: readJsonBody,
  request: { body: jsonBody(signUpSchema) },
  responses: {
    200: json("A mail is on its way; session cookies set for a new account", mailSentSchema),
    ...errors(400),
  },
});

export const signInRoute = createRoute({
  method: "post",
  path: "/auth/signin",
  operationId: "signIn",
  tags: ["accounts"],
  summary: "Sign in with email and password",
  middleware: readJsonBody,
  request: { body: jsonBody(signInSchema) },
  responses: { 200: json("Signed in; session cookies set", userAnswerSchema), ...errors(400, 401, 429) },
});

export const signOutRoute = createRoute({
  method: "post",
  path: "/auth/signout",
  operationId: "signOut",
  tags: ["accounts"],
  summary: "End this browser's session (it continues as a new guest)",
  responses: { 204: { description: "Signed out" }, ...errors() },
});

export const signOutEverywhereRoute = createRoute({
  method: "post",
  path: "/auth/signout-all",
  operationId: "signOutEverywhere",
  tags: ["accounts"],
  summary: "End every session of this account",
  middleware: requireAccount("Sign in first."),
  responses: { 204: { description: "Signed out everywhere" }, ...errors(401) },
});

export const changePasswordRoute = createRoute({
  method: "post",
  path: "/auth/password",
  operationId: "changePassword",
  tags: ["accounts"],
  summary: "Change the password; other sessions are signed out",
  // A guest is told to sign in before anything about its body.
  middleware: [requireAccount("Sign in first."), readJsonBody] as const,
  request: { body: jsonBody(changePasswordSchema) },
  responses: { 200: json("Changed; new session cookies set", userAnswerSchema), ...errors(400, 401, 429) },
});
