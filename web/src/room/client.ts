/**
 * One live conversation room: a PartySocket to `/parties/conversation/:id` feeding the pure
 * `roomReducer`, exposed to React as an external store (./view-store.ts, `useRoom` in
 * ./hooks.ts); what the user can do in it is in ./commands.ts.
 *
 * PartySocket reconnects by itself (with backoff); every (re)connect carries `?resume=<id>&offset=<n>`
 * while a message streams, and `version=` once a snapshot gave us one, so the room sends only what
 * we missed: the rest of the text (`resumed`) when nothing else changed, else a snapshot.
 *
 * Someone holding a share link connects with `?share=<token>`; their room skips the HTTP fallback
 * and the local cache (the conversation is not theirs), reads the older messages of a long chat
 * through the link like the owner's room does, and stops for good when the link is revoked
 * (close code 4403). A changed link mode (4409) reconnects at once to pick up the new role.
 * A socket over the room's cap of open sockets per person (4429) stops too, and says why.
 */
import PartySocket from "partysocket";
import type { ClientFrame, ServerFrame } from "#protocol/frames";
import { CLOSE_CODES } from "#protocol/close-codes";
import { encodeFrame } from "#protocol/frame-codec";
import type { ConversationSummary } from "#protocol/http";
import { ApiError, describeError, whenIdentified } from "../api/client.ts";
import { getConversation } from "../api/chat.ts";
import { loadChat, peekChat, saveChat } from "../cache.ts";
import { loadSchemas, parseServerFrame } from "../lazy-schemas.ts";
import { limitKindOf, noteRateLimited, noteRateLimitWindow } from "../rate-limit.ts";
import { CLOSING_ERRORS, reconnectsByItself } from "./closes.ts";
import { AdoptingWebSocket } from "./early-socket.ts";
import { closeSocket, HANDSHAKE_TIMEOUT_MS } from "../socket-close.ts";
import { RoomCommands } from "./commands.ts";
import { creationUnderway, requestCreation, takeFirstMessage } from "./new-chat.ts";
import { roomReducer } from "./reducer.ts";
import { reconnectQuery } from "./resume.ts";
import { initialRoomState, type RoomAction } from "./state.ts";
import { sameExceptStreamedText, type RoomView } from "./view-store.ts";
import { sessionEnded } from "../session.ts";
import { isSuspended, markSuspended } from "../suspended.ts";
import { getShareInfo } from "../api/share.ts";
import { TypingSignal } from "../typing.ts";

export interface RoomEvents {
  /** A frame that may change the sidebar (a new message, a finished answer, a new title, deletion). */
  onActivity?: (frame: ServerFrame) => void;
}

export interface RoomOptions {
  /** Open the room through this share link (someone else's conversation). */
  share?: string;
}

/** How long a typing flag lasts without a refresh from the server (it clears them itself at ~6 s). */
const TYPING_EXPIRY_MS = 7_000;
/** After an unexpected close, how often a shared room asks whether its link still works. */
const LINK_CHECK_MS = 10_000;
/**
 * The room's snapshot brings the history; the API is asked only when the room has not answered by
 * then (a socket that cannot connect), so opening a chat makes one request, and a chat that is
 * gone is told by the room's quiet close instead of a 404 in the console.
 */
const HISTORY_FALLBACK_MS = 1_500;

export class RoomClient extends RoomCommands {
  readonly conversationId: string;
  private readonly socket: PartySocket;
  private events: RoomEvents;
  private closed = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private historyTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly share: string | undefined;
  protected readonly typing = new TypingSignal((active) => this.sendFrame({ type: "typing", active }));
  private lastLinkCheck = 0;

  constructor(conversationId: string, events: RoomEvents = {}, options: RoomOptions = {}) {
    // A chat seen before in this tab renders at once from memory; the snapshot then replaces it.
    const cached = options.share ? undefined : peekChat(conversationId);
    const initial = initialRoomState(conversationId);
    super({
      state: cached ? { ...initial, title: cached.title, messages: cached.messages } : initial,
      connection: "connecting",
      notFound: false,
      linkInactive: false,
      tooManyTabs: false,
    });
    this.conversationId = conversationId;
    this.events = events;
    this.share = options.share;
    const share = this.share;
    this.socket = new PartySocket({
      host: location.host,
      protocol: location.protocol === "https:" ? "wss" : "ws",
      prefix: "parties",
      party: "conversation",
      room: conversationId,
      query: () => ({ ...reconnectQuery(this.view.state), ...(share ? { share } : {}) }),
      maxReconnectionDelay: 5_000,
      connectionTimeout: HANDSHAKE_TIMEOUT_MS,
      // The socket the page opened before the app started, when it is this room's.
      WebSocket: AdoptingWebSocket,
      shouldReconnectOnClose: (event) => !this.closed && reconnectsByItself(event),
      // Opened once this browser has its identity: a first visit's cookie comes with the first answer.
      startClosed: true,
    });
    const creation = creationUnderway(conversationId);
    if (creation) this.awaitCreation(creation.request, creation.model);
    else void this.openWhenIdentified();
    this.socket.addEventListener("open", this.onOpen);
    this.socket.addEventListener("close", this.onClose);
    this.socket.addEventListener("message", this.onMessage);

    // After a microtask, so a client that React mounts and unmounts at once (StrictMode) does not
    // swallow the first message.
    queueMicrotask(() => {
      if (this.closed) return;
      const first = takeFirstMessage(conversationId);
      if (first) this.send(first.content, first.model, first.extras);
      if (this.share) return;
      if (!cached) void this.loadCached();
      this.historyTimer = setTimeout(() => void this.loadHistory(), HISTORY_FALLBACK_MS);
    });
  }

  /** Frames written while this new chat's `POST` is out; the room does not exist before it. */
  private held: ClientFrame[] | null = null;
  /** The model of a new chat whose `POST` failed: the next prompt asks for it again. */
  private uncreated: string | null = null;

  private async openWhenIdentified(): Promise<void> {
    // …and once the frames' schemas are in (lazy-schemas.ts; they come as the app starts).
    await Promise.all([whenIdentified(), loadSchemas()]);
    if (!this.closed) this.socket.reconnect();
  }

  /**
   * Opens the room once the server has the conversation. Until then frames wait; if it is refused,
   * the waiting prompt is marked refused (it goes back into the composer) and the error shows.
   */
  private awaitCreation(request: Promise<ConversationSummary>, model: string): void {
    this.held = [];
    this.uncreated = null;
    request.then(
      () => {
        if (this.closed) return;
        const held = this.held ?? [];
        this.held = null;
        // PartySocket keeps them until it is open.
        for (const frame of held) this.socket.send(encodeFrame(frame));
        void this.openWhenIdentified();
      },
      (error: unknown) => {
        if (this.closed) return;
        this.held = null;
        this.uncreated = model;
        const code = error instanceof ApiError ? error.code : "network_error";
        const message = describeError(error, "Could not start the conversation.");
        this.dispatch({ type: "frame", frame: { type: "error", code, message, retryable: true } });
      },
    );
  }

  /** Who hears about activity from now on (a room opened before React took it over). */
  setEvents(events: RoomEvents): void {
    this.events = events;
  }

  close(): void {
    if (this.saveTimer !== undefined) {
      clearTimeout(this.saveTimer);
      this.save();
    }
    this.typing.stop();
    clearTimeout(this.typingTimer);
    clearTimeout(this.historyTimer);
    this.closed = true;
    this.socket.removeEventListener("open", this.onOpen);
    this.socket.removeEventListener("close", this.onClose);
    this.socket.removeEventListener("message", this.onMessage);
    closeSocket(this.socket);
    this.listeners.clear();
  }

  /** From IndexedDB after a reload: shown only if neither the room nor the API answered first. */
  private async loadCached(): Promise<void> {
    const cached = await loadChat(this.conversationId);
    const { state } = this.view;
    if (!cached || this.closed || state.synced || state.messages.length > 0) return;
    this.dispatch({ type: "history", title: cached.title ?? "", messages: cached.messages });
  }

  private save(): void {
    this.saveTimer = undefined;
    const { state, notFound } = this.view;
    if (this.share || notFound || state.deleted || state.messages.length === 0) return;
    void saveChat(
      this.conversationId,
      state.title,
      state.messages.filter((m) => !m.pending && !m.failed),
    );
  }

  /** `older`: the room answered, but its snapshot holds only the newest messages of a long chat. */
  private async loadHistory(older = false): Promise<void> {
    const { state, notFound, linkInactive, tooManyTabs } = this.view;
    // A chat still being created (or refused) has no history to ask for.
    if (this.held || this.uncreated !== null) return;
    if (this.closed || (state.synced && !older) || state.deleted || notFound || linkInactive || tooManyTabs)
      return;
    try {
      const { conversation, messages } = await getConversation(this.conversationId, this.share);
      if (!this.closed) this.dispatch({ type: "history", title: conversation.title, messages });
    } catch (error) {
      if (this.closed) return;
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
        this.socket.close();
        this.setView({ ...this.view, notFound: true });
      } else {
        console.warn("parley: could not load the conversation over HTTP", error);
      }
    }
  }

  protected sendFrame(frame: ClientFrame): void {
    // A new chat the server refused: a prompt asks for it again (same id, so it is safe to repeat).
    if (this.uncreated !== null && frame.type === "send") {
      this.awaitCreation(requestCreation(this.conversationId, this.uncreated), this.uncreated);
    }
    if (this.held) {
      if (frame.type !== "typing") this.held.push(frame);
      return;
    }
    if (this.uncreated !== null) return;
    // PartySocket queues frames while (re)connecting and flushes them on open.
    this.socket.send(encodeFrame(frame));
  }

  protected dispatch(action: RoomAction): void {
    const { state, out, warnings } = roomReducer(this.view.state, action);
    for (const warning of warnings) console.warn(`parley: ${warning}`);
    if (state !== this.view.state) this.setView({ ...this.view, state });
    for (const frame of out) this.sendFrame(frame);
  }

  private setView(view: RoomView): void {
    if (view.state !== this.view.state && this.saveTimer === undefined && !this.closed) {
      this.saveTimer = setTimeout(() => this.save(), 1_000);
    }
    const textOnly = sameExceptStreamedText(this.shell, view);
    if (!textOnly) this.shell = view;
    this.view = view;
    this.scheduleNotify(textOnly);
  }

  private onOpen = (): void => {
    this.setView({ ...this.view, connection: "connected" });
  };

  /** A session that ended is being looked into; the close that follows its frame is no news. */
  private sessionEnding = false;

  private onClose = (event: CloseEvent): void => {
    const { notFound, linkInactive, tooManyTabs, state } = this.view;
    if (this.closed || notFound || linkInactive || tooManyTabs || state.deleted) return;
    // Banned (now, or found out by another request): never again; the app shows why.
    if (event.code === CLOSE_CODES.banned || isSuspended()) {
      this.socket.close();
      markSuspended();
      return;
    }
    if (event.code === CLOSE_CODES.accessRevoked) {
      this.socket.close();
      this.setView({ ...this.view, linkInactive: true });
      return;
    }
    if (event.code === CLOSE_CODES.deleted) {
      this.socket.close();
      this.dispatch({ type: "frame", frame: { type: "deleted" } });
      return;
    }
    if (event.code === CLOSE_CODES.tooManySockets) {
      // Another try would only be turned away again: wait for the person to close some tabs.
      this.socket.close();
      this.setView({ ...this.view, tooManyTabs: true });
      return;
    }
    this.dispatch({ type: "disconnected" });
    this.setView({ ...this.view, connection: "reconnecting" });
    // The link's mode changed: come back right away; the next snapshot brings the new role.
    if (event.code === CLOSE_CODES.accessChanged) this.socket.reconnect();
    // The session ended: learn who this browser is now, then come back as that person (a chat
    // that was the account's then answers "not found").
    else if (event.code === CLOSE_CODES.signedOut && !this.sessionEnding) {
      this.sessionEnding = true;
      void sessionEnded().then(() => {
        this.sessionEnding = false;
        if (!this.closed) this.socket.reconnect();
      });
    } else if (this.share) void this.checkLink();
  };

  /**
   * A shared room that cannot connect may have lost its link while it was away (the upgrade is
   * then refused before any close code can say so): ask the API, at most every few seconds.
   */
  private async checkLink(): Promise<void> {
    const share = this.share;
    const now = Date.now();
    if (!share || now - this.lastLinkCheck < LINK_CHECK_MS) return;
    this.lastLinkCheck = now;
    try {
      const info = await getShareInfo(share);
      if (info.conversation.id === this.conversationId) return;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) return;
    }
    if (this.closed) return;
    this.socket.close();
    this.setView({ ...this.view, linkInactive: true });
  }

  /** Typing flags the server did not refresh (it may be asleep) go away on their own. */
  private watchTyping(): void {
    clearTimeout(this.typingTimer);
    if (!this.view.state.people.some((p) => p.typing)) return;
    this.typingTimer = setTimeout(() => this.dispatch({ type: "expire-typing" }), TYPING_EXPIRY_MS);
  }

  private onMessage = (event: MessageEvent): void => {
    if (typeof event.data !== "string") return;
    const frame = parseServerFrame(event.data);
    if (!frame) {
      console.warn("parley: ignored an invalid frame", event.data.slice(0, 200));
      return;
    }
    // The room says it is about to close this socket (a share change, an ended session); act now
    // rather than when the close arrives (proxies can deliver it seconds late).
    // A room this browser may not enter (deleted, someone else's): the socket is closed by the
    // server right after this frame.
    if (frame.type === "error" && frame.code === "not_found") {
      this.socket.close();
      this.setView({ ...this.view, notFound: true });
      return;
    }
    const code = frame.type === "error" ? CLOSING_ERRORS.get(frame.code) : undefined;
    if (code !== undefined) {
      this.onClose(Object.assign(new Event("close"), { code }) as CloseEvent);
      return;
    }
    this.dispatch({ type: "frame", frame });
    // The beginning of a chat longer than the snapshot comes over HTTP, after the newest rows show
    // (through the link for someone who opened it with one).
    if (frame.type === "snapshot" && this.view.state.messages[0]?.parentId) void this.loadHistory(true);
    if (frame.type === "presence" || frame.type === "snapshot") this.watchTyping();
    const kind = limitKindOf(this.lastModel);
    if (frame.type === "rate_limit") noteRateLimitWindow(frame.remaining, frame.resetAt, kind);
    if (frame.type === "error" && (frame.code === "rate_limited" || frame.code === "quota_exhausted")) {
      const resetAt = frame.retryAfterMs ? Date.now() + frame.retryAfterMs : null;
      noteRateLimited(frame.message, resetAt, frame.code, kind);
    }
    if (frame.type === "deleted") this.socket.close();
    if (
      frame.type === "message" ||
      frame.type === "done" ||
      frame.type === "snapshot" ||
      frame.type === "title" ||
      frame.type === "deleted"
    ) {
      this.events.onActivity?.(frame);
    }
  };
}
