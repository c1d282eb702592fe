/**
 * A fake GitHub and Google OAuth provider for the sign-in tests. The authorization step is played
 * by the test itself (it reads `state` and `code_challenge` from the redirect); this module
 * answers the server-side legs: the code exchange and the profile reads. A code names the person:
 * `code=<email>` signs in as that email; an email starting with `unverified` is not verified.
 * Every token request is remembered by code so a test can check the PKCE verifier and secret.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

const CLIENT_SECRETS = new Set(["github-secret-test", "google-secret-test"]);
const tokenRequests = new Map<string, Record<string, string>>();

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The email an access token was issued for, from `Authorization: Bearer tok:<email>`. */
function bearerEmail(req: IncomingMessage): string | null {
  const match = /^Bearer tok:(.+)$/.exec(req.headers.authorization ?? "");
  return match ? decodeURIComponent(match[1]!) : null;
}

/** Handles the request when it is an OAuth route; returns false otherwise. */
export async function handleOAuth(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  if (req.method === "POST" && (path === "/login/oauth/access_token" || path === "/token")) {
    const form = await readForm(req);
    tokenRequests.set(form.code ?? "", form);
    if (!CLIENT_SECRETS.has(form.client_secret ?? "") || !form.code || !form.code_verifier) {
      json(res, 401, { error: "invalid_client" });
      return true;
    }
    json(res, 200, { access_token: `tok:${encodeURIComponent(form.code)}`, token_type: "bearer" });
    return true;
  }
  if (req.method === "GET" && (path === "/user" || path === "/user/emails" || path === "/v1/userinfo")) {
    const email = bearerEmail(req);
    if (!email || (path !== "/v1/userinfo" && !req.headers["user-agent"])) {
      json(res, 401, { message: "Requires authentication" });
      return true;
    }
    const verified = !email.startsWith("unverified");
    const name = email.split("@")[0]!;
    if (path === "/user") json(res, 200, { login: name, name: `${name} (GitHub)` });
    else if (path === "/user/emails") json(res, 200, [{ email, primary: true, verified }]);
    else json(res, 200, { email, email_verified: verified, name: `${name} (Google)` });
    return true;
  }
  if (req.method === "GET" && path === "/__control/oauth-token-request") {
    json(res, 200, { request: tokenRequests.get(url.searchParams.get("code") ?? "") ?? null });
    return true;
  }
  return false;
}
