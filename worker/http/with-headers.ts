/**
 * A copy of `response` with headers changed by `edit`. Responses relayed from a Durable Object
 * have immutable headers, so adding one means rebuilding the response; a WebSocket handshake
 * keeps its socket (browsers store cookies from it too, RFC 6455 §4.1).
 */
export function withHeaders(response: Response, edit: (headers: Headers) => void): Response {
  const headers = new Headers(response.headers);
  edit(headers);
  const { status, statusText, webSocket } = response;
  return webSocket
    ? new Response(null, { status, statusText, headers, webSocket })
    : new Response(response.body, { status, statusText, headers });
}
