/**
 * The zero-feature baseline of `npm run bench`: a Worker that forwards every request to the fake
 * upstream and pipes the response (the provider's SSE stream) back unchanged. No session, no
 * storage, no parsing: whatever Parley adds over this is Parley's cost, not the runtime's.
 */
export interface BaselineEnv {
  /** The fake upstream's origin, e.g. `http://127.0.0.1:4000`. */
  UPSTREAM_ORIGIN: string;
}

export default {
  async fetch(request: Request, env: BaselineEnv): Promise<Response> {
    const url = new URL(request.url);
    const target = new URL(url.pathname + url.search, env.UPSTREAM_ORIGIN);
    const upstream = await fetch(target, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
  },
} satisfies ExportedHandler<BaselineEnv>;
