/**
 * `/api/v1/session` and `/api/v1/auth/*`: who you are, sign up, sign in, sign out (here or
 * everywhere), change password. Successful calls answer `{user}` and set the session cookies,
 * except sign-up, which answers alike for new and taken addresses (worker/auth/sign-up.ts); see
 * docs/security.md. The mailed links (confirm, reset, change email) are in ../email-links.
 */
import type { Context } from "hono";
import {
  changePassword,
  claimGuestConversations,
  findUser,
  normalizeEmail,
  signIn,
  signUp,
} from "../../../auth/accounts";
import { sendMailLater } from "../../../auth/mail";
import { appBase, mailSent } from "../../../auth/mailed-links";
import { endSessions } from "../../../auth/sessions";
import { mailAfterSignUp } from "../../../auth/sign-up";
import { passwordChangeAttempt, signInAttempt } from "../../../auth/throttle";
import { database } from "../../../db/queries";
import type { User } from "../../../db/schema";
import type { SessionUser } from "#protocol/http";
import type { AppEnv } from "../../app-env";
import { AppError } from "../../../errors";
import { createRouter } from "../../router";
import { signInBrowser, signOutBrowser } from "../../session-middleware";
import {
  changePasswordRoute,
  sessionRoute,
  signInRoute,
  signOutEverywhereRoute,
  signOutRoute,
  signUpRoute,
} from "./routes";

export function publicUser(
  user: Pick<User, "id" | "kind" | "email" | "displayName" | "role" | "emailVerifiedAt">,
): SessionUser {
  return {
    id: user.id,
    kind: user.kind,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
  };
}

/** Signs this browser in to `user` and answers `{user}`. */
export async function signedIn(c: Context<AppEnv>, user: User) {
  await signInBrowser(c, user.id);
  return c.json({ user: publicUser(user) }, 200);
}

export const authRoutes = createRouter()
  .openapi(sessionRoute, async (c) => {
    const { userId, kind } = c.get("identity");
    const user = kind === "user" ? await findUser(database(c.env.DB), userId) : undefined;
    const guest: SessionUser = {
      id: userId,
      kind,
      email: null,
      displayName: null,
      role: "member",
      emailVerified: false,
    };
    return c.json({ user: user ? publicUser(user) : guest }, 200);
  })
  .openapi(signUpRoute, async (c) => {
    const body = c.req.valid("json");
    const identity = c.get("identity");
    const db = database(c.env.DB);
    const email = normalizeEmail(body.email);
    const user = await signUp(db, {
      // A guest becomes the account, keeping its chats; a signed-in user signs up afresh.
      guestId: identity.kind === "guest" ? identity.userId : null,
      email,
      password: body.password,
      ...(body.displayName ? { displayName: body.displayName } : {}),
    });
    // The mail goes after the answer, so neither its sending nor its kind shows in the timing.
    sendMailLater(c.executionCtx, mailAfterSignUp(db, c.env, user, email, appBase(c.env, c.req.url)));
    if (user) await signInBrowser(c, user.id);
    return c.json(mailSent(email), 200);
  })
  .openapi(signInRoute, async (c) => {
    const body = c.req.valid("json");
    const db = database(c.env.DB);
    const attempt = await signInAttempt(c.env, c.req.raw, body.email);
    const user = await attempt.settle(signIn(db, body.email, body.password));
    const identity = c.get("identity");
    if (identity.kind === "guest") await claimGuestConversations(db, identity.userId, user.id);
    return signedIn(c, user);
  })
  .openapi(signOutRoute, async (c) => {
    await signOutBrowser(c, false);
    return c.body(null, 204);
  })
  .openapi(signOutEverywhereRoute, async (c) => {
    // Every device's session ends now: their next request and their open sockets.
    await signOutBrowser(c, true);
    return c.body(null, 204);
  })
  .openapi(changePasswordRoute, async (c) => {
    const identity = c.get("identity");
    const body = c.req.valid("json");
    const db = database(c.env.DB);
    const attempt = await passwordChangeAttempt(c.env, c.req.raw, identity.userId);
    await attempt.settle(changePassword(db, identity.userId, body.currentPassword, body.newPassword));
    // Whoever knew the old password is out everywhere else; this device stays signed in.
    await endSessions(c.env, db, identity.userId, { allBut: identity.sessionId ?? undefined });
    const user = await findUser(db, identity.userId);
    if (!user) throw new AppError(401, "unauthorized", "Sign in first.");
    return c.json({ user: publicUser(user) }, 200);
  });
