import { useEffect, useState } from "react";
import { oauthProvidersSchema, type OAuthProvider as Provider } from "#protocol/http";
import { request } from "../api/client.ts";

const LABELS: Record<Provider, string> = { github: "Continue with GitHub", google: "Continue with Google" };

/**
 * "Continue with GitHub / Google", shown only for the providers the operator configured. Each is
 * a plain link: the sign-in is a top-level navigation to the provider and back.
 */
export function OAuthButtons() {
  const [providers, setProviders] = useState<Provider[]>([]);
  useEffect(() => {
    let live = true;
    request("/api/v1/auth/oauth", oauthProvidersSchema)
      .then((body) => live && setProviders(body.providers))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  if (providers.length === 0) return null;
  return (
    <div className="mt-5 space-y-2">
      {providers.map((provider) => (
        <a
          key={provider}
          href={`/api/v1/auth/oauth/${provider}`}
          className="flex h-10 w-full items-center justify-center rounded-xl border border-line bg-surface text-sm font-medium text-ink transition-colors hover:bg-subtle focus-visible:outline-2 focus-visible:outline-accent"
        >
          {LABELS[provider]}
        </a>
      ))}
      <div className="flex items-center gap-3 pt-1 text-xs text-muted" aria-hidden>
        <span className="h-px flex-1 bg-line" />
        or with email
        <span className="h-px flex-1 bg-line" />
      </div>
    </div>
  );
}
