/**
 * `/api/v1/auth/email/*` and `/api/v1/auth/password/{forgot,reset}`: the requests that mail a
 * link, and the ones the app's /verify, /reset and /email pages make with the token from it
 * (opening a link only loads a page; a mail scanner that follows it uses up nothing).
 */
import type { Context } from "hono";
import {
  claimGuestConversations,
  configuredAdminEmails,
  normalizeEmail,
  syncAdminRole,
} from "../../../auth/accounts";
import { confirmEmailChange, requestEmailChange } from "../../../auth/email-change";
import { resendVerification, verifyEmail } from "../../../auth/email-verification";
import { sendMailLater } from "../../../auth/mail";
import { appBase, mailSent } from "../../../auth/mailed-links";
import { requestPasswordReset, resetPassword } from "../../../auth/password-reset";
import { database } from "../../../db/queries";
import type { User } from "../../../db/schema";
import type { AppEnv } from "../../app-env";
import { createRouter } from "../../router";
import { publicUser, signedIn } from "../auth";
import {
  changeEmailRoute,
  confirmEmailChangeRoute,
  forgotPasswordRoute,
  resendVerificationRoute,
  resetPasswordRoute,
  verifyEmailRoute,
} from "./routes";

/** `{user}` with the role the (maybe newly verified) address gives now. */
async function currentUser(c: Context<AppEnv>, user: User) {
  const role = await syncAdminRole(database(c.env.DB), user, configuredAdminEmails());
  return c.json({ user: publicUser({ ...user, role }) }, 200);
}

export const emailLinkRoutes = createRouter()
  .openapi(verifyEmailRoute, async (c) => {
    const db = database(c.env.DB);
    return currentUser(c, await verifyEmail(db, c.get("identity"), c.req.valid("json").token));
  })
  .openapi(resendVerificationRoute, async (c) => {
    const db = database(c.env.DB);
    const base = appBase(c.env, c.req.url);
    return c.json(mailSent(await resendVerification(db, c.env, c.get("identity").userId, base)), 200);
  })
  .openapi(forgotPasswordRoute, async (c) => {
    const email = normalizeEmail(c.req.valid("json").email);
    const db = database(c.env.DB);
    // After the answer: it must not tell, by its timing, whether the address has an account.
    sendMailLater(c.executionCtx, requestPasswordReset(db, c.env, email, appBase(c.env, c.req.url)));
    return c.json(
      {
        email,
        message: `If ${email} has a Parley account, we sent it a link to choose a new password.`,
      },
      200,
    );
  })
  .openapi(resetPasswordRoute, async (c) => {
    const body = c.req.valid("json");
    const db = database(c.env.DB);
    const user = await resetPassword(c.env, db, body.token, body.newPassword);
    const identity = c.get("identity");
    if (identity.kind === "guest") await claimGuestConversations(db, identity.userId, user.id);
    const role = await syncAdminRole(db, user, configuredAdminEmails());
    return signedIn(c, { ...user, role });
  })
  .openapi(changeEmailRoute, async (c) => {
    const body = c.req.valid("json");
    const db = database(c.env.DB);
    const base = appBase(c.env, c.req.url);
    const email = await requestEmailChange(db, c.env, c.get("identity").userId, body, base);
    return c.json(mailSent(email), 200);
  })
  .openapi(confirmEmailChangeRoute, async (c) => {
    const db = database(c.env.DB);
    const token = c.req.valid("json").token;
    return currentUser(c, await confirmEmailChange(db, c.env, c.get("identity"), token));
  });
