/**
 * The room socket web/public/room-early.js opened while the page loaded, handed to the room
 * client's PartySocket in place of a new one. PartySocket attaches its listeners right after it
 * constructs a socket, so what the early socket heard meanwhile (its `open`, the room's snapshot)
 * is replayed to them on the next microtask, in order, before any later network event.
 */
interface EarlyRoom {
  room: string;
  socket: WebSocket;
  events: Event[];
  stop: () => void;
}

declare global {
  interface Window {
    __parleyEarlyRoom?: EarlyRoom;
  }
}

/** The early socket for `url`, if there is one and it is still usable; each is given out once. */
function takeEarly(url: string): EarlyRoom | null {
  const early = typeof window === "undefined" ? undefined : window.__parleyEarlyRoom;
  if (!early) return null;
  window.__parleyEarlyRoom = undefined;
  const wanted = new URL(url);
  // A share link makes another person of the socket. What a reload quotes from its cached copy
  // (`resume`, `offset`, `version`) only spares the room a snapshot, and the early socket gets one.
  const sameRoom =
    wanted.pathname === `/parties/conversation/${encodeURIComponent(early.room)}` &&
    !wanted.searchParams.has("share");
  const open = early.socket.readyState === WebSocket.OPEN || early.socket.readyState === WebSocket.CONNECTING;
  if (sameRoom && open) return early;
  early.stop();
  if (open) early.socket.close(1000);
  return null;
}

function clone(event: Event): Event {
  if (event instanceof MessageEvent) return new MessageEvent("message", { data: event.data });
  if (event instanceof CloseEvent)
    return new CloseEvent("close", { code: event.code, reason: event.reason, wasClean: event.wasClean });
  return new Event(event.type);
}

/** A WebSocket constructor for PartySocket: the early socket when it fits, else a new one. */
export const AdoptingWebSocket = function (url: string | URL, protocols?: string | string[]): WebSocket {
  const early = takeEarly(String(url));
  if (!early) return new WebSocket(url, protocols);
  early.stop();
  const { socket } = early;
  const events = early.events.slice();
  queueMicrotask(() => {
    for (const event of events) socket.dispatchEvent(clone(event));
  });
  return socket;
} as unknown as typeof WebSocket;
