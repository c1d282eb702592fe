/**
 * `Cache-Control` for every worker answer, errors included, decided here by path so no route can
 * forget it. Nearly everything the API says is somebody's own (their chats, keys, usage, files,
 * what a share link shows its holder, the models their keys unlock) and must not be kept by any
 * cache, shared or the browser's: `private, no-store`. The admin API (people's emails, usage, the
 * audit log) is `no-store`. Only what is the same for everyone may be kept: the OpenAPI document
 * (`no-cache`: stored, but checked each time); `/healthz` must be fresh, so it is `no-store`.
 * worker/http/security-headers.ts applies it, replacing a route's own value but keeping
 * `no-transform` (event streams).
 */
export function cachePolicy(path: string): string {
  if (path === "/api/v1/admin" || path.startsWith("/api/v1/admin/")) return "no-store";
  if (path === "/api/v1/openapi.json") return "no-cache";
  if (path === "/healthz") return "no-store";
  return "private, no-store";
}
