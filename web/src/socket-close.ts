/**
 * Closing a Parley socket without noise in the console. A WebSocket closed while its handshake is
 * still under way makes the browser log an error ("closed before receiving a handshake
 * response"), although nothing went wrong: the page only moved on (another chat, a remount). Such
 * a socket is let finish its handshake, or fail it, and is closed then; it never reconnects.
 */
import type PartySocket from "partysocket";

/**
 * How long a handshake may take before the socket gives up and tries again. PartySocket's default
 * (4 s) is shorter than a cold start of the dev server or a woken Durable Object on a slow line,
 * and each give-up is logged by the browser as a failed connection.
 */
export const HANDSHAKE_TIMEOUT_MS = 15_000;

export function closeSocket(socket: PartySocket, code?: number, reason?: string): void {
  if (socket.readyState !== WebSocket.CONNECTING) {
    socket.close(code, reason);
    return;
  }
  const finish = () => {
    socket.removeEventListener("open", finish);
    socket.removeEventListener("close", finish);
    socket.close(code, reason);
  };
  socket.addEventListener("open", finish);
  socket.addEventListener("close", finish);
}
