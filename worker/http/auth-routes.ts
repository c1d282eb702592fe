/**
 * `/api/v1/auth/*`: sign up, sign in, sign out (here or everywhere), change password. Successful
 * calls answer `{user}` and set the session cookies; see docs/security.md.
 */
import { Hono } from "hono";
import {
  changePassword,
  claimGuestConversations,
  findUser,
  issueRefreshToken,
  revokeAllRefreshTokens,
  revokeRefreshToken,
  signIn,
  signUp,
} from "../auth/accounts";
import { REFRESH_COOKIE, cookie, readCookie } from "../auth/session";
import { database } from "../db/queries";
import type { User } from "../db/schema";
import { changePasswordSchema, signInSchema, signUpSchema, type SessionUser } from "#protocol/http";
import type { AppEnv } from "./app-env";
import { AppError } from "../errors";
import { readJsonBody } from "./json-body";
import { setCookieLater, startSession } from "./session-middleware";

export const authRoutes = new Hono<AppEnv>();

export function publicUser(user: Pick<User, "id" | "kind" | "email" | "displayName" | "role">): SessionUser {
  return { id: user.id, kind: user.kind, email: user.email, displayName: user.displayName, role: user.role };
}

async function signedIn(c: Parameters<typeof startSession>[0], user: User) {
  const token = await issueRefreshToken(database(c.env.DB), user.id);
  await startSession(c, { userId: user.id, kind: "user", issuedAt: 0 }, token);
  return c.json({ user: publicUser(user) });
}

authRoutes.post("/signup", async (c) => {
  const body = await readJsonBody(c.req.raw, signUpSchema);
  const identity = c.get("identity");
  const user = await signUp(database(c.env.DB), {
    // A guest becomes the account, keeping its chats; a signed-in user signs up afresh.
    guestId: identity.kind === "guest" ? identity.userId : null,
    email: body.email,
    password: body.password,
    ...(body.displayName ? { displayName: body.displayName } : {}),
  });
  return signedIn(c, user);
});

authRoutes.post("/signin", async (c) => {
  const body = await readJsonBody(c.req.raw, signInSchema);
  const db = database(c.env.DB);
  const user = await signIn(db, body.email, body.password);
  const identity = c.get("identity");
  if (identity.kind === "guest") await claimGuestConversations(db, identity.userId, user.id);
  return signedIn(c, user);
});

/** Ends this browser's session; it continues as a new guest. */
authRoutes.post("/signout", async (c) => {
  const refresh = readCookie(c.req.header("cookie"), REFRESH_COOKIE);
  if (refresh) await revokeRefreshToken(database(c.env.DB), refresh);
  setCookieLater(c, cookie(REFRESH_COOKIE, "", c.req.url, 0));
  await startSession(c, { userId: crypto.randomUUID(), kind: "guest", issuedAt: 0 });
  return c.body(null, 204);
});

/** Ends every session of this account, on every device (each within the access-token lifetime). */
authRoutes.post("/signout-all", async (c) => {
  const identity = c.get("identity");
  if (identity.kind !== "user") throw new AppError(401, "unauthorized", "Sign in first.");
  await revokeAllRefreshTokens(database(c.env.DB), identity.userId);
  setCookieLater(c, cookie(REFRESH_COOKIE, "", c.req.url, 0));
  await startSession(c, { userId: crypto.randomUUID(), kind: "guest", issuedAt: 0 });
  return c.body(null, 204);
});

/** Changes the password and signs out every other session. */
authRoutes.post("/password", async (c) => {
  const identity = c.get("identity");
  if (identity.kind !== "user") throw new AppError(401, "unauthorized", "Sign in first.");
  const body = await readJsonBody(c.req.raw, changePasswordSchema);
  const db = database(c.env.DB);
  await changePassword(db, identity.userId, body.currentPassword, body.newPassword);
  await revokeAllRefreshTokens(db, identity.userId);
  const user = await findUser(db, identity.userId);
  if (!user) throw new AppError(401, "unauthorized", "Sign in first.");
  return signedIn(c, user);
});
