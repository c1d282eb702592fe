/**
 * One live conversation room: a PartySocket to `/parties/conversation/:id` feeding the pure
 * `roomReducer`, exposed to React as an external store (`useRoom`).
 *
 * PartySocket reconnects by itself (with backoff); every (re)connect carries `?resume=<id>&offset=<n>`
 * while a message streams, so the server's snapshot only has to send what we missed.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import PartySocket from "partysocket";
import {
  encodeFrame,
  parseServerFrame,
  type ClientFrame,
  type ServerFrame,
} from "../../worker/protocol/index.ts";
import { ApiError, getConversation } from "./api.ts";
import { loadChat, peekChat, saveChat } from "./cache.ts";
import { noteRateLimited, noteRateLimitWindow } from "./rate-limit.ts";
import {
  initialRoomState,
  resumeQuery,
  roomReducer,
  streamingMessage,
  type RoomAction,
  type RoomState,
} from "./room-reducer.ts";

export type ConnectionState = "connecting" | "connected" | "reconnecting";

export interface RoomView {
  state: RoomState;
  connection: ConnectionState;
  /** The conversation does not exist or belongs to someone else. */
  notFound: boolean;
}

export interface RoomEvents {
  /** A frame that may change the sidebar (a new message, a finished answer, a new title, deletion). */
  onActivity?: (frame: ServerFrame) => void;
}

/** A first message typed on `/`, sent as soon as the new conversation's room exists. */
const firstMessages = new Map<string, { content: string; model: string }>();

export function queueFirstMessage(conversationId: string, content: string, model: string): void {
  firstMessages.set(conversationId, { content, model });
}

function newClientId(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class RoomClient {
  readonly conversationId: string;
  private view: RoomView;
  private readonly socket: PartySocket;
  private readonly listeners = new Set<() => void>();
  private readonly events: RoomEvents;
  private closed = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(conversationId: string, events: RoomEvents = {}) {
    this.conversationId = conversationId;
    this.events = events;
    // A chat seen before in this tab renders at once from memory; the snapshot then replaces it.
    const cached = peekChat(conversationId);
    const initial = initialRoomState(conversationId);
    this.view = {
      state: cached ? { ...initial, title: cached.title, messages: cached.messages } : initial,
      connection: "connecting",
      notFound: false,
    };
    this.socket = new PartySocket({
      host: location.host,
      protocol: location.protocol === "https:" ? "wss" : "ws",
      prefix: "parties",
      party: "conversation",
      room: conversationId,
      query: () => resumeQuery(this.view.state),
      maxReconnectionDelay: 5_000,
    });
    this.socket.addEventListener("open", this.onOpen);
    this.socket.addEventListener("close", this.onClose);
    this.socket.addEventListener("message", this.onMessage);

    // After a microtask, so a client that React mounts and unmounts at once (StrictMode) does not
    // swallow the first message.
    queueMicrotask(() => {
      if (this.closed) return;
      const first = firstMessages.get(conversationId);
      if (first) {
        firstMessages.delete(conversationId);
        this.send(first.content, first.model);
      }
      if (!cached) void this.loadCached();
      void this.loadHistory();
    });
  }

  getView = (): RoomView => this.view;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Sends a prompt; the optimistic bubble appears at once and is matched back by `clientId`. */
  send(content: string, model: string): void {
    const clientId = newClientId();
    this.dispatch({ type: "optimistic-send", clientId, content, model, now: Date.now() });
    this.sendFrame({ type: "send", content, model, clientId });
  }

  /** Stops the generation in flight (anyone in the room may press Stop). */
  stop(): void {
    const live = streamingMessage(this.view.state);
    this.sendFrame(live ? { type: "stop", messageId: live.id } : { type: "stop" });
  }

  dismissError(): void {
    this.dispatch({ type: "dismiss-error" });
  }

  close(): void {
    if (this.saveTimer !== undefined) {
      clearTimeout(this.saveTimer);
      this.save();
    }
    this.closed = true;
    this.socket.removeEventListener("open", this.onOpen);
    this.socket.removeEventListener("close", this.onClose);
    this.socket.removeEventListener("message", this.onMessage);
    this.socket.close();
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
    if (notFound || state.deleted || state.messages.length === 0) return;
    void saveChat(
      this.conversationId,
      state.title,
      state.messages.filter((m) => !m.pending && !m.failed),
    );
  }

  private async loadHistory(): Promise<void> {
    try {
      const { conversation, messages } = await getConversation(this.conversationId);
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

  private sendFrame(frame: ClientFrame): void {
    // PartySocket queues frames while (re)connecting and flushes them on open.
    this.socket.send(encodeFrame(frame));
  }

  private dispatch(action: RoomAction): void {
    const { state, out, warnings } = roomReducer(this.view.state, action);
    for (const warning of warnings) console.warn(`parley: ${warning}`);
    if (state !== this.view.state) this.setView({ ...this.view, state });
    for (const frame of out) this.sendFrame(frame);
  }

  private setView(view: RoomView): void {
    if (view.state !== this.view.state && this.saveTimer === undefined && !this.closed) {
      this.saveTimer = setTimeout(() => this.save(), 1_000);
    }
    this.view = view;
    for (const listener of this.listeners) listener();
  }

  private onOpen = (): void => {
    this.setView({ ...this.view, connection: "connected" });
  };

  private onClose = (): void => {
    if (this.closed || this.view.notFound || this.view.state.deleted) return;
    this.dispatch({ type: "disconnected" });
    this.setView({ ...this.view, connection: "reconnecting" });
  };

  private onMessage = (event: MessageEvent): void => {
    if (typeof event.data !== "string") return;
    const frame = parseServerFrame(event.data);
    if (!frame) {
      console.warn("parley: ignored an invalid frame", event.data.slice(0, 200));
      return;
    }
    this.dispatch({ type: "frame", frame });
    if (frame.type === "rate_limit") noteRateLimitWindow(frame.remaining, frame.resetAt);
    if (frame.type === "error" && (frame.code === "rate_limited" || frame.code === "quota_exhausted")) {
      noteRateLimited(frame.message, frame.retryAfterMs ? Date.now() + frame.retryAfterMs : null);
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

const idleView: RoomView = {
  state: initialRoomState(""),
  connection: "connecting",
  notFound: false,
};
const noopSubscribe = () => () => {};
const idleGetView = () => idleView;

/** The room of `conversationId` (or an idle placeholder for `null`), live while mounted. */
export function useRoom(
  conversationId: string | null,
  events: RoomEvents = {},
): [RoomView, RoomClient | null] {
  const [client, setClient] = useState<RoomClient | null>(null);
  const onActivityRef = useRef(events.onActivity);
  useEffect(() => {
    onActivityRef.current = events.onActivity;
  });

  useEffect(() => {
    if (!conversationId) {
      setClient(null);
      return;
    }
    const room = new RoomClient(conversationId, { onActivity: (frame) => onActivityRef.current?.(frame) });
    setClient(room);
    return () => room.close();
  }, [conversationId]);

  const current = client && client.conversationId === conversationId ? client : null;
  const view = useSyncExternalStore(current?.subscribe ?? noopSubscribe, current?.getView ?? idleGetView);
  return [view, current];
}
