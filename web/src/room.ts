/**
 * One live conversation room: a PartySocket to `/parties/conversation/:id` feeding the pure
 * `roomReducer`, exposed to React as an external store (`useRoom`).
 *
 * PartySocket reconnects by itself (with backoff); every (re)connect carries `?resume=<id>&offset=<n>`
 * while a message streams, and `version=` once a snapshot gave us one, so the room sends only what
 * we missed: the rest of the text (`resumed`) when nothing else changed, else a snapshot.
 *
 * Someone holding a share link connects with `?share=<token>`; their room skips the HTTP history
 * and the local cache (the conversation is not theirs) and stops for good when the link is revoked
 * (close code 4403). A changed link mode (4409) reconnects at once to pick up the new role.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import PartySocket from "partysocket";
import type { AttachmentInfo, GenerationOptions } from "#protocol/messages";
import {
  CLOSE_CODES,
  encodeFrame,
  parseServerFrame,
  type ClientFrame,
  type ServerFrame,
} from "#protocol/frames";
import { ApiError, getConversation } from "./api.ts";
import { loadChat, peekChat, saveChat } from "./cache.ts";
import { noteRateLimited, noteRateLimitWindow } from "./rate-limit.ts";
import {
  canWrite,
  initialRoomState,
  reconnectQuery,
  roomReducer,
  streamingMessage,
  type RoomAction,
  type RoomMessage,
  type RoomState,
} from "./room-reducer.ts";
import { getShareInfo } from "./share-api.ts";
import { TypingSignal } from "./typing.ts";

export type ConnectionState = "connecting" | "connected" | "reconnecting";

export interface RoomView {
  state: RoomState;
  connection: ConnectionState;
  /** The conversation does not exist or belongs to someone else. */
  notFound: boolean;
  /** The share link this room was opened with was revoked or rotated (or access was lost). */
  linkInactive: boolean;
}

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
 * While only the text of a streaming answer changes, the message list re-renders at most this
 * often (other changes render on the next frame). Every delta is applied at once; this only
 * spaces out the repaints of a fast stream (a render of a long answer costs a few milliseconds).
 */
const STREAM_RENDER_MS = 50;

/** The view without the streamed text: the same object for as long as only that text changes. */
function sameExceptStreamedText(before: RoomView, after: RoomView): boolean {
  if (
    before.connection !== after.connection ||
    before.notFound !== after.notFound ||
    before.linkInactive !== after.linkInactive
  )
    return false;
  const a = before.state;
  const b = after.state;
  if (
    a.conversationId !== b.conversationId ||
    a.title !== b.title ||
    a.viewers !== b.viewers ||
    a.self !== b.self ||
    a.people !== b.people ||
    a.beforeEdit !== b.beforeEdit ||
    a.synced !== b.synced ||
    a.error !== b.error ||
    a.deleted !== b.deleted ||
    a.messages.length !== b.messages.length
  )
    return false;
  for (let i = 0; i < a.messages.length; i++) {
    const x = a.messages[i]!;
    const y = b.messages[i]!;
    if (x === y) continue;
    if (x.status !== "streaming" || y.status !== "streaming") return false;
    for (const key of Object.keys(y) as Array<keyof RoomMessage>) {
      if (key !== "content" && key !== "reasoning" && x[key] !== y[key]) return false;
    }
    if (Object.keys(x).length !== Object.keys(y).length) return false;
  }
  return true;
}

/** What goes with a prompt besides its text: uploaded files and generation options. */
export interface SendExtras {
  attachments?: AttachmentInfo[];
  options?: GenerationOptions;
}

/** A first message typed on `/`, sent as soon as the new conversation's room exists. */
const firstMessages = new Map<string, { content: string; model: string; extras: SendExtras }>();

export function queueFirstMessage(
  conversationId: string,
  content: string,
  model: string,
  extras: SendExtras = {},
): void {
  firstMessages.set(conversationId, { content, model, extras });
}

function newClientId(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class RoomClient {
  readonly conversationId: string;
  private view: RoomView;
  /** `view` as of the last change that was more than streamed text (see `getShell`). */
  private shell: RoomView;
  private readonly socket: PartySocket;
  private readonly listeners = new Set<() => void>();
  private notifyPending = false;
  /** The pending notification is for streamed text only (it may wait for STREAM_RENDER_MS). */
  private textOnly = true;
  private lastNotify = 0;
  private events: RoomEvents;
  private closed = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly share: string | undefined;
  private readonly typing = new TypingSignal((active) => this.sendFrame({ type: "typing", active }));
  private lastLinkCheck = 0;

  constructor(conversationId: string, events: RoomEvents = {}, options: RoomOptions = {}) {
    this.conversationId = conversationId;
    this.events = events;
    this.share = options.share;
    // A chat seen before in this tab renders at once from memory; the snapshot then replaces it.
    const cached = this.share ? undefined : peekChat(conversationId);
    const initial = initialRoomState(conversationId);
    this.view = {
      state: cached ? { ...initial, title: cached.title, messages: cached.messages } : initial,
      connection: "connecting",
      notFound: false,
      linkInactive: false,
    };
    this.shell = this.view;
    const share = this.share;
    this.socket = new PartySocket({
      host: location.host,
      protocol: location.protocol === "https:" ? "wss" : "ws",
      prefix: "parties",
      party: "conversation",
      room: conversationId,
      query: () => ({ ...reconnectQuery(this.view.state), ...(share ? { share } : {}) }),
      maxReconnectionDelay: 5_000,
      // Revoked or deleted: never again. A changed mode: reconnect at once (see onClose).
      shouldReconnectOnClose: (event) =>
        event.code !== CLOSE_CODES.accessRevoked &&
        event.code !== CLOSE_CODES.deleted &&
        event.code !== CLOSE_CODES.accessChanged,
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
        this.send(first.content, first.model, first.extras);
      }
      if (this.share) return;
      if (!cached) void this.loadCached();
      void this.loadHistory();
    });
  }

  getView = (): RoomView => this.view;

  /** Who hears about activity from now on (a room opened before React took it over). */
  setEvents(events: RoomEvents): void {
    this.events = events;
  }

  /**
   * The view for everything but the message list: unchanged (the same object) while only the text
   * of a streaming answer grows, so the header and the composer do not re-render for each delta.
   * Its messages may hold an older copy of the streaming text; the list reads `getView`.
   */
  getShell = (): RoomView => this.shell;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Sends a prompt; the optimistic bubble appears at once and is matched back by `clientId`. */
  send(content: string, model: string, extras: SendExtras = {}): void {
    const clientId = newClientId();
    const attachments = extras.attachments?.length ? extras.attachments : undefined;
    this.typing.stop();
    this.dispatch({ type: "optimistic-send", clientId, content, model, now: Date.now(), attachments });
    this.sendFrame({
      type: "send",
      content,
      model,
      clientId,
      ...(attachments ? { attachments: attachments.map((a) => a.id) } : {}),
      ...(extras.options ? { options: extras.options } : {}),
    });
  }

  /** A new answer to the same prompt (another branch), with the same model unless one is given. */
  regenerate(messageId: string, model?: string, options?: GenerationOptions): void {
    this.sendFrame({
      type: "regenerate",
      messageId,
      ...(model ? { model } : {}),
      ...(options ? { options } : {}),
    });
  }

  /**
   * Replaces a prompt with new text and answers it; the old prompt stays as a branch, and the new
   * one keeps its files (the room copies them).
   */
  edit(messageId: string, content: string, model: string, options?: GenerationOptions): void {
    const clientId = newClientId();
    this.typing.stop();
    this.dispatch({ type: "optimistic-edit", messageId, clientId, content, model, now: Date.now() });
    this.sendFrame({ type: "edit", messageId, content, model, clientId, ...(options ? { options } : {}) });
  }

  /** Carries on writing a stopped or interrupted answer (the last one). */
  continueAnswer(messageId: string): void {
    this.sendFrame({ type: "continue", messageId });
  }

  deleteMessage(messageId: string): void {
    this.sendFrame({ type: "delete_message", messageId });
  }

  /** Shows the branch through `messageId`, for everyone in the room. */
  switchBranch(messageId: string): void {
    this.sendFrame({ type: "switch_branch", messageId });
  }

  /** The composer's draft changed: tells the others (throttled) that we are typing. */
  draftChanged(hasText: boolean): void {
    if (canWrite(this.view.state.self?.role)) this.typing.input(hasText);
  }

  /** The composer lost focus (or the draft went away): we are no longer typing. */
  typingStopped(): void {
    this.typing.stop();
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
    this.typing.stop();
    clearTimeout(this.typingTimer);
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
    if (this.share || notFound || state.deleted || state.messages.length === 0) return;
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
    const textOnly = sameExceptStreamedText(this.shell, view);
    if (!textOnly) this.shell = view;
    this.view = view;
    this.scheduleNotify(textOnly);
  }

  /**
   * Tells React at most once per animation frame: a burst of frames (tokens queued up while the
   * tab was busy) becomes one render instead of one each, so a slow device catches up instead of
   * falling further behind. While only streamed text changed, at most every STREAM_RENDER_MS. The
   * timer covers tabs in the background, where frames do not run.
   */
  private scheduleNotify(textOnly: boolean): void {
    if (this.notifyPending) {
      if (!textOnly && this.textOnly) {
        // Something besides text changed: render on the next frame after all.
        this.textOnly = false;
        this.armNotify(0);
      }
      return;
    }
    this.notifyPending = true;
    this.textOnly = textOnly;
    const wait = textOnly ? Math.max(0, this.lastNotify + STREAM_RENDER_MS - performance.now()) : 0;
    this.armNotify(wait);
  }

  private notifyGeneration = 0;

  private armNotify(wait: number): void {
    const generation = ++this.notifyGeneration;
    const flush = () => {
      if (!this.notifyPending || generation !== this.notifyGeneration) return;
      this.notifyPending = false;
      this.lastNotify = performance.now();
      for (const listener of this.listeners) listener();
    };
    const onFrame = () => {
      if (typeof requestAnimationFrame === "function") requestAnimationFrame(flush);
      setTimeout(flush, 100);
    };
    if (wait > 4) setTimeout(onFrame, wait - 4);
    else onFrame();
  }

  private onOpen = (): void => {
    this.setView({ ...this.view, connection: "connected" });
  };

  private onClose = (event: CloseEvent): void => {
    if (this.closed || this.view.notFound || this.view.linkInactive || this.view.state.deleted) return;
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
    this.dispatch({ type: "disconnected" });
    this.setView({ ...this.view, connection: "reconnecting" });
    // The link's mode changed: come back right away; the next snapshot brings the new role.
    if (event.code === CLOSE_CODES.accessChanged) this.socket.reconnect();
    else if (this.share) void this.checkLink();
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
    // The room says it is about to close this socket for a share change; act now rather than
    // when the close arrives (proxies can deliver it seconds late).
    if (frame.type === "error" && (frame.code === "access_revoked" || frame.code === "access_changed")) {
      const code = frame.code === "access_revoked" ? CLOSE_CODES.accessRevoked : CLOSE_CODES.accessChanged;
      this.onClose(Object.assign(new Event("close"), { code }) as CloseEvent);
      return;
    }
    this.dispatch({ type: "frame", frame });
    if (frame.type === "presence" || frame.type === "snapshot") this.watchTyping();
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
  linkInactive: false,
};
const noopSubscribe = () => () => {};
const idleGetView = () => idleView;

/**
 * A room not owned by any view: opened before the app rendered (`openRoomEarly`), or just let go
 * by one (a view that remounts at once, as React's StrictMode does, takes it back instead of
 * opening a second connection). Closed when nobody takes it in time.
 */
let spare: { room: RoomClient; share: string | undefined; timer: ReturnType<typeof setTimeout> } | null =
  null;

function keepSpare(room: RoomClient, share: string | undefined, ms: number): void {
  if (spare) {
    clearTimeout(spare.timer);
    spare.room.close();
  }
  const timer = setTimeout(() => {
    if (spare?.room === room) spare = null;
    room.close();
  }, ms);
  spare = { room, share, timer };
}

/**
 * Opens the room of the chat in the address bar while the app is still starting (its socket, HTTP
 * history and cache read then overlap the first render); the chat view adopts it when it mounts.
 */
export function openRoomEarly(conversationId: string): void {
  if (!spare) keepSpare(new RoomClient(conversationId), undefined, 10_000);
}

function takeSpareRoom(conversationId: string, share: string | undefined): RoomClient | null {
  const taken = spare;
  if (!taken) return null;
  spare = null;
  clearTimeout(taken.timer);
  if (taken.room.conversationId === conversationId && taken.share === share) return taken.room;
  taken.room.close();
  return null;
}

/** The room of `conversationId` (or an idle placeholder for `null`), live while mounted. */
export function useRoom(
  conversationId: string | null,
  events: RoomEvents = {},
  share?: string,
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
    const events: RoomEvents = { onActivity: (frame) => onActivityRef.current?.(frame) };
    const adopted = takeSpareRoom(conversationId, share);
    adopted?.setEvents(events);
    const room = adopted ?? new RoomClient(conversationId, events, share ? { share } : {});
    setClient(room);
    // Closed on the next task unless a view of the same room takes it back first.
    return () => keepSpare(room, share, 0);
  }, [conversationId, share]);

  const current = client && client.conversationId === conversationId ? client : null;
  const view = useSyncExternalStore(current?.subscribe ?? noopSubscribe, current?.getShell ?? idleGetView);
  return [view, current];
}

/** The room's messages as they are now, streamed text included (`fallback` without a room). */
export function useRoomMessages(room: RoomClient | null, fallback: RoomMessage[]): RoomMessage[] {
  const view = useSyncExternalStore(room?.subscribe ?? noopSubscribe, room?.getView ?? idleGetView);
  return room ? view.state.messages : fallback;
}
