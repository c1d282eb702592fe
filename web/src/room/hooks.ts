/**
 * The React side of rooms: `useRoom` opens the room of the chat on screen and closes it when the
 * view goes away, `useRoomMessages` gives the list its rows and `useLiveMessage` a streaming
 * answer its text, and a spare room lets a room opened before the first render (or let go by a
 * remounting view) be taken over, not reopened.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { RoomClient, type RoomEvents } from "./client.ts";
import { initialRoomState, type RoomMessage } from "./state.ts";
import type { RoomView } from "./view-store.ts";

const idleView: RoomView = {
  state: initialRoomState(""),
  connection: "connecting",
  notFound: false,
  linkInactive: false,
  tooManyTabs: false,
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

/**
 * Opens a new chat's room in the key press that made it, so the first render of the chat (in the
 * same frame) already shows the prompt; the chat view adopts it when it mounts.
 */
export function openNewRoom(conversationId: string): void {
  keepSpare(new RoomClient(conversationId), undefined, 10_000);
}

/** The spare room, if it is this one: a view shows it from its first render, before adopting it. */
function peekSpareRoom(conversationId: string | null, share: string | undefined): RoomClient | null {
  const room = spare?.room;
  return room && room.conversationId === conversationId && spare?.share === share ? room : null;
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

  const current =
    client && client.conversationId === conversationId ? client : peekSpareRoom(conversationId, share);
  const view = useSyncExternalStore(current?.subscribe ?? noopSubscribe, current?.getShell ?? idleGetView);
  return [view, current];
}

/**
 * The room's messages for the list (`fallback` without a room): the same array while only the
 * text of a streaming answer grows, so the list renders when rows change, not for every token.
 * The streaming answer follows its own text with `useLiveMessage`.
 */
export function useRoomMessages(room: RoomClient | null, fallback: RoomMessage[]): RoomMessage[] {
  const view = useSyncExternalStore(room?.subscribe ?? noopSubscribe, room?.getShell ?? idleGetView);
  return room ? view.state.messages : fallback;
}

/** The newest copy of `message` in the room, streamed text included. */
function liveCopy(room: RoomClient, message: RoomMessage): RoomMessage {
  const messages = room.getView().state.messages;
  // The streaming answer is almost always the last message.
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.id === message.id) return messages[i]!;
  return message;
}

/**
 * A message as it is now: a streaming answer re-renders (its row only) with each text update; any
 * other message is the list's copy and subscribes to nothing.
 */
export function useLiveMessage(room: RoomClient | null, message: RoomMessage): RoomMessage {
  const live = room !== null && message.status === "streaming" ? room : null;
  const read = useCallback(() => (live ? liveCopy(live, message) : message), [live, message]);
  return useSyncExternalStore(live?.subscribe ?? noopSubscribe, read);
}
