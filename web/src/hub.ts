/**
 * The person's hub: one PartySocket per tab to `/parties/hub` (their UserHub, docs/protocol.md),
 * which tells this tab about every change to their chat list made anywhere (another tab, the
 * phone, a room that just answered), so the sidebar stays current without polling.
 *
 * On every (re)connect the hub says `hello` and the tab refetches the list: whatever happened
 * while it was offline is picked up then. A hub that turns this socket away because the person
 * has too many open (close code 4429) is not asked again: the tab says so instead. Nor is one that
 * closed because the person was banned (`banned`, 4423): the app shows the suspended screen.
 */
import PartySocket from "partysocket";
import { CLOSE_CODES } from "#protocol/close-codes";
import { closeSocket, HANDSHAKE_TIMEOUT_MS } from "./socket-close.ts";
import { whenIdentified } from "./api/client.ts";
import { loadSchemas, parseHubFrame } from "./lazy-schemas.ts";
import { currentIdentityVersion, sessionEnded } from "./session.ts";
import { markSuspended } from "./suspended.ts";
import type { ConversationSummary } from "#protocol/http";

export interface HubEvents {
  /** (Re)connected: fetch the whole list again. */
  onHello: () => void;
  /** Created, renamed, pinned, restored or given a new message: upsert it. */
  onConversation: (conversation: ConversationSummary) => void;
  onDeleted: (id: string) => void;
  /** The person's plan changed (bought, cancelled, granted, a payment failed): refetch it. */
  onPlan?: () => void;
  /** Turned away for good: too many sockets to the hub are open (other tabs, other devices). */
  onTooManyTabs: () => void;
}

/** Opens the hub socket; the returned function closes it for good. */
export function connectHub(events: HubEvents): () => void {
  let closed = false;
  const socket = new PartySocket({
    host: location.host,
    protocol: location.protocol === "https:" ? "wss" : "ws",
    basePath: "parties/hub",
    maxReconnectionDelay: 10_000,
    connectionTimeout: HANDSHAKE_TIMEOUT_MS,
    // Opened after a microtask, so a hook that mounts and unmounts at once (StrictMode) opens none.
    startClosed: true,
    // Too many tabs, or a session that ended (not come back to with the same cookie: see below).
    shouldReconnectOnClose: (event) =>
      !closed &&
      event.code !== CLOSE_CODES.tooManySockets &&
      event.code !== CLOSE_CODES.signedOut &&
      event.code !== CLOSE_CODES.banned,
  });
  let ending = false;
  const openedFor = currentIdentityVersion();
  // Signed out elsewhere, or this browser became an account: ask who it is now, then reconnect
  // as that person, unless it is another person now: the app remounts for them and opens their
  // hub. The frame comes first; the close itself can arrive late through some proxies.
  const sessionOver = () => {
    if (ending) return;
    ending = true;
    void sessionEnded().then(() => {
      ending = false;
      if (!closed && currentIdentityVersion() === openedFor) socket.reconnect();
    });
  };
  // Banned: this socket is done for good (the frame may come before the close).
  const banned = () => {
    socket.close(1000, "banned");
    markSuspended();
  };
  socket.addEventListener("message", (event: MessageEvent) => {
    const frame = typeof event.data === "string" ? parseHubFrame(event.data) : null;
    if (!frame) return;
    if (frame.type === "signed_out") return sessionOver();
    if (frame.type === "banned") return banned();
    if (frame.type === "hello") events.onHello();
    else if (frame.type === "conversation") events.onConversation(frame.conversation);
    else if (frame.type === "conversation_deleted") events.onDeleted(frame.id);
    else if (frame.type === "plan") events.onPlan?.();
  });
  socket.addEventListener("close", (event: CloseEvent) => {
    if (event.code === CLOSE_CODES.tooManySockets && !closed) events.onTooManyTabs();
    if (event.code === CLOSE_CODES.signedOut) sessionOver();
    if (event.code === CLOSE_CODES.banned) banned();
  });
  // Not before this browser has its identity (a first visit's cookie comes with the first answer),
  // nor before the frames' schemas are in (lazy-schemas.ts).
  void Promise.all([whenIdentified(), loadSchemas()]).then(() => {
    if (!closed) socket.reconnect();
  });
  return () => {
    closed = true;
    closeSocket(socket, 1000, "tab closed the hub");
  };
}
