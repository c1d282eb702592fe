/** Messages for the `?auth_error=` codes a failed GitHub/Google sign-in redirects back with. */
const AUTH_ERRORS: Record<string, string> = {
  oauth_denied: "Sign-in was cancelled.",
  oauth_failed: "Sign-in with that provider did not work. Try again.",
  oauth_state_mismatch: "That sign-in attempt expired. Try again.",
  oauth_unverified_email: "That account has no verified email address, which Parley needs to sign you in.",
};

/** Reads and clears `?auth_error=` left by a failed provider sign-in; returns what to tell the person. */
export function takeAuthError(): string | null {
  const url = new URL(location.href);
  const code = url.searchParams.get("auth_error");
  if (!code) return null;
  url.searchParams.delete("auth_error");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  return AUTH_ERRORS[code] ?? AUTH_ERRORS.oauth_failed!;
}
