/**
 * `/api/v1/auth/oauth/*`: optional sign-in with GitHub or Google (worker/auth/oauth.ts). Both
 * legs are top-level browser navigations, so failures redirect back to the app with
 * `?auth_error=<code>` for it to explain, rather than showing JSON.
 */
import { claimGuestConversations } from "../../../auth/accounts";
import {
  accountForProfile,
  beginFlow,
  checkCallback,
  enabledOAuthProviders,
  fetchProfile,
  oauthClient,
  OAUTH_COOKIE,
  OAUTH_FLOW_TTL_SECONDS,
  isOAuthFailure,
} from "../../../auth/oauth";
import { cookie, readCookie } from "../../../auth/session";
import { database } from "../../../db/queries";
import { getConfig } from "../../../env";
import { notFound } from "../../../errors";
import { createRouter } from "../../router";
import { setCookieLater, signInBrowser } from "../../session-middleware";
import { finishOAuthRoute, listOAuthProvidersRoute, startOAuthRoute } from "./routes";

function callbackUrl(requestUrl: string, provider: string): string {
  return new URL(`/api/v1/auth/oauth/${provider}/callback`, requestUrl).toString();
}

export const oauthRoutes = createRouter()
  .openapi(listOAuthProvidersRoute, (c) => c.json({ providers: enabledOAuthProviders(c.env) }, 200))
  .openapi(startOAuthRoute, async (c) => {
    const { provider } = c.req.valid("param");
    const client = oauthClient(c.env, provider);
    if (!client) throw notFound("Sign-in provider");
    const { SESSION_SECRET } = getConfig(c.env);
    const flow = await beginFlow(client, callbackUrl(c.req.url, provider), SESSION_SECRET);
    setCookieLater(c, cookie(OAUTH_COOKIE, flow.cookieValue, c.req.url, OAUTH_FLOW_TTL_SECONDS));
    return c.redirect(flow.location, 302);
  })
  .openapi(finishOAuthRoute, async (c) => {
    const { provider } = c.req.valid("param");
    const query = c.req.valid("query");
    const client = oauthClient(c.env, provider);
    if (!client) throw notFound("Sign-in provider");
    // The flow cookie is single-use whatever happens next.
    setCookieLater(c, cookie(OAUTH_COOKIE, "", c.req.url, 0));
    const back = (error?: string) =>
      c.redirect(error ? `/?auth_error=${encodeURIComponent(error)}` : "/", 302);
    if (query.error) return back("oauth_denied");
    const { SESSION_SECRET } = getConfig(c.env);
    const db = database(c.env.DB);
    try {
      const verifier = await checkCallback(
        client,
        readCookie(c.req.header("cookie"), OAUTH_COOKIE),
        query.state,
        SESSION_SECRET,
      );
      if (!query.code) return back("oauth_failed");
      const profile = await fetchProfile(client, query.code, verifier, callbackUrl(c.req.url, provider));
      const identity = c.get("identity");
      const guestId = identity.kind === "guest" ? identity.userId : null;
      const user = await accountForProfile(c.env, db, profile, guestId);
      if (guestId) await claimGuestConversations(db, guestId, user.id);
      await signInBrowser(c, user.id);
      return back();
    } catch (error) {
      if (isOAuthFailure(error)) return back(error.code);
      throw error;
    }
  });
